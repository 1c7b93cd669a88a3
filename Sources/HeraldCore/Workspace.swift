internal import CBuildInfo
public import Feeds
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
    let fresh = Locked(
      [Int: (result: (post: Post?, diagnostics: [Diagnostic]), row: BuildCache.RememberedPost?)]())
    DispatchQueue.concurrentPerform(iterations: toRead.count) { position in
      let file = listing.files[toRead[position]]
      let outcome = read(file, reader: reader, remembered: remembered[file.relativePath])
      fresh.withLock { $0[toRead[position]] = outcome }
    }
    var rows: [String: BuildCache.RememberedPost] = [:]
    for (index, outcome) in fresh.withLock({ $0 }) {
      results[index] = outcome.result
      if let row = outcome.row { rows[listing.files[index].relativePath] = row }
    }
    cache?.update(
      posts: rows, keeping: Set(listing.files.map(\.relativePath)), previous: remembered)
    logger.debug("\(listing.files.count) post files, \(unread.count) read from disk")

    let all = results.compactMap { $0 }
    var diagnostics = listing.diagnostics + all.flatMap(\.diagnostics)
    let registry = try EntryIDRegistry.load(from: configuration.documents, warnings: &diagnostics)
    let resolved = PostIdentities.resolve(all.compactMap(\.post), remembered: registry.ids, site: site)
    diagnostics += resolved.diagnostics
    return Workspace(
      configuration: configuration, posts: resolved.posts, diagnostics: diagnostics, registry: registry)
  }

  /// Reads one post file; the cached result is reused when the bytes are the same after all
  /// (a file touched, or copied back). Also returns what the cache should remember.
  private static func read(
    _ file: PostFile, reader: PostReader, remembered: BuildCache.RememberedPost?
  ) -> (result: (post: Post?, diagnostics: [Diagnostic]), row: BuildCache.RememberedPost?) {
    let data: Data
    do {
      data = try Data(contentsOf: file.url)
    } catch {
      let diagnostic = Diagnostic(
        .error, path: file.source.displayPath, "cannot read the file: \(error.localizedDescription)")
      return ((nil, [diagnostic]), nil)
    }
    let digest = PostReader.digest(data)
    if let remembered, remembered.digest == digest, let decoded = PostArchive.decode(remembered.archive) {
      return (
        decoded,
        BuildCache.RememberedPost(signature: file.signature, digest: digest, archive: remembered.archive)
      )
    }
    var diagnostics: [Diagnostic] = []
    var post: Post?
    do {
      post = try reader.read(data, source: file.source, digest: digest, warnings: &diagnostics)
    } catch {
      diagnostics.append(error)
    }
    let archive = PostArchive.encode(post: post, diagnostics: diagnostics)
    return (
      (post, diagnostics),
      BuildCache.RememberedPost(signature: file.signature, digest: digest, archive: archive)
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
    ].joined(separator: "\n")
  }

  /// The posts in the feeds at `now`.
  public func published(at now: Date) -> [Post] {
    posts.filter { $0.status(at: now, hiddenPosts: configuration.hiddenPosts) == .published }
  }
}

/// What `herald build` did.
public struct BuildReport: Sendable {
  /// Posts read without error.
  public var postCount: Int
  /// Posts in the feeds.
  public var publishedCount: Int
  /// Post files that could not be read.
  public var invalidCount: Int
  /// Subscription feeds written: one per format and per category, plus the site-wide ones.
  public var feedCount: Int
  /// RFC 5005 archive documents written beside them (one per format and archive).
  public var archiveCount = 0
  /// What happened to each file.
  public var outcome: FeedOutput.Outcome
  /// Problems with the posts.
  public var diagnostics: [Diagnostic]

  /// The pictures left out of the feeds (also among `diagnostics`).
  public var leftOutPictures: [LeftOutPicture] = []

  /// The files whose bytes changed (or that are new), relative to the output folder.
  public var written: [String] { outcome.written }
  /// The files that already held the same bytes.
  public var unchanged: [String] { outcome.unchanged }
}

/// `herald build`: every feed into the output folder.
public enum FeedBuild {
  /// The program's identity in the feeds it writes.
  public static let generator = Generator(name: "Herald", version: HeraldVersion.current, url: nil)

  /// What the feeds say about the site.
  public static func site(_ configuration: HeraldConfiguration, credentials: Credentials) -> FeedSite {
    FeedSite(
      title: configuration.site.title,
      description: configuration.site.description,
      homeURL: configuration.homeURL,
      feedsURL: configuration.feedsURL,
      language: configuration.site.language,
      author: configuration.site.author,
      hub: credentials["WEBSUB_HUB"],
      limit: configuration.feedLimit,
      archiveSize: configuration.feedArchiveSize,
      generator: generator)
  }

  /// Builds the feeds of `workspace` as they stand at `now`. Feeds whose inputs are the
  /// same as when the build cache saw them written, and whose files are untouched since,
  /// are not rendered at all.
  /// `session` (when given) supplies the build cache and keeps a stamp of the build.
  public static func run(
    _ workspace: Workspace, credentials: Credentials, now: Date, logger: Logger, session: BuildSession? = nil,
    allowShrink: Bool = false
  ) throws(HeraldError) -> BuildReport {
    do {
      return try build(
        workspace, credentials: credentials, now: now, logger: logger, session: session,
        allowShrink: allowShrink)
    } catch {
      throw HeraldError(error, in: workspace.configuration)
    }
  }

  private static func build(
    _ workspace: Workspace, credentials: Credentials, now: Date, logger: Logger, session: BuildSession?,
    allowShrink: Bool
  ) throws(FeedsError) -> BuildReport {
    let configuration = workspace.configuration
    let published = workspace.published(at: now)
    if !allowShrink { try guardAgainstShrinking(workspace, published: published.count) }
    let site = site(configuration, credentials: credentials)
    var plan = FeedPlanner.plan(published.map(FeedEntry.init), site: site)
    let imageProblems = PictureCheck(configuration).leftOut(in: plan, published: published)
    if !imageProblems.isEmpty {
      let dropped = Set(imageProblems.map(\.postID))
      plan = FeedPlanner.plan(
        published.map { post in
          var entry = FeedEntry(post: post)
          if dropped.contains(post.id) { entry.image = nil }
          return entry
        }, site: site)
    }
    let cache =
      session?.cache
      ?? BuildCache.open(
        state: configuration.state, settings: Workspace.cacheSettings(configuration), readOnly: false,
        logger: logger)
    let remembered = cache?.rememberedOutputs() ?? [:]
    let stale = staleFeeds(plan, output: configuration.output, remembered: remembered)

    let content = ContentSource(workspace: workspace, published: published)
    let output = FeedOutput(folder: configuration.output.url, displayPath: configuration.output.displayPath)
    var written: [String: BuildCache.RememberedOutput] = [:]
    var outcome = try output.write(stale, of: plan, site: site, content: content.content) {
      feed, format, signature in
      if let signature { written[feed.path(format)] = .init(digest: feed.digest, signature: signature) }
    }
    let kept = Set(plan.feedPaths)
    cache?.update(outputs: written, keeping: kept, previous: remembered)
    let rendered = Set(stale.flatMap(\.paths))
    outcome.unchanged += kept.subtracting(rendered).sorted()
    for path in outcome.written { logger.info("wrote \(configuration.output.displayPath)/\(path)") }
    for path in outcome.removed { logger.info("removed \(configuration.output.displayPath)/\(path)") }
    logger.debug(
      "\(outcome.unchanged.count) files unchanged, \(stale.count) of \(plan.feeds.count) feeds rendered")

    var registry = workspace.registry
    registry.record(published)
    if registry != workspace.registry { try registry.save(to: configuration.documents) }

    var report = BuildReport(
      postCount: workspace.posts.count,
      publishedCount: published.count,
      invalidCount: workspace.invalidCount,
      feedCount: plan.feeds.filter { !$0.isArchive }.flatMap(\.paths).count,
      outcome: outcome,
      diagnostics: workspace.diagnostics + content.problems + imageProblems.map(\.diagnostic)
        + outcome.leftAlone.map { name in
          Diagnostic(
            .warning, path: configuration.output.displayPath + "/" + name,
            "not written: Herald did not write the file there, so it is left as it is (remove it to get Herald's)"
          )
        },
      leftOutPictures: imageProblems.map(\.picture))
    report.archiveCount = plan.feeds.filter(\.isArchive).flatMap(\.paths).count
    // A post that vanished mid-build left its entry empty: the next run must not reuse this one.
    if content.problems.isEmpty { session?.stamp("build", workspace: workspace, report: report) }
    return report
  }

  /// A deploy in progress (an empty or half-copied posts folder) must not empty the feeds
  /// readers subscribe to: with no post at all, or fewer than half the posts the last build
  /// published, nothing is written unless the user says so (`--allow-shrink`).
  static func guardAgainstShrinking(_ workspace: Workspace, published: Int) throws(FeedsError) {
    let posts = workspace.configuration.posts.displayPath
    if workspace.posts.isEmpty && workspace.invalidCount == 0 {
      throw FeedsError(
        path: posts,
        "the posts folder has no posts: the feeds were left as they are (a deploy in progress?); "
          + "run with --allow-shrink to publish empty feeds")
    }
    if let last = workspace.registry.lastPublishedCount, published * 2 < last {
      throw FeedsError(
        path: posts,
        "\(published) posts are published now, against \(last) at the last build: the feeds were left as they "
          + "are (a deploy in progress?); run with --allow-shrink if the posts were removed on purpose")
    }
  }

  /// The feeds of `plan` that must be rendered: those the cache did not see written from
  /// the same inputs, or whose files changed since (edited, deleted, restored from backup).
  static func staleFeeds(
    _ plan: FeedPlan, output: HeraldConfiguration.Folder, remembered: [String: BuildCache.RememberedOutput]
  ) -> [PlannedFeed] {
    plan.feeds.filter { feed in
      feed.formats.contains { format in
        let path = feed.path(format)
        guard let known = remembered[path], known.digest == feed.digest else { return true }
        return FileSignature.of(output.url.appendingPathComponent(path).path) != known.signature
      }
    }
  }
}

/// Gives feeds each published post's content, rendered from its file when a feed needs it.
final class ContentSource: Sendable {
  private let folder: URL
  private let sources: [String: Post.Source]
  private let failures = Locked<[Diagnostic]>([])

  init(workspace: Workspace, published: [Post]) {
    folder = workspace.configuration.posts.url
    sources = Dictionary(
      published.map { ($0.contentDigest, $0.source) }, uniquingKeysWith: { first, _ in first })
  }

  /// Problems met while rendering: files that vanished between reading and rendering.
  var problems: [Diagnostic] { failures.withLock { $0 } }

  /// The content of `entry`. If its file changed since it was read, the new body is used;
  /// the next run sees the change and writes the feeds again with the new fields.
  @Sendable func content(_ entry: FeedEntry) -> EntryContent {
    let source = sources[entry.contentDigest]
    let path = source?.displayPath ?? entry.link
    do {
      guard let source else { throw Diagnostic(.error, path: path, "unknown post") }
      let data = try Data(contentsOf: folder.appendingPathComponent(source.relativePath))
      let markdown = try PostReader.markdown(in: data, path: path)
      return EntryContent(markdown: markdown, base: entry.link, withText: entry.description == nil)
    } catch {
      failures.withLock {
        $0.append(
          Diagnostic(.warning, path: path, "changed while the feeds were written; its content is left out"))
      }
      return EntryContent(html: "", text: "")
    }
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
