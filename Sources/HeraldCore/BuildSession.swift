public import Foundation
internal import Locking
public import Logging
public import Posts

extension Duration {
  /// The duration in whole milliseconds, as `--verbose` says it: `12 ms`.
  var milliseconds: String {
    let (seconds, attoseconds) = components
    return "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000) ms"
  }
}

/// The start of a `build` or `publish` run: the posts folder listed, the build cache open,
/// and the run's inputs digested, so the run can tell at once whether the last one stands.
public final class BuildSession {
  let configuration: HeraldConfiguration
  let credentials: Credentials
  let now: Date
  let logger: Logger
  let listing: PostListing
  let cache: BuildCache?
  /// The digest of the listing, which every stamp this run reads or writes stands on.
  private lazy var listingDigest = RunStamp.digest(of: listing)

  /// Lists the posts and opens the cache (read-only for a dry run).
  public init(
    _ configuration: HeraldConfiguration, credentials: Credentials, now: Date, cache use: Workspace.CacheUse,
    logger: Logger
  ) throws(Diagnostic) {
    self.configuration = configuration
    self.credentials = credentials
    self.now = now
    self.logger = logger
    let started = ContinuousClock.now
    // The cache is opened, and its rows of post files read, while the folder is listed: the
    // listing waits on the kernel's `stat`s (most of a large archive's run), leaving a core.
    // The site's lock keeps other runs from changing the rows meanwhile.
    let opened = Locked<BuildCache?>(nil)
    let opening = DispatchGroup()
    DispatchQueue.global().async(group: opening) {
      let cache = BuildCache.open(
        state: configuration.state, settings: Workspace.cacheSettings(configuration),
        readOnly: use == .readOnly, logger: logger)
      if let cache, !cache.readOnly { cache.readIndexAhead() }
      opened.withLock { $0 = cache }
    }
    let listed = Result { () throws(Diagnostic) in try Workspace.listing(configuration) }
    let listingTime = ContinuousClock.now - started
    opening.wait()
    listing = try listed.get()
    logger.debug("listed \(listing.files.count) post files in \(listingTime.milliseconds)")
    cache = opened.withLock { $0 }
  }

  /// Reads the posts (those the cache remembers unchanged from the cache).
  public func workspace() throws(Diagnostic) -> Workspace {
    try Workspace.load(configuration, listing: listing, cache: cache, logger: logger)
  }

  /// The inputs of a build: from the build cache's index, which loads only the posts the
  /// feeds can hold; without a cache to update, or should it fail, from every post.
  public func feedInputs() throws(Diagnostic) -> FeedInputs {
    if let cache, !cache.readOnly {
      do {
        return try PostIndex(cache: cache, configuration: configuration, logger: logger)
          .feedInputs(listing: listing, now: now)
      } catch let diagnostic as Diagnostic {
        // The entry ids cannot be read (a database out of reach): the same error either way.
        throw diagnostic
      } catch {
        logger.debug("not using the build cache's index: \(error)")
      }
    }
    return try workspace().feedInputs(at: now)
  }

  /// The digest of `command`'s inputs; `extra` for what only that command depends on.
  func fingerprint(_ command: String, extra: [String] = []) -> String {
    RunStamp.inputs(
      command, configuration: configuration, hub: credentials["WEBSUB_HUB"], listing: listingDigest,
      extra: extra)
  }

  /// The last run's stamp for `command`, when it stands for this run.
  func reusableStamp(_ command: String, extra: [String] = []) -> RunStamp? {
    let fingerprint = fingerprint(command, extra: extra)
    guard let stamp = cache?.stamp(command, fingerprint: fingerprint),
      stamp.holds(fingerprint: fingerprint, now: now, output: configuration.output.url)
    else { return nil }
    logger.debug("nothing changed since the last \(command) run")
    return stamp
  }

  /// What the last `build` reported, when nothing it depends on changed since.
  public func reusedBuild() -> BuildReport? {
    reusableStamp("build")?.report.build
  }

  /// Keeps what this run of `command` did, for the next run to reuse.
  func stamp(
    _ command: String, extra: [String] = [], span: (from: Double, until: Double), report: BuildReport,
    until: Double = .greatestFiniteMagnitude
  ) {
    guard let cache else { return }
    let span = (from: span.from, until: min(span.until, until))
    let replay = RunStamp.Replay(report)
    cache.save(
      RunStamp.record(
        fingerprint: fingerprint(command, extra: extra), span: span, output: configuration.output.url,
        files: replay.files + (replay.leftAlone ?? []), report: replay),
      for: command)
  }
}
