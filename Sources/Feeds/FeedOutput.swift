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

    for name in FeedPlanner.pageNames {
      let url = folder.appendingPathComponent(name)
      let data = FeedPages.data(name, plan: plan, site: site)
      if (try? Data(contentsOf: url)) == data {
        outcome.unchanged.append(name)
      } else {
        try Self.replace(url, with: data, displayPath: displayPath + "/" + name)
        outcome.written.append(name)
      }
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
      for format in feed.formats {
        let (path, sink) = sinks[index]
        index += 1
        if sink.changed { outcome.written.append(path) } else { outcome.unchanged.append(path) }
        committed(feed, format, FileSignature.of(folder.appendingPathComponent(path).path))
      }
    }
    outcome.removed = removeStaleFeeds(keeping: Set(plan.paths))
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
    for name in FeedPlanner.pageNames
    where (try? Data(contentsOf: folder.appendingPathComponent(name)))
      != FeedPages.data(name, plan: plan, site: site)
    {
      changed.append(name)
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

  /// Removes Herald's files that the plan no longer has: the feeds of categories without
  /// posts, archives beyond the last one (or all, with archives turned off), and the XSLT
  /// stylesheet of earlier versions. Anything else a person put there stays.
  private func removeStaleFeeds(keeping kept: Set<String>) -> [String] {
    var removed = removeStaleArchives(below: "", keeping: kept)
    if unlink(folder.appendingPathComponent(Self.formerStylesheet).path) == 0 {
      removed.append(Self.formerStylesheet)
    }
    let categories = folder.appendingPathComponent(FeedPlanner.categoriesFolder)
    guard let slugs = try? FileManager.default.contentsOfDirectory(atPath: categories.path) else {
      return removed
    }
    for slug in slugs.sorted() {
      let prefix = FeedPlanner.categoriesFolder + "/" + slug + "/"
      removed += removeStaleArchives(below: prefix, keeping: kept)
      removed += remove(FeedFormat.allCases.map { prefix + $0.fileName }, keeping: kept)
      rmdir(categories.appendingPathComponent(slug).path)
    }
    return removed
  }

  /// Archive documents below the feed folder `prefix` that the plan no longer has.
  private func removeStaleArchives(below prefix: String, keeping kept: Set<String>) -> [String] {
    let archives = folder.appendingPathComponent(prefix + FeedPlanner.archiveFolder)
    guard let pages = try? FileManager.default.contentsOfDirectory(atPath: archives.path) else { return [] }
    var removed: [String] = []
    for page in pages.sorted() where Int(page) != nil {
      let pagePrefix = prefix + FeedPlanner.archiveFolder + "/" + page + "/"
      removed += remove(FeedFormat.archived.map { pagePrefix + $0.fileName }, keeping: kept)
      rmdir(archives.appendingPathComponent(page).path)
    }
    rmdir(archives.path)
    return removed
  }

  private func remove(_ paths: [String], keeping kept: Set<String>) -> [String] {
    paths.filter { path in !kept.contains(path) && unlink(folder.appendingPathComponent(path).path) == 0 }
  }

  /// The XSLT stylesheet that Herald wrote before browsers dropped XSLT.
  static let formerStylesheet = "feed.xsl"

  private static func reason(_ error: any Error) -> String {
    (error as? CocoaError)?.underlying.map { "\($0.localizedDescription)" } ?? error.localizedDescription
  }
}

extension CocoaError {
  fileprivate var underlying: (any Error)? { userInfo[NSUnderlyingErrorKey] as? any Error }
}
