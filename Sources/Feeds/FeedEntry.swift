public import Foundation
public import Posts
internal import Synchronization

/// One post as every feed format carries it; made once per post, shared by all its feeds.
public struct FeedEntry: Sendable, Hashable {
  /// The entry id (Atom `id`, RSS `guid`, JSON `id`).
  public var id: String
  /// The headline.
  public var title: String
  /// The permalink.
  public var link: String
  /// When the post was published.
  public var published: Date
  /// The last significant change; the publication date when there was none.
  public var updated: Date
  /// The author's name, when the post names one.
  public var author: String?
  /// The post's categories.
  public var categories: [Category]
  /// A plain-text summary: `seo.description`, else the opening of the text.
  public var summary: String
  /// The full HTML, with absolute URLs and nothing a reader would run.
  public var contentHTML: String

  /// The longest summary made from a post's text when it has no description.
  static let excerptLength = 300

  /// Prepares `post` for feeds.
  public init(post: Post) {
    let content = HTMLContent(html: post.contentHTML, base: post.permalink)
    id = post.id
    title = post.title
    link = post.permalink
    published = post.date
    updated = max(post.updated ?? post.date, post.date)
    author = post.author
    categories = post.categories
    summary = post.summary ?? Self.excerpt(content.text)
    contentHTML = content.html
  }

  /// Entries for `posts`, in the same order, prepared on all cores.
  public static func prepare(_ posts: [Post]) -> [FeedEntry] {
    let results = Mutex([FeedEntry?](repeating: nil, count: posts.count))
    DispatchQueue.concurrentPerform(iterations: posts.count) { index in
      let entry = FeedEntry(post: posts[index])
      results.withLock { $0[index] = entry }
    }
    return results.withLock { $0 }.compactMap { $0 }
  }

  /// The opening of `text`, cut at a word boundary with an ellipsis.
  static func excerpt(_ text: String) -> String {
    guard text.count > excerptLength else { return text }
    let head = text.prefix(excerptLength)
    let cut = head.lastIndex(of: " ").map { head[..<$0] } ?? head
    return cut.trimmingCharacters(in: .punctuationCharacters.union(.whitespaces)) + "…"
  }
}

/// One feed, before it is written in any format.
public struct FeedDocument: Sendable {
  /// The feed's title.
  public var title: String
  /// What the feed is about.
  public var subtitle: String?
  /// The page the feed stands for (Atom `rel=alternate`, RSS `link`, JSON `home_page_url`).
  public var homeURL: String
  /// Where this feed's files are served: a folder URL ending in `/`.
  public var folderURL: String
  /// The way from this feed's folder to the stylesheet, e.g. `feed.xsl` or `../../feed.xsl`.
  public var stylesheetHref: String
  /// The language tag, e.g. `en`.
  public var language: String?
  /// The author named for the whole feed.
  public var author: String
  /// The WebSub hub, when one is set.
  public var hub: String?
  /// The entries, newest first.
  public var entries: [FeedEntry]

  /// The Atom file's URL.
  public var atomURL: String { folderURL + FeedFormat.atom.fileName }
  /// The RSS file's URL.
  public var rssURL: String { folderURL + FeedFormat.rss.fileName }
  /// The JSON Feed file's URL.
  public var jsonURL: String { folderURL + FeedFormat.json.fileName }

  /// The newest change among the entries: the feed's `updated`, never the build time, so
  /// the same posts give the same bytes.
  public var updated: Date {
    entries.map(\.updated).max() ?? Date(timeIntervalSince1970: 0)
  }
}

/// The formats Herald writes, and their file names.
public enum FeedFormat: String, Sendable, CaseIterable {
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
}
