internal import Delivery
internal import Feeds
internal import Foundation
internal import Locking
internal import Logging
internal import Posts
internal import SQL
internal import SQLite

/// The build cache's posts as an index, so that a cron run over a large archive costs what
/// the change costs: it reads the post files that changed and updates their rows, then asks
/// the index for the newest posts of each feed and loads only those. Everything else a build
/// reports (counts, problems, the span the feeds stand for) comes from the index as well.
///
/// With archives or `feeds.limit: 0`, every published post is in some document: those are
/// all loaded, and no other post.
struct PostIndex {
  let cache: BuildCache
  let configuration: HeraldConfiguration
  let logger: Logger

  /// Files read, and rows written, this many at a time: a cold build's memory does not grow
  /// with the archive.
  static let batchSize = 1024

  /// The inputs of a build of the posts in `listing` at `now`.
  func feedInputs(listing: PostListing, now: Date) throws -> FeedInputs {
    let started = ContinuousClock.now
    let (lastPublished, registryWarnings) = try syncEntryIDs()
    let unreadable = try refresh(listing)
    try cache.database.transaction { () throws(SQLFailure) in try cache.claim() }
    let refreshed = ContinuousClock.now
    let instant = now.timeIntervalSince1970

    let identities = try resolveContestedIDs(at: now)
    let publishedCount = try count(
      "SELECT count(*) FROM posts WHERE feedable = 1 AND date <= ?", [.real(instant)])
    let problems = try problemDiagnostics(unreadable: unreadable)
    let postCount = try count("SELECT count(*) FROM posts") - problems.withoutPost
    let diagnostics = listing.diagnostics + problems.diagnostics + registryWarnings + identities.diagnostics
    let from = try value("SELECT max(date) FROM posts WHERE feedable = 1 AND date <= ?", instant)
    let until = try value("SELECT min(date) FROM posts WHERE feedable = 1 AND date > ?", instant)
    let published = try newestPosts(at: instant, ids: identities.ids)
    let found = (ContinuousClock.now - refreshed).milliseconds
    logger.debug(
      "index up to date in \((refreshed - started).milliseconds); \(published.count) posts for the feeds in \(found)"
    )
    var inputs = FeedInputs(
      configuration: configuration, published: published, publishedCount: publishedCount,
      postCount: postCount, invalidCount: diagnostics.filter { $0.severity == .error }.count,
      diagnostics: diagnostics,
      span: (from ?? -Double.greatestFiniteMagnitude, until ?? Double.greatestFiniteMagnitude),
      lastPublishedCount: lastPublished,
      recordIDs: { () throws(FeedsError) in
        let started = ContinuousClock.now
        try recordIDs(at: instant, published: publishedCount, last: lastPublished, losers: identities.losers)
        logger.debug("entry ids recorded in \((ContinuousClock.now - started).milliseconds)")
      })
    inputs.fromIndex = true
    return inputs
  }

  // MARK: - Post files

  /// What reading each file of `listing` gave, in its order, from the rows brought up to date
  /// with it: for runs that need every post (`publish`, archives, `feeds.limit: 0`).
  func everyPost(_ listing: PostListing) throws -> [(post: Post?, diagnostics: [Diagnostic])] {
    let unreadable = try refresh(listing)
    var readings: [(path: String, reading: (post: Post?, diagnostics: [Diagnostic]))] = []
    readings.reserveCapacity(listing.files.count)
    try cache.database.forEachRow(
      "SELECT path, archive FROM posts JOIN post_archives USING (path) ORDER BY path"
    ) {
      row throws(SQLFailure) in
      guard let path = row.text(0), let reading = PostArchive.decode(row.blob(1)) else {
        throw SQLFailure(
          path: cache.database.path, subject: "build cache", kind: .damaged,
          message: "a post cannot be read back")
      }
      readings.append((path, reading))
    }
    guard !unreadable.isEmpty else { return readings.map(\.reading) }
    readings += unreadable.map { ($0.key, (nil, [$0.value])) }
    return readings.sorted { PostListing.precedes($0.path, $1.path) }.map(\.reading)
  }

  /// Brings the rows up to date with `listing`: the files whose `stat` changed are read
  /// (on all cores, a batch at a time), rows of files gone are dropped. Returns the
  /// diagnostics of files that could not be read at all, by path; they have no row.
  private func refresh(_ listing: PostListing) throws -> [String: Diagnostic] {
    let files = listing.files
    var changed: [(file: Int, digest: String?)] = []
    var gone: [String] = []
    var next = 0
    // Both in path order: one pass over the rows, none of their posts decoded.
    var edited: [(file: Int, path: String)] = []
    let indexed = try cache.indexedFiles()
    for row in 0..<indexed.count {
      // Compared as bytes: a String for each of a hundred thousand rows costs more than the rest.
      let known = indexed.withPath(row) { path in
        while next < files.count, Self.order(files[next].relativePath, path) < 0 {
          changed.append((next, nil))
          next += 1
        }
        return next < files.count && Self.order(files[next].relativePath, path) == 0
      }
      guard known else {
        gone.append(indexed.path(row))
        continue
      }
      if indexed.signatures[row] != files[next].signature {
        edited.append((next, files[next].relativePath))
      }
      next += 1
    }
    // The digest of each changed file the cache has a row for: the same bytes need no reading.
    for (file, path) in edited {
      try cache.database.forEachRow("SELECT digest FROM posts WHERE path = ?", [.text(path)]) { row in
        changed.append((file, row.text(0)))
      }
    }
    changed += (next..<files.count).map { ($0, nil) }

    // Each batch is read on all cores while the one before is written to the cache.
    let batches = stride(from: 0, to: changed.count, by: Self.batchSize).map {
      changed[$0..<min($0 + Self.batchSize, changed.count)]
    }
    let reading = DispatchQueue(label: "herald.index.reading")
    var unreadable: [String: Diagnostic] = [:]
    let reader = PostReader(site: configuration.postSite)
    let hiddenPosts = configuration.hiddenPosts
    var ready = batches.first.map { Self.read($0, of: files, reader: reader, hiddenPosts: hiddenPosts) }
    for index in batches.indices {
      guard let outcomes = ready else { break }
      let upcoming = Locked<[(path: String, outcome: Outcome)]?>(nil)
      let group = DispatchGroup()
      if index + 1 < batches.count {
        let batch = batches[index + 1]
        reading.async(group: group) {
          let outcomes = Self.read(batch, of: files, reader: reader, hiddenPosts: hiddenPosts)
          upcoming.withLock { $0 = outcomes }
        }
      }
      try cache.database.transaction { () throws(SQLFailure) in
        for (path, outcome) in outcomes {
          switch outcome {
          case .touched(let signature): try cache.touch(path, signature: signature)
          case .read(let row): try cache.remember([(path, row)])
          case .unreadable(let diagnostics):
            unreadable[path] = diagnostics.first
            try cache.forget([path])
          }
        }
      }
      group.wait()
      ready = upcoming.withLock { $0 }
    }
    if !gone.isEmpty { try cache.database.transaction { () throws(SQLFailure) in try cache.forget(gone) } }
    logger.debug("\(files.count) post files, \(changed.count) read from disk, \(gone.count) gone")
    return unreadable
  }

  /// Reads the files at `batch` (positions in `files`, with the digest the cache has of
  /// each), on all cores.
  private static func read(
    _ batch: ArraySlice<(file: Int, digest: String?)>, of files: [PostFile], reader: PostReader,
    hiddenPosts: HiddenPostsPolicy
  ) -> [(path: String, outcome: Outcome)] {
    let outcomes = Locked([(path: String, outcome: Outcome)]())
    DispatchQueue.concurrentPerform(iterations: batch.count) { position in
      let (index, digest) = batch[batch.startIndex + position]
      let file = files[index]
      let outcome: Outcome =
        switch Workspace.read(file, reader: reader, remembered: digest, hiddenPosts: hiddenPosts) {
        case nil: .touched(file.signature)
        case (_, let row?)?: .read(row)
        case (let result, nil)?: .unreadable(result.diagnostics)
        }
      outcomes.withLock { $0.append((file.relativePath, outcome)) }
    }
    return outcomes.withLock { $0 }
  }

  /// How `path` and `other` compare as bytes (`PostListing.precedes`' order): below 0 when
  /// `path` comes first, 0 when they are the same.
  private static func order(_ path: String, _ other: UnsafeBufferPointer<UInt8>) -> Int {
    var path = path
    return path.withUTF8 { bytes in
      let common = min(bytes.count, other.count)
      let order = common == 0 ? 0 : memcmp(bytes.baseAddress!, other.baseAddress!, common)
      return order != 0 ? Int(order) : bytes.count - other.count
    }
  }

  /// What became of a changed file.
  private enum Outcome {
    /// The same bytes as before: only its `stat` is new.
    case touched(FileSignature)
    case read(PostRow)
    /// It could not be read at all.
    case unreadable([Diagnostic])
  }

  /// The diagnostics of every post file, in path order: those kept with the rows, and those
  /// of the files that could not be read; and how many rows are of files that are not posts.
  private func problemDiagnostics(unreadable: [String: Diagnostic]) throws -> (
    diagnostics: [Diagnostic], withoutPost: Int
  ) {
    var byPath = unreadable.mapValues { [$0] }
    var withoutPost = 0
    try cache.database.forEachRow(
      """
      SELECT path, archive, reader_id IS NULL FROM posts JOIN post_archives USING (path)
      WHERE errors + warnings > 0
      """
    ) { row in
      guard let path = row.text(0), let decoded = PostArchive.decode(row.blob(1)) else { return }
      byPath[path] = decoded.diagnostics
      withoutPost += Int(row.integer(2))
    }
    return (byPath.sorted { PostListing.precedes($0.key, $1.key) }.flatMap(\.value), withoutPost)
  }

  // MARK: - Entry ids

  /// Makes the cache's copy of the remembered entry ids match the document in the state,
  /// unless it is the copy of that very document. Returns how many posts the last build
  /// published, and a warning when the document cannot be read.
  private func syncEntryIDs() throws -> (lastPublished: Int?, warnings: [Diagnostic]) {
    // Taken before reading: a document changed while it is read is read again next time.
    let fingerprint = EntryIDRegistry.fingerprint(configuration)
    if fingerprint != "unread", try cache.meta("entry-ids") == fingerprint {
      return (try cache.meta("published").flatMap { Int($0) }, [])
    }
    var warnings: [Diagnostic] = []
    let registry = try EntryIDRegistry.load(from: configuration.documents, warnings: &warnings)
    try cache.database.transaction { () throws(SQLFailure) in
      try cache.database.execute("DELETE FROM entry_ids; UPDATE posts SET claimed = NULL, recorded = 0")
      for (path, id) in registry.ids {
        try cache.database.query("INSERT INTO entry_ids VALUES (?, ?)", [.text(path), .text(id)])
      }
      // A document that cannot be read is read again (and warned about) on every run.
      try cache.setMeta("entry-ids", warnings.isEmpty && fingerprint != "unread" ? fingerprint : nil)
      try cache.setMeta("published", registry.lastPublishedCount.map(String.init))
    }
    logger.debug("copied \(registry.ids.count) entry ids into the build cache")
    return (registry.lastPublishedCount, warnings)
  }

  /// The ids that two posts or more claim, settled as `PostIdentities` settles them among
  /// every post: `ids` are the claimants' final ids by path, `losers` those that differ from
  /// their claim, with whether they are published.
  private func resolveContestedIDs(at now: Date) throws -> (
    ids: [String: String], losers: [String: (id: String, published: Bool)], diagnostics: [Diagnostic]
  ) {
    var claimants: [Post] = []
    var remembered: [String: String] = [:]
    // Contests end when a claimant is removed or edited: those are let go of first.
    try cache.database.execute(
      "DELETE FROM contested WHERE (SELECT count(*) FROM posts WHERE posts.claimed = contested.claimed) < 2")
    try cache.database.forEachRow(
      """
      SELECT path, archive, (SELECT id FROM entry_ids WHERE entry_ids.path = posts.path)
      FROM posts JOIN post_archives USING (path) WHERE claimed IN (SELECT claimed FROM contested)
      """
    ) { row in
      guard let path = row.text(0), let post = PostArchive.decode(row.blob(1))?.post else { return }
      claimants.append(post)
      if let id = row.text(2) { remembered[path] = id }
    }
    guard !claimants.isEmpty else { return ([:], [:], []) }
    let resolved = PostIdentities.resolve(
      claimants, remembered: remembered, site: configuration.postSite,
      alsoTaken: { id in (try? count("SELECT count(*) FROM posts WHERE claimed = ?", [.text(id)])) ?? 0 > 0 })
    var ids: [String: String] = [:]
    var losers: [String: (id: String, published: Bool)] = [:]
    for (before, after) in zip(claimants, resolved.posts) {
      let path = after.source.relativePath
      ids[path] = after.id
      let claimed = before.pinnedID == nil ? remembered[path] ?? before.id : before.id
      if after.id != claimed {
        losers[path] = (after.id, after.status(at: now, hiddenPosts: configuration.hiddenPosts) == .published)
      }
    }
    return (ids, losers, resolved.diagnostics)
  }

  /// Remembers the ids of the posts published at `instant` that the entry ids do not hold
  /// yet, and the count of published posts: the document in the state is written whole (it is
  /// the record), then the cache's copy is brought level with it.
  private func recordIDs(
    at instant: Double, published: Int, last: Int?, losers: [String: (id: String, published: Bool)]
  ) throws(FeedsError) {
    var changes: [String: String] = [:]
    try reporting { () throws(SQLFailure) in
      try cache.database.forEachRow(
        """
        SELECT path, claimed FROM posts INDEXED BY posts_unrecorded
        WHERE feedable = 1 AND recorded = 0 AND date <= ?
        """, [.real(instant)]
      ) { row in
        if let path = row.text(0), let claimed = row.text(1) { changes[path] = claimed }
      }
    }
    for (path, loser) in losers where loser.published { changes[path] = loser.id }
    guard !changes.isEmpty || last != published else { return }

    let sortedChanges = changes.sorted { PostListing.precedes($0.key, $1.key) }
    var document = try appendedDocument(sortedChanges, published: published)
    if document == nil { document = try wholeDocument(sortedChanges, published: published) }
    guard let document else { return }
    try EntryIDRegistry.save(document, to: configuration.documents)

    // Should this fail, the copy no longer matches the document, and is made again next run.
    try? cache.database.transaction { () throws(SQLFailure) in
      for (path, id) in sortedChanges {
        try cache.database.query("INSERT OR REPLACE INTO entry_ids VALUES (?, ?)", [.text(path), .text(id)])
        try cache.database.query("UPDATE posts SET claimed = NULL WHERE path = ?", [.text(path)])
      }
      try cache.claim()
      try cache.setMeta("entry-ids", EntryIDRegistry.fingerprint(configuration, written: document))
      try cache.setMeta("published", String(published))
    }
  }

  /// The document in the state with `changes` appended, when they only add ids (new posts)
  /// and the document is the one the cache copied: a new post then costs a copy of the
  /// document, not a pass over every id. Nil when the document must be written whole.
  private func appendedDocument(_ changes: [(key: String, value: String)], published: Int) throws(FeedsError)
    -> Data?
  {
    var onlyAdded = true
    try reporting { () throws(SQLFailure) in
      for change in changes where onlyAdded {
        try cache.database.forEachRow("SELECT 1 FROM entry_ids WHERE path = ?", [.text(change.key)]) { _ in
          onlyAdded = false
        }
      }
    }
    guard onlyAdded, let old = try? configuration.documents.read(EntryIDRegistry.fileName),
      // Taken after reading: a document replaced meanwhile does not match.
      EntryIDRegistry.fingerprint(configuration, written: old) == (try? cache.meta("entry-ids"))
    else { return nil }
    var added = EntryIDRegistry.Document()
    for change in changes { added.add(path: change.key.utf8, id: change.value.utf8) }
    return added.appending(to: old, published: published)
  }

  /// The document in the state made anew from the cache's copy with `changes`, in one pass.
  private func wholeDocument(_ changes: [(key: String, value: String)], published: Int) throws(FeedsError)
    -> Data
  {
    var ids = EntryIDRegistry.Document()
    var pending = changes[...]
    try reporting { () throws(SQLFailure) in
      // Every row lent as bytes: a String for each of a hundred thousand ids costs more than the rest.
      try cache.database.forEachRow("SELECT path, id FROM entry_ids ORDER BY path") { row in
        row.withText(0) { path in
          while let change = pending.first, Self.order(change.key, path) < 0 {
            ids.add(path: change.key.utf8, id: change.value.utf8)
            pending.removeFirst()
          }
          if let change = pending.first, Self.order(change.key, path) == 0 {
            ids.add(path: change.key.utf8, id: change.value.utf8)
            pending.removeFirst()
          } else {
            row.withText(1) { id in ids.add(path: path, id: id) }
          }
        }
      }
    }
    for change in pending { ids.add(path: change.key.utf8, id: change.value.utf8) }
    return ids.finished(published: published)
  }

  /// Runs `body`, its failure as a build's error.
  private func reporting(_ body: () throws(SQLFailure) -> Void) throws(FeedsError) {
    do {
      try body()
    } catch {
      throw FeedsError(path: error.path, error.message)
    }
  }

  // MARK: - The feeds' posts

  /// The published posts the feeds can hold at `instant`: the newest `feeds.limit` of the
  /// site and of each category, with every post dated as the last of those (ties are
  /// ordered by id, which only the planner knows). In path order, as every post would be.
  private func newestPosts(at instant: Double, ids: [String: String]) throws -> [Post] {
    let limit = configuration.feedLimit
    guard limit > 0, configuration.feedArchiveSize == nil else {
      // Every published post is in some feed or archive: all of them, in one pass.
      var posts: [Post] = []
      try cache.database.forEachRow(
        """
        SELECT path, archive, claimed FROM posts JOIN post_archives USING (path)
        WHERE feedable = 1 AND date <= ? ORDER BY path
        """, [.real(instant)]
      ) { row in
        guard let path = row.text(0), var post = PostArchive.decode(row.blob(1))?.post,
          let claimed = row.text(2)
        else { return }
        post.id = ids[path] ?? claimed
        posts.append(post)
      }
      return posts
    }
    var paths = Set<String>()
    try newest(
      "SELECT path, date FROM posts WHERE feedable = 1 AND date <= ? ORDER BY date DESC LIMIT ?",
      ties: "SELECT path FROM posts WHERE feedable = 1 AND date = ?", [], instant, limit, into: &paths)
    // Each slug once, skipping from one to the next along the index.
    var slug = ""
    while let next = try cache.database.query(
      "SELECT slug FROM post_categories WHERE slug > ? ORDER BY slug LIMIT 1", [.text(slug)]
    ).first?.text("slug") {
      slug = next
      try newest(
        "SELECT path, date FROM post_categories WHERE slug = ? AND date <= ? ORDER BY date DESC LIMIT ?",
        ties: "SELECT path FROM post_categories WHERE slug = ? AND date = ?", [.text(slug)], instant, limit,
        into: &paths)
    }
    var posts: [Post] = []
    for path in paths.sorted(by: PostListing.precedes) {
      try cache.database.forEachRow(
        "SELECT archive, claimed FROM posts JOIN post_archives USING (path) WHERE path = ?", [.text(path)]
      ) { row in
        guard var post = PostArchive.decode(row.blob(0))?.post, let claimed = row.text(1) else { return }
        post.id = ids[path] ?? claimed
        posts.append(post)
      }
    }
    return posts
  }

  /// Adds to `paths` the first `limit` rows of `query` (given `bindings`, then `instant` and
  /// `limit`), and every row `ties` finds dated as the last of them.
  private func newest(
    _ query: String, ties: String, _ bindings: [SQLValue], _ instant: Double, _ limit: Int,
    into paths: inout Set<String>
  ) throws {
    var last: Double?
    var found = 0
    try cache.database.forEachRow(query, bindings + [.real(instant), .integer(Int64(limit))]) { row in
      if let path = row.text(0) { paths.insert(path) }
      last = row.real(1)
      found += 1
    }
    guard found == limit, let last else { return }
    try cache.database.forEachRow(ties, bindings + [.real(last)]) { row in
      if let path = row.text(0) { paths.insert(path) }
    }
  }

  // MARK: - Queries

  private func count(_ sql: String, _ bindings: [SQLValue] = []) throws -> Int {
    var result = 0
    try cache.database.forEachRow(sql, bindings) { row in
      result = Int(row.integer(0))
    }
    return result
  }

  private func value(_ sql: String, _ instant: Double) throws -> Double? {
    var result: Double?
    try cache.database.forEachRow(sql, [.real(instant)]) { row in
      result = row.isNull(0) ? nil : row.real(0)
    }
    return result
  }
}
