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

/// One file of the output folder.
public struct FeedFile: Sendable, Equatable {
  /// The path below the output folder, e.g. `categories/openstack/atom.xml`.
  public var path: String
  /// The bytes.
  public var data: Data
}

/// Decides which feeds exist and renders them: the site-wide set, one set per category,
/// and the stylesheet.
public enum FeedPlanner {
  /// The folder below the output folder that holds the per-category feeds.
  public static let categoriesFolder = "categories"
  /// The stylesheet's file name.
  public static let stylesheetName = "feed.xsl"

  /// Every file of the output folder for `entries` (in any order).
  public static func files(for entries: [FeedEntry], site: FeedSite) throws(FeedsError) -> [FeedFile] {
    let sorted = entries.sorted { a, b in
      a.published != b.published ? a.published > b.published : a.id < b.id
    }
    var files = try render(
      FeedDocument(
        title: site.title, subtitle: site.description, homeURL: site.homeURL, folderURL: site.feedsURL,
        stylesheetHref: stylesheetName, language: site.language, author: site.author, hub: site.hub,
        entries: limited(sorted, site.limit)),
      folder: "", site: site)

    var byCategory: [String: (label: String, entries: [FeedEntry])] = [:]
    for entry in sorted {
      for category in entry.categories {
        let slug = categorySlug(category.label)
        byCategory[slug, default: (category.label, [])].entries.append(entry)
      }
    }
    for (slug, category) in byCategory.sorted(by: { $0.key < $1.key }) {
      let folder = categoriesFolder + "/" + slug + "/"
      files += try render(
        FeedDocument(
          title: "\(site.title): \(category.label)",
          subtitle: site.description.map { "\($0) (\(category.label))" },
          homeURL: site.homeURL,
          folderURL: site.feedsURL + URLText.escapingPathSegment(categoriesFolder) + "/"
            + URLText.escapingPathSegment(slug) + "/",
          stylesheetHref: "../../" + stylesheetName, language: site.language, author: site.author,
          hub: site.hub, entries: limited(category.entries, site.limit)),
        folder: folder, site: site)
    }
    files.append(FeedFile(path: stylesheetName, data: Data(FeedStylesheet.xsl.utf8)))
    return files
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

  private static func limited(_ entries: [FeedEntry], _ limit: Int) -> [FeedEntry] {
    limit > 0 ? Array(entries.prefix(limit)) : entries
  }

  private static func render(_ feed: FeedDocument, folder: String, site: FeedSite) throws(FeedsError)
    -> [FeedFile]
  {
    [
      FeedFile(
        path: folder + FeedFormat.atom.fileName, data: try AtomFeed.render(feed, generator: site.generator)),
      FeedFile(
        path: folder + FeedFormat.rss.fileName, data: try RSSFeed.render(feed, generator: site.generator)),
      FeedFile(path: folder + FeedFormat.json.fileName, data: JSONFeed.render(feed)),
    ]
  }
}
