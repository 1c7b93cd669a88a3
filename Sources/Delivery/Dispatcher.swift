internal import CrashPoints
public import Foundation
public import HTTP
public import Logging

/// Sends what is due, one job at a time, recording each step in the queue before the next:
/// a job is marked under way before its request goes out and settled when the answer comes,
/// so a crash at any instant leaves a state the next run resolves without a second post.
public final class Dispatcher {
  /// The rules of a run.
  public struct Settings: Sendable {
    /// At most this many posts per network and account in one run.
    public var maxPerRun: Int
    /// At least this long between two posts of one account.
    public var minInterval: TimeInterval
    /// A job that keeps failing in ways worth retrying fails for good after this many tries.
    public var maxAttempts = 8
    /// The first back-off; each retry doubles it, up to `maxDelay`, with jitter.
    public var baseDelay: TimeInterval = 60
    /// The longest back-off.
    public var maxDelay: TimeInterval = 6 * 3600

    /// Creates settings.
    public init(maxPerRun: Int, minInterval: TimeInterval) {
      self.maxPerRun = maxPerRun
      self.minInterval = minInterval
    }
  }

  /// What a run did.
  public struct Report: Sendable {
    /// Jobs the networks now have.
    public var sent: [Job] = []
    /// Jobs put back for later, with why.
    public var retrying: [(job: Job, reason: String)] = []
    /// Jobs that failed for good this run, with why.
    public var failed: [(job: Job, reason: String)] = []
    /// Networks a rate limit stopped for the rest of the run.
    public var rateLimited: Set<String> = []

    /// An empty report.
    public init() {}
  }

  private let queue: Queue
  private let clients: [String: any NetworkClient]
  private let http: HTTPClient
  private let settings: Settings
  private let now: Date
  private let jitter: () -> Double
  private let logger: Logger
  private let secrets: [String]
  private var prepared: Set<String> = []
  private var skipping: Set<String> = []
  private var claimed: [String: Int] = [:]
  private var report = Report()

  /// A dispatcher for `clients` (one per network) at `now`; `jitter` returns values in 0..<1.
  public init(
    queue: Queue, clients: [any NetworkClient], http: HTTPClient, settings: Settings, now: Date,
    jitter: @escaping () -> Double, logger: Logger, secrets: [String] = []
  ) {
    self.secrets = secrets
    self.queue = queue
    self.clients = Dictionary(clients.map { ($0.network, $0) }, uniquingKeysWith: { first, _ in first })
    self.http = http
    self.settings = settings
    self.now = now
    self.jitter = jitter
    self.logger = logger
  }

  /// Resolves jobs a crash left under way, then sends what is due.
  public func run() throws(DeliveryError) -> Report {
    for job in try queue.interrupted() {
      guard let client = client(for: job) else { continue }
      if client.isIdempotent {
        logger.notice(
          "resending job \(job.id) (\(job.network)), left under way by an earlier run, with the same key")
        try queue.markAttempt(job.id, now: now)
        try send(job, with: client)
      } else {
        let reason =
          "Herald stopped while sending this, and \(job.network) cannot tell whether it arrived; check, then "
          + "`herald queue retry \(job.id)` to send it again or `herald queue cancel \(job.id)`"
        try queue.markFailed(job.id, error: reason, now: now)
        report.failed.append((job, reason))
      }
    }
    while let job = try queue.claimNext(
      now: now, maxPerRun: settings.maxPerRun, minInterval: settings.minInterval, claimedThisRun: claimed,
      skipping: skipping.union(unconfigured))
    {
      claimed[Queue.accountKey(job), default: 0] += 1
      guard let client = client(for: job) else {
        try queue.unclaim(job.id, now: now)
        continue
      }
      try send(job, with: client)
    }
    return report
  }

  /// Networks with jobs for an account that is not configured now.
  private var unconfigured: Set<String> = []

  /// The client for a job's network and account; jobs of an account no longer configured
  /// wait (they are never sent to another account).
  private func client(for job: Job) -> (any NetworkClient)? {
    guard let client = clients[job.network], client.account == job.account else {
      if !unconfigured.contains(job.network) {
        logger.warning("\(job.network) jobs for \(job.account) wait: that account is not configured now")
      }
      unconfigured.insert(job.network)
      return nil
    }
    return client
  }

  private func send(_ job: Job, with client: any NetworkClient) throws(DeliveryError) {
    if !prepared.contains(job.network) {
      do {
        try client.prepare(http: http, now: now)
        prepared.insert(job.network)
      } catch {
        try retry(job, reason: error.message, after: nil)
        skipping.insert(job.network)
        return
      }
    }
    var response: HTTPResponse
    CrashPoint.claimed.reached()
    do {
      response = try http.send(try client.request(for: job, now: now))
      if let bluesky = client as? BlueskyClient, bluesky.needsNewSession(response) {
        try bluesky.renew(http: http)
        response = try http.send(try client.request(for: job, now: now))
      }
    } catch let error as HTTPError {
      logger.warning("\(job.network): job \(job.id): \(scrubbed(error.description))")
      if error.kind == .invalidURL || error.kind == .insecureURL {
        try fail(job, reason: error.description)
      } else {
        try retry(job, reason: error.description, after: nil)
      }
      return
    } catch let error as DeliveryError {
      try retry(job, reason: error.message, after: nil)
      skipping.insert(job.network)
      return
    } catch {
      try retry(job, reason: "\(error)", after: nil)
      return
    }

    switch client.outcome(of: response, for: job, now: now) {
    case .sent(let remoteID):
      CrashPoint.answered.reached()
      try queue.markSent(job.id, remoteID: remoteID, now: now)
      CrashPoint.recorded.reached()
      report.sent.append(job)
      logger.info("\(job.network): sent job \(job.id) for \(job.payload.permalink)")
      if RateLimit.exhausted(response), let reset = RateLimit.resetDate(response, now: now), reset > now {
        try queue.block(network: job.network, account: job.account, until: reset)
        skipping.insert(job.network)
      }
    case .retry(let reason, let after):
      try retry(job, reason: reason, after: after)
    case .failed(let reason):
      try fail(job, reason: reason)
    case .rateLimited(let until, let rawReason):
      let reason = scrubbed(rawReason)
      try queue.block(network: job.network, account: job.account, until: until)
      try queue.markRetry(job.id, error: reason, dueAt: until, now: now)
      report.retrying.append((job, reason))
      report.rateLimited.insert(job.network)
      skipping.insert(job.network)
      logger.warning("\(job.network): rate-limited until \(until); its other posts wait")
    }
  }

  /// `text` without any credential: errors are stored in the queue and printed.
  private func scrubbed(_ text: String) -> String {
    secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
  }

  private func retry(_ job: Job, reason rawReason: String, after: Date?) throws(DeliveryError) {
    let reason = scrubbed(rawReason)
    guard job.attempts < settings.maxAttempts else {
      try fail(job, reason: "gave up after \(job.attempts) attempts: \(reason)")
      return
    }
    let exponent = Double(max(0, job.attempts - 1))
    let delay = min(settings.maxDelay, settings.baseDelay * pow(2, exponent)) * (0.5 + jitter())
    let due = max(after ?? now, now.addingTimeInterval(delay))
    try queue.markRetry(job.id, error: reason, dueAt: due, now: now)
    report.retrying.append((job, reason))
    logger.warning("\(job.network): job \(job.id) will be retried: \(reason)")
  }

  private func fail(_ job: Job, reason rawReason: String) throws(DeliveryError) {
    let reason = scrubbed(rawReason)
    try queue.markFailed(job.id, error: reason, now: now)
    report.failed.append((job, reason))
  }
}
