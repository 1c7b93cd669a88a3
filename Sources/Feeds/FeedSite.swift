public import Foundation
internal import Posts

/// Everything the feeds say about the site, from `herald.yml` and the credentials.
public struct FeedSite: Sendable {
  /// The site's name (`site.title`).
  public var title: String
  /// What it is about (`site.description`).
  public var description: String?
  /// The blog's home page: `site.url` + `site.blog_path`.
  public var homeURL: String
  /// Where the output folder is served (`feeds.url`), ending in `/`.
  public var feedsURL: String
  /// The language tag (`site.language`).
  public var language: String?
  /// Who the feed is by when a post names nobody (`site.author`).
  public var author: String
  /// The WebSub hub (`WEBSUB_HUB`), if any.
  public var hub: String?
  /// Entries per feed; 0 means all (`feeds.limit`).
  public var limit: Int
  /// What wrote the feeds.
  public var generator: Generator

  /// Creates the site's feed settings.
  public init(
    title: String, description: String?, homeURL: String, feedsURL: String, language: String?,
    author: String, hub: String?, limit: Int, generator: Generator
  ) {
    self.title = title
    self.description = description
    self.homeURL = homeURL
    self.feedsURL = feedsURL.hasSuffix("/") ? feedsURL : feedsURL + "/"
    self.language = language
    self.author = author
    self.hub = hub
    self.limit = limit
    self.generator = generator
  }
}

/// One file of the output folder, in memory.
public struct FeedFile: Sendable, Equatable {
  /// The path below the output folder, e.g. `categories/openstack/atom.xml`.
  public var path: String
  /// The bytes.
  public var data: Data
}

/// Which feeds exist and what goes in each: the site-wide set, one set per category.
public struct FeedPlan: Sendable {
  /// Every published entry, newest first.
  public var entries: [FeedEntry]
  /// The feeds, site-wide first, then the categories by slug.
  public var feeds: [PlannedFeed]

  /// The path of every file the plan makes, the stylesheet included.
  public var paths: [String] {
    feeds.flatMap { feed in FeedFormat.allCases.map(feed.path) } + [FeedPlanner.stylesheetName]
  }
}

/// One feed, in every format: its folder, its header and which entries it holds.
public struct PlannedFeed: Sendable {
  /// The folder below the output folder: empty, or `categories/<slug>/`.
  public var folder: String
  /// Everything but the entries.
  public var document: FeedDocument
  /// Its entries, as positions in `FeedPlan.entries` (so newest first).
  public var members: [Int]
  /// A digest of everything the feed's files are made of (the header, each entry's fields
  /// and content digest, the generator): equal digests mean equal bytes.
  public var digest: String

  /// The path of the feed's file in `format`.
  public func path(_ format: FeedFormat) -> String { folder + format.fileName }
}

/// Decides which feeds exist and what each holds, and writes them.
public enum FeedPlanner {
  /// The folder below the output folder that holds the per-category feeds.
  public static let categoriesFolder = "categories"
  /// The stylesheet's file name.
  public static let stylesheetName = "feed.xsl"
  /// Bumped when the way feeds are written changes, so digests of older files never match.
  static let layoutVersion = "1"

  /// The plan for `entries` (in any order).
  public static func plan(_ entries: [FeedEntry], site: FeedSite) -> FeedPlan {
    let sorted = entries.sorted { a, b in
      a.published != b.published ? a.published > b.published : a.id < b.id
    }
    let digests = sorted.map(\.digest)
    var feeds = [
      planned(
        folder: "", title: site.title, subtitle: site.description, folderURL: site.feedsURL,
        stylesheetHref: stylesheetName, members: limited(Array(sorted.indices), site.limit), sorted: sorted,
        digests: digests, site: site)
    ]
    var byCategory: [String: (label: String, members: [Int])] = [:]
    for (index, entry) in sorted.enumerated() {
      for category in entry.categories {
        byCategory[categorySlug(category.label), default: (category.label, [])].members.append(index)
      }
    }
    for (slug, category) in byCategory.sorted(by: { $0.key < $1.key }) {
      feeds.append(
        planned(
          folder: categoriesFolder + "/" + slug + "/", title: "\(site.title): \(category.label)",
          subtitle: site.description.map { "\($0) (\(category.label))" },
          folderURL: site.feedsURL + URLText.escapingPathSegment(categoriesFolder) + "/"
            + URLText.escapingPathSegment(slug) + "/",
          stylesheetHref: "../../" + stylesheetName, members: limited(category.members, site.limit),
          sorted: sorted, digests: digests, site: site))
    }
    return FeedPlan(entries: sorted, feeds: feeds)
  }

  /// Every file of the output folder for `entries`, in memory; `content` gives each entry's
  /// content. For tests and small sites: `FeedWriter` streams big ones to disk.
  public static func files(
    for entries: [FeedEntry], site: FeedSite, content: @Sendable (FeedEntry) -> EntryContent
  ) throws(FeedsError) -> [FeedFile] {
    let plan = plan(entries, site: site)
    var sinks: [String: MemorySink] = [:]
    try FeedWriter(plan: plan, site: site).write(plan.feeds, content: content) { path throws(FeedsError) in
      let sink = MemorySink()
      sinks[path] = sink
      return sink
    }
    return plan.paths.map { path in
      FeedFile(path: path, data: path == stylesheetName ? Data(FeedStylesheet.xsl.utf8) : sinks[path]!.data)
    }
  }

  /// A file-system- and URL-friendly name for a category: lowercase letters and digits
  /// joined by `-` (`News & Announcements` → `news-announcements`).
  public static func categorySlug(_ label: String) -> String {
    var slug = ""
    var pendingDash = false
    for character in label.lowercased() {
      if character.isLetter || character.isNumber {
        if pendingDash, !slug.isEmpty { slug.append("-") }
        slug.append(character)
        pendingDash = false
      } else {
        pendingDash = true
      }
    }
    return slug.isEmpty ? "category" : String(slug.prefix(80))
  }

  private static func limited(_ members: [Int], _ limit: Int) -> [Int] {
    limit > 0 ? Array(members.prefix(limit)) : members
  }

  private static func planned(
    folder: String, title: String, subtitle: String?, folderURL: String, stylesheetHref: String,
    members: [Int], sorted: [FeedEntry], digests: [[UInt8]], site: FeedSite
  ) -> PlannedFeed {
    let document = FeedDocument(
      title: title, subtitle: subtitle, homeURL: site.homeURL, folderURL: folderURL,
      stylesheetHref: stylesheetHref, language: site.language, author: site.author, hub: site.hub,
      updated: members.map { sorted[$0].updated }.max() ?? Date(timeIntervalSince1970: 0),
      isEmpty: members.isEmpty)
    var digest = FieldDigest()
    digest.add(
      [layoutVersion, site.generator.name, site.generator.version, site.generator.url ?? "\u{0}"]
        + document.fields)
    for member in members { digest.add(bytes: digests[member]) }
    return PlannedFeed(folder: folder, document: document, members: members, digest: digest.hex)
  }
}
