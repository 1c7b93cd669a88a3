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
  /// pass, from several threads at once.
  public func write(
    _ feeds: [PlannedFeed], content: @Sendable (FeedEntry) -> EntryContent,
    open: (String) throws(FeedsError) -> any FeedSink
  ) throws(FeedsError) {
    for start in stride(from: 0, to: feeds.count, by: Self.feedsPerPass) {
      try writePass(
        Array(feeds[start..<min(start + Self.feedsPerPass, feeds.count)]), content: content, open: open)
    }
  }

  private struct Fragments: Sendable {
    var atom: [UInt8]
    var rss: [UInt8]
    var json: [UInt8]
  }

  private func writePass(
    _ feeds: [PlannedFeed], content: @Sendable (FeedEntry) -> EntryContent,
    open: (String) throws(FeedsError) -> any FeedSink
  ) throws(FeedsError) {
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
    // Rendering the next batch overlaps appending the last one to the files.
    let appender = Appender(sinks: sinks, holders: holders)
    let writing = DispatchQueue(label: "herald.feeds.append")
    let inFlight = DispatchSemaphore(value: 2)
    for batchStart in stride(from: 0, to: needed.count, by: Self.batchSize) {
      let batch = Array(needed[batchStart..<min(batchStart + Self.batchSize, needed.count)])
      let fragments = try render(batch, content: content)
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

    func append(_ rendered: some Sequence<(Int, Fragments)>) {
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

  /// Each entry of `batch` in every format, rendered on all cores.
  private func render(_ batch: [Int], content: @Sendable (FeedEntry) -> EntryContent) throws(FeedsError)
    -> [Fragments]
  {
    let results = Locked([Result<Fragments, FeedsError>?](repeating: nil, count: batch.count))
    DispatchQueue.concurrentPerform(iterations: batch.count) { index in
      let entry = plan.entries[batch[index]]
      let body = content(entry)
      let result = Result { () throws(FeedsError) -> Fragments in
        Fragments(
          atom: try AtomFeed.entry(entry, content: body), rss: try RSSFeed.item(entry, content: body),
          json: JSONFeed.item(entry, content: body))
      }
      results.withLock { $0[index] = result }
    }
    return try results.withLock { $0 }.map { result throws(FeedsError) in try result!.get() }
  }
}
