public import Feeds
public import Foundation
internal import Locking
public import Logging
public import Posts

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

/// What a feed build needs to know of the posts at one instant. It comes from every post
/// (`Workspace.feedInputs`) or, for a cron job over a large archive, from the build cache's
/// index (`PostIndex.feedInputs`), which loads only the posts some feed can hold.
public struct FeedInputs {
  /// The configuration the posts were read with.
  public var configuration: HeraldConfiguration
  /// Published posts with their final ids: every one, or at least the newest `feeds.limit`
  /// of the site and of each category (so the feeds' plan is the same as from every one).
  public var published: [Post]
  /// How many posts are published.
  public var publishedCount: Int
  /// How many posts were read without error.
  public var postCount: Int
  /// How many post files could not be read.
  public var invalidCount: Int
  /// Everything wrong with the posts, in the order of their files.
  public var diagnostics: [Diagnostic]
  /// The span around now over which the same posts are published (`RunStamp.span`).
  var span: (from: Double, until: Double)
  /// How many posts the last build published: the shrink guard's measure.
  var lastPublishedCount: Int?
  /// Remembers the published posts' ids, and how many there are, in the state.
  var recordIDs: () throws(FeedsError) -> Void
  /// Whether they came from the index rather than from every post.
  var fromIndex = false
}

extension Workspace {
  /// The inputs of a feed build at `now`, from every post.
  public func feedInputs(at now: Date) -> FeedInputs {
    let published = published(at: now)
    let (registry, documents) = (registry, configuration.documents)
    return FeedInputs(
      configuration: configuration, published: published, publishedCount: published.count,
      postCount: posts.count, invalidCount: invalidCount, diagnostics: diagnostics,
      span: RunStamp.span(of: posts, at: now, hiddenPosts: configuration.hiddenPosts),
      lastPublishedCount: registry.lastPublishedCount,
      recordIDs: { () throws(FeedsError) in
        var recorded = registry
        recorded.record(published)
        if recorded != registry { try recorded.save(to: documents) }
      })
  }
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

  /// Builds the feeds of `inputs` as they stand at `now`. Feeds whose inputs are the
  /// same as when the build cache saw them written, and whose files are untouched since,
  /// are not rendered at all.
  /// `session` (when given) supplies the build cache and keeps a stamp of the build.
  public static func run(
    _ inputs: FeedInputs, credentials: Credentials, now: Date, logger: Logger, session: BuildSession? = nil,
    allowShrink: Bool = false
  ) throws(HeraldError) -> BuildReport {
    do {
      return try build(
        inputs, credentials: credentials, now: now, logger: logger, session: session, allowShrink: allowShrink
      )
    } catch {
      throw HeraldError(error, in: inputs.configuration)
    }
  }

  private static func build(
    _ inputs: FeedInputs, credentials: Credentials, now: Date, logger: Logger, session: BuildSession?,
    allowShrink: Bool
  ) throws(FeedsError) -> BuildReport {
    let configuration = inputs.configuration
    let published = inputs.published
    if !allowShrink { try guardAgainstShrinking(inputs) }
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

    let started = ContinuousClock.now
    let content = ContentSource(
      folder: configuration.posts.url, published: published,
      verifying: Set(plan.entriesWorthKeeping.map { plan.entries[$0].contentDigest }))
    let output = FeedOutput(folder: configuration.output.url, displayPath: configuration.output.displayPath)
    var written: [String: BuildCache.RememberedOutput] = [:]
    var outcome = try output.write(stale, of: plan, site: site, content: content.content, store: cache) {
      feed, format, signature in
      if let signature { written[feed.path(format)] = .init(digest: feed.digest, signature: signature) }
    }
    let kept = Set(plan.feedPaths)
    cache?.update(outputs: written, keeping: kept, previous: remembered)
    cache?.forgetFragments(keeping: plan)
    let rendered = Set(stale.flatMap(\.paths))
    outcome.unchanged += kept.subtracting(rendered).sorted()
    for path in outcome.written { logger.info("wrote \(configuration.output.displayPath)/\(path)") }
    for path in outcome.removed { logger.info("removed \(configuration.output.displayPath)/\(path)") }
    let elapsed = (ContinuousClock.now - started).milliseconds
    let entries = "entries \(outcome.renderedEntries) rendered, \(outcome.reusedEntries) as kept"
    logger.debug(
      "\(outcome.unchanged.count) files unchanged, \(stale.count) of \(plan.feeds.count) feeds written in \(elapsed): \(entries)"
    )

    try inputs.recordIDs()

    var report = BuildReport(
      postCount: inputs.postCount,
      publishedCount: inputs.publishedCount,
      invalidCount: inputs.invalidCount,
      feedCount: plan.feeds.filter { !$0.isArchive }.flatMap(\.paths).count,
      outcome: outcome,
      diagnostics: inputs.diagnostics + content.problems + imageProblems.map(\.diagnostic)
        + outcome.leftAlone.map { name in
          Diagnostic(
            .warning, path: configuration.output.displayPath + "/" + name,
            "not written: Herald did not write the file there, so it is left as it is (remove it to get Herald's)"
          )
        },
      leftOutPictures: imageProblems.map(\.picture))
    report.archiveCount = plan.feeds.filter(\.isArchive).flatMap(\.paths).count
    // A post that vanished mid-build left its entry empty: the next run must not reuse this one.
    if content.problems.isEmpty { session?.stamp("build", span: inputs.span, report: report) }
    return report
  }

  /// A deploy in progress (an empty or half-copied posts folder) must not empty the feeds
  /// readers subscribe to: with no post at all, or fewer than half the posts the last build
  /// published, nothing is written unless the user says so (`--allow-shrink`).
  static func guardAgainstShrinking(_ inputs: FeedInputs) throws(FeedsError) {
    let posts = inputs.configuration.posts.displayPath
    if inputs.postCount == 0 && inputs.invalidCount == 0 {
      throw FeedsError(
        path: posts,
        "the posts folder has no posts: the feeds were left as they are (a deploy in progress?); "
          + "run with --allow-shrink to publish empty feeds")
    }
    if let last = inputs.lastPublishedCount, inputs.publishedCount * 2 < last {
      throw FeedsError(
        path: posts,
        "\(inputs.publishedCount) posts are published now, against \(last) at the last build: the feeds were "
          + "left as they are (a deploy in progress?); run with --allow-shrink if the posts were removed on purpose"
      )
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

  /// The content digests of the posts whose content may be kept as written: only theirs is
  /// checked against the bytes read (a SHA-256 each), the others are never kept.
  private let verifying: Set<String>

  /// The content of `published` posts, whose files are in `folder`; `verifying` as above.
  init(folder: URL, published: [Post], verifying: Set<String> = []) {
    self.folder = folder
    self.verifying = verifying
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
      var content = EntryContent(markdown: markdown, base: entry.link, withText: entry.description == nil)
      content.matchesEntry =
        verifying.contains(entry.contentDigest) && PostReader.digest(data) == entry.contentDigest
      return content
    } catch {
      failures.withLock {
        $0.append(
          Diagnostic(.warning, path: path, "changed while the feeds were written; its content is left out"))
      }
      var empty = EntryContent(html: "", text: "")
      empty.matchesEntry = false
      return empty
    }
  }
}
