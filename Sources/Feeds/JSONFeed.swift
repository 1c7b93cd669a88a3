internal import Foundation
internal import Posts

/// Writes JSON Feed 1.1 (https://jsonfeed.org/version/1.1).
enum JSONFeed {
  private struct Document: Encodable {
    var version = "https://jsonfeed.org/version/1.1"
    var title: String
    var homePageURL: String
    var feedURL: String
    var description: String?
    var language: String?
    var authors: [Author]
    var hubs: [Hub]?
    var items: [Item]
  }

  private struct Author: Encodable {
    var name: String
  }

  private struct Hub: Encodable {
    var type = "WebSub"
    var url: String
  }

  private struct Item: Encodable {
    var id: String
    var url: String
    var title: String
    var contentHTML: String
    var summary: String?
    var datePublished: String
    var dateModified: String
    var authors: [Author]?
    var tags: [String]?
  }

  static func render(_ feed: FeedDocument) throws(FeedsError) -> Data {
    let clean = XMLText.cleaned
    let document = Document(
      title: clean(feed.title),
      homePageURL: feed.homeURL,
      feedURL: feed.jsonURL,
      description: feed.subtitle.map(clean),
      language: feed.language,
      authors: [Author(name: clean(feed.author))],
      hubs: feed.hub.map { [Hub(url: $0)] },
      items: feed.entries.map { entry in
        Item(
          id: entry.id,
          url: entry.link,
          title: clean(entry.title),
          contentHTML: clean(entry.contentHTML),
          summary: entry.summary.isEmpty ? nil : clean(entry.summary),
          datePublished: Timestamp.rfc3339(entry.published),
          dateModified: Timestamp.rfc3339(entry.updated),
          authors: entry.author.map { [Author(name: clean($0))] },
          tags: entry.categories.isEmpty ? nil : entry.categories.map { clean($0.label) })
      })
    let encoder = JSONEncoder()
    // JSON Feed's keys are snake_case: `contentHTML` is written `content_html`.
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    do {
      return try encoder.encode(document) + Data("\n".utf8)
    } catch {
      throw FeedsError("cannot encode the JSON feed: \(error)")
    }
  }
}

/// What the feeds say wrote them.
public struct Generator: Sendable {
  /// The program's name.
  public var name: String
  /// Its version.
  public var version: String
  /// Where to learn about it.
  public var url: String?

  /// Creates generator details.
  public init(name: String, version: String, url: String?) {
    self.name = name
    self.version = version
    self.url = url
  }
}
