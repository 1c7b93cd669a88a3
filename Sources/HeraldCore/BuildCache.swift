internal import Feeds
internal import Foundation
internal import Logging
internal import Posts
internal import SQL
internal import SQLite

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What earlier runs learned, kept in `state/cache.sqlite` so that a run with little to do
/// does little: each post file's fields as read (keyed by its path, trusted while `stat`
/// says the file is unchanged, and otherwise by the digest of its bytes), indexed by date and
/// category so a build finds the newest posts without loading all (`PostIndex`); a copy of
/// the remembered entry ids; the digest each feed file was written from; and the entries of
/// the subscription feeds as written, so that a new post renders one entry, not a feed's worth.
///
/// Only a cache: when it is missing, damaged or from another version, runs read everything
/// again and rebuild it; it never decides what is published.
final class BuildCache {
  /// The file, below the state folder.
  static let fileName = "cache.sqlite"
  /// Bumped when the tables change; a cache of another version is emptied.
  static let schemaVersion = 7

  let database: Database<SQLFailure>
  /// Whether the remembered posts were read with the current reader settings and Herald
  /// version. A writable cache forgets posts read otherwise; a read-only one ignores them.
  private let postsAreCurrent: Bool

  /// What the cache holds of one post file, for a run that reads every post.
  struct RememberedPost {
    var signature: FileSignature
    var digest: String
    var archive: [UInt8]
  }

  /// What the cache holds of one feed file.
  struct RememberedOutput: Equatable {
    var digest: String
    var signature: FileSignature
  }

  /// Opened for a run that changes nothing (`--dry-run`, `check`, `preview`): updates are
  /// skipped rather than tried and refused.
  let readOnly: Bool

  /// The post files the cache has rows for, read while the posts folder was being listed
  /// (`readIndexAhead`), until the first `indexedFiles()` takes them. Any change to the rows
  /// drops them.
  var indexReadAhead: IndexedFiles?

  private init(database: Database<SQLFailure>, postsAreCurrent: Bool, readOnly: Bool) {
    self.database = database
    self.readOnly = readOnly
    self.postsAreCurrent = postsAreCurrent
  }

  /// Opens the cache in `state`, creating it unless `readOnly`; nil (after a debug message)
  /// when it cannot be used, which only makes the run slower. `settings` are everything the
  /// posts' fields depend on besides their files.
  static func open(
    state: HeraldConfiguration.Folder, settings: String, readOnly: Bool, logger: Logger
  ) -> BuildCache? {
    let url = state.url.appendingPathComponent(fileName)
    if readOnly, !FileManager.default.fileExists(atPath: url.path) { return nil }
    do {
      return try open(
        url, displayPath: state.displayPath + "/" + fileName, settings: settings, readOnly: readOnly)
    } catch {
      logger.debug("not using the build cache: \(error)")
      guard !readOnly else { return nil }
    }
    // A damaged cache is only slower than none: start a new one.
    for suffix in ["", "-wal", "-shm"] { unlink(url.path + suffix) }
    do {
      return try open(
        url, displayPath: state.displayPath + "/" + fileName, settings: settings, readOnly: false)
    } catch {
      logger.debug("not using the build cache: \(error)")
      return nil
    }
  }

  private static func open(_ url: URL, displayPath: String, settings: String, readOnly: Bool) throws
    -> BuildCache
  {
    if !readOnly {
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    }
    let database = try Database(
      url: url, displayPath: displayPath, subject: "build cache", readOnly: readOnly, failure: { $0 })
    let version = try database.query("PRAGMA user_version").first?.integer("user_version") ?? 0
    if readOnly {
      guard version == Int64(schemaVersion) else {
        throw SQLFailure(
          path: displayPath, subject: "build cache", kind: .other,
          message: "it is from another version of Herald")
      }
      let current = try meta("settings", in: database) == settings
      return BuildCache(database: database, postsAreCurrent: current, readOnly: true)
    }
    // A cache may lose its last writes in a power cut, never its consistency. The write-ahead
    // log stays when the cache is closed: folding it in at every close took two fsyncs, 5 ms
    // of a new post's run. SQLite folds it in when it reaches a thousand pages, and the file
    // is cut back to 4 MB then (a cold build's one transaction can make it ten times that).
    try database.execute(
      "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA journal_size_limit = 4194304")
    database.keepLogOnClose()
    if version != Int64(schemaVersion) { try create(database) }
    if try meta("settings", in: database) != settings {
      try database.transaction { () throws(SQLFailure) in
        try database.execute("DELETE FROM posts; DELETE FROM post_archives; DELETE FROM post_categories")
        try setMeta("settings", settings, in: database)
      }
    }
    return BuildCache(database: database, postsAreCurrent: true, readOnly: false)
  }

  /// The tables, made anew (a cache of another version is dropped whole).
  private static func create(_ database: Database<SQLFailure>) throws(SQLFailure) {
    try database.execute(
      """
      DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS posts; DROP TABLE IF EXISTS post_archives;
      DROP TABLE IF EXISTS post_categories; DROP TABLE IF EXISTS entry_ids; DROP TABLE IF EXISTS outputs;
      DROP TABLE IF EXISTS stamps; DROP TABLE IF EXISTS contested; DROP TABLE IF EXISTS entry_fragments;
      CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
      -- One row per post file, narrow so that a run can read every row. `errors` and
      -- `warnings` count its diagnostics (kept in `post_archives` with the post); the rest is
      -- NULL or 0 for a file that is not a post. `feedable`: published once its date comes
      -- (not a draft, a blog post, not a hidden post the configuration leaves out).
      -- `claimed`: the id it asks for (its pinned id, else its remembered one, else its
      -- reader id); `recorded`: the entry ids hold it.
      CREATE TABLE posts(path TEXT PRIMARY KEY, device INTEGER NOT NULL, inode INTEGER NOT NULL,
        size INTEGER NOT NULL, modified INTEGER NOT NULL, changed INTEGER NOT NULL,
        digest TEXT NOT NULL, errors INTEGER NOT NULL, warnings INTEGER NOT NULL, date REAL,
        feedable INTEGER NOT NULL, reader_id TEXT, pinned INTEGER NOT NULL, claimed TEXT,
        recorded INTEGER NOT NULL);
      -- What reading each file gave (`PostArchive`), loaded only for the posts a run needs.
      CREATE TABLE post_archives(path TEXT PRIMARY KEY, archive BLOB NOT NULL);
      -- What a run compares with the listing, read without the rest of each row.
      CREATE INDEX posts_by_signature ON posts(path, device, inode, size, modified, changed);
      CREATE INDEX posts_by_date ON posts(feedable, date);
      CREATE INDEX posts_by_claim ON posts(claimed);
      CREATE INDEX posts_unrecorded ON posts(date) WHERE feedable = 1 AND recorded = 0;
      CREATE INDEX posts_with_problems ON posts(path) WHERE errors + warnings > 0;
      -- The categories of feedable posts, by slug, dated as their post.
      CREATE TABLE post_categories(path TEXT NOT NULL, slug TEXT NOT NULL, date REAL NOT NULL,
        PRIMARY KEY(path, slug));
      CREATE INDEX categories_by_date ON post_categories(slug, date);
      -- Every id two posts or more claim (and perhaps some no longer claimed twice): kept as
      -- claims are made, so that no run looks for them among every post.
      CREATE TABLE contested(claimed TEXT PRIMARY KEY);
      -- A copy of the remembered entry ids, trusted while `meta` says the document is the one
      -- it was copied from.
      CREATE TABLE entry_ids(path TEXT PRIMARY KEY, id TEXT NOT NULL);
      CREATE TABLE outputs(path TEXT PRIMARY KEY, digest TEXT NOT NULL, device INTEGER NOT NULL,
        inode INTEGER NOT NULL, size INTEGER NOT NULL, modified INTEGER NOT NULL,
        changed INTEGER NOT NULL);
      -- The last run's stamp of each command, found by its fingerprint: a run whose inputs
      -- changed decodes none.
      CREATE TABLE stamps(command TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, stamp BLOB NOT NULL);
      -- The entries of the subscription feeds as last written in each format, by a key naming
      -- everything they are made of (`EntryFragmentKeys`).
      CREATE TABLE entry_fragments(key BLOB PRIMARY KEY, atom BLOB NOT NULL, rss BLOB NOT NULL,
        json BLOB NOT NULL);
      PRAGMA user_version = \(schemaVersion);
      """)
  }

  // MARK: - Meta

  private static func meta(_ key: String, in database: Database<SQLFailure>) throws(SQLFailure) -> String? {
    try database.query("SELECT value FROM meta WHERE key = ?", [.text(key)]).first?.text("value")
  }

  private static func setMeta(_ key: String, _ value: String?, in database: Database<SQLFailure>)
    throws(SQLFailure)
  {
    if let value {
      try database.query("INSERT OR REPLACE INTO meta VALUES (?, ?)", [.text(key), .text(value)])
    } else {
      try database.query("DELETE FROM meta WHERE key = ?", [.text(key)])
    }
  }

  /// The value kept under `key`, if any.
  func meta(_ key: String) throws(SQLFailure) -> String? { try Self.meta(key, in: database) }

  /// Keeps `value` under `key`; nil forgets it.
  func setMeta(_ key: String, _ value: String?) throws(SQLFailure) {
    try Self.setMeta(key, value, in: database)
  }

  // MARK: - Posts

  /// The paths and signatures of the post files the cache has rows for, in path order, kept
  /// as bytes: a large archive has a hundred thousand, and a String for each costs more than
  /// the comparison they are for.
  struct IndexedFiles: Sendable {
    /// The paths' bytes, one after the other; the n-th ends at `ends[n]`.
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    /// The n-th path's signature.
    private(set) var signatures: [FileSignature] = []

    var count: Int { ends.count }

    mutating func append(path: UnsafeBufferPointer<UInt8>, signature: FileSignature) {
      bytes.append(contentsOf: path)
      ends.append(bytes.count)
      signatures.append(signature)
    }

    /// Runs `body` on the n-th path's bytes.
    func withPath<T>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
      let start = index == 0 ? 0 : ends[index - 1]
      return try bytes.withUnsafeBufferPointer {
        try body(UnsafeBufferPointer(rebasing: $0[start..<ends[index]]))
      }
    }

    /// The n-th path.
    func path(_ index: Int) -> String { withPath(index) { String(decoding: $0, as: UTF8.self) } }
  }

  /// Every post file the cache has a row for; the rows read ahead, when they were.
  func indexedFiles() throws(SQLFailure) -> IndexedFiles {
    if let ahead = indexReadAhead {
      indexReadAhead = nil
      return ahead
    }
    var files = IndexedFiles()
    try database.forEachRow(
      "SELECT path, device, inode, size, modified, changed FROM posts INDEXED BY posts_by_signature ORDER BY path"
    ) { row in
      let signature = Self.signature(row, from: 1)
      row.withText(0) { files.append(path: $0, signature: signature) }
    }
    return files
  }

  /// Reads `indexedFiles()` now, for the run's first refresh: called while the posts folder
  /// is listed, which waits on the kernel with a core to spare.
  func readIndexAhead() {
    indexReadAhead = try? indexedFiles()
  }

  /// The remembered post files read with the current settings, by path below the posts folder.
  func rememberedPosts() -> [String: RememberedPost] {
    guard postsAreCurrent else { return [:] }
    var posts: [String: RememberedPost] = [:]
    try? database.forEachRow(
      "SELECT path, device, inode, size, modified, changed, digest, archive FROM posts JOIN post_archives USING (path)"
    ) { row in
      guard let path = row.text(0), let digest = row.text(6) else { return }
      posts[path] = RememberedPost(
        signature: Self.signature(row, from: 1), digest: digest, archive: row.blob(7))
    }
    return posts
  }

  // MARK: - Outputs

  /// The remembered feed files, by path below the output folder.
  func rememberedOutputs() -> [String: RememberedOutput] {
    var outputs: [String: RememberedOutput] = [:]
    try? database.forEachRow("SELECT path, digest, device, inode, size, modified, changed FROM outputs") {
      row in
      guard let path = row.text(0), let digest = row.text(1) else { return }
      outputs[path] = RememberedOutput(digest: digest, signature: Self.signature(row, from: 2))
    }
    return outputs
  }

  /// Remembers the feed files in `outputs` and forgets those of `previous` not in `keeping`.
  func update(
    outputs: [String: RememberedOutput], keeping: Set<String>, previous: [String: RememberedOutput]
  ) {
    guard !readOnly else { return }
    try? database.transaction { () throws(SQLFailure) in
      for path in previous.keys where !keeping.contains(path) {
        try database.query("DELETE FROM outputs WHERE path = ?", [.text(path)])
      }
      for (path, output) in outputs {
        try database.query(
          "INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?, ?, ?, ?)",
          // Herald wrote these files itself just now: their signatures are trusted as they are.
          [.text(path), .text(output.digest)] + Self.values(output.signature))
      }
    }
  }

  // MARK: - Entries as written

  /// Forgets the entries kept as written that `plan` no longer finds worth keeping (or holds
  /// otherwise now): the table holds the newest entries of today's feeds, however many runs
  /// it sees.
  func forgetFragments(keeping plan: FeedPlan) {
    guard !readOnly else { return }
    let keys = EntryFragmentKeys(renderer: renderer)
    let current = Set(plan.entriesWorthKeeping.map { keys.key(plan.entryDigests[$0]) })
    var gone: [[UInt8]] = []
    try? database.forEachRow("SELECT key FROM entry_fragments") { row in
      let key = row.blob(0)
      if !current.contains(key) { gone.append(key) }
    }
    guard !gone.isEmpty else { return }
    try? database.transaction { () throws(SQLFailure) in
      for key in gone { try database.query("DELETE FROM entry_fragments WHERE key = ?", [.blob(key)]) }
    }
  }

  // MARK: - Stamps

  /// The stamp the last run of `command` left, if its inputs had `fingerprint`.
  func stamp(_ command: String, fingerprint: String) -> RunStamp? {
    var stamp: RunStamp?
    try? database.forEachRow(
      "SELECT stamp FROM stamps WHERE command = ? AND fingerprint = ?", [.text(command), .text(fingerprint)]
    ) { row in
      stamp = try? JSONDecoder().decode(RunStamp.self, from: Data(row.blob(0)))
    }
    return stamp
  }

  /// Keeps `stamp` for the next run of `command`; nil forgets the last one.
  func save(_ stamp: RunStamp?, for command: String) {
    guard let stamp, let data = try? JSONEncoder().encode(stamp) else {
      _ = try? database.query("DELETE FROM stamps WHERE command = ?", [.text(command)])
      return
    }
    _ = try? database.query(
      "INSERT OR REPLACE INTO stamps VALUES (?, ?, ?)",
      [.text(command), .text(stamp.fingerprint), .blob(Array(data))])
  }

  // MARK: - Signatures

  /// The signature in the five columns from `first` on.
  static func signature(_ row: SQLiteColumns, from first: Int) -> FileSignature {
    FileSignature(
      device: UInt64(bitPattern: row.integer(first)), inode: UInt64(bitPattern: row.integer(first + 1)),
      size: row.integer(first + 2), modified: row.integer(first + 3), changed: row.integer(first + 4))
  }

  static func values(_ signature: FileSignature) -> [SQLValue] {
    [
      .integer(Int64(bitPattern: signature.device)), .integer(Int64(bitPattern: signature.inode)),
      .integer(signature.size), .integer(signature.modified), .integer(signature.changed),
    ]
  }

  /// `signature`, unless the file changed so recently that another change within the file
  /// system's clock tick would leave it looking the same (git's "racy clean" case): then a
  /// signature that never matches, so the next run looks at the bytes.
  static func trusted(_ signature: FileSignature, now: Int64 = clock()) -> FileSignature {
    guard now - max(signature.modified, signature.changed) < 2_000_000_000 else { return signature }
    var racy = signature
    racy.modified = -1
    return racy
  }

  /// The time now, in nanoseconds since 1970, as file signatures count it.
  static func clock() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
  }
}

extension BuildCache: EntryFragmentStore {
  /// Herald's build, commit included when known: entries rendered by another are not reused.
  var renderer: String { HeraldVersion.description }

  func fragments(_ keys: [[UInt8]]) -> [EntryFragments?] {
    keys.map { key in
      var found: EntryFragments?
      try? database.forEachRow("SELECT atom, rss, json FROM entry_fragments WHERE key = ?", [.blob(key)]) {
        row in
        found = EntryFragments(atom: row.blob(0), rss: row.blob(1), json: row.blob(2))
      }
      return found
    }
  }

  func keep(_ entries: [(key: [UInt8], fragments: EntryFragments)]) {
    guard !readOnly else { return }
    try? database.transaction { () throws(SQLFailure) in
      for (key, fragments) in entries {
        try database.query(
          "INSERT OR REPLACE INTO entry_fragments VALUES (?, ?, ?, ?)",
          [.blob(key), .blob(fragments.atom), .blob(fragments.rss), .blob(fragments.json)])
      }
    }
  }
}
