public import Foundation
public import Posts

/// What every feed format says of one post, apart from its content: made once per post and
/// shared by all its feeds.
public struct FeedEntry: Sendable, Hashable {
  /// The entry id (Atom `id`, RSS `guid`, JSON `id`).
  public var id: String
  /// The headline.
  public var title: String
  /// The permalink, which relative URLs in the content are resolved against.
  public var link: String
  /// When the post was published.
  public var published: Date
  /// The last significant change; the publication date when there was none.
  public var updated: Date
  /// The author's name, when the post names one.
  public var author: String?
  /// The post's categories.
  public var categories: [Category]
  /// The summary the author wrote (`seo.description`); without one, summaries are the
  /// opening of the content.
  public var description: String?
  /// The post file's digest: the content is rendered from the file with this digest.
  public var contentDigest: String
  /// The post's own language (`lang`), when it names one: Atom's `xml:lang` on the entry,
  /// JSON Feed's `language` on the item. Nil: the feed's language.
  public var language: String?
  /// The post's picture, by its absolute URL, with its alt text (Media RSS in Atom and RSS,
  /// `image` in JSON Feed).
  public var image: PostImage?

  /// The entry for `post`.
  public init(post: Post) {
    id = post.id
    title = post.title
    link = post.permalink
    published = post.date
    updated = max(post.updated ?? post.date, post.date)
    author = post.author
    categories = post.categories
    description = post.summary
    contentDigest = post.contentDigest
    language = post.language
    image = post.image.flatMap { picture in
      picture.url(relativeTo: post.permalink).map { PostImage(reference: $0, alt: picture.alt) }
    }
  }

  /// The summary feeds carry: the description, else the opening of `content`.
  func summary(_ content: EntryContent) -> String {
    description ?? Self.excerpt(content.text)
  }

  /// The longest summary made from a post's text when it has no description.
  static let excerptLength = 300

  /// The opening of `text`, cut at a word boundary with an ellipsis.
  static func excerpt(_ text: String) -> String {
    guard text.count > excerptLength else { return text }
    let head = text.prefix(excerptLength)
    let cut = head.lastIndex(of: " ").map { head[..<$0] } ?? head
    return cut.trimmingCharacters(in: .punctuationCharacters.union(.whitespaces)) + "…"
  }

  /// Everything the entry's bytes depend on, in any format, as a digest.
  var digest: [UInt8] {
    var digest = FieldDigest()
    digest.add([
      id, title, link, String(published.timeIntervalSince1970), String(updated.timeIntervalSince1970),
      author ?? "\u{0}", description ?? "\u{0}", contentDigest, language ?? "\u{0}",
      image?.reference ?? "\u{0}", image?.alt ?? "\u{0}",
    ])
    digest.add(categories.map(\.label))
    return digest.bytes
  }
}

/// Media RSS (`http://search.yahoo.com/mrss/`), as Atom and RSS carry an entry's picture:
/// a thumbnail for readers' lists, and the image with its alt text as its description.
enum MediaRSS {
  static let namespace = "http://search.yahoo.com/mrss/"

  static func write(_ image: PostImage?, to xml: XMLWriter) throws(FeedsError) {
    guard let image else { return }
    try xml.element("media:thumbnail", ["url": image.reference])
    try xml.start("media:content", ["url": image.reference, "medium": "image"])
    if !image.alt.isEmpty { try xml.element("media:description", ["type": "plain"], text: image.alt) }
    try xml.end()
  }
}

/// A post's content as feeds carry it.
public struct EntryContent: Sendable, Equatable {
  /// The HTML, with absolute URLs and nothing a reader would run.
  public var html: String
  /// The opening of the visible text, whitespace collapsed (empty unless asked for).
  public var text: String
  /// Whether it is known to be made from the bytes the entry names (`FeedEntry.contentDigest`):
  /// only content known so is kept for later runs (`EntryFragmentStore`). Content read from a
  /// file that changed since, or left empty because the file went, is written, never kept.
  public var matchesEntry = true

  /// Content that is already rendered.
  public init(html: String, text: String) {
    self.html = html
    self.text = text
  }

  /// Renders a post's Markdown (cmark-gfm), then makes it fit for a feed against `base`
  /// (the permalink). `withText` also extracts the opening text, for summaries.
  public init(markdown: some StringProtocol, base: String, withText: Bool) {
    // Most posts are Markdown alone: cmark's own HTML then only needs its URLs made
    // absolute, which saves parsing it again (the text, when asked for, comes from a parse).
    if !withText,
      let html = MarkdownRenderer.htmlWithoutRawHTML(
        from: markdown, rewritingURLs: { HTMLContent.absolute($0, base: base) })
    {
      self.init(html: html, text: "")
      return
    }
    let content = HTMLContent(html: MarkdownRenderer.html(from: markdown), base: base, withText: withText)
    self.init(html: content.html, text: content.text)
  }
}

/// One feed, before it is written in any format: everything but the entries.
public struct FeedDocument: Sendable, Hashable {
  /// The feed's title.
  public var title: String
  /// What the feed is about.
  public var subtitle: String?
  /// The page the feed stands for (Atom `rel=alternate`, RSS `link`, JSON `home_page_url`).
  public var homeURL: String
  /// Where this feed's files are served: a folder URL ending in `/`.
  public var folderURL: String
  /// The way from this feed's folder to the stylesheet, e.g. `feed.css` or `../../feed.css`.
  public var stylesheetHref: String
  /// The language tag, e.g. `en`.
  public var language: String?
  /// The author named for the whole feed.
  public var author: String
  /// The WebSub hub, when one is set.
  public var hub: String?
  /// The newest change among the entries: the feed's `updated`, never the build time, so
  /// the same posts give the same bytes.
  public var updated: Date
  /// Whether the feed has entries at all.
  public var isEmpty: Bool
  /// Where the document stands among its feed's RFC 5005 archives; nil without archives.
  public var history: FeedHistory? = nil

  /// The Atom file's URL.
  public var atomURL: String { folderURL + FeedFormat.atom.fileName }
  /// The RSS file's URL.
  public var rssURL: String { folderURL + FeedFormat.rss.fileName }
  /// The JSON Feed file's URL.
  public var jsonURL: String { folderURL + FeedFormat.json.fileName }

  var fields: [String] {
    [
      title, subtitle ?? "\u{0}", homeURL, folderURL, stylesheetHref, language ?? "\u{0}", author,
      hub ?? "\u{0}",
      String(updated.timeIntervalSince1970), isEmpty ? "empty" : "entries",
    ] + (history?.fields ?? [])
  }
}

/// A document's links to its neighbours in an archived feed (RFC 5005): folder URLs ending
/// in `/`, to which each format adds its file name.
public struct FeedHistory: Sendable, Hashable {
  /// Whether the document is an archive (`fh:archive`) rather than the subscription feed.
  public var isArchive: Bool
  /// The subscription feed's folder (`rel=current`), for archives.
  public var current: String?
  /// The next older archive's folder (`rel=prev-archive`).
  public var previous: String?
  /// The next newer archive's folder (`rel=next-archive`).
  public var next: String?

  /// RFC 5005's namespace, for `fh:archive`.
  static let namespace = "http://purl.org/syndication/history/1.0"

  /// The links to write, as (relation, folder URL).
  var links: [(String, String)] {
    [("current", current), ("prev-archive", previous), ("next-archive", next)].compactMap { relation, url in
      url.map { (relation, $0) }
    }
  }

  var fields: [String] {
    [isArchive ? "archive" : "subscription", current ?? "\u{0}", previous ?? "\u{0}", next ?? "\u{0}"]
  }
}

/// The formats Herald writes, and their file names.
public enum FeedFormat: String, Sendable, CaseIterable {
  /// The formats with RFC 5005 archives: JSON Feed has no archive specification.
  public static let archived: [FeedFormat] = [.atom, .rss]

  case atom
  case rss
  case json

  /// The file each feed folder holds for this format.
  public var fileName: String {
    switch self {
    case .atom: "atom.xml"
    case .rss: "rss.xml"
    case .json: "feed.json"
    }
  }

  /// The format's name for people.
  public var displayName: String {
    switch self {
    case .atom: "Atom"
    case .rss: "RSS"
    case .json: "JSON Feed"
    }
  }

  /// The media type its `<link rel="alternate">` names.
  public var mediaType: String {
    switch self {
    case .atom: "application/atom+xml"
    case .rss: "application/rss+xml"
    case .json: "application/feed+json"
    }
  }
}
