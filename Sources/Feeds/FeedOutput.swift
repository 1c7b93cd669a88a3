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
    /// Herald's files the plan no longer has, removed: the feeds of categories without posts,
    /// archives beyond the last one, the XSLT stylesheet of earlier versions.
    public var removed: [String] = []
    /// Pages (`index.html`, `feed.css`) not written because a file Herald did not write is
    /// in their place.
    public var leftAlone: [String] = []
    /// Entries rendered from their posts.
    public var renderedEntries = 0
    /// Entries taken as they were kept written (`EntryFragmentStore`).
    public var reusedEntries = 0

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

  /// Writes `feeds` (some or all of `plan`'s), the stylesheet and the index page, then removes
  /// Herald's files the plan no longer has. A file whose new bytes equal the old is left
  /// alone, modification time and all; so is a page someone else put where Herald's goes.
  /// Entries kept in `store` as written are taken from there (`FeedWriter`). `committed`
  /// hears of each feed file that now holds its planned bytes, with what `stat` says of it.
  public func write(
    _ feeds: [PlannedFeed], of plan: FeedPlan, site: FeedSite, content: @Sendable (FeedEntry) -> EntryContent,
    store: (any EntryFragmentStore)? = nil,
    committed: (PlannedFeed, FeedFormat, FileSignature?) -> Void = { _, _, _ in }
  ) throws(FeedsError) -> Outcome {
    var outcome = Outcome()
    let folders = Set(plan.paths.map { folder.appendingPathComponent($0).deletingLastPathComponent().path })
    for path in folders { Self.removeLeftoverTemporaryFiles(in: path) }

    for name in FeedPlanner.pageNames {
      let url = folder.appendingPathComponent(name)
      let data = FeedPages.data(name, plan: plan, site: site)
      let existing = try? Data(contentsOf: url)
      if existing == data {
        outcome.unchanged.append(name)
      } else if let existing, !FeedPages.isHerald(existing, name: name, generator: site.generator) {
        outcome.leftAlone.append(name)
      } else {
        try Self.replace(url, with: data, displayPath: displayPath + "/" + name)
        outcome.written.append(name)
      }
    }

    var sinks: [(path: String, sink: FileSink)] = []
    defer { for (_, sink) in sinks { sink.abandon() } }
    (outcome.renderedEntries, outcome.reusedEntries) = try FeedWriter(plan: plan, site: site).write(
      feeds, content: content, store: store
    ) { path throws(FeedsError) in
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
    outcome.removed = staleFiles(keeping: Set(plan.paths), generator: site.generator, remove: true)
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
    for name in FeedPlanner.pageNames {
      let existing = try? Data(contentsOf: folder.appendingPathComponent(name))
      let data = FeedPages.data(name, plan: plan, site: site)
      if existing != data
        && existing.map({ FeedPages.isHerald($0, name: name, generator: site.generator) }) != false
      {
        changed.append(name)
      }
    }
    return changed + staleFiles(keeping: Set(plan.paths), generator: site.generator, remove: false)
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

  /// Herald's files that the plan no longer has, removed unless `remove` is false: the feeds
  /// of categories without posts, archives beyond the last one (or all, with archives turned
  /// off), and the XSLT stylesheet of earlier versions. An archive or stylesheet Herald did
  /// not write stays, as does anything else a person put there. Removing also clears the
  /// temporary files a killed run left in folders the plan no longer has (a run killed while
  /// writing an archive that later went), and the folders that leaves empty.
  private func staleFiles(keeping kept: Set<String>, generator: Generator, remove: Bool) -> [String] {
    let isHerald = { (path: String, marker: String) in
      guard let handle = FileHandle(forReadingAtPath: folder.appendingPathComponent(path).path) else {
        return false
      }
      defer { try? handle.close() }
      let head = String(decoding: (try? handle.read(upToCount: 4096)) ?? Data(), as: UTF8.self)
      return head.contains(marker) && head.contains(generator.name)
    }
    var stale: [String] = []
    // The folders looked in, for the temporary files of killed runs.
    var looked: [String] = []
    // A category's feeds go with its folder; an archive or the old stylesheet only if Herald's.
    func archives(below prefix: String) {
      let archives = folder.appendingPathComponent(prefix + FeedPlanner.archiveFolder)
      for page in ((try? FileManager.default.contentsOfDirectory(atPath: archives.path)) ?? []).sorted()
      where Int(page) != nil {
        looked.append(prefix + FeedPlanner.archiveFolder + "/" + page)
        stale += FeedFormat.archived.map {
          prefix + FeedPlanner.archiveFolder + "/" + page + "/" + $0.fileName
        }
        .filter { !kept.contains($0) && isHerald($0, FeedHistory.namespace) }
      }
    }
    archives(below: "")
    if isHerald(Self.formerStylesheet, "Herald feed stylesheet") { stale.append(Self.formerStylesheet) }
    let categories = folder.appendingPathComponent(FeedPlanner.categoriesFolder)
    for slug in ((try? FileManager.default.contentsOfDirectory(atPath: categories.path)) ?? []).sorted() {
      let prefix = FeedPlanner.categoriesFolder + "/" + slug + "/"
      looked.append(String(prefix.dropLast()))
      archives(below: prefix)
      stale += FeedFormat.allCases.map { prefix + $0.fileName }.filter {
        !kept.contains($0) && FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path)
      }
    }
    guard remove else { return stale }
    let removed = stale.filter { unlink(folder.appendingPathComponent($0).path) == 0 }
    // The plan's own folders were cleared before writing; the others are cleared here.
    let planned = Set(kept.map { ($0 as NSString).deletingLastPathComponent })
    let unplanned = looked.filter { !planned.contains($0) }
    for directory in unplanned {
      Self.removeLeftoverTemporaryFiles(in: folder.appendingPathComponent(directory).path)
    }
    // Folders left empty go too, deepest first; rmdir leaves any that still hold something.
    let emptied = Set(removed.map { ($0 as NSString).deletingLastPathComponent } + unplanned)
    for start in emptied.sorted().reversed() {
      var directory = start
      while !directory.isEmpty, rmdir(folder.appendingPathComponent(directory).path) == 0 {
        directory = (directory as NSString).deletingLastPathComponent
      }
    }
    return removed
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
