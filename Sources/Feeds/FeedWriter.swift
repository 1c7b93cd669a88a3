internal import Foundation
internal import Locking

/// The parts of a feed file around its entries, as libxml2 (or the JSON writer) wrote them.
struct FeedFrame {
  /// Everything before the first entry.
  var head: [UInt8]
  /// Everything after the last entry.
  var tail: [UInt8]
  /// The tail when there are no entries, where the format writes it differently.
  var emptyTail: [UInt8]

  init(head: [UInt8], tail: [UInt8], emptyTail: [UInt8]? = nil) {
    self.head = head
    self.tail = tail
    self.emptyTail = emptyTail ?? tail
  }
}

/// Where one feed file's bytes go: memory, a file, or a comparison with a file.
public protocol FeedSink: AnyObject {
  /// Adds bytes at the end.
  func append(_ bytes: [UInt8]) throws(FeedsError)
  /// Called once, after the last bytes.
  func finish() throws(FeedsError)
}

/// Collects a feed in memory.
final class MemorySink: FeedSink {
  private(set) var data = Data()
  func append(_ bytes: [UInt8]) { data.append(contentsOf: bytes) }
  func finish() {}
}

/// Writes feeds in one pass over the entries, newest first: each entry's content is made
/// once and rendered once per format on all cores, then appended to every feed that holds
/// it. Nothing larger than a batch of entries is held in memory, however big the archive.
public struct FeedWriter: Sendable {
  /// What to write.
  public let plan: FeedPlan
  /// The site the feeds describe.
  public let site: FeedSite

  /// Entries rendered at once: enough to keep every core busy, few enough to stay small.
  static let batchSize = 64
  /// Feeds written in one pass; each has three files open, well under the usual limit of
  /// 1,024 open files.
  static let feedsPerPass = 100

  /// A writer for `plan`.
  public init(plan: FeedPlan, site: FeedSite) {
    self.plan = plan
    self.site = site
  }

  /// Writes every format of `feeds` into the sinks `open` makes for their paths (in the
  /// order of `feeds`), then finishes them. `content` is called for each entry once per
  /// pass, from several threads at once, unless `store` kept the entry as written: then its
  /// bytes come from there. Entries of subscription feeds rendered here are kept in `store`.
  /// Returns how many entries were rendered, and how many taken as kept.
  @discardableResult
  public func write(
    _ feeds: [PlannedFeed], content: @Sendable (FeedEntry) -> EntryContent,
    store: (any EntryFragmentStore)? = nil, open: (String) throws(FeedsError) -> any FeedSink
  ) throws(FeedsError) -> (rendered: Int, reused: Int) {
    var kept = store.map {
      KeptEntries(store: $0, keys: EntryFragmentKeys(renderer: $0.renderer), plan: plan)
    }
    var rendered = 0
    for start in stride(from: 0, to: feeds.count, by: Self.feedsPerPass) {
      rendered += try writePass(
        Array(feeds[start..<min(start + Self.feedsPerPass, feeds.count)]), content: content, kept: &kept,
        open: open)
    }
    return (rendered, kept?.reused ?? 0)
  }

  /// The store of entries as written, with what this plan asks of it.
  private struct KeptEntries {
    let store: any EntryFragmentStore
    let keys: EntryFragmentKeys
    /// The entries worth keeping (`FeedPlan.entriesWorthKeeping`).
    let keepable: Set<Int>
    /// How many entries were taken as kept.
    var reused = 0

    init(store: any EntryFragmentStore, keys: EntryFragmentKeys, plan: FeedPlan) {
      self.store = store
      self.keys = keys
      keepable = plan.entriesWorthKeeping
    }
  }

  /// Writes `feeds` (one pass's worth); returns how many entries it rendered.
  private func writePass(
    _ feeds: [PlannedFeed], content: @Sendable (FeedEntry) -> EntryContent, kept: inout KeptEntries?,
    open: (String) throws(FeedsError) -> any FeedSink
  ) throws(FeedsError) -> Int {
    var frames: [[FeedFrame]] = []
    var sinks: [[(FeedFormat, any FeedSink)]] = []
    for feed in feeds {
      var feedFrames: [FeedFrame] = []
      var feedSinks: [(FeedFormat, any FeedSink)] = []
      for format in feed.formats {
        let frame =
          switch format {
          case .atom: try AtomFeed.frame(feed.document, generator: site.generator)
          case .rss: try RSSFeed.frame(feed.document, generator: site.generator)
          case .json: JSONFeed.frame(feed.document)
          }
        let sink = try open(feed.path(format))
        try sink.append(frame.head)
        feedFrames.append(frame)
        feedSinks.append((format, sink))
      }
      frames.append(feedFrames)
      sinks.append(feedSinks)
    }

    // Which of this pass's feeds hold each entry.
    var holders = [[Int]](repeating: [], count: plan.entries.count)
    for (feed, planned) in feeds.enumerated() {
      for member in planned.members { holders[member].append(feed) }
    }
    let needed = holders.indices.filter { !holders[$0].isEmpty }
    var rendered = 0
    // Rendering the next batch overlaps appending the last one to the files.
    let appender = Appender(sinks: sinks, holders: holders)
    let writing = DispatchQueue(label: "herald.feeds.append")
    let inFlight = DispatchSemaphore(value: 2)
    for batchStart in stride(from: 0, to: needed.count, by: Self.batchSize) {
      let batch = Array(needed[batchStart..<min(batchStart + Self.batchSize, needed.count)])
      let (fragments, renderedNow) = try fragments(batch, content: content, kept: &kept)
      rendered += renderedNow
      inFlight.wait()
      writing.async {
        appender.append(zip(batch, fragments))
        inFlight.signal()
      }
      if appender.failure != nil { break }
    }
    writing.sync {}
    if let failure = appender.failure { throw failure }
    for (feed, feedSinks) in sinks.enumerated() {
      for (frame, (_, sink)) in zip(frames[feed], feedSinks) {
        try sink.append(appender.itemsWritten[feed] > 0 ? frame.tail : frame.emptyTail)
        try sink.finish()
      }
    }
    return rendered
  }

  /// Appends rendered entries to the feeds that hold them. Used from one serial queue only,
  /// while the next batch renders; the writer reads its state after that queue is drained.
  private final class Appender: @unchecked Sendable {
    private let sinks: [[(FeedFormat, any FeedSink)]]
    private let holders: [[Int]]
    private(set) var itemsWritten: [Int]
    private let firstFailure = Locked<FeedsError?>(nil)

    /// The first error, which stops the appending; the writer checks it between batches.
    var failure: FeedsError? { firstFailure.withLock { $0 } }

    init(sinks: [[(FeedFormat, any FeedSink)]], holders: [[Int]]) {
      self.sinks = sinks
      self.holders = holders
      itemsWritten = [Int](repeating: 0, count: sinks.count)
    }

    func append(_ rendered: some Sequence<(Int, EntryFragments)>) {
      guard failure == nil else { return }
      do {
        for (entry, fragments) in rendered {
          for feed in holders[entry] {
            for (format, sink) in sinks[feed] {
              switch format {
              case .atom: try sink.append(fragments.atom)
              case .rss: try sink.append(fragments.rss)
              case .json:
                if itemsWritten[feed] > 0 { try sink.append([UInt8(ascii: ",")]) }
                try sink.append(fragments.json)
              }
            }
            itemsWritten[feed] += 1
          }
        }
      } catch {
        firstFailure.withLock { $0 = error }
      }
    }
  }

  /// Each entry of `batch` in every format: as kept, when it was, else rendered (and kept
  /// when it is worth keeping and its content is the one its digest names).
  private func fragments(
    _ batch: [Int], content: @Sendable (FeedEntry) -> EntryContent, kept: inout KeptEntries?
  ) throws(FeedsError) -> (fragments: [EntryFragments], rendered: Int) {
    guard let keptEntries = kept else {
      return (try render(batch, content: content).map(\.fragments), batch.count)
    }
    // Only entries worth keeping are ever kept: the others (an archive's) are not looked for.
    let keepable = batch.indices.filter { keptEntries.keepable.contains(batch[$0]) }
    let keys = keepable.map { keptEntries.keys.key(plan.entryDigests[batch[$0]]) }
    var found = [EntryFragments?](repeating: nil, count: batch.count)
    for (position, fragments) in zip(keepable, keptEntries.store.fragments(keys)) {
      found[position] = fragments
    }
    let missing = found.indices.filter { found[$0] == nil }
    let rendered = try render(missing.map { batch[$0] }, content: content)
    let keyAt = Dictionary(uniqueKeysWithValues: zip(keepable, keys))
    var keeping: [(key: [UInt8], fragments: EntryFragments)] = []
    for (position, (fragments, matchesEntry)) in zip(missing, rendered) {
      found[position] = fragments
      if matchesEntry, let key = keyAt[position] { keeping.append((key, fragments)) }
    }
    if !keeping.isEmpty { keptEntries.store.keep(keeping) }
    kept?.reused += batch.count - missing.count
    return (found.map { $0! }, missing.count)
  }

  /// Each entry of `batch` in every format, rendered on all cores, with whether its content
  /// is the one the entry names (`EntryContent.matchesEntry`).
  private func render(_ batch: [Int], content: @Sendable (FeedEntry) -> EntryContent) throws(FeedsError)
    -> [(fragments: EntryFragments, matchesEntry: Bool)]
  {
    let results = Locked(
      [Result<(fragments: EntryFragments, matchesEntry: Bool), FeedsError>?](
        repeating: nil, count: batch.count))
    DispatchQueue.concurrentPerform(iterations: batch.count) { index in
      let entry = plan.entries[batch[index]]
      let body = content(entry)
      let result = Result { () throws(FeedsError) -> (fragments: EntryFragments, matchesEntry: Bool) in
        let fragments = EntryFragments(
          atom: try AtomFeed.entry(entry, content: body), rss: try RSSFeed.item(entry, content: body),
          json: JSONFeed.item(entry, content: body))
        return (fragments, body.matchesEntry)
      }
      results.withLock { $0[index] = result }
    }
    return try results.withLock { $0 }.map { result throws(FeedsError) in try result!.get() }
  }
}
