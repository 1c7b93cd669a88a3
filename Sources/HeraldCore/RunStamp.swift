internal import Delivery
internal import Feeds
internal import Foundation
internal import Posts

/// What a run of `build` (or `publish`) may reuse when it finds nothing changed: a digest of
/// everything the run depends on, the span of time over which the same posts are
/// published, the feed files it left and what it reported. A cron job that runs every few
/// minutes over a large, quiet archive then only lists the posts folder and compares.
struct RunStamp: Codable {
  /// The digest of the run's inputs (`RunStamp.inputs`).
  var fingerprint: String
  /// The run is the same for any instant in `[validFrom, validUntil)`: no post is published
  /// or falls due in between.
  var validFrom: Double
  /// See `validFrom`.
  var validUntil: Double
  /// Each feed file with what `stat` said of it after the run: a file edited or deleted
  /// since means the run must happen again.
  var outputs: [String: Signature]
  /// What the run reported, to report again.
  var report: Replay

  /// `FileSignature`, as the stamp stores it.
  struct Signature: Codable, Equatable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: Int64
    var changed: Int64

    init(_ signature: FileSignature) {
      (device, inode, size, modified, changed) = (
        signature.device, signature.inode, signature.size, signature.modified, signature.changed
      )
    }
  }

  /// A `BuildReport`, as a run that reuses it reports it. (A post no social text fits is not
  /// in it: the queue records that, and the run that records it reports it, once.)
  struct Replay: Codable {
    var postCount: Int
    var publishedCount: Int
    var invalidCount: Int
    var feedCount: Int
    /// Optional so that stamps from before archives still read.
    var archiveCount: Int?
    var files: [String]
    /// Pages not written because another file is in their place: watched like the feeds, so
    /// that removing that file brings Herald's page at the next run.
    var leftAlone: [String]?
    var diagnostics: [[String]]

    init(_ build: BuildReport) {
      postCount = build.postCount
      publishedCount = build.publishedCount
      invalidCount = build.invalidCount
      feedCount = build.feedCount
      archiveCount = build.archiveCount
      files = (build.outcome.written + build.outcome.unchanged).sorted()
      leftAlone = build.outcome.leftAlone
      diagnostics = build.diagnostics.map(Self.fields)
    }

    /// The build report of a run that found every file as it left it.
    var build: BuildReport {
      var outcome = FeedOutput.Outcome(unchanged: files)
      outcome.leftAlone = leftAlone ?? []
      var report = BuildReport(
        postCount: postCount, publishedCount: publishedCount, invalidCount: invalidCount,
        feedCount: feedCount, outcome: outcome, diagnostics: diagnostics.compactMap(Self.diagnostic))
      report.archiveCount = archiveCount ?? 0
      return report
    }

    private static func fields(_ diagnostic: Diagnostic) -> [String] {
      [
        diagnostic.severity.rawValue, diagnostic.path, diagnostic.line.map(String.init) ?? "",
        diagnostic.message,
      ]
    }

    private static func diagnostic(_ fields: [String]) -> Diagnostic? {
      guard fields.count == 4, let severity = Diagnostic.Severity(rawValue: fields[0]) else { return nil }
      return Diagnostic(severity, path: fields[1], line: Int(fields[2]), fields[3])
    }
  }

  /// The digest of what a build depends on besides the clock: Herald's version, the
  /// configuration file, the folders, the hub, every post file's name and `stat`, and the
  /// remembered entry ids. `extra` adds what a publish run also depends on.
  static func inputs(
    _ command: String, configuration: HeraldConfiguration, hub: String?, listing: String, extra: [String] = []
  ) -> String {
    var digest = FieldDigest()
    digest.add(
      [
        command, HeraldVersion.current, configuration.sourceDigest, configuration.posts.url.path,
        configuration.output.url.path, configuration.stateDisplayName, hub ?? "",
        EntryIDRegistry.fingerprint(configuration), listing,
      ] + extra)
    return digest.hex
  }

  /// The digest of every post file's name and `stat` (one changed too recently to be trusted
  /// never matches) and of the listing's problems. A large archive has a hundred thousand
  /// files: each record is stored into a buffer that is hashed whenever it is full, rather
  /// than appended, field by field, to one of megabytes.
  static func digest(of listing: PostListing) -> String {
    var digest = FieldDigest()
    let now = BuildCache.clock()
    let capacity = 1 << 16
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 8)
    defer { buffer.deallocate() }
    var used = 0
    for file in listing.files {
      var path = file.relativePath
      let signature = BuildCache.trusted(file.signature, now: now)
      let fields = (signature.device, signature.inode, signature.size, signature.modified, signature.changed)
      path.withUTF8 { name in
        let size = name.count + 1 + MemoryLayout.size(ofValue: fields)
        if used + size > capacity {
          digest.add(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[..<used]))
          used = 0
        }
        guard size <= capacity else {  // a name longer than the buffer: hashed as it is
          digest.add(contentsOf: UnsafeRawBufferPointer(name))
          digest.add(raw: UInt8(0xFF))
          digest.add(raw: fields)
          return
        }
        UnsafeMutableRawBufferPointer(rebasing: buffer[used...]).copyMemory(
          from: UnsafeRawBufferPointer(name))
        buffer[used + name.count] = 0xFF
        used += name.count + 1
        withUnsafeBytes(of: fields) {
          UnsafeMutableRawBufferPointer(rebasing: buffer[used...]).copyMemory(from: $0)
        }
        used += MemoryLayout.size(ofValue: fields)
      }
    }
    digest.add(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[..<used]))
    digest.add(listing.diagnostics.map(\.description))
    return digest.hex
  }

  /// The span around `now` over which `posts` are published as they are at `now`.
  static func span(of posts: [Post], at now: Date, hiddenPosts: HiddenPostsPolicy) -> (
    from: Double, until: Double
  ) {
    // Finite, so the stamp can be written as JSON.
    var from = -Double.greatestFiniteMagnitude
    var until = Double.greatestFiniteMagnitude
    for post in posts {
      switch post.status(at: now, hiddenPosts: hiddenPosts) {
      case .published: from = max(from, post.date.timeIntervalSince1970)
      case .scheduled: until = min(until, post.date.timeIntervalSince1970)
      case .draft, .excluded: break
      }
    }
    return (from, until)
  }

  /// Whether this stamp stands for a run with `fingerprint` at `now` whose feed files are
  /// still as it left them.
  func holds(fingerprint: String, now: Date, output: URL) -> Bool {
    let instant = now.timeIntervalSince1970
    guard fingerprint == self.fingerprint, validFrom <= instant, instant < validUntil else { return false }
    return outputs.allSatisfy { path, signature in
      FileSignature.of(output.appendingPathComponent(path).path).map(Signature.init) == signature
    }
  }

  /// The stamp of a run that just wrote `files` below `output`.
  static func record(
    fingerprint: String, span: (from: Double, until: Double), output: URL, files: [String], report: Replay
  ) -> RunStamp? {
    var outputs: [String: Signature] = [:]
    for path in files {
      guard let signature = FileSignature.of(output.appendingPathComponent(path).path) else { return nil }
      outputs[path] = Signature(signature)
    }
    return RunStamp(
      fingerprint: fingerprint, validFrom: span.from, validUntil: span.until, outputs: outputs, report: report
    )
  }
}
