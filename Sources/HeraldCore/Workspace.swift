public import Feeds
public import Foundation
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

  /// Reads every post under the configured folder.
  public static func load(_ configuration: HeraldConfiguration, logger: Logger) throws(Diagnostic) -> Self {
    let site = configuration.postSite
    let scan = try PostReader(site: site).readFolder(
      configuration.posts.url, displayPath: configuration.posts.displayPath)
    logger.debug("read \(scan.posts.count) posts, \(scan.invalidCount) invalid")
    var diagnostics = scan.diagnostics
    let registry = EntryIDRegistry.load(from: configuration.state, warnings: &diagnostics)
    let resolved = PostIdentities.resolve(scan.posts, remembered: registry.ids, site: site)
    diagnostics += resolved.diagnostics
    return Workspace(
      configuration: configuration, posts: resolved.posts, diagnostics: diagnostics, registry: registry)
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
  /// Feeds written: one per format and per category, plus the site-wide ones.
  public var feedCount: Int
  /// What happened to each file.
  public var outcome: FeedOutput.Outcome
  /// Problems with the posts.
  public var diagnostics: [Diagnostic]
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
      generator: generator)
  }

  /// Builds the feeds of `workspace` as they stand at `now`.
  public static func run(
    _ workspace: Workspace, credentials: Credentials, now: Date, logger: Logger
  ) throws(FeedsError) -> BuildReport {
    let configuration = workspace.configuration
    let published = workspace.published(at: now)
    let entries = FeedEntry.prepare(published)
    let files = try FeedPlanner.files(for: entries, site: site(configuration, credentials: credentials))
    let output = FeedOutput(folder: configuration.output.url, displayPath: configuration.output.displayPath)
    let outcome = try output.write(files)
    for path in outcome.written { logger.info("wrote \(configuration.output.displayPath)/\(path)") }
    for path in outcome.removed { logger.info("removed \(configuration.output.displayPath)/\(path)") }
    logger.debug("\(outcome.unchanged.count) files unchanged")

    var registry = workspace.registry
    registry.record(published)
    if registry != workspace.registry { try registry.save(to: configuration.state) }

    return BuildReport(
      postCount: workspace.posts.count,
      publishedCount: published.count,
      invalidCount: workspace.invalidCount,
      feedCount: files.filter { $0.path.hasSuffix(".xml") || $0.path.hasSuffix(".json") }.count,
      outcome: outcome,
      diagnostics: workspace.diagnostics)
  }
}

/// Herald's version, as `--version` and the feeds' generator say it.
public enum HeraldVersion {
  /// The version string.
  public static let current = "0.1.0"
}
