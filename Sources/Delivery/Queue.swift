public import Foundation
internal import Postgres
internal import SQL
internal import SQLite
public import Social

/// The delivery queue: one job per post, network and account, in SQLite (WAL, a file in the
/// state folder) or in PostgreSQL (shared by runners on several hosts). The statements are
/// the same for both; every row carries its `site`, so several sites can share one
/// PostgreSQL database (in SQLite, one folder is one site and `site` is empty).
///
/// Schema (SQLite: `PRAGMA user_version` counts the migrations applied; PostgreSQL: the
/// `herald_schema` table):
/// - `jobs`: a job per `(post_id, network, account)`, never inserted twice, so a post is
///   queued once whatever happens to it afterwards. `state` moves queued → sending →
///   sent | queued (retry) | failed, and a job whose post changed is withdrawn (and comes
///   back if the post does). `idempotency_key` never changes; `payload` is composed again
///   from the edited post only while no request for it can have reached the server
///   (`maybe_delivered` = 0). `account` is the account's identity (`AccountIdentity`).
/// - `accounts`: per network and account, when the last post went out (`min_interval`),
///   until when a rate limit blocks it, and when a login was refused (with which keys).
/// - `meta`: the record-key clock, which never repeats a value.
/// - `documents` (PostgreSQL only): what the SQLite state keeps as files beside the queue:
///   the entry ids and the Bluesky sessions.
public final class Queue {
  private let database: any SQLConnection<DeliveryError>
  /// The site whose rows this queue reads and writes.
  private let site: String
  /// The database file's name in the state folder.
  public static let fileName = "queue.sqlite"

  /// Whether the queue is in PostgreSQL (shared by runners), not in a SQLite file.
  public var isShared: Bool { database.dialect == .postgresql }
  /// The database as messages name it (never with a password).
  public var displayPath: String { database.path }

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
    """,
    // The queue follows the blog: withdrawn jobs, the post's own due time (`max_age`), whether
    // a request may have reached the server, when failures began (`give_up_after`), and jobs
    // `queue retry` asked to be composed again. SQLite cannot change a CHECK: the table is
    // rebuilt. Jobs already tried keep their frozen request: it may have reached the server.
    """
    CREATE TABLE jobs_v2 (
      id INTEGER PRIMARY KEY,
      post_id TEXT NOT NULL,
      post_path TEXT NOT NULL,
      network TEXT NOT NULL,
      account TEXT NOT NULL,
      payload TEXT NOT NULL,
      idempotency_key TEXT NOT NULL,
      state TEXT NOT NULL
        CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'cancelled', 'withdrawn')),
      due_at REAL NOT NULL,
      post_due_at REAL NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      maybe_delivered INTEGER NOT NULL DEFAULT 0,
      failing_since REAL,
      recheck INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      remote_id TEXT,
      created_at REAL NOT NULL,
      updated_at REAL NOT NULL,
      sent_at REAL,
      UNIQUE (post_id, network, account)
    );
    INSERT INTO jobs_v2 (id, post_id, post_path, network, account, payload, idempotency_key, state,
      due_at, post_due_at, attempts, maybe_delivered, last_error, remote_id, created_at, updated_at, sent_at)
    SELECT id, post_id, post_path, network, account, payload, idempotency_key, state,
      due_at, due_at, attempts, attempts > 0, last_error, remote_id, created_at, updated_at, sent_at FROM jobs;
    DROP TABLE jobs;
    ALTER TABLE jobs_v2 RENAME TO jobs;
    CREATE INDEX jobs_by_state ON jobs (state, due_at);
    ALTER TABLE accounts ADD COLUMN login_refused_at REAL;
    ALTER TABLE accounts ADD COLUMN login_fingerprint TEXT;
    CREATE TABLE meta (key TEXT PRIMARY KEY, value REAL NOT NULL);
    """,
    // Where people see a sent post (`queue list`, `preview`).
    "ALTER TABLE jobs ADD COLUMN remote_url TEXT;",
    // Jobs of several steps: what the finished ones left for the next.
    "ALTER TABLE jobs ADD COLUMN progress TEXT;",
    // The same statements as PostgreSQL's, where several sites share the tables.
    """
    ALTER TABLE jobs ADD COLUMN site TEXT NOT NULL DEFAULT '';
    CREATE UNIQUE INDEX jobs_of_site ON jobs (site, post_id, network, account);
    ALTER TABLE accounts ADD COLUMN site TEXT NOT NULL DEFAULT '';
    CREATE UNIQUE INDEX accounts_of_site ON accounts (site, network, account);
    ALTER TABLE meta ADD COLUMN site TEXT NOT NULL DEFAULT '';
    CREATE UNIQUE INDEX meta_of_site ON meta (site, key);
    """,
  ]

  /// PostgreSQL's schema, by version: the same tables, states and columns as SQLite's last
  /// migration, with `site` in every key.
  private static let postgresMigrations = [
    """
    CREATE TABLE jobs (
      site TEXT NOT NULL,
      id BIGSERIAL NOT NULL,
      post_id TEXT NOT NULL,
      post_path TEXT NOT NULL,
      network TEXT NOT NULL,
      account TEXT NOT NULL,
      payload TEXT NOT NULL,
      idempotency_key TEXT NOT NULL,
      state TEXT NOT NULL
        CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'cancelled', 'withdrawn')),
      due_at DOUBLE PRECISION NOT NULL,
      post_due_at DOUBLE PRECISION NOT NULL,
      attempts BIGINT NOT NULL DEFAULT 0,
      maybe_delivered BIGINT NOT NULL DEFAULT 0,
      failing_since DOUBLE PRECISION,
      recheck BIGINT NOT NULL DEFAULT 0,
      last_error TEXT,
      remote_id TEXT,
      created_at DOUBLE PRECISION NOT NULL,
      updated_at DOUBLE PRECISION NOT NULL,
      sent_at DOUBLE PRECISION,
      remote_url TEXT,
      progress TEXT,
      PRIMARY KEY (site, id),
      UNIQUE (site, post_id, network, account)
    );
    CREATE INDEX jobs_by_state ON jobs (site, state, due_at);
    CREATE TABLE accounts (
      site TEXT NOT NULL,
      network TEXT NOT NULL,
      account TEXT NOT NULL,
      last_sent_at DOUBLE PRECISION,
      blocked_until DOUBLE PRECISION,
      login_refused_at DOUBLE PRECISION,
      login_fingerprint TEXT,
      PRIMARY KEY (site, network, account)
    );
    CREATE TABLE meta (
      site TEXT NOT NULL,
      key TEXT NOT NULL,
      value DOUBLE PRECISION NOT NULL,
      PRIMARY KEY (site, key)
    );
    CREATE TABLE documents (
      site TEXT NOT NULL,
      name TEXT NOT NULL,
      content TEXT NOT NULL,
      updated_at DOUBLE PRECISION NOT NULL,
      PRIMARY KEY (site, name)
    );
    """
  ]

  /// The advisory lock (transaction-level) two runners' first runs take to create the
  /// schema one at a time.
  private static let schemaLock: Int64 = 0x4845_5241_4c44_0001

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
    database = try Database(
      url: url, displayPath: display, subject: "queue", readOnly: !create, failure: DeliveryError.init(queue:)
    )
    site = ""
    guard create else {
      try checkVersion()
      return
    }
    try database.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON")
    try migrate()
  }

  /// Connects to the queue of `site` in the PostgreSQL database at `url`, creating its
  /// tables on first use.
  public convenience init(postgresURL url: String, site: String) throws(DeliveryError) {
    let connection = try PostgresConnection(url: url, subject: "state", failure: DeliveryError.init(queue:))
    try connection.transaction { () throws(DeliveryError) in try Self.migrate(connection) }
    self.init(connection: connection, site: site)
  }

  /// Connects to the queue of `site` in the PostgreSQL database at `url` without creating
  /// anything (`--dry-run`, `check`); nil when its tables are not there, or not up to date.
  public static func existing(postgresURL url: String, site: String) throws(DeliveryError) -> Queue? {
    let connection = try PostgresConnection(url: url, subject: "state", failure: DeliveryError.init(queue:))
    let exists = try connection.query("SELECT to_regclass('herald_schema') IS NOT NULL AS present")
    guard exists.first?.integer("present") == 1 else { return nil }
    let version = try schemaVersion(connection)
    guard version <= postgresMigrations.count else { throw newer(version, connection) }
    guard version == postgresMigrations.count else { return nil }
    return Queue(connection: connection, site: site)
  }

  private init(connection: any SQLConnection<DeliveryError>, site: String) {
    database = connection
    self.site = site
  }

  /// Brings PostgreSQL's schema up to date, one runner at a time.
  private static func migrate(_ connection: any SQLConnection<DeliveryError>) throws(DeliveryError) {
    try connection.query("SELECT pg_advisory_xact_lock(?)", [.integer(schemaLock)])
    // Only when missing: a runner's role may read and write the tables without the right to
    // create any (the least privilege, and PostgreSQL 15's default for `public`).
    let present = try connection.query("SELECT to_regclass('herald_schema') IS NOT NULL AS present")
    if present.first?.integer("present") != 1 {
      try connection.execute("CREATE TABLE herald_schema (version INTEGER NOT NULL)")
    }
    let version = try schemaVersion(connection)
    guard version <= postgresMigrations.count else { throw newer(version, connection) }
    guard version < postgresMigrations.count else { return }
    for migration in postgresMigrations.dropFirst(version) { try connection.execute(migration) }
    try connection.execute("DELETE FROM herald_schema")
    try connection.query(
      "INSERT INTO herald_schema (version) VALUES (?)", [.integer(Int64(postgresMigrations.count))])
  }

  private static func schemaVersion(_ connection: any SQLConnection<DeliveryError>) throws(DeliveryError)
    -> Int
  {
    Int(
      try connection.query("SELECT max(version) AS version FROM herald_schema").first?.integer("version") ?? 0
    )
  }

  private static func newer(_ version: Int, _ connection: any SQLConnection<DeliveryError>) -> DeliveryError {
    DeliveryError(
      path: connection.path,
      "the state was written by a newer Herald (schema \(version)); upgrade Herald to use it")
  }

  /// A PostgreSQL URL as messages may show it: no password, no options.
  public static func displayName(_ url: String) -> String {
    PostgresConnection<DeliveryError>.displayName(url)
  }

  /// Whether a PostgreSQL URL spells out a password.
  public static func holdsPassword(_ url: String) -> Bool {
    PostgresConnection<DeliveryError>.holdsPassword(url)
  }

  /// Takes the site's publish lock: one run per site at a time, on any host. The server
  /// drops it when this queue's connection ends (the run ends, or is killed). PostgreSQL only.
  public func tryLock() throws(DeliveryError) -> Bool {
    guard let connection = database as? PostgresConnection<DeliveryError> else { return true }
    return try connection.tryAdvisoryLock(Self.lockKey(site: site))
  }

  /// The advisory lock key of a site: 64 bits of FNV-1a over its name.
  static func lockKey(site: String) -> Int64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in site.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    return Int64(bitPattern: hash)
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
      if version == 1 { try respellAccounts() }
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

  /// Queues written before accounts were identities spelled URLs as configured: give them the
  /// one spelling, so the first run after the upgrade queues nothing twice. Where two
  /// spellings both hold a job for one post, both stay, as history.
  private func respellAccounts() throws(DeliveryError) {
    for row in try database.query("SELECT DISTINCT network, account FROM jobs") {
      guard let network = row.text("network"), let account = row.text("account") else { continue }
      let identity: String
      switch network {
      case "mastodon", "x": identity = AccountIdentity.normalisedURL(account)
      case "bluesky": identity = AccountIdentity.normalisedHandle(account)
      default: continue
      }
      guard identity != account else { continue }
      try database.query(
        "UPDATE OR IGNORE jobs SET account = ? WHERE network = ? AND account = ?",
        [.text(identity), .text(network), .text(account)])
      try database.query(
        "UPDATE OR IGNORE accounts SET account = ? WHERE network = ? AND account = ?",
        [.text(identity), .text(network), .text(account)])
    }
  }

  private func checkVersion() throws(DeliveryError) {
    let version = try currentVersion()
    guard version <= Self.migrations.count else {
      throw DeliveryError(path: database.path, "the queue was written by a newer Herald (schema \(version))")
    }
    // A queue from before `site` columns, read without changing it (a dry run right after an
    // upgrade): views in the connection's own temporary schema give its tables the column.
    if version < 5 {
      try database.execute(
        """
        CREATE TEMP VIEW jobs AS SELECT '' AS site, * FROM main.jobs;
        CREATE TEMP VIEW accounts AS SELECT '' AS site, * FROM main.accounts;
        """)
      // `meta` came with the second migration.
      try database.execute(
        version < 2
          ? "CREATE TEMP TABLE meta (site TEXT NOT NULL, key TEXT NOT NULL, value REAL NOT NULL)"
          : "CREATE TEMP VIEW meta AS SELECT '' AS site, * FROM main.meta")
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
    public var network: Network
    /// The account.
    public var account: String
    /// What to send.
    public var payload: Payload
    /// When it falls due.
    public var dueAt: Date
    /// Why no text could be composed for it: recorded as failed (once), never sent.
    public var compositionError: String?
    /// Whether it needs a record key (Bluesky): the queue chooses one that never repeats.
    public var needsRecordKey: Bool

    /// Creates a job description.
    public init(
      postID: String, postPath: String, network: Network, account: String, payload: Payload, dueAt: Date,
      compositionError: String? = nil, needsRecordKey: Bool = false
    ) {
      self.postID = postID
      self.postPath = postPath
      self.network = network
      self.account = account
      self.payload = payload
      self.dueAt = dueAt
      self.compositionError = compositionError
      self.needsRecordKey = needsRecordKey
    }
  }

  /// Whether a job for this post, network and account was ever queued.
  public func contains(postID: String, network: Network, account: String) throws(DeliveryError) -> Bool {
    !(try database.query(
      "SELECT 1 FROM jobs WHERE site = ? AND post_id = ? AND network = ? AND account = ?",
      [.text(site), .text(postID), .text(network.rawValue), .text(account)]
    ).isEmpty)
  }

  /// Adds `job` unless one for its post, network and account exists; true when added. A job
  /// that needs a record key gets the next value of the queue's record-key clock.
  @discardableResult
  public func enqueue(_ job: NewJob, now: Date, clockID: UInt64 = 0) throws(DeliveryError) -> Bool {
    try database.transaction { () throws(DeliveryError) in
      var payload = job.payload
      if job.needsRecordKey {
        guard !(try contains(postID: job.postID, network: job.network, account: job.account)) else {
          return false
        }
        payload.recordKey = try nextRecordKey(now: now, clockID: clockID)
      }
      try database.query(
        """
        INSERT INTO jobs (site, post_id, post_path, network, account, payload, idempotency_key,
          state, due_at, post_due_at, last_error, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (site, post_id, network, account) DO NOTHING
        """,
        [
          .text(site), .text(job.postID), .text(job.postPath), .text(job.network.rawValue),
          .text(job.account),
          .text(try Self.encode(payload)), .text(UUID().uuidString.lowercased()),
          .text(job.compositionError == nil ? "queued" : "failed"),
          .real(job.dueAt.timeIntervalSince1970), .real(job.dueAt.timeIntervalSince1970),
          job.compositionError.map(SQLValue.text) ?? SQLValue.null,
          .real(now.timeIntervalSince1970), .real(now.timeIntervalSince1970),
        ])
      return database.changes > 0
    }
  }

  /// A Bluesky record key (TID) later than every one this queue handed out before: the
  /// microseconds of `now`, or one more than the last key's when the clock has not moved on
  /// (or went back), so no two jobs ever share a key and `putRecord` never replaces a post.
  private func nextRecordKey(now: Date, clockID: UInt64) throws(DeliveryError) -> String {
    let wanted = (now.timeIntervalSince1970 * 1_000_000).rounded(.down)
    // One statement, so two writers never both read the same last value.
    let micros =
      try database.query(
        """
        INSERT INTO meta (site, key, value) VALUES (?, 'record_key_clock', ?)
        ON CONFLICT (site, key) DO UPDATE SET value = \(database.dialect.greatest)(meta.value + 1, excluded.value)
        RETURNING value
        """,
        [.text(site), .real(wanted)]
      ).first?.real("value") ?? wanted
    return RecordKey.tid(microseconds: UInt64(max(0, micros)), clockID: clockID)
  }

  // MARK: - Sending

  /// Jobs a crash left under way: they are resolved first, with the same key. With
  /// PostgreSQL, a job another runner has under way right now is not one of them: each job
  /// under way is held by its runner's session (`own`), which ends with that runner.
  public func interrupted() throws(DeliveryError) -> [Job] {
    var left: [Job] = []
    for candidate in try jobs(where: "state = 'sending'") where try own(candidate.id) {
      // Read again once held: its runner may have settled it in between.
      if let job = try jobs(where: "id = ? AND state = 'sending'", [.integer(candidate.id)]).first {
        left.append(job)
      } else {
        try release(candidate.id)
      }
    }
    return left
  }

  /// Holds job `id` for this runner until it is settled (PostgreSQL: a session advisory lock,
  /// which the server drops when the runner's connection ends, however it ends); false when
  /// another live runner holds it. SQLite needs none: one writer at a time, under `flock`.
  private func own(_ id: Int64) throws(DeliveryError) -> Bool {
    guard database.dialect == .postgresql else { return true }
    let taken = try database.query("SELECT pg_try_advisory_lock(?) AS taken", [.integer(jobLock(id))])
    return taken.first?.integer("taken") == 1
  }

  /// Lets job `id` go once it is settled.
  private func release(_ id: Int64) throws(DeliveryError) {
    guard database.dialect == .postgresql else { return }
    try database.query("SELECT pg_advisory_unlock(?) AS released", [.integer(jobLock(id))])
  }

  private func jobLock(_ id: Int64) -> Int64 { Self.lockKey(site: site + "\n" + String(id)) }

  /// The next job to send, marked as under way in the same transaction (so no other
  /// process can take it): the oldest due job of an account (`accountKey`) that is not
  /// `skipping`, not rate-limited, not posted to less than `minInterval` ago, and below
  /// `maxPerRun` this run.
  public func claimNext(
    now: Date, maxPerRun: Int, minInterval: TimeInterval, claimedThisRun: [String: Int],
    skipping: Set<String>
  ) throws(DeliveryError) -> Job? {
    try database.transaction { () throws(DeliveryError) -> Job? in
      let due = try jobs(
        where: "state = 'queued' AND due_at <= ?", [.real(now.timeIntervalSince1970)],
        suffix: database.dialect.claimingRows)
      for job in due where !skipping.contains(Self.accountKey(job)) {
        let limits = try accountState(network: job.network, account: job.account)
        guard
          Self.mayClaim(
            job, lastSentAt: limits.lastSentAt, blockedUntil: limits.blockedUntil,
            claimedThisRun: claimedThisRun[Self.accountKey(job), default: 0], now: now, maxPerRun: maxPerRun,
            minInterval: minInterval)
        else { continue }
        // Held before it is marked: a job under way always has a live runner holding it.
        guard try own(job.id) else { continue }
        try database.query(
          "UPDATE jobs SET state = 'sending', attempts = attempts + 1, updated_at = ? WHERE site = ? AND id = ? AND state = 'queued'",
          [.real(now.timeIntervalSince1970), .text(site), .integer(job.id)])
        guard database.changes == 1 else {
          try release(job.id)
          continue
        }
        var claimed = job
        claimed.state = .sending
        claimed.attempts += 1
        return claimed
      }
      return nil
    }
  }

  /// The pacing rules, for real runs and dry ones alike: an account that is rate-limited, or
  /// posted less than `minInterval` ago, or already posted `maxPerRun` times this run (0: no
  /// cap), waits.
  public static func mayClaim(
    _ job: Job, lastSentAt: Date?, blockedUntil: Date?, claimedThisRun: Int, now: Date, maxPerRun: Int,
    minInterval: TimeInterval
  ) -> Bool {
    if let blockedUntil, blockedUntil > now { return false }
    if minInterval > 0, let lastSentAt,
      now.timeIntervalSince(lastSentAt) < minInterval - cronTolerance(minInterval)
    {
      return false
    }
    let perRun = maxPerRun == 0 ? Int.max : maxPerRun
    // Two posts in one run would come less than `minInterval` apart.
    let cap = minInterval > 0 ? min(1, perRun) : perRun
    return claimedThisRun < cap
  }

  /// How early a run may start against `min_interval` and still send: cron starts runs a
  /// little late or early, and a run 9 min 59 s after the last post must not wait 10 more
  /// minutes (`*/10` with `min_interval: 10m`). A minute, or half the interval when shorter.
  public static func cronTolerance(_ minInterval: TimeInterval) -> TimeInterval {
    min(60, minInterval / 2)
  }

  /// The key `claimedThisRun` counts by.
  public static func accountKey(_ job: Job) -> String {
    accountKey(network: job.network, account: job.account)
  }

  /// The key of an account: its network and identity.
  public static func accountKey(network: Network, account: String) -> String {
    network.rawValue + " " + account
  }

  /// Withdraws the waiting jobs whose post fell due more than `maxAge` ago: an announcement
  /// held back that long (by pacing, an outage, a missing account) is news no longer.
  /// `reason` is stored with each.
  public func withdrawExpired(now: Date, maxAge: TimeInterval, reason: String) throws(DeliveryError)
    -> [Job]
  {
    try database.transaction { () throws(DeliveryError) -> [Job] in
      let cutoff = now.timeIntervalSince1970 - maxAge
      let expired = try jobs(where: "state = 'queued' AND post_due_at < ?", [.real(cutoff)])
      for job in expired {
        try database.query(
          "UPDATE jobs SET state = 'withdrawn', last_error = ?, updated_at = ? WHERE site = ? AND id = ? AND state = 'queued'",
          [.text(reason), .real(now.timeIntervalSince1970), .text(site), .integer(job.id)])
      }
      return expired
    }
  }

  /// Hands back a claimed job that was not tried after all, as it was before.
  public func unclaim(_ id: Int64, now: Date) throws(DeliveryError) {
    try database.query(
      "UPDATE jobs SET state = 'queued', attempts = attempts - 1, updated_at = ? WHERE site = ? AND id = ? AND state = 'sending'",
      [.real(now.timeIntervalSince1970), .text(site), .integer(id)])
    try release(id)
  }

  /// Counts another attempt at a job a crash left under way.
  public func markAttempt(_ id: Int64, now: Date) throws(DeliveryError) {
    try database.query(
      "UPDATE jobs SET attempts = attempts + 1, updated_at = ? WHERE site = ? AND id = ? AND state = 'sending'",
      [.real(now.timeIntervalSince1970), .text(site), .integer(id)])
  }

  /// Records that the network has the post.
  public func markSent(_ id: Int64, remoteID: String?, url: String? = nil, now: Date) throws(DeliveryError) {
    try database.transaction { () throws(DeliveryError) in
      try database.query(
        """
        UPDATE jobs SET state = 'sent', remote_id = ?, remote_url = ?, last_error = NULL, sent_at = ?, updated_at = ?
        WHERE site = ? AND id = ? AND state = 'sending'
        """,
        [
          remoteID.map(SQLValue.text) ?? .null, url.map(SQLValue.text) ?? .null,
          .real(now.timeIntervalSince1970), .real(now.timeIntervalSince1970), .text(site), .integer(id),
        ])
      try database.query(
        """
        INSERT INTO accounts (site, network, account, last_sent_at)
        SELECT site, network, account, ? FROM jobs WHERE site = ? AND id = ?
        ON CONFLICT (site, network, account) DO UPDATE SET last_sent_at = excluded.last_sent_at
        """,
        [.real(now.timeIntervalSince1970), .text(site), .integer(id)])
    }
    try release(id)
  }

  /// Puts the job back in the queue until `dueAt`, keeping its key. `failingSince` starts the
  /// `give_up_after` clock (nil for a wait that is no failure, such as a rate limit);
  /// `mayHaveReachedServer` freezes its request for good.
  public func markRetry(
    _ id: Int64, error: String, dueAt: Date, failingSince: Date?, mayHaveReachedServer: Bool, now: Date
  ) throws(DeliveryError) {
    try database.query(
      """
      UPDATE jobs SET state = 'queued', last_error = ?, due_at = ?, failing_since = COALESCE(failing_since, ?),
        maybe_delivered = CASE WHEN ? = 1 THEN 1 ELSE maybe_delivered END, updated_at = ?
      WHERE site = ? AND id = ? AND state = 'sending'
      """,
      [
        .text(error), .real(dueAt.timeIntervalSince1970),
        failingSince.map { .real($0.timeIntervalSince1970) } ?? .null,
        .integer(mayHaveReachedServer ? 1 : 0), .real(now.timeIntervalSince1970), .text(site), .integer(id),
      ])
    try release(id)
  }

  /// Records a finished step of a job under way, before the next step's request is sent: a
  /// crash after this resumes at the next step, never repeating this one.
  public func recordProgress(_ id: Int64, _ progress: String, now: Date) throws(DeliveryError) {
    try database.query(
      "UPDATE jobs SET progress = ?, updated_at = ? WHERE site = ? AND id = ? AND state = 'sending'",
      [.text(progress), .real(now.timeIntervalSince1970), .text(site), .integer(id)])
  }

  /// Marks a claimed job as possibly delivered: its request is about to go out again as it is.
  public func markMaybeDelivered(_ id: Int64) throws(DeliveryError) {
    try database.query(
      "UPDATE jobs SET maybe_delivered = 1 WHERE site = ? AND id = ?", [.text(site), .integer(id)])
  }

  /// Records a failure for good, with the server's message.
  public func markFailed(_ id: Int64, error: String, now: Date) throws(DeliveryError) {
    try database.query(
      "UPDATE jobs SET state = 'failed', last_error = ?, updated_at = ? WHERE site = ? AND id = ? AND state = 'sending'",
      [.text(error), .real(now.timeIntervalSince1970), .text(site), .integer(id)])
    try release(id)
  }

  /// Remembers that `account` refused to log in with the credentials whose fingerprint is
  /// `fingerprint`, so Herald does not try them again (Bluesky locks accounts that do).
  public func recordLoginRefusal(
    network: Network, account: String, fingerprint: String, at date: Date
  ) throws(DeliveryError) {
    try database.query(
      """
      INSERT INTO accounts (site, network, account, login_refused_at, login_fingerprint) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (site, network, account) DO UPDATE SET login_refused_at = excluded.login_refused_at,
        login_fingerprint = excluded.login_fingerprint
      """,
      [
        .text(site), .text(network.rawValue), .text(account), .real(date.timeIntervalSince1970),
        .text(fingerprint),
      ])
  }

  /// When `account` last refused a login, and the fingerprint of the credentials it refused.
  public func loginRefusal(network: Network, account: String) throws(DeliveryError) -> (
    at: Date, fingerprint: String
  )? {
    let row = try database.query(
      "SELECT login_refused_at, login_fingerprint FROM accounts WHERE site = ? AND network = ? AND account = ?",
      [.text(site), .text(network.rawValue), .text(account)]
    ).first
    guard let at = row?.real("login_refused_at"), let fingerprint = row?.text("login_fingerprint") else {
      return nil
    }
    return (Date(timeIntervalSince1970: at), fingerprint)
  }

  /// Forgets a refused login (the account logged in again).
  public func clearLoginRefusal(network: Network, account: String) throws(DeliveryError) {
    try database.query(
      "UPDATE accounts SET login_refused_at = NULL, login_fingerprint = NULL WHERE site = ? AND network = ? AND account = ?",
      [.text(site), .text(network.rawValue), .text(account)])
  }

  /// Stops an account until `until` (a rate limit).
  public func block(network: Network, account: String, until: Date) throws(DeliveryError) {
    try database.query(
      """
      INSERT INTO accounts (site, network, account, blocked_until) VALUES (?, ?, ?, ?)
      ON CONFLICT (site, network, account) DO UPDATE SET blocked_until = excluded.blocked_until
      """,
      [.text(site), .text(network.rawValue), .text(account), .real(until.timeIntervalSince1970)])
  }

  /// When an account last posted, and until when it is blocked.
  public func accountState(network: Network, account: String) throws(DeliveryError) -> (
    lastSentAt: Date?, blockedUntil: Date?
  ) {
    let row = try database.query(
      "SELECT last_sent_at, blocked_until FROM accounts WHERE site = ? AND network = ? AND account = ?",
      [.text(site), .text(network.rawValue), .text(account)]
    ).first
    return (
      row?.real("last_sent_at").map(Date.init(timeIntervalSince1970:)),
      row?.real("blocked_until").map(Date.init(timeIntervalSince1970:))
    )
  }

  // MARK: - `herald queue`

  /// Every job, newest first.
  public func all() throws(DeliveryError) -> [Job] {
    try jobs(where: "TRUE", order: "created_at DESC, id DESC")
  }

  /// The job with this id.
  public func job(_ id: Int64) throws(DeliveryError) -> Job? {
    try jobs(where: "id = ?", [.integer(id)]).first
  }

  /// Puts a failed, cancelled, withdrawn or waiting job back in line to be sent at the next
  /// publish, with a fresh `give_up_after`. That run checks it against its post first, and
  /// composes it again from the post as it is unless a request for it may have reached the
  /// server.
  public func retry(_ id: Int64, now: Date) throws(DeliveryError) -> Job {
    try change(id) { () throws(DeliveryError) in
      try database.query(
        """
        UPDATE jobs SET state = 'queued', due_at = ?, failing_since = NULL, recheck = 1, updated_at = ?
        WHERE site = ? AND id = ? AND state IN ('failed', 'cancelled', 'queued', 'withdrawn')
        """,
        [.real(now.timeIntervalSince1970), .real(now.timeIntervalSince1970), .text(site), .integer(id)])
    }
  }

  /// Cancels a job that has not been sent.
  public func cancel(_ id: Int64, now: Date) throws(DeliveryError) -> Job {
    try change(id) { () throws(DeliveryError) in
      try database.query(
        "UPDATE jobs SET state = 'cancelled', updated_at = ? WHERE site = ? AND id = ? AND state IN ('queued', 'failed', 'withdrawn')",
        [.real(now.timeIntervalSince1970), .text(site), .integer(id)])
    }
  }

  // MARK: - Following the blog

  /// Jobs the blog may have changed under: waiting, under way, withdrawn, or never composed.
  public func unsettled() throws(DeliveryError) -> [Job] {
    try jobs(where: "state IN ('queued', 'sending', 'withdrawn') OR (state = 'failed' AND attempts = 0)")
  }

  /// The jobs not sent yet that Herald still means to send.
  public func pending() throws(DeliveryError) -> [Job] {
    try jobs(where: "state IN ('queued', 'sending')")
  }

  /// Whether `queue retry` left a job to be checked against its post before it is sent.
  public func needsRecheck() throws(DeliveryError) -> Bool {
    !(try database.query("SELECT 1 FROM jobs WHERE site = ? AND recheck = 1 LIMIT 1", [.text(site)]).isEmpty)
  }

  /// Writes what following the blog decided for each job (state, reason, payload, due
  /// times), each only if the job is still as it was read: a job another process moved on
  /// in between is left to it.
  public func save(_ updates: [(before: Job, after: Job)], now: Date) throws(DeliveryError) {
    try database.transaction { () throws(DeliveryError) in
      for (before, after) in updates {
        try database.query(
          """
          UPDATE jobs SET state = ?, last_error = ?, payload = ?, progress = ?, due_at = ?, post_due_at = ?,
            recheck = 0, updated_at = ?
          WHERE site = ? AND id = ? AND state = ?
          """,
          [
            .text(after.state.rawValue), after.lastError.map(SQLValue.text) ?? .null,
            .text(try Self.encode(after.payload)), after.progress.map(SQLValue.text) ?? .null,
            .real(after.dueAt.timeIntervalSince1970), .real(after.postDueAt.timeIntervalSince1970),
            .real(now.timeIntervalSince1970), .text(site), .integer(before.id), .text(before.state.rawValue),
          ])
      }
      try database.query("UPDATE jobs SET recheck = 0 WHERE site = ? AND recheck = 1", [.text(site)])
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

  /// What tells this queue from one made anew in its place: for PostgreSQL, the server, the
  /// database, the site and the `jobs` table's own id (a table dropped and made again is a
  /// new queue).
  public func identity() throws(DeliveryError) -> String {
    let row = try database.query("SELECT 'jobs'::regclass::oid::bigint AS table_id").first
    return "\(database.path) \(site) \(row?.integer("table_id") ?? 0)"
  }

  // MARK: - Documents (PostgreSQL)

  /// A document kept in the state (an entry-id list, a Bluesky session); nil when none.
  public func document(_ name: String) throws(DeliveryError) -> Data? {
    try database.query(
      "SELECT content FROM documents WHERE site = ? AND name = ?", [.text(site), .text(name)]
    ).first?.text("content").map { Data($0.utf8) }
  }

  /// Keeps `data` (UTF-8 text) as the document `name`, replacing what was there.
  public func keep(_ data: Data, document name: String, now: Date = Date()) throws(DeliveryError) {
    try database.query(
      """
      INSERT INTO documents (site, name, content, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (site, name) DO UPDATE SET content = excluded.content, updated_at = excluded.updated_at
      """,
      [
        .text(site), .text(name), .text(String(decoding: data, as: UTF8.self)),
        .real(now.timeIntervalSince1970),
      ])
  }

  /// The names of the documents kept for this site.
  public func documentNames() throws(DeliveryError) -> [String] {
    try database.query("SELECT name FROM documents WHERE site = ? ORDER BY name", [.text(site)]).compactMap {
      $0.text("name")
    }
  }

  // MARK: - Copying (`herald state migrate`)

  /// The tables a copy of the state carries, in the order they are written.
  private static let copiedTables = ["jobs", "accounts", "meta"]

  /// Every row this site has, table by table, as they are: what `herald state migrate` copies.
  public func snapshot() throws(DeliveryError) -> QueueSnapshot {
    var snapshot = QueueSnapshot()
    for table in Self.copiedTables {
      snapshot.tables[table] = try database.query(
        "SELECT * FROM \(table) WHERE site = ?\(table == "jobs" ? " ORDER BY id" : "")", [.text(site)])
    }
    return snapshot
  }

  /// How many rows this site has in each table.
  public func counts() throws(DeliveryError) -> [String: Int] {
    var counts: [String: Int] = [:]
    for table in Self.copiedTables {
      counts[table] = Int(
        try database.query("SELECT count(*) AS rows FROM \(table) WHERE site = ?", [.text(site)]).first?
          .integer(
            "rows") ?? 0)
    }
    return counts
  }

  /// Writes `snapshot` into this queue, which must hold nothing for its site yet; job ids are
  /// kept, so `herald queue` names the same jobs after the move. One transaction: all or none.
  public func restore(_ snapshot: QueueSnapshot) throws(DeliveryError) {
    try database.transaction { () throws(DeliveryError) in
      guard try counts().values.allSatisfy({ $0 == 0 }) else {
        throw DeliveryError(
          path: database.path,
          "already holds a state for this site; nothing was copied (start from an empty one)")
      }
      for table in Self.copiedTables {
        for row in snapshot.tables[table] ?? [] {
          var values = row.values
          values["site"] = .text(site)
          let columns = values.keys.sorted()
          try database.query(
            "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))",
            columns.map { values[$0] ?? .null })
        }
      }
      // Jobs added later must not reuse a copied id.
      if database.dialect == .postgresql {
        try database.query(
          "SELECT setval(pg_get_serial_sequence('jobs', 'id'), GREATEST((SELECT max(id) FROM jobs), 1))")
      }
    }
  }

  // MARK: - Rows

  private func jobs(
    where condition: String, _ bindings: [SQLValue] = [], order: String = "due_at, id", suffix: String = ""
  ) throws(DeliveryError) -> [Job] {
    try database.query(
      "SELECT * FROM jobs WHERE site = ? AND (\(condition)) ORDER BY \(order)\(suffix)",
      [.text(site)] + bindings
    ).map { row throws(DeliveryError) in try job(from: row) }
  }

  private func job(from row: SQLRow) throws(DeliveryError) -> Job {
    guard let id = row.integer("id"), let payloadText = row.text("payload"),
      let payload = try? JSONDecoder().decode(Payload.self, from: Data(payloadText.utf8)),
      let state = row.text("state").flatMap(Job.State.init(rawValue:)),
      let network = row.text("network").flatMap(Network.init(rawValue:))
    else {
      throw DeliveryError(path: database.path, "the queue holds a job Herald cannot read; nothing was sent")
    }
    var job = Job(
      id: id, postID: row.text("post_id") ?? "", postPath: row.text("post_path") ?? "",
      network: network, account: row.text("account") ?? "", payload: payload,
      idempotencyKey: row.text("idempotency_key") ?? "", state: state,
      dueAt: Date(timeIntervalSince1970: row.real("due_at") ?? 0),
      attempts: Int(row.integer("attempts") ?? 0),
      lastError: row.text("last_error"), remoteID: row.text("remote_id"),
      createdAt: Date(timeIntervalSince1970: row.real("created_at") ?? 0),
      sentAt: row.real("sent_at").map(Date.init(timeIntervalSince1970:)),
      postDueAt: row.real("post_due_at").map(Date.init(timeIntervalSince1970:)))
    job.mayHaveReachedServer = (row.integer("maybe_delivered") ?? 0) != 0
    job.failingSince = row.real("failing_since").map(Date.init(timeIntervalSince1970:))
    job.remoteURL = row.text("remote_url")
    job.progress = row.text("progress")
    return job
  }

  private static func encode(_ payload: Payload) throws(DeliveryError) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(payload) else { throw DeliveryError("cannot encode a payload") }
    return String(decoding: data, as: UTF8.self)
  }
}

/// A site's queue rows, as `herald state migrate` carries them from one engine to the other.
public struct QueueSnapshot: Sendable {
  fileprivate var tables: [String: [SQLRow]] = [:]

  /// How many rows each table holds.
  public var counts: [String: Int] { tables.mapValues(\.count) }
}
