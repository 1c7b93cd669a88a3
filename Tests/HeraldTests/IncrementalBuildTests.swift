import Foundation
import TestSupport
import Testing

/// The incremental build (the build cache, run stamps, feeds left alone when their inputs did
/// not change) must give exactly the bytes a cold build gives, after any sequence of changes
/// to the blog, made between runs or within the same second as one.
@Suite(.serialized) struct IncrementalBuildTests {
  static let configuration = """
    site:
      title: Property Blog
      url: https://openinfra.org
      blog_path: /blog/
      description: Changes, one after another
      language: en
      timezone: UTC
      author: Herald
    posts: posts
    output: public
    state: state
    hidden_posts: exclude
    feeds:
      url: https://openinfra.org/feeds/
      limit: 3
      archive: true
      archive_size: 2
    """

  /// A post as the random walk changes it.
  struct Draft {
    var title: String
    var day: Int
    var hour: Int
    var categories: [String]
    var hidden = false
    var body = "First words."

    var text: String {
      var text =
        "---\ntitle: \"\(title)\"\ndate: 2025-01-\(String(format: "%02d", day))T\(String(format: "%02d", hour)):00:00Z\n"
      if !categories.isEmpty {
        text += "category:\n" + categories.map { "  - label: \($0)\n" }.joined()
      }
      text += "hidePost: \(hidden)\n---\n\(body)\n"
      return text
    }
  }

  /// Every file below `folder`, relative path to bytes.
  func files(in folder: String) throws -> [String: Data] {
    var result: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: folder)
    while let name = enumerator?.nextObject() as? String {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isDirectory),
        !isDirectory.boolValue
      {
        result[name] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
      }
    }
    return result
  }

  // Both builds take `--allow-shrink`: early in a walk, hiding the one post that is due would
  // otherwise stop both at the guard against half-copied posts folders, which is not the
  // subject here.

  /// A cold build of the same posts at `now`: no build cache, no output, only the entry ids
  /// the blog has published (a record, not a cache).
  func coldBuild(of site: TestSite, now: String) throws -> [String: Data] {
    let cold = try TemporaryFolder()
    try cold.write("herald.yml", Self.configuration)
    try FileManager.default.copyItem(
      at: site.root.appendingPathComponent("posts"), to: cold.url.appendingPathComponent("posts"))
    let ids = site.path("state/entry-ids.json")
    if FileManager.default.fileExists(atPath: ids) {
      try FileManager.default.createDirectory(
        at: cold.url.appendingPathComponent("state"), withIntermediateDirectories: true)
      try FileManager.default.copyItem(atPath: ids, toPath: cold.path("state/entry-ids.json"))
    }
    let result = try Program.run(
      TestSite.executable, ["build", "--allow-shrink", "--config", "herald.yml", "--now", now], in: cold.url,
      environment: ["NO_COLOR": "1", "HERALD_CREDENTIALS": "", "HERALD_STATE_URL": ""])
    #expect(result.status == 0, "cold build: \(result.errors)")
    return try files(in: cold.path("public"))
  }

  @Test(arguments: [1, 2, 3, 4] as [UInt64])
  func incrementalBuildsEqualColdBuilds(seed: UInt64) throws {
    var random = SeededGenerator(seed: seed)
    let site = try TestSite()
    try site.folder.write("herald.yml", Self.configuration)
    let labels = ["Alpha", "Beta", "Gamma Rays"]
    var posts: [String: Draft] = [:]
    var next = 0
    func write(_ name: String) throws { try site.post(name, posts[name]!.text) }
    func add() throws {
      next += 1
      let name = "post-\(next).md"
      posts[name] = Draft(
        title: "Post \(next)", day: Int.random(in: 1...20, using: &random),
        hour: Int.random(in: 0...23, using: &random),
        categories: labels.filter { _ in Bool.random(using: &random) })
      try write(name)
    }
    for _ in 0..<6 { try add() }
    var hour = 0
    var history: [String] = []

    for step in 0..<24 {
      // One to three changes between runs, as cron finds them.
      for _ in 0..<Int.random(in: 1...3, using: &random) {
        let name = posts.keys.sorted().randomElement(using: &random)!
        let change = Int.random(in: 0..<10, using: &random)
        switch change {
        case 0, 1: try add()
        case 2: posts[name]!.body += " More words."
        case 3: posts[name]!.title += " (updated)"
        case 4: posts[name]!.day = Int.random(in: 1...20, using: &random)
        case 5: posts[name]!.hidden.toggle()
        case 6: posts[name]!.categories = labels.filter { _ in Bool.random(using: &random) }
        case 7 where posts.count > 6:
          posts[name] = nil
          try FileManager.default.removeItem(atPath: site.path("posts/" + name))
        case 8:
          // The same bytes again: only the file's times change.
          try write(name)
        default:
          // Time passes: posts dated later come due.
          hour += Int.random(in: 6...72, using: &random)
        }
        if [2, 3, 4, 5, 6, 8].contains(change) { try write(name) }
        history.append("\(step):\(change):\(name)")
      }
      let now = ISO8601DateFormatter().string(
        from: Date(timeIntervalSince1970: 1_735_689_600 + Double(hour) * 3600))
      let built = try site.herald("build", "--allow-shrink", "--now", now)
      #expect(built.status == 0, "step \(step): \(built.errors)")
      // Edited again within the same second as that run, same size: the next run must see it.
      if Bool.random(using: &random), let name = posts.keys.sorted().randomElement(using: &random) {
        posts[name]!.body =
          String(posts[name]!.body.dropLast()) + (posts[name]!.body.hasSuffix(".") ? "!" : ".")
        try write(name)
        history.append("\(step):same-second:\(name)")
        #expect(try site.herald("build", "--allow-shrink", "--now", now).status == 0)
      }
      let incremental = try files(in: site.path("public"))
      let cold = try coldBuild(of: site, now: now)
      #expect(incremental.keys.sorted() == cold.keys.sorted(), "seed \(seed) step \(step): \(history)")
      for (path, bytes) in cold.sorted(by: { $0.key < $1.key }) where incremental[path] != bytes {
        Issue.record("seed \(seed) step \(step): \(path) differs from a cold build after \(history)")
      }
    }
  }
}
