internal import Foundation
internal import Posts

/// Writes RSS 2.0 with the content, Dublin Core and Atom extensions readers expect.
enum RSSFeed {
  /// Everything of the feed but its items.
  static func frame(_ feed: FeedDocument, generator: Generator) throws(FeedsError) -> FeedFrame {
    let xml = try XMLWriter()
    try xml.startDocument()
    try xml.processingInstruction("xml-stylesheet", "type=\"text/css\" href=\"\(feed.stylesheetHref)\"")
    let isArchive = feed.history?.isArchive ?? false
    try xml.start(
      "rss",
      [
        "version": "2.0",
        "xmlns:atom": "http://www.w3.org/2005/Atom",
        "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        "xmlns:dc": "http://purl.org/dc/elements/1.1/",
        "xmlns:media": MediaRSS.namespace,
        "xmlns:fh": isArchive ? FeedHistory.namespace : nil,
      ])
    try xml.start("channel")
    try xml.element("title", plainText: feed.title)
    try xml.element("link", text: feed.homeURL)
    try xml.element("description", text: feed.subtitle ?? feed.title)
    if let language = feed.language { try xml.element("language", text: language) }
    try xml.element("atom:link", ["rel": "self", "type": "application/rss+xml", "href": feed.rssURL])
    if let hub = feed.hub { try xml.element("atom:link", ["rel": "hub", "href": hub]) }
    for (relation, folderURL) in feed.history?.links ?? [] {
      try xml.element(
        "atom:link",
        ["rel": relation, "type": "application/rss+xml", "href": folderURL + FeedFormat.rss.fileName])
    }
    if !feed.isEmpty {
      try xml.element("lastBuildDate", text: Timestamp.rfc822(feed.updated))
    }
    try xml.element("generator", text: "\(generator.name) \(generator.version)")
    try xml.element("docs", text: "https://www.rssboard.org/rss-specification")
    if isArchive { try xml.element("fh:archive") }
    let cut = try xml.mark()
    try xml.end()
    try xml.end()
    return try xml.finish(cut: cut)
  }

  /// One `<item>`, indented as it stands in the feed.
  static func item(_ entry: FeedEntry, content: EntryContent) throws(FeedsError) -> [UInt8] {
    // Room for the escaped content and the fields around it.
    let xml = try XMLWriter(capacity: content.html.utf8.count * 5 / 4 + 2048)
    // An element at the items' depth stands in for the channel's header (see AtomFeed).
    try xml.start("rss")
    try xml.start("channel")
    try xml.element("docs")
    let start = try xml.mark()
    try xml.start("item")
    try xml.element("title", plainText: entry.title)
    try xml.element("link", text: entry.link)
    // A guid that is the permalink lets readers link it; any other id is opaque.
    let isPermalink = entry.id == entry.link
    try xml.element("guid", ["isPermaLink": isPermalink ? "true" : "false"], text: entry.id)
    try xml.element("pubDate", text: Timestamp.rfc822(entry.published))
    if let author = entry.author { try xml.element("dc:creator", plainText: author) }
    for category in entry.categories { try xml.element("category", plainText: category.label) }
    // The validator wants a description before content:encoded.
    let summary = entry.summary(content)
    try xml.element("description", text: escapedHTML(summary.isEmpty ? entry.title : summary))
    try xml.element("content:encoded", text: content.html)
    try MediaRSS.write(entry.image, to: xml)
    try xml.end()
    return try xml.bytes(from: start)
  }

  /// RSS readers take an item's `description` as HTML (the channel's is plain text), so a plain-text summary saying "D&I" or
  /// "<br>" must be escaped once as HTML before XML escapes it again.
  static func escapedHTML(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for character in text {
      switch character {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      default: result.append(character)
      }
    }
    return result
  }
}
