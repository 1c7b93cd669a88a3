import Feeds
import Foundation
import Glibc
import Logging
import Posts
import TestSupport
import Testing

@testable import HeraldCore

/// The incremental build (the build cache and its index of posts, run stamps, feeds left
/// alone when their inputs did not change) must give exactly the bytes a cold build gives,
/// after any sequence of changes to the blog, made between runs or within the same second as
/// one.
@Suite(.serialized) struct IncrementalBuildTests {
  /// The feeds the walk builds: with archives (the index gives every published post), or the
  /// newest posts only (the index finds each feed's).
  enum Walk: String, CustomTestStringConvertible {
    case archived
    case newest

    var testDescription: String { rawValue }

    var settings: String {
      switch self {
      case .archived: "  limit: 3\n  archive: true\n  archive_size: 2"
      case .newest: "  limit: 2"
      }
    }
  }

  static func configuration(_ feeds: Walk) -> String {
    """
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
    \(feeds.settings)
    """
  }

  /// A post as the random walk changes it.
  struct Draft {
    var title: String
    var day: Int
    var hour: Int
    var categories: [String]
    var hidden = false
    var body = "First words."
    /// `seo.url`: a few posts share one, so their ids are contested.
    var permalink: String?
    /// A pinned `id`.
    var pinnedID: String?
    var draft = false
    /// Front matter no reader accepts.
    var broken = false

    var text: String {
      guard !broken else { return "---\ntitle: [\(title)\n---\n\(body)\n" }
      var text =
        "---\ntitle: \"\(title)\"\ndate: 2025-01-\(String(format: "%02d", day))T\(String(format: "%02d", hour)):00:00Z\n"
      if !categories.isEmpty {
        text += "category:\n" + categories.map { "  - label: \($0)\n" }.joined()
      }
      if let permalink { text += "seo:\n  url: \(permalink)\n" }
      if let pinnedID { text += "id: \(pinnedID)\n" }
      if draft { text += "draft: true\n" }
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
  /// the blog has published (a record, not a cache). It is a `publish` (with no account on),
  /// which reads every post rather than asking the index, so the index is checked against it.
  func coldBuild(of site: TestSite, _ feeds: Walk, now: String, invalid: Bool) throws -> [String: Data] {
    let cold = try TemporaryFolder()
    try cold.write("herald.yml", Self.configuration(feeds))
    try FileManager.default.copyItem(
      at: site.root.appendingPathComponent("posts"), to: cold.url.appendingPathComponent("posts"))
    let ids = site.path("state/entry-ids.json")
    if FileManager.default.fileExists(atPath: ids) {
      try FileManager.default.createDirectory(
        at: cold.url.appendingPathComponent("state"), withIntermediateDirectories: true)
      try FileManager.default.copyItem(atPath: ids, toPath: cold.path("state/entry-ids.json"))
    }
    let result = try Program.run(
      TestSite.executable, ["publish", "--allow-shrink", "--config", "herald.yml", "--now", now],
      in: cold.url,
      environment: ["NO_COLOR": "1", "HERALD_CREDENTIALS": "", "HERALD_STATE_URL": ""])
    #expect(result.status == (invalid ? 1 : 0), "cold build: \(result.errors)")
    return try files(in: cold.path("public")).merging(
      [Self.entryIDs: try Data(contentsOf: URL(fileURLWithPath: cold.path("state/entry-ids.json")))]
    ) { $1 }
  }

  /// Where the walk's file maps carry the remembered entry ids.
  static let entryIDs = "state/entry-ids.json"

  /// The entry ids and the count of published posts in `data`, however they are laid out.
  func remembered(_ data: Data?) throws -> NSDictionary? {
    try data.map { try JSONSerialization.jsonObject(with: $0) as? NSDictionary ?? [:] }
  }

  /// What the index says of the posts at `now` must be what reading every post says: the
  /// counts, the problems, the span the feeds stand for, and the plan of the feeds.
  func expectIndexAgreesWithEveryPost(_ site: TestSite, _ feeds: Walk, now: String, context: String) throws {
    var warnings: [Diagnostic] = []
    var configuration = try HeraldConfiguration.load(path: site.path("herald.yml"), warnings: &warnings)
    configuration.sharedState = site.sharedState
    let instant = try #require(ISO8601DateFormatter().date(from: now))
    let session = try BuildSession(
      configuration, credentials: Credentials(), now: instant, cache: .update,
      logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    let indexed = try session.feedInputs()
    let every = try session.workspace().feedInputs(at: instant)
    #expect(indexed.fromIndex)
    #expect(indexed.postCount == every.postCount, "\(context)")
    #expect(indexed.publishedCount == every.publishedCount, "\(context)")
    #expect(indexed.invalidCount == every.invalidCount, "\(context)")
    #expect(indexed.diagnostics.map(\.description) == every.diagnostics.map(\.description), "\(context)")
    #expect(indexed.span.from == every.span.from && indexed.span.until == every.span.until, "\(context)")
    #expect(indexed.lastPublishedCount == every.lastPublishedCount, "\(context)")
    let feedSite = FeedBuild.site(configuration, credentials: Credentials())
    let planned = FeedPlanner.plan(indexed.published.map(FeedEntry.init), site: feedSite)
    let expected = FeedPlanner.plan(every.published.map(FeedEntry.init), site: feedSite)
    #expect(planned.feeds.map(\.folder) == expected.feeds.map(\.folder), "\(context)")
    #expect(planned.feeds.map(\.digest) == expected.feeds.map(\.digest), "\(context)")
  }

  @Test(
    arguments: [(Walk.archived, 1), (.archived, 2), (.archived, 3), (.newest, 4), (.newest, 5), (.newest, 6)]
      as [(Walk, UInt64)])
  func incrementalBuildsEqualColdBuilds(feeds: Walk, seed: UInt64) throws {
    var random = SeededGenerator(seed: seed)
    let site = try TestSite()
    try site.folder.write("herald.yml", Self.configuration(feeds))
    let labels = ["Alpha", "Beta", "Gamma Rays"]
    var posts: [String: Draft] = [:]
    var next = 0
    func write(_ name: String) throws { try site.post(name, posts[name]!.text) }
    func add() throws {
      next += 1
      let name = "post-\(next).md"
      posts[name] = Draft(
        // Few distinct dates: posts dated alike, whose order the ids decide, are common.
        title: "Post \(next)", day: Int.random(in: 1...8, using: &random),
        hour: [0, 12].randomElement(using: &random)!,
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
        let change = Int.random(in: 0..<14, using: &random)
        switch change {
        case 0, 1: try add()
        case 2: posts[name]!.body += " More words."
        case 3: posts[name]!.title += " (updated)"
        case 4: posts[name]!.day = Int.random(in: 1...8, using: &random)
        case 5: posts[name]!.hidden.toggle()
        case 6: posts[name]!.categories = labels.filter { _ in Bool.random(using: &random) }
        case 7 where posts.count > 6:
          posts[name] = nil
          try FileManager.default.removeItem(atPath: site.path("posts/" + name))
        case 8:
          // The same bytes again: only the file's times change.
          try write(name)
        case 10:
          // A permalink another post has, or had: two posts claim one id.
          posts[name]!.permalink = [
            nil, "https://openinfra.org/blog/shared", "https://openinfra.org/blog/post-1",
          ]
          .randomElement(using: &random)!
        case 11: posts[name]!.pinnedID = [nil, "pinned-a", "pinned-b"].randomElement(using: &random)!
        case 12: posts[name]!.draft.toggle()
        case 13: posts[name]!.broken.toggle()
        default:
          // Time passes: posts dated later come due.
          hour += Int.random(in: 6...72, using: &random)
        }
        if [2, 3, 4, 5, 6, 8, 10, 11, 12, 13].contains(change) { try write(name) }
        history.append("\(step):\(change):\(name)")
      }
      let now = ISO8601DateFormatter().string(
        from: Date(timeIntervalSince1970: 1_735_689_600 + Double(hour) * 3600))
      let invalid = posts.values.contains(where: \.broken)
      // Often a run is killed first (kill -9, at any instant up to about a run's length): the
      // next run must still leave what a cold build leaves, and no temporary file.
      if Bool.random(using: &random) {
        let killed = try site.start(["build", "--allow-shrink", "--quiet", "--now", now])
        usleep(UInt32.random(in: 0...150_000, using: &random))
        kill(killed.processIdentifier, SIGKILL)
        killed.waitUntilExit()
        history.append("\(step):killed")
      }
      let built = try site.herald("build", "--allow-shrink", "--now", now)
      #expect(built.status == (invalid ? 1 : 0), "step \(step): \(built.errors)")
      // Edited again within the same second as that run, same size: the next run must see it.
      if Bool.random(using: &random), let name = posts.keys.sorted().randomElement(using: &random) {
        posts[name]!.body =
          String(posts[name]!.body.dropLast()) + (posts[name]!.body.hasSuffix(".") ? "!" : ".")
        try write(name)
        history.append("\(step):same-second:\(name)")
        #expect(try site.herald("build", "--allow-shrink", "--now", now).status == (invalid ? 1 : 0))
      }
      var incremental = try files(in: site.path("public"))
      var cold = try coldBuild(of: site, feeds, now: now, invalid: invalid)
      // Recorded by the runs so far, the ids leave the cold build (which reads every post and
      // records what it publishes) nothing to add.
      #expect(
        try remembered(cold.removeValue(forKey: Self.entryIDs))
          == remembered(try? Data(contentsOf: URL(fileURLWithPath: site.path(Self.entryIDs)))),
        "seed \(seed) step \(step): \(history)")
      try expectIndexAgreesWithEveryPost(
        site, feeds, now: now, context: "seed \(seed) step \(step): \(history)")
      incremental[Self.entryIDs] = nil
      #expect(incremental.keys.sorted() == cold.keys.sorted(), "seed \(seed) step \(step): \(history)")
      for (path, bytes) in cold.sorted(by: { $0.key < $1.key }) where incremental[path] != bytes {
        Issue.record("seed \(seed) step \(step): \(path) differs from a cold build after \(history)")
      }
    }
  }
}
