internal import Foundation
internal import Posts

/// Writes Atom 1.0 (RFC 4287).
enum AtomFeed {
  /// Everything of the feed but its entries.
  static func frame(_ feed: FeedDocument, generator: Generator) throws(FeedsError) -> FeedFrame {
    let xml = try XMLWriter()
    try xml.startDocument()
    try xml.processingInstruction("xml-stylesheet", "type=\"text/css\" href=\"\(feed.stylesheetHref)\"")
    let isArchive = feed.history?.isArchive ?? false
    try xml.start(
      "feed",
      [
        "xmlns": "http://www.w3.org/2005/Atom", "xmlns:media": MediaRSS.namespace,
        "xmlns:fh": isArchive ? FeedHistory.namespace : nil, "xml:lang": feed.language,
      ])
    try xml.element("title", ["type": "text"], text: feed.title)
    if let subtitle = feed.subtitle { try xml.element("subtitle", ["type": "text"], text: subtitle) }
    try xml.element("link", ["rel": "alternate", "type": "text/html", "href": feed.homeURL])
    try xml.element("link", ["rel": "self", "type": "application/atom+xml", "href": feed.atomURL])
    if let hub = feed.hub { try xml.element("link", ["rel": "hub", "href": hub]) }
    for (relation, folderURL) in feed.history?.links ?? [] {
      try xml.element(
        "link",
        ["rel": relation, "type": "application/atom+xml", "href": folderURL + FeedFormat.atom.fileName])
    }
    try xml.element("id", text: feed.atomURL)
    try xml.element("updated", text: Timestamp.rfc3339(feed.updated))
    try xml.start("author")
    try xml.element("name", text: feed.author)
    try xml.end()
    try xml.element("generator", ["uri": generator.url, "version": generator.version], text: generator.name)
    if isArchive { try xml.element("fh:archive") }
    let cut = try xml.mark()
    try xml.end()
    return try xml.finish(cut: cut)
  }

  /// One `<entry>`, indented as it stands in the feed.
  static func entry(_ entry: FeedEntry, content: EntryContent) throws(FeedsError) -> [UInt8] {
    // Room for the escaped content and the fields around it.
    let xml = try XMLWriter(capacity: content.html.utf8.count * 5 / 4 + 2048)
    // An element at the entries' depth stands in for the feed's header, so the entry comes
    // out exactly as it would in the whole document.
    try xml.start("feed")
    try xml.element("generator")
    let start = try xml.mark()
    try xml.start("entry", ["xml:lang": entry.language])
    try xml.element("title", ["type": "text"], text: entry.title)
    try xml.element("link", ["rel": "alternate", "type": "text/html", "href": entry.link])
    try xml.element("id", text: entry.id)
    try xml.element("published", text: Timestamp.rfc3339(entry.published))
    try xml.element("updated", text: Timestamp.rfc3339(entry.updated))
    if let author = entry.author {
      try xml.start("author")
      try xml.element("name", text: author)
      try xml.end()
    }
    for category in entry.categories {
      try xml.element("category", ["term": category.label])
    }
    let summary = entry.summary(content)
    if !summary.isEmpty { try xml.element("summary", ["type": "text"], text: summary) }
    try xml.element("content", ["type": "html"], text: content.html)
    try MediaRSS.write(entry.image, to: xml)
    try xml.end()
    return try xml.bytes(from: start)
  }
}
