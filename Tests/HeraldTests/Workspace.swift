import Foundation
import TestSupport
import Testing

/// A site in a temporary folder, and the real `herald` binary run on it as cron would.
final class TestSite: @unchecked Sendable {
  let folder: TemporaryFolder
  var root: URL { folder.url }

  /// The `herald` executable `swift test` built beside the test bundle.
  static let executable: String = {
    let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      .appendingPathComponent("herald").path
    if FileManager.default.isExecutableFile(atPath: besideTests) { return besideTests }
    return SharedData.packageRoot.appendingPathComponent(".build/debug/herald").path
  }()

  init(limit: Int = 20, hiddenPosts: String = "include", extraSite: String = "") throws {
    folder = try TemporaryFolder()
    try writeConfiguration(limit: limit, hiddenPosts: hiddenPosts, extraSite: extraSite)
    try FileManager.default.createDirectory(
      at: root.appendingPathComponent("posts"), withIntermediateDirectories: true)
  }

  func writeConfiguration(limit: Int = 20, hiddenPosts: String = "include", extraSite: String = "") throws {
    try folder.write(
      "herald.yml",
      """
      site:
        title: OpenInfra Foundation Blog
        url: https://openinfra.org
        blog_path: /blog/
        description: OpenInfra Foundation news and announcements
        language: en
        timezone: UTC
        author: OpenInfra Foundation
      \(extraSite)
      posts: posts
      output: public
      state: state
      hidden_posts: \(hiddenPosts)
      feeds:
        url: https://openinfra.org/feeds/
        limit: \(limit)
      """)
  }

  /// Writes a post; returns its path relative to the site.
  @discardableResult
  func post(_ name: String, _ text: String) throws -> String {
    try folder.write("posts/" + name, text)
    return "posts/" + name
  }

  /// A valid post.
  @discardableResult
  func post(_ name: String, title: String, date: String, extra: String = "", body: String = "Body.") throws
    -> String
  {
    try post(name, "---\ntitle: \"\(title)\"\ndate: \(date)\n\(extra)\n---\n\(body)\n")
  }

  /// Copies every post of `source` (a folder) into the site's posts.
  func copyPosts(from source: URL) throws {
    for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where name.hasSuffix(".md") {
      try FileManager.default.copyItem(
        at: source.appendingPathComponent(name), to: root.appendingPathComponent("posts/" + name))
    }
  }

  /// Runs `herald ARGUMENTS --config herald.yml` in the site's folder.
  func herald(_ arguments: String..., environment: [String: String] = [:]) throws -> ProgramResult {
    try herald(arguments, environment: environment)
  }

  /// Runs `herald ARGUMENTS --config herald.yml` in the site's folder.
  func herald(_ arguments: [String], environment: [String: String] = [:]) throws -> ProgramResult {
    try Program.run(
      Self.executable, arguments + ["--config", "herald.yml"], in: root,
      environment: ["NO_COLOR": "1", "HERALD_CREDENTIALS": ""].merging(environment) { $1 })
  }

  func path(_ relative: String) -> String { folder.path(relative) }

  /// Every feed file in the output folder, relative to the site.
  func feedFiles() throws -> [String] {
    let output = root.appendingPathComponent("public")
    let enumerator = FileManager.default.enumerator(atPath: output.path)
    var files: [String] = []
    while let file = enumerator?.nextObject() as? String {
      if file.hasSuffix(".xml") || file.hasSuffix(".json") { files.append("public/" + file) }
    }
    return files.sorted()
  }

  /// Reads every feed with feedparser and checks what any reader needs; returns the feeds.
  func readAllFeeds() throws -> [String: FeedReaders.Feed] {
    let files = try feedFiles()
    let feeds = try FeedReaders.feedparser(files.map(path))
    for (file, feed) in zip(files, feeds) {
      #expect(feed.bozo == 0, "\(file): \(feed.bozoException ?? "")")
      #expect(Set(feed.entries.map(\.id)).count == feed.entries.count, "\(file) repeats an id")
      let dates = feed.entries.compactMap(\.published)
      #expect(
        dates.count == feed.entries.count && dates == dates.sorted(by: >), "\(file) is not newest first")
      if file.hasSuffix("atom.xml") {
        #expect(try FeedReaders.jing(path(file)) == "", "\(file) breaks RFC 4287's schema")
      }
    }
    return Dictionary(uniqueKeysWithValues: zip(files, feeds))
  }
}
