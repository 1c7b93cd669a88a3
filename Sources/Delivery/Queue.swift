public import Foundation

/// The delivery queue in SQLite (WAL): one job per post, network and account.
///
/// Schema (`PRAGMA user_version` counts the migrations applied):
/// - `jobs`: a job per `(post_id, network, account)`, never inserted twice, so a post is
///   queued once whatever happens to it afterwards. `state` moves queued → sending →
///   sent | queued (retry) | failed; `payload` and `idempotency_key` never change.
/// - `accounts`: per network and account, when the last post went out (`min_interval`)
///   and until when a rate limit blocks it.
public final class Queue {
  private let database: Database
  /// The database file's name in the state folder.
  public static let fileName = "queue.sqlite"

  private static let migrations = [
    """
    CREATE TABLE jobs (
      id INTEGER PRIMARY KEY,
      post_id TEXT NOT NULL,
      post_path TEXT NOT NULL,
      network TEXT NOT NULL,
      account TEXT NOT NULL,
      payload TEXT NOT NULL,
      idempotency_key TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
      due_at REAL NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      remote_id TEXT,
      created_at REAL NOT NULL,
      updated_at REAL NOT NULL,
      sent_at REAL,
      UNIQUE (post_id, network, account)
    );
    CREATE INDEX jobs_by_state ON jobs (state, due_at);
    CREATE TABLE accounts (
      network TEXT NOT NULL,
      account TEXT NOT NULL,
      last_sent_at REAL,
      blocked_until REAL,
      PRIMARY KEY (network, account)
    );
    """
  ]

  /// Opens the queue in `folder`, creating it (and the folder) when `create` is true.
  public init(folder: URL, displayPath: String, create: Bool = true) throws(DeliveryError) {
    let url = folder.appendingPathComponent(Self.fileName)
    let display = displayPath + "/" + Self.fileName
    if create {
      do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      } catch {
        throw DeliveryError(path: displayPath, "cannot create the state folder")
      }
    }
    database = try Database(url: url, displayPath: display, readOnly: !create)
    guard create else {
      try checkVersion()
      return
    }
    try database.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON")
    try migrate()
  }

  /// Opens an existing queue without changing it (`--dry-run`, `queue list`); nil when none.
  public static func existing(folder: URL, displayPath: String) throws(DeliveryError) -> Queue? {
    guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(fileName).path) else {
      return nil
    }
    return try Queue(folder: folder, displayPath: displayPath, create: false)
  }

  /// Opens an existing queue to change jobs (`queue retry`, `queue cancel`); nil when none.
  public static func existingWritable(folder: URL, displayPath: String) throws(DeliveryError) -> Queue? {
    guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(fileName).path) else {
      return nil
    }
    return try Queue(folder: folder, displayPath: displayPath, create: true)
  }

  private func migrate() throws(DeliveryError) {
    try database.transaction { () throws(DeliveryError) in
      let version = try currentVersion()
      guard version <= Self.migrations.count else {
        throw DeliveryError(
          path: database.path,
          "the queue was written by a newer Herald (schema \(version)); upgrade Herald to use it")
      }
      for migration in Self.migrations.dropFirst(version) { try database.execute(migration) }
      try database.execute("PRAGMA user_version = \(Self.migrations.count)")
    }
    // Check the whole file once per open: a damaged queue must stop the run, not lose jobs.
    let check = try database.query("PRAGMA quick_check")
    guard check.first?.text("quick_check") == "ok" else {
      throw DeliveryError(
        path: database.path,
        "the queue database is damaged; nothing was sent. Move it aside to start a new queue")
    }
  }

  private func checkVersion() throws(DeliveryError) {
    let version = try currentVersion()
    guard version <= Self.migrations.count else {
      throw DeliveryError(path: database.path, "the queue was written by a newer Herald (schema \(version))")
    }
  }

  private func currentVersion() throws(DeliveryError) -> Int {
    Int(try database.query("PRAGMA user_version").first?.integer("user_version") ?? 0)
  }

  // MARK: - Queueing

  /// A job to add.
  public struct NewJob: Sendable {
    /// The post's entry id.
    public var postID: String
    /// The post file below the posts folder.
    public var postPath: String
    /// The network.
    public var network: String
    /// The account.
    public var account: String
    /// What to send.
    public var payload: Payload
    /// When it falls due.
    public var dueAt: Date

    /// Creates a job description.
    public init(
      postID: String, postPath: String, network: String, account: String, payload: Payload, dueAt: Date
    ) {
      self.postID = postID
      self.postPath = postPath
      self.network = network
      self.account = account
      self.payload = payload
      self.dueAt = dueAt
    }
  }

  /// Whether a job for this post, network and account was ever queued.
  public func contains(postID: String, network: String, account: String) throws(DeliveryError) -> Bool {
    !(try database.query(
      "SELECT 1 FROM jobs WHERE post_id = ? AND network = ? AND account = ?",
      [.text(postID), .text(network), .text(account)]
    ).isEmpty)
  }

  /// Adds `job` unless one for its post, network and account exists; true when added.
  @discardableResult
  public func enqueue(_ job: NewJob, now: Date) throws(DeliveryError) -> Bool {
    try database.transaction { () throws(DeliveryError) in
      try database.query(
        """
        INSERT OR IGNORE INTO jobs (post_id, post_path, network, account, payload, idempotency_key,
          state, due_at, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)
        """,
        [
          .text(job.postID), .text(job.postPath), .text(job.network), .text(job.account),
          .text(try Self.encode(job.payload)), .text(UUID().uuidString.lowercased()),
          .real(job.dueAt.timeIntervalSince1970), .real(now.timeIntervalSince1970),
          .real(now.timeIntervalSince1970),
        ])
      return database.changes > 0
    }
  }

  // MARK: - Sending

  /// Jobs a crash left under way: they are resolved first, with the same key.
  public func interrupted() throws(DeliveryError) -> [Job] {
    try jobs(where: "state = 'sending'")
  }

  /// The next job to send, marked as under way in the same transaction (so no other
  /// process can take it): the oldest due job of an account that is not `skipping`, not
  /// rate-limited, not posted to less than `minInterval` ago, and below `maxPerRun` this run.
  public func claimNext(
    now: Date, maxPerRun: Int, minInterval: TimeInterval, claimedThisRun: [String: Int],
    skipping: Set<String>
  ) throws(DeliveryError) -> Job? {
    try database.transaction { () throws(DeliveryError) -> Job? in
      let due = try jobs(where: "state = 'queued' AND due_at <= ?", [.real(now.timeIntervalSince1970)])
      for job in due where !skipping.contains(job.network) {
        let limits = try accountState(network: job.network, account: job.account)
        guard
          Self.mayClaim(
            job, lastSentAt: limits.lastSentAt, blockedUntil: limits.blockedUntil,
            claimedThisRun: claimedThisRun[Self.accountKey(job), default: 0], now: now, maxPerRun: maxPerRun,
            minInterval: minInterval)
        else { continue }
        try database.query(
          "UPDATE jobs SET state = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ? AND state = 'queued'",
          [.real(now.timeIntervalSince1970), .integer(job.id)])
        var claimed = job
        claimed.state = .sending
        claimed.attempts += 1
        return claimed
      }
      return nil
    }
  }

  /// The pacing rules, for real runs and dry ones alike: an account that is rate-limited, or
  /// posted less than `minInterval` ago, or already posted `maxPerRun` times this run, waits.
  public static func mayClaim(
    _ job: Job, lastSentAt: Date?, blockedUntil: Date?, claimedThisRun: Int, now: Date, maxPerRun: Int,
    minInterval: TimeInterval
  ) -> Bool {
    if let blockedUntil, blockedUntil > now { return false }
    if minInterval > 0, let lastSentAt, now.timeIntervalSince(lastSentAt) < minInterval { return false }
    // Two posts in one run would come less than `minInterval` apart.
    let cap = minInterval > 0 ? min(1, maxPerRun) : maxPerRun
    return claimedThisRun < cap
  }

  /// The key `claimedThisRun` counts by.
  public static func accountKey(_ job: Job) -> String { job.network + " " + job.account }

  /// Hands back a claimed job that was not tried after all, as it was before.
  public func unclaim(_ id: Int64, now: Date) throws(DeliveryError) {
    try database.query(
      "UPDATE jobs SET state = 'queued', attempts = attempts - 1, updated_at = ? WHERE id = ? AND state = 'sending'",
      [.real(now.timeIntervalSince1970), .integer(id)])
  }

  /// Counts another attempt at a job a crash left under way.
  public func markAttempt(_ id: Int64, now: Date) throws(DeliveryError) {
    try database.query(
      "UPDATE jobs SET attempts = attempts + 1, updated_at = ? WHERE id = ?",
      [.real(now.timeIntervalSince1970), .integer(id)])
  }

  /// Records that the network has the post.
  public func markSent(_ id: Int64, remoteID: String?, now: Date) throws(DeliveryError) {
    try database.transaction { () throws(DeliveryError) in
      try database.query(
        "UPDATE jobs SET state = 'sent', remote_id = ?, last_error = NULL, sent_at = ?, updated_at = ? WHERE id = ?",
        [
          remoteID.map(Database.Value.text) ?? .null, .real(now.timeIntervalSince1970),
          .real(now.timeIntervalSince1970), .integer(id),
        ])
      try database.query(
        """
        INSERT INTO accounts (network, account, last_sent_at) SELECT network, account, ? FROM jobs WHERE id = ?
        ON CONFLICT (network, account) DO UPDATE SET last_sent_at = excluded.last_sent_at
        """,
        [.real(now.timeIntervalSince1970), .integer(id)])
    }
  }

  /// Puts the job back in the queue until `dueAt`, keeping its key.
  public func markRetry(_ id: Int64, error: String, dueAt: Date, now: Date) throws(DeliveryError) {
    try database.query(
      "UPDATE jobs SET state = 'queued', last_error = ?, due_at = ?, updated_at = ? WHERE id = ?",
      [.text(error), .real(dueAt.timeIntervalSince1970), .real(now.timeIntervalSince1970), .integer(id)])
  }

  /// Records a failure for good, with the server's message.
  public func markFailed(_ id: Int64, error: String, now: Date) throws(DeliveryError) {
    try database.query(
      "UPDATE jobs SET state = 'failed', last_error = ?, updated_at = ? WHERE id = ?",
      [.text(error), .real(now.timeIntervalSince1970), .integer(id)])
  }

  /// Stops an account until `until` (a rate limit).
  public func block(network: String, account: String, until: Date) throws(DeliveryError) {
    try database.query(
      """
      INSERT INTO accounts (network, account, blocked_until) VALUES (?, ?, ?)
      ON CONFLICT (network, account) DO UPDATE SET blocked_until = excluded.blocked_until
      """,
      [.text(network), .text(account), .real(until.timeIntervalSince1970)])
  }

  /// When an account last posted, and until when it is blocked.
  public func accountState(network: String, account: String) throws(DeliveryError) -> (
    lastSentAt: Date?, blockedUntil: Date?
  ) {
    let row = try database.query(
      "SELECT last_sent_at, blocked_until FROM accounts WHERE network = ? AND account = ?",
      [.text(network), .text(account)]
    ).first
    return (
      row?.real("last_sent_at").map(Date.init(timeIntervalSince1970:)),
      row?.real("blocked_until").map(Date.init(timeIntervalSince1970:))
    )
  }

  // MARK: - `herald queue`

  /// Every job, newest first.
  public func all() throws(DeliveryError) -> [Job] {
    try jobs(where: "1", order: "created_at DESC, id DESC")
  }

  /// Puts a failed (or cancelled, or queued) job back in line to be sent now.
  public func retry(_ id: Int64, now: Date) throws(DeliveryError) -> Job {
    try change(id) { () throws(DeliveryError) in
      try database.query(
        "UPDATE jobs SET state = 'queued', due_at = ?, updated_at = ? WHERE id = ? AND state IN ('failed', 'cancelled', 'queued')",
        [.real(now.timeIntervalSince1970), .real(now.timeIntervalSince1970), .integer(id)])
    }
  }

  /// Cancels a job that has not been sent.
  public func cancel(_ id: Int64, now: Date) throws(DeliveryError) -> Job {
    try change(id) { () throws(DeliveryError) in
      try database.query(
        "UPDATE jobs SET state = 'cancelled', updated_at = ? WHERE id = ? AND state IN ('queued', 'failed')",
        [.real(now.timeIntervalSince1970), .integer(id)])
    }
  }

  private func change(_ id: Int64, _ update: () throws(DeliveryError) -> Void) throws(DeliveryError) -> Job {
    try database.transaction { () throws(DeliveryError) -> Job in
      guard let before = try jobs(where: "id = ?", [.integer(id)]).first else {
        throw DeliveryError(path: database.path, "there is no job \(id) (see: herald queue list)")
      }
      try update()
      guard database.changes > 0 else {
        throw DeliveryError(
          path: database.path, "job \(id) is \(before.state.rawValue); it cannot be changed so")
      }
      return try jobs(where: "id = ?", [.integer(id)])[0]
    }
  }

  // MARK: - Rows

  private func jobs(
    where condition: String, _ bindings: [Database.Value] = [], order: String = "due_at, id"
  ) throws(DeliveryError) -> [Job] {
    try database.query("SELECT * FROM jobs WHERE \(condition) ORDER BY \(order)", bindings).map {
      row throws(DeliveryError) in try job(from: row)
    }
  }

  private func job(from row: Database.Row) throws(DeliveryError) -> Job {
    guard let id = row.integer("id"), let payloadText = row.text("payload"),
      let payload = try? JSONDecoder().decode(Payload.self, from: Data(payloadText.utf8)),
      let state = row.text("state").flatMap(Job.State.init(rawValue:))
    else {
      throw DeliveryError(path: database.path, "the queue holds a job Herald cannot read; nothing was sent")
    }
    return Job(
      id: id, postID: row.text("post_id") ?? "", postPath: row.text("post_path") ?? "",
      network: row.text("network") ?? "", account: row.text("account") ?? "", payload: payload,
      idempotencyKey: row.text("idempotency_key") ?? "", state: state,
      dueAt: Date(timeIntervalSince1970: row.real("due_at") ?? 0),
      attempts: Int(row.integer("attempts") ?? 0),
      lastError: row.text("last_error"), remoteID: row.text("remote_id"),
      createdAt: Date(timeIntervalSince1970: row.real("created_at") ?? 0),
      sentAt: row.real("sent_at").map(Date.init(timeIntervalSince1970:)))
  }

  private static func encode(_ payload: Payload) throws(DeliveryError) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(payload) else { throw DeliveryError("cannot encode a payload") }
    return String(decoding: data, as: UTF8.self)
  }
}
