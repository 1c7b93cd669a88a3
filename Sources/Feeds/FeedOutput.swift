internal import Files
public import Foundation
public import Posts

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes feed files into the output folder: each file replaced atomically, unchanged
/// files left alone, and category feeds that no longer exist removed.
public struct FeedOutput: Sendable {
  /// The output folder.
  public let folder: URL
  /// How diagnostics name the output folder.
  public let displayPath: String

  /// What a write did.
  public struct Outcome: Sendable, Equatable {
    /// Files whose bytes changed (or that are new).
    public var written: [String] = []
    /// Files already holding the same bytes.
    public var unchanged: [String] = []
    /// Category feeds removed because the category has no posts any more.
    public var removed: [String] = []

    /// An outcome.
    public init(written: [String] = [], unchanged: [String] = [], removed: [String] = []) {
      self.written = written
      self.unchanged = unchanged
      self.removed = removed
    }
  }

  /// Creates an output for `folder`.
  public init(folder: URL, displayPath: String) {
    self.folder = folder
    self.displayPath = displayPath
  }

  /// Writes `feeds` (some or all of `plan`'s) and the stylesheet, then removes the
  /// category feeds the plan no longer has. A file whose new bytes equal the old is left
  /// alone, modification time and all. `committed` hears of each feed file that now holds
  /// its planned bytes, with what `stat` says of it.
  public func write(
    _ feeds: [PlannedFeed], of plan: FeedPlan, site: FeedSite, content: @Sendable (FeedEntry) -> EntryContent,
    committed: (PlannedFeed, FeedFormat, FileSignature?) -> Void = { _, _, _ in }
  ) throws(FeedsError) -> Outcome {
    var outcome = Outcome()
    let folders = Set(plan.paths.map { folder.appendingPathComponent($0).deletingLastPathComponent().path })
    for path in folders { Self.removeLeftoverTemporaryFiles(in: path) }

    let stylesheet = folder.appendingPathComponent(FeedPlanner.stylesheetName)
    let stylesheetData = Data(FeedStylesheet.xsl.utf8)
    if (try? Data(contentsOf: stylesheet)) == stylesheetData {
      outcome.unchanged.append(FeedPlanner.stylesheetName)
    } else {
      try Self.replace(
        stylesheet, with: stylesheetData, displayPath: displayPath + "/" + FeedPlanner.stylesheetName)
      outcome.written.append(FeedPlanner.stylesheetName)
    }

    var sinks: [(path: String, sink: FileSink)] = []
    defer { for (_, sink) in sinks { sink.abandon() } }
    try FeedWriter(plan: plan, site: site).write(feeds, content: content) { path throws(FeedsError) in
      let sink = try FileSink(url: folder.appendingPathComponent(path), displayPath: displayPath + "/" + path)
      sinks.append((path, sink))
      return sink
    }
    var index = 0
    for feed in feeds {
      for format in FeedFormat.allCases {
        let (path, sink) = sinks[index]
        index += 1
        if sink.changed { outcome.written.append(path) } else { outcome.unchanged.append(path) }
        committed(feed, format, FileSignature.of(folder.appendingPathComponent(path).path))
      }
    }
    outcome.removed = removeStaleCategoryFeeds(keeping: Set(plan.paths))
    return outcome
  }

  /// The paths among `feeds` whose files would change: a dry run's answer, found by
  /// comparing bytes as they are rendered, with nothing written.
  public func changes(
    _ feeds: [PlannedFeed], of plan: FeedPlan, site: FeedSite, content: @Sendable (FeedEntry) -> EntryContent
  ) throws(FeedsError) -> [String] {
    var sinks: [(path: String, sink: ComparingSink)] = []
    try FeedWriter(plan: plan, site: site).write(feeds, content: content) { path throws(FeedsError) in
      let sink = ComparingSink(existing: folder.appendingPathComponent(path))
      sinks.append((path, sink))
      return sink
    }
    var changed = sinks.filter(\.sink.changed).map(\.path)
    let stylesheet = folder.appendingPathComponent(FeedPlanner.stylesheetName)
    if (try? Data(contentsOf: stylesheet)) != Data(FeedStylesheet.xsl.utf8) {
      changed.append(FeedPlanner.stylesheetName)
    }
    return changed
  }

  /// Writes `data` to a temporary file beside `url`, flushes it, and renames it over `url`:
  /// a reader sees the old file or the new one, never half of one.
  public static func replace(_ url: URL, with data: Data, displayPath: String) throws(FeedsError) {
    let directory = url.deletingLastPathComponent()
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw FeedsError(path: displayPath, "cannot create the folder: \(Self.reason(error))")
    }
    do {
      try AtomicFile.write(data, to: url)
    } catch {
      throw FeedsError(path: displayPath, "cannot write: \(error)")
    }
  }

  /// Temporary files a killed run left behind (`.atom.xml.1234.tmp`): never read by anyone.
  static func removeLeftoverTemporaryFiles(in directory: String) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
    for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
      let middle = name.dropFirst().dropLast(4)
      guard let dot = middle.lastIndex(of: "."), middle[middle.index(after: dot)...].allSatisfy(\.isNumber)
      else {
        continue
      }
      unlink(directory + "/" + name)
    }
  }

  private func removeStaleCategoryFeeds(keeping kept: Set<String>) -> [String] {
    let categories = folder.appendingPathComponent(FeedPlanner.categoriesFolder)
    guard let slugs = try? FileManager.default.contentsOfDirectory(atPath: categories.path) else {
      return []
    }
    var removed: [String] = []
    for slug in slugs.sorted() {
      let prefix = FeedPlanner.categoriesFolder + "/" + slug + "/"
      // Only Herald's own files go: anything else a person put there stays.
      for format in FeedFormat.allCases where !kept.contains(prefix + format.fileName) {
        let url = folder.appendingPathComponent(prefix + format.fileName)
        if unlink(url.path) == 0 { removed.append(prefix + format.fileName) }
      }
      rmdir(categories.appendingPathComponent(slug).path)
    }
    return removed
  }

  private static func reason(_ error: any Error) -> String {
    (error as? CocoaError)?.underlying.map { "\($0.localizedDescription)" } ?? error.localizedDescription
  }
}

extension CocoaError {
  fileprivate var underlying: (any Error)? { userInfo[NSUnderlyingErrorKey] as? any Error }
}
