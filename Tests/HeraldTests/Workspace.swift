import Foundation
import TestSupport
import Testing

/// A site in a temporary folder, and the real `herald` binary run on it as cron would.
final class TestSite: @unchecked Sendable {
  let folder: TemporaryFolder
  var root: URL { folder.url }
  /// The PostgreSQL database the site's runs keep their state in (`$HERALD_STATE_URL`), when
  /// the tests run with `HERALD_TEST_STATE=postgresql` or a test sets it; nil for the SQLite
  /// state folder.
  var sharedState: String?

  /// Whether this test process keeps every site's state in PostgreSQL.
  static let usesPostgres = ProcessInfo.processInfo.environment["HERALD_TEST_STATE"] == "postgresql"

  /// The `herald` executable `swift test` built beside the test bundle.
  static let executable: String = {
    let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      .appendingPathComponent("herald").path
    if FileManager.default.isExecutableFile(atPath: besideTests) { return besideTests }
    return SharedData.packageRoot.appendingPathComponent(".build/debug/herald").path
  }()

  init(limit: Int = 20, hiddenPosts: String = "include", extraSite: String = "", extraFeeds: String = "")
    throws
  {
    folder = try TemporaryFolder()
    sharedState = Self.usesPostgres ? try PostgresServer.shared.makeDatabase() : nil
    try writeConfiguration(
      limit: limit, hiddenPosts: hiddenPosts, extraSite: extraSite, extraFeeds: extraFeeds)
    try FileManager.default.createDirectory(
      at: root.appendingPathComponent("posts"), withIntermediateDirectories: true)
  }

  func writeConfiguration(
    limit: Int = 20, hiddenPosts: String = "include", extraSite: String = "", extraFeeds: String = ""
  ) throws {
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
      \(extraFeeds)
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
      environment: self.environment.merging(environment) { $1 })
  }

  /// The environment every `herald` of this site runs with.
  var environment: [String: String] {
    ["NO_COLOR": "1", "HERALD_CREDENTIALS": "", "HERALD_STATE_URL": sharedState ?? ""]
  }

  /// Starts `herald ARGUMENTS --config herald.yml` in the site's folder without waiting, its
  /// output thrown away: a cron run to kill, or one of several started together.
  func start(_ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.executable)
    process.arguments = arguments + ["--config", "herald.yml"]
    process.currentDirectoryURL = root
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  func path(_ relative: String) -> String { folder.path(relative) }

  /// Every row of the site's PostgreSQL state, as text (empty with a SQLite state).
  func sharedStateDump() throws -> String {
    guard let sharedState else { return "" }
    return try ["jobs", "accounts", "meta", "documents"].map { table in
      try PostgresServer.shared.psql("SELECT t::text FROM \(table) t", database: sharedState)
    }.joined(separator: "\n")
  }

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
