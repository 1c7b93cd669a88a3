internal import Feeds
internal import Foundation
internal import Posts
internal import SQL
internal import SQLite

/// One post file as the build cache keeps it: what reading it gave (the post, or why there
/// is none, as `PostArchive` bytes) and the columns the index finds posts by.
struct PostRow {
  /// What the post's columns say.
  struct Columns {
    /// The post's date, in seconds since 1970.
    var date: Double
    /// Whether it is published once its date comes: not a draft, a blog post, and not a
    /// hidden post the configuration leaves out.
    var feedable: Bool
    /// The id the reader gave it: its pinned `id`, else one made from its permalink.
    var readerID: String
    /// Whether that id is pinned in the front matter.
    var pinned: Bool
    /// Its categories' slugs, each once, in the order the post names them.
    var slugs: [String]
  }

  var signature: FileSignature
  var digest: String
  var archive: [UInt8]
  /// How many of its diagnostics are errors: 1 for a file that is not a post.
  var errors: Int
  /// How many are warnings.
  var warnings: Int
  /// Nil for a file that could not be read as a post.
  var columns: Columns?

  /// The row of a file with `signature` and `digest` that gave `post` and `diagnostics`.
  /// `archive` is their `PostArchive` encoding, when the caller has it already.
  init(
    signature: FileSignature, digest: String, post: Post?, diagnostics: [Diagnostic], archive: [UInt8]? = nil,
    hiddenPosts: HiddenPostsPolicy
  ) {
    self.signature = signature
    self.digest = digest
    self.archive = archive ?? PostArchive.encode(post: post, diagnostics: diagnostics)
    errors = diagnostics.filter { $0.severity == .error }.count
    warnings = diagnostics.count - errors
    columns = post.map { post in
      var slugs: [String] = []
      for category in post.categories {
        let slug = FeedPlanner.categorySlug(category.label)
        if !slugs.contains(slug) { slugs.append(slug) }
      }
      return Columns(
        date: post.date.timeIntervalSince1970,
        feedable: post.status(at: post.date, hiddenPosts: hiddenPosts) == .published,
        readerID: post.id, pinned: post.pinnedID != nil, slugs: slugs)
    }
  }
}

extension BuildCache {
  /// Keeps `rows` by path, in place of what was kept for those paths. Their claimed ids are
  /// worked out by `claim()`.
  func remember(_ rows: some Sequence<(path: String, row: PostRow)>) throws(SQLFailure) {
    indexReadAhead = nil
    for (path, row) in rows {
      try database.query("DELETE FROM post_categories WHERE path = ?", [.text(path)])
      let columns = row.columns
      try database.query(
        "INSERT OR REPLACE INTO post_archives VALUES (?, ?)", [.text(path), .blob(row.archive)])
      try database.query(
        "INSERT OR REPLACE INTO posts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0)",
        [.text(path)] + Self.values(Self.trusted(row.signature)) + [
          .text(row.digest), .integer(Int64(row.errors)), .integer(Int64(row.warnings)),
          columns.map { .real($0.date) } ?? .null, .integer(columns?.feedable == true ? 1 : 0),
          columns.map { .text($0.readerID) } ?? .null, .integer(columns?.pinned == true ? 1 : 0),
        ])
      guard let columns, columns.feedable else { continue }
      for slug in columns.slugs {
        try database.query(
          "INSERT INTO post_categories VALUES (?, ?, ?)", [.text(path), .text(slug), .real(columns.date)])
      }
    }
  }

  /// Forgets the post files at `paths`.
  func forget(_ paths: some Sequence<String>) throws(SQLFailure) {
    indexReadAhead = nil
    for path in paths {
      try database.query("DELETE FROM posts WHERE path = ?", [.text(path)])
      try database.query("DELETE FROM post_archives WHERE path = ?", [.text(path)])
      try database.query("DELETE FROM post_categories WHERE path = ?", [.text(path)])
    }
  }

  /// Keeps a new `signature` for the file at `path`, whose bytes are the same as before.
  func touch(_ path: String, signature: FileSignature) throws(SQLFailure) {
    indexReadAhead = nil
    try database.query(
      "UPDATE posts SET device = ?, inode = ?, size = ?, modified = ?, changed = ? WHERE path = ?",
      Self.values(Self.trusted(signature)) + [.text(path)])
  }

  /// Works out the claimed id of every post that has none yet (new rows, and rows whose
  /// remembered id changed): its pinned id, else its remembered one, else its reader id;
  /// whether the entry ids hold that id for it; and which of those ids another post claims
  /// too. Run inside a transaction.
  func claim() throws(SQLFailure) {
    try database.execute(
      """
      CREATE TEMP TABLE IF NOT EXISTS claiming(path TEXT PRIMARY KEY);
      DELETE FROM claiming;
      INSERT INTO claiming SELECT path FROM posts WHERE claimed IS NULL AND reader_id IS NOT NULL;
      UPDATE posts SET
        claimed = CASE WHEN pinned = 1 THEN reader_id
          ELSE coalesce((SELECT id FROM entry_ids WHERE entry_ids.path = posts.path), reader_id) END,
        recorded = CASE WHEN pinned = 1
          THEN EXISTS(SELECT 1 FROM entry_ids WHERE entry_ids.path = posts.path AND entry_ids.id = posts.reader_id)
          ELSE EXISTS(SELECT 1 FROM entry_ids WHERE entry_ids.path = posts.path) END
      WHERE claimed IS NULL AND reader_id IS NOT NULL;
      -- CROSS JOIN keeps the few rows just claimed as the outer loop, not every post.
      INSERT OR IGNORE INTO contested SELECT DISTINCT posts.claimed
        FROM claiming CROSS JOIN posts ON posts.path = claiming.path
        WHERE EXISTS(SELECT 1 FROM posts AS other WHERE other.claimed = posts.claimed AND other.path != posts.path);
      """)
  }
}
