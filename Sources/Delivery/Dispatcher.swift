internal import CivilDate
internal import CrashPoints
public import Foundation
public import HTTP
public import Images
public import Logging
public import Social

/// Sends what is due, one job at a time, recording each step in the queue before the next:
/// a job is marked under way before its request goes out and settled when the answer comes,
/// so a crash at any instant leaves a state the next run resolves without a second post.
///
/// Failures are handled per account: a network that cannot be reached, or that refuses the
/// credentials, stops that account for the run after its first job, is reported once, and
/// its jobs wait (they are not spent one by one).
public final class Dispatcher {
  /// The rules of a run.
  public struct Settings: Sendable {
    /// At most this many posts per network and account in one run (0: no cap).
    public var maxPerRun: Int
    /// At least this long between two posts of one account.
    public var minInterval: TimeInterval
    /// A waiting job whose post fell due longer ago than this is withdrawn (`max_age`).
    public var maxAge: TimeInterval = .infinity
    /// How people write `maxAge` (`7d`), for the reason a job is withdrawn.
    public var maxAgeText = ""
    /// A job that keeps failing in ways worth retrying fails for good once its failures have
    /// lasted this long (`delivery.give_up_after`).
    public var giveUpAfter: TimeInterval = 86_400
    /// The first back-off; each retry doubles it, up to `maxDelay`, with jitter.
    public var baseDelay: TimeInterval = 60
    /// The longest back-off: short enough that a network back after an outage gets its
    /// posts within the hour.
    public var maxDelay: TimeInterval = 3600

    /// Creates settings.
    public init(maxPerRun: Int, minInterval: TimeInterval) {
      self.maxPerRun = maxPerRun
      self.minInterval = minInterval
    }
  }

  private let queue: Queue
  private let clients: [String: any NetworkClient]
  private let http: HTTPClient
  private let settings: Settings
  private let now: Date
  private let jitter: () -> Double
  private let logger: Logger
  private let secrets: [String]
  private let pictures: ImageStore?
  private var prepared: Set<String> = []
  private var skipping: Set<String> = []
  private var unconfigured: Set<String> = []
  private var claimed: [String: Int] = [:]
  private var report = DeliveryReport()

  /// A dispatcher for `clients` (one per account) at `now`; `jitter` returns values in 0..<1.
  public init(
    queue: Queue, clients: [any NetworkClient], http: HTTPClient, settings: Settings, now: Date,
    jitter: @escaping () -> Double, logger: Logger, secrets: [String] = [], pictures: ImageStore? = nil
  ) {
    self.pictures = pictures
    self.secrets = secrets
    self.queue = queue
    self.clients = Dictionary(
      clients.map { (Queue.accountKey(network: $0.network, account: $0.account), $0) },
      uniquingKeysWith: { first, _ in first })
    self.http = http
    self.settings = settings
    self.now = now
    self.jitter = jitter
    self.logger = logger
  }

  /// Withdraws what grew too old, resolves jobs a crash left under way, then sends what is due.
  public func run() throws(DeliveryError) -> DeliveryReport {
    if settings.maxAge.isFinite {
      let reason = "more than \(settings.maxAgeText) old (max_age) before it could be sent"
      for job in try queue.withdrawExpired(now: now, maxAge: settings.maxAge, reason: reason) {
        report.withdrawn.append((job, reason))
        logger.notice("\(job.network): job \(job.id) withdrawn: \(reason)")
      }
    }
    for job in try queue.interrupted() {
      guard let client = client(for: job), !skipping.contains(Queue.accountKey(job)) else { continue }
      if client.mayResend(job) {
        logger.notice(
          "resending job \(job.id) (\(job.network)), left under way by an earlier run, with the same key")
        try queue.markAttempt(job.id, now: now)
        var resent = job
        if client.mayPost(job) {
          try queue.markMaybeDelivered(job.id)
          resent.mayHaveReachedServer = true
        }
        resent.attempts += 1
        try send(resent, with: client)
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

  /// The client for a job's network and account; jobs of an account no longer configured
  /// wait (they are never sent to another account).
  private func client(for job: Job) -> (any NetworkClient)? {
    let key = Queue.accountKey(job)
    guard let client = clients[key] else {
      if !unconfigured.contains(key) {
        logger.warning("\(job.network) jobs for \(job.account) wait: that account is not configured now")
      }
      unconfigured.insert(key)
      return nil
    }
    return client
  }

  /// How long a refused login is not tried again with the same credentials.
  public static let refusedLoginWait: TimeInterval = 86_400

  /// The most steps one job may take (a Threads post takes two).
  private static let maxSteps = 6

  private func send(_ job: Job, with client: any NetworkClient) throws(DeliveryError) {
    guard try ready(job, client: client) else { return }
    CrashPoint.claimed.reached()
    var job = job
    job.picture = picture(for: job, client: client)
    if job.picture == nil, job.payload.image != nil, client.pictureUse != .none, (job.progress ?? "").isEmpty
    {
      // Recorded before the first request, so a job resumed after a crash knows its first
      // request was the post itself, not the picture's upload.
      try queue.recordProgress(job.id, Job.noPicture, now: now)
      job.progress = Job.noPicture
    }
    for step in 0..<Self.maxSteps {
      job.stepInAttempt = step
      guard let progress = try sendStep(job, with: client) else { return }
      // One step is done: record it before the next one's request goes out.
      CrashPoint.stepAnswered.reached()
      try queue.recordProgress(job.id, progress, now: now)
      CrashPoint.stepRecorded.reached()
      job.progress = progress
    }
    try fail(job, reason: "\(job.network) took more than \(Self.maxSteps) steps for one post")
  }

  /// The job's picture made for its network. A picture that cannot be used is reported and
  /// left out; the post still goes.
  private func picture(for job: Job, client: any NetworkClient) -> PreparedPicture? {
    guard let image = job.payload.image, let pictures else { return nil }
    do throws(ImageFailure) {
      return try PictureMaker(store: pictures).picture(image, for: client.pictureUse, network: job.network)
    } catch {
      report.pictures.append((job, image.reference, error.message))
      logger.info("\(job.network): job \(job.id): the image \(image.reference) is left out: \(error.message)")
      return nil
    }
  }

  /// Sends the job's next request and settles what the answer means; the progress to record
  /// when it was one step of several, else nil.
  private func sendStep(_ job: Job, with client: any NetworkClient) throws(DeliveryError) -> String? {
    let key = Queue.accountKey(job)
    // A request that cannot make the post (an upload) reaching the server freezes nothing.
    let posting = client.mayPost(job)
    var response: HTTPResponse
    do {
      response = try http.send(try client.request(for: job, now: now))
      if try client.renewedSession(after: response, http: http) {
        response = try http.send(try client.request(for: job, now: now))
      }
    } catch let error as HTTPError {
      switch RetryPolicy.decision(for: error) {
      case .network(let reached), .job(let reached):
        try unreachable(job, reason: error.description, mayHaveReachedServer: reached && posting)
      case .fail, .stopAccount, .waitForLimit:
        try fail(job, reason: error.description)
      }
      return nil
    } catch let error as DeliveryError {
      // A new session refused, or no request made at all: nothing reached the server.
      if error.isRefusedLogin {
        try refused(job, client: client, reason: error.message, login: true)
      } else {
        try unreachable(job, reason: error.message, mayHaveReachedServer: false)
      }
      return nil
    } catch {
      try retry(job, reason: "\(error)", after: nil, mayHaveReachedServer: posting)
      return nil
    }

    switch client.outcome(of: response, for: job, now: now) {
    case .sent(let remoteID, let url):
      CrashPoint.answered.reached()
      try queue.markSent(job.id, remoteID: remoteID, url: url, now: now)
      CrashPoint.recorded.reached()
      report.sent.append(job)
      logger.info("\(job.network): sent job \(job.id) for \(job.payload.permalink)")
      if RateLimit.exhausted(response), let reset = RateLimit.resetDate(response, now: now), reset > now {
        try queue.block(network: job.network, account: job.account, until: reset)
        skipping.insert(key)
      }
    case .retry(let reason, let after):
      // A retry the status explains follows the policy; one after a success the client could
      // not read is this job's alone, and its request arrived.
      switch (200..<300).contains(response.status) ? nil : RetryPolicy.decision(forStatus: response.status) {
      case .network(let reached):
        try unreachable(job, reason: reason, mayHaveReachedServer: reached && posting, after: after)
      case .job(let reached):
        try retry(job, reason: reason, after: after, mayHaveReachedServer: reached && posting)
      default:
        try retry(job, reason: reason, after: after, mayHaveReachedServer: posting)
      }
    case .failed(let reason):
      try fail(job, reason: reason)
    case .unauthorized(let reason, let keys):
      try refused(job, client: client, reason: reason, keys: keys)
    case .rateLimited(let until, let rawReason):
      let reason = scrubbed(rawReason)
      try queue.block(network: job.network, account: job.account, until: until)
      try queue.markRetry(
        job.id, error: reason, dueAt: until, failingSince: nil,
        mayHaveReachedServer: job.mayHaveReachedServer,
        now: now)
      report.retrying.append((job, reason))
      report.rateLimited.insert(job.network)
      skipping.insert(key)
      logger.warning("\(job.network): rate-limited until \(until); its other posts wait")
    case .step(let progress):
      return progress
    }
    return nil
  }

  /// Gets the account ready once per run (a login); false when it cannot be, the job handed
  /// back and the account stopped for the run.
  private func ready(_ job: Job, client: any NetworkClient) throws(DeliveryError) -> Bool {
    let key = Queue.accountKey(job)
    guard !prepared.contains(key) else { return true }
    // Only clients that log in have a refusal to remember (read once, cleared on success).
    let refusal =
      client.loginFingerprint == nil
      ? nil : try queue.loginRefusal(network: job.network, account: job.account)
    if let refusal, refusal.fingerprint == client.loginFingerprint,
      now.timeIntervalSince(refusal.at) < Self.refusedLoginWait, now >= refusal.at
    {
      // Logging in again with credentials that were refused is what gets accounts locked.
      let retryAt = refusal.at.addingTimeInterval(Self.refusedLoginWait)
      try refused(
        job, client: client,
        reason:
          "the login was refused at \(Self.format(refusal.at)); Herald tries again when the credentials "
          + "change, or after \(Self.format(retryAt))")
      return false
    }
    do {
      try client.prepare(http: http, now: now)
      prepared.insert(key)
      if refusal != nil { try queue.clearLoginRefusal(network: job.network, account: job.account) }
      return true
    } catch {
      if error.isRefusedLogin {
        try refused(job, client: client, reason: error.message, login: true)
      } else {
        try unreachable(job, reason: error.message, mayHaveReachedServer: false)
      }
      return false
    }
  }

  /// The account refused the credentials (or the setting `keys`): remember a refused login,
  /// hand the job back, and stop the account for the run.
  private func refused(
    _ job: Job, client: any NetworkClient, reason rawReason: String, keys: String? = nil, login: Bool = false
  ) throws(DeliveryError) {
    if login, let fingerprint = client.loginFingerprint {
      try queue.recordLoginRefusal(
        network: job.network, account: job.account, fingerprint: fingerprint, at: now)
    }
    let reason = scrubbed(rawReason)
    try queue.unclaim(job.id, now: now)
    skipping.insert(Queue.accountKey(job))
    report.refused.append(
      AccountProblem(
        network: job.network, account: job.account, reason: reason, keys: keys ?? client.credentialKeys,
        nextTry: nil))
    logger.debug("\(job.network) (\(job.account)) stopped for the run: \(reason)")
  }

  /// The network could not be reached (or answered 5xx): the job retries later, and the
  /// account's other jobs wait for the next run instead of failing the same way.
  private func unreachable(
    _ job: Job, reason: String, mayHaveReachedServer: Bool, after: Date? = nil
  ) throws(DeliveryError) {
    guard let due = try retry(job, reason: reason, after: after, mayHaveReachedServer: mayHaveReachedServer)
    else { return }
    let key = Queue.accountKey(job)
    guard !skipping.contains(key) else { return }
    skipping.insert(key)
    report.unreachable.append(
      AccountProblem(
        network: job.network, account: job.account, reason: scrubbed(reason), keys: nil, nextTry: due))
    logger.debug("\(job.network) (\(job.account)) stopped for the run: \(scrubbed(reason))")
  }

  /// `text` without any credential: errors are stored in the queue and printed.
  private func scrubbed(_ text: String) -> String {
    secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
  }

  /// Puts the job back with a capped exponential back-off and jitter; once its failures
  /// have lasted `giveUpAfter`, it fails for good instead. Returns when it will be tried
  /// again, nil when it failed.
  @discardableResult
  private func retry(
    _ job: Job, reason rawReason: String, after: Date?, mayHaveReachedServer: Bool
  ) throws(DeliveryError) -> Date? {
    let reason = scrubbed(rawReason)
    let failingSince = job.failingSince ?? now
    if now.timeIntervalSince(failingSince) >= settings.giveUpAfter {
      try fail(
        job,
        reason:
          "gave up after \(job.attempts) attempts since \(Self.format(failingSince)) (give_up_after): \(reason)"
      )
      return nil
    }
    let exponent = Double(min(30, max(0, job.attempts - 1)))
    let delay = min(settings.maxDelay, settings.baseDelay * pow(2, exponent)) * (0.5 + jitter())
    let due = max(after ?? now, now.addingTimeInterval(delay))
    try queue.markRetry(
      job.id, error: reason, dueAt: due, failingSince: failingSince,
      mayHaveReachedServer: mayHaveReachedServer || job.mayHaveReachedServer, now: now)
    report.retrying.append((job, reason))
    logger.info("\(job.network): job \(job.id) will be retried after \(Self.format(due)): \(reason)")
    return due
  }

  private func fail(_ job: Job, reason rawReason: String) throws(DeliveryError) {
    let reason = scrubbed(rawReason)
    try queue.markFailed(job.id, error: reason, now: now)
    report.failed.append((job, reason))
  }

  /// `date` as RFC 3339 in UTC, to the second.
  static func format(_ date: Date) -> String {
    let seconds = Int(date.timeIntervalSince1970.rounded(.down))
    let days = (seconds >= 0 ? seconds : seconds - 86_399) / 86_400
    let civil = CivilDate(daysSince1970: days)
    let second = seconds - days * 86_400
    func pad(_ value: Int, _ width: Int) -> String {
      let text = String(value)
      return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    return pad(civil.year, 4) + "-" + pad(civil.month, 2) + "-" + pad(civil.day, 2) + "T"
      + pad(second / 3600, 2)
      + ":" + pad(second / 60 % 60, 2) + ":" + pad(second % 60, 2) + "Z"
  }

}
