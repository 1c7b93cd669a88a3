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
/// says the file is unchanged, and otherwise by the digest of its bytes), and the digest
/// each feed file was written from.
///
/// Only a cache: when it is missing, damaged or from another version, runs read everything
/// again and rebuild it; it never decides what is published.
final class BuildCache {
  /// The file, below the state folder.
  static let fileName = "cache.sqlite"
  /// Bumped when the tables change; a cache of another version is emptied.
  static let schemaVersion = 2

  private let database: Database<SQLFailure>
  /// The reader settings and Herald version the remembered posts were read with.
  private let settings: String

  /// What the cache holds of one post file.
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
  private let readOnly: Bool

  private init(database: Database<SQLFailure>, settings: String, readOnly: Bool) {
    self.database = database
    self.readOnly = readOnly
    self.settings = settings
  }

  /// Opens the cache in `state`, creating it unless `readOnly`; nil (after a debug message)
  /// when it cannot be used, which only makes the run slower.
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
    if !readOnly {
      // A cache may lose its last writes in a power cut, never its consistency.
      try database.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
      if version != Int64(schemaVersion) {
        try database.execute(
          """
          DROP TABLE IF EXISTS posts; DROP TABLE IF EXISTS outputs; DROP TABLE IF EXISTS stamps;
          CREATE TABLE posts(path TEXT PRIMARY KEY, settings TEXT NOT NULL, device INTEGER NOT NULL,
            inode INTEGER NOT NULL, size INTEGER NOT NULL, modified INTEGER NOT NULL,
            changed INTEGER NOT NULL, digest TEXT NOT NULL, archive BLOB NOT NULL);
          CREATE TABLE outputs(path TEXT PRIMARY KEY, digest TEXT NOT NULL, device INTEGER NOT NULL,
            inode INTEGER NOT NULL, size INTEGER NOT NULL, modified INTEGER NOT NULL,
            changed INTEGER NOT NULL);
          CREATE TABLE stamps(command TEXT PRIMARY KEY, stamp BLOB NOT NULL);
          PRAGMA user_version = \(schemaVersion);
          """)
      }
    } else if version != Int64(schemaVersion) {
      throw SQLFailure(
        path: displayPath, subject: "build cache", kind: .other,
        message: "it is from another version of Herald")
    }
    return BuildCache(database: database, settings: settings, readOnly: readOnly)
  }

  // MARK: - Posts

  /// The remembered post files read with the current settings, by path below the posts folder.
  func rememberedPosts() -> [String: RememberedPost] {
    var posts: [String: RememberedPost] = [:]
    try? database.forEachRow(
      "SELECT path, device, inode, size, modified, changed, digest, archive FROM posts WHERE settings = ?",
      [.text(settings)]
    ) { row in
      guard let path = row.text(0), let digest = row.text(6) else { return }
      posts[path] = RememberedPost(
        signature: FileSignature(
          device: UInt64(bitPattern: row.integer(1)), inode: UInt64(bitPattern: row.integer(2)),
          size: row.integer(3), modified: row.integer(4), changed: row.integer(5)),
        digest: digest, archive: row.blob(7))
    }
    return posts
  }

  /// Remembers `posts` (by path) and forgets every other path not in `keeping`.
  func update(posts: [String: RememberedPost], keeping: Set<String>, previous: [String: RememberedPost]) {
    guard !readOnly else { return }
    let gone = previous.keys.filter { !keeping.contains($0) }
    guard !posts.isEmpty || !gone.isEmpty else { return }
    try? database.transaction { () throws(SQLFailure) in
      for path in gone { try database.query("DELETE FROM posts WHERE path = ?", [.text(path)]) }
      for (path, post) in posts {
        try database.query(
          "INSERT OR REPLACE INTO posts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          [.text(path), .text(settings)] + Self.values(Self.trusted(post.signature))
            + [.text(post.digest), .blob(post.archive)])
      }
    }
  }

  // MARK: - Outputs

  /// The remembered feed files, by path below the output folder.
  func rememberedOutputs() -> [String: RememberedOutput] {
    var outputs: [String: RememberedOutput] = [:]
    try? database.forEachRow("SELECT path, digest, device, inode, size, modified, changed FROM outputs") {
      row in
      guard let path = row.text(0), let digest = row.text(1) else { return }
      outputs[path] = RememberedOutput(
        digest: digest,
        signature: FileSignature(
          device: UInt64(bitPattern: row.integer(2)), inode: UInt64(bitPattern: row.integer(3)),
          size: row.integer(4), modified: row.integer(5), changed: row.integer(6)))
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

  // MARK: - Stamps

  /// The stamp the last run of `command` left, if any.
  func stamp(_ command: String) -> RunStamp? {
    var stamp: RunStamp?
    try? database.forEachRow("SELECT stamp FROM stamps WHERE command = ?", [.text(command)]) { row in
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
      "INSERT OR REPLACE INTO stamps VALUES (?, ?)", [.text(command), .blob(Array(data))])
  }

  // MARK: - Signatures

  private static func values(_ signature: FileSignature) -> [SQLValue] {
    [
      .integer(Int64(bitPattern: signature.device)), .integer(Int64(bitPattern: signature.inode)),
      .integer(signature.size), .integer(signature.modified), .integer(signature.changed),
    ]
  }

  /// `signature`, unless the file changed so recently that another change within the file
  /// system's clock tick would leave it looking the same (git's "racy clean" case): then a
  /// signature that never matches, so the next run looks at the bytes.
  static func trusted(_ signature: FileSignature) -> FileSignature {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    let nanoseconds = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    guard nanoseconds - max(signature.modified, signature.changed) < 2_000_000_000 else { return signature }
    var racy = signature
    racy.modified = -1
    return racy
  }
}
