import Feeds
import Foundation
import Posts

/// Renders the content of fixture posts from their files, as a build does.
struct FeedTestContent: Sendable {
  let files: [String: URL]

  init(_ posts: [Post], folder: URL) {
    files = Dictionary(
      posts.map { ($0.contentDigest, folder.appendingPathComponent($0.source.relativePath)) },
      uniquingKeysWith: { a, _ in a })
  }

  /// The entry's content; empty (which the golden files would show) if its file is gone.
  @Sendable func content(_ entry: FeedEntry) -> EntryContent {
    guard let url = files[entry.contentDigest], let data = try? Data(contentsOf: url),
      let markdown = try? PostReader.markdown(in: data, path: "test")
    else { return EntryContent(html: "", text: "") }
    return EntryContent(markdown: markdown, base: entry.link, withText: entry.description == nil)
  }
}

/// Entries made from little posts written on the spot, with their content.
struct SmallSite {
  static let site = FeedSite(
    title: "Blog", description: "News", homeURL: "https://example.org/blog/",
    feedsURL: "https://example.org/feeds/",
    language: "en", author: "Us", hub: nil, limit: 0,
    generator: Generator(name: "Herald", version: "test", url: nil))

  /// An entry titled `title` in `categories`, whose body is `body`.
  static func entry(_ title: String, day: Int, categories: [String] = [], body: String = "Hello") throws -> (
    FeedEntry, EntryContent
  ) {
    let text = """
      ---
      title: \(title)
      date: 2025-01-\(String(format: "%02d", day))T10:00:00Z
      category: [\(categories.joined(separator: ", "))]
      ---
      \(body)
      """
    var warnings: [Diagnostic] = []
    let post = try PostReader(
      site: .init(url: "https://example.org", blogPath: "/blog/", timeZone: TimeZone(secondsFromGMT: 0)!)
    ).read(
      Data(text.utf8), source: .init(displayPath: "\(title).md", relativePath: "\(title).md"),
      warnings: &warnings)
    return (FeedEntry(post: post), EntryContent(markdown: body, base: post.permalink, withText: true))
  }

  /// A content source for `entries`.
  static func content(_ entries: [(FeedEntry, EntryContent)]) -> @Sendable (FeedEntry) -> EntryContent {
    let byDigest = Dictionary(entries.map { ($0.0.contentDigest, $0.1) }, uniquingKeysWith: { a, _ in a })
    return { byDigest[$0.contentDigest]! }
  }
}
