internal import CBuildInfo
internal import Feeds
public import Foundation
internal import Locking
public import Logging
public import Posts

/// The posts of a site as one run sees them: read, checked and given their ids.
public struct Workspace: Sendable {
  /// The configuration they were read with.
  public var configuration: HeraldConfiguration
  /// Every post that could be read, with its final id.
  public var posts: [Post]
  /// Everything wrong with the posts: one error per unreadable file, and warnings.
  public var diagnostics: [Diagnostic]
  /// The ids remembered from earlier builds.
  public var registry: EntryIDRegistry

  /// How many post files could not be read.
  public var invalidCount: Int { diagnostics.filter { $0.severity == .error }.count }

  /// How a run uses the build cache in the state folder.
  public enum CacheUse: Sendable {
    /// Read it and bring it up to date (`build`, `publish`).
    case update
    /// Read it if it is there, change nothing (`--dry-run`, `check`, `preview`).
    case readOnly
  }

  /// Reads every post under the configured folder: from the build cache for files that have
  /// not changed since it was written, from the files for the rest (on all cores).
  public static func load(
    _ configuration: HeraldConfiguration, cache cacheUse: CacheUse = .readOnly, logger: Logger
  ) throws(Diagnostic) -> Self {
    let cache = BuildCache.open(
      state: configuration.state, settings: cacheSettings(configuration), readOnly: cacheUse == .readOnly,
      logger: logger)
    return try load(configuration, listing: listing(configuration), cache: cache, logger: logger)
  }

  /// The post files of the configured folder.
  static func listing(_ configuration: HeraldConfiguration) throws(Diagnostic) -> PostListing {
    try PostReader.listFolder(configuration.posts.url, displayPath: configuration.posts.displayPath)
  }

  /// Reads the posts of `listing`, remembered ones from `cache`.
  static func load(
    _ configuration: HeraldConfiguration, listing: PostListing, cache: BuildCache?, logger: Logger
  ) throws(Diagnostic) -> Self {
    let site = configuration.postSite
    // With a cache to update, the index reads the changed files a batch at a time and keeps
    // them, and every post is then read back from it: memory holds the posts, not their files.
    if let cache, !cache.readOnly {
      let readings: [(post: Post?, diagnostics: [Diagnostic])]?
      do {
        readings = try PostIndex(cache: cache, configuration: configuration, logger: logger).everyPost(
          listing)
      } catch {
        // Should the cache fail, every file is read as below: slower, never wrong.
        logger.debug("not using the build cache's index: \(error)")
        readings = nil
      }
      if let readings { return try resolved(configuration, listing: listing, readings: readings) }
    }
    let remembered = cache?.rememberedPosts() ?? [:]

    var results = [(post: Post?, diagnostics: [Diagnostic])?](repeating: nil, count: listing.files.count)
    var unread: [Int] = []
    for (index, file) in listing.files.enumerated() {
      if let known = remembered[file.relativePath], known.signature == file.signature,
        let decoded = PostArchive.decode(known.archive)
      {
        results[index] = decoded
      } else {
        unread.append(index)
      }
    }
    let reader = PostReader(site: site)
    let toRead = unread
    // Without a cache to update (`--dry-run`, `check`, `preview`) nothing is kept: the files
    // are only read, the remembered posts standing for those whose bytes are unchanged.
    let fresh = Locked([Int: (post: Post?, diagnostics: [Diagnostic])]())
    DispatchQueue.concurrentPerform(iterations: toRead.count) { position in
      let file = listing.files[toRead[position]]
      let known = remembered[file.relativePath]
      let hiddenPosts = configuration.hiddenPosts
      let result =
        read(file, reader: reader, remembered: known?.digest, hiddenPosts: hiddenPosts)?.result
        ?? known.flatMap { PostArchive.decode($0.archive) }
        ?? read(file, reader: reader, remembered: nil, hiddenPosts: hiddenPosts)?.result ?? (nil, [])
      fresh.withLock { $0[toRead[position]] = result }
    }
    for (index, result) in fresh.withLock({ $0 }) { results[index] = result }
    logger.debug("\(listing.files.count) post files, \(unread.count) read from disk")

    return try resolved(configuration, listing: listing, readings: results.compactMap { $0 })
  }

  /// The workspace of `readings` (what reading each file of `listing` gave, in its order):
  /// the remembered ids read, and every post given its final id.
  private static func resolved(
    _ configuration: HeraldConfiguration, listing: PostListing,
    readings: [(post: Post?, diagnostics: [Diagnostic])]
  ) throws(Diagnostic) -> Self {
    var diagnostics = listing.diagnostics + readings.flatMap(\.diagnostics)
    let registry = try EntryIDRegistry.load(from: configuration.documents, warnings: &diagnostics)
    let resolved = PostIdentities.resolve(
      readings.compactMap(\.post), remembered: registry.ids, site: configuration.postSite)
    diagnostics += resolved.diagnostics
    return Workspace(
      configuration: configuration, posts: resolved.posts, diagnostics: diagnostics, registry: registry)
  }

  /// Reads one post file, or finds its bytes the same as when `remembered` (their digest) was
  /// read: then nil, and the remembered post stands (the file was touched, or copied back).
  /// Also returns what the cache should remember.
  static func read(
    _ file: PostFile, reader: PostReader, remembered: String?, hiddenPosts: HiddenPostsPolicy
  ) -> (result: (post: Post?, diagnostics: [Diagnostic]), row: PostRow?)? {
    let data: Data
    do {
      data = try Data(contentsOf: file.url)
    } catch {
      let diagnostic = Diagnostic(
        .error, path: file.source.displayPath, "cannot read the file: \(error.localizedDescription)")
      return ((nil, [diagnostic]), nil)
    }
    let digest = PostReader.digest(data)
    if digest == remembered { return nil }
    var diagnostics: [Diagnostic] = []
    var post: Post?
    do {
      post = try reader.read(data, source: file.source, digest: digest, warnings: &diagnostics)
    } catch {
      diagnostics.append(error)
    }
    return (
      (post, diagnostics),
      PostRow(
        signature: file.signature, digest: digest, post: post, diagnostics: diagnostics,
        hiddenPosts: hiddenPosts)
    )
  }

  /// Everything a post's fields depend on besides its file: remembered posts read with
  /// other settings (or by another version of Herald) are read again.
  static func cacheSettings(_ configuration: HeraldConfiguration) -> String {
    let site = configuration.postSite
    return [
      "herald \(HeraldVersion.current)", site.url, site.blogPath, site.timeZone.identifier,
      String(site.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: 0))),
      configuration.posts.displayPath, site.networks.joined(separator: ","),
      // The index keeps whether each post is in the feeds, which depends on this.
      "hidden posts: \(configuration.hiddenPosts.rawValue)",
    ].joined(separator: "\n")
  }

  /// The posts in the feeds at `now`.
  public func published(at now: Date) -> [Post] {
    posts.filter { $0.status(at: now, hiddenPosts: configuration.hiddenPosts) == .published }
  }
}

/// Herald's version, as `--version` and the feeds' generator say it.
public enum HeraldVersion {
  /// The version string.
  public static let current = "0.1.0"

  /// The git commit the binary was built from, when the build said (`make release`).
  public static let commit: String? = {
    let commit = String(cString: herald_build_commit())
    return commit.isEmpty ? nil : commit
  }()

  /// What `herald --version` prints: `0.1.0 (commit 1a2b3c4)`.
  public static var description: String {
    current + (commit.map { " (commit \($0))" } ?? " (commit unknown: not built by make release)")
  }
}
