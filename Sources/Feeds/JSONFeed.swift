internal import Foundation
internal import Posts

/// Writes JSON Feed 1.1 (https://jsonfeed.org/version/1.1).
///
/// Written by hand, not with `JSONEncoder`: keys come in the order the spec lists them
/// (`version` first, which is how readers recognise the format) and the same feed always
/// gives the same bytes.
enum JSONFeed {
  /// Everything of the feed but its items: the head ends inside the `items` array, and the
  /// tail depends on whether anything went in it.
  static func frame(_ feed: FeedDocument) -> FeedFrame {
    let json = JSONText()
    json.openObject()
    json.member("version", "https://jsonfeed.org/version/1.1")
    json.member("title", feed.title)
    json.member("home_page_url", feed.homeURL)
    json.member("feed_url", feed.jsonURL)
    if let description = feed.subtitle { json.member("description", description) }
    if let language = feed.language { json.member("language", language) }
    json.member("authors") { json.authors([feed.author]) }
    if let hub = feed.hub {
      json.member("hubs") {
        json.array([hub]) { url in
          json.object {
            json.member("type", "WebSub")
            json.member("url", url)
          }
        }
      }
    }
    json.member("items") { json.openArray() }
    let head = json.bytes
    let tail = JSONText(indent: 2)
    tail.closeArray()
    tail.closeObject()
    tail.raw("\n")
    return FeedFrame(head: head, tail: tail.bytes, emptyTail: Array("]\n}\n".utf8))
  }

  /// One item, as it stands in the `items` array after an earlier item's comma (if any).
  static func item(_ entry: FeedEntry, content: EntryContent) -> [UInt8] {
    let json = JSONText(indent: 2, capacity: content.html.utf8.count * 5 / 4 + 2048)
    json.newline()
    json.object {
      json.member("id", entry.id)
      json.member("url", entry.link)
      json.member("title", entry.title)
      let summary = entry.summary(content)
      if !summary.isEmpty { json.member("summary", summary) }
      json.member("content_html", content.html)
      if let image = entry.image { json.member("image", image.reference) }
      json.member("date_published", Timestamp.rfc3339(entry.published))
      json.member("date_modified", Timestamp.rfc3339(entry.updated))
      if let author = entry.author { json.member("authors") { json.authors([author]) } }
      if let language = entry.language { json.member("language", language) }
      if !entry.categories.isEmpty {
        json.member("tags") { json.array(entry.categories) { json.string($0.label) } }
      }
    }
    return json.bytes
  }
}

/// A small JSON writer: two-space indentation, members in the order written.
private final class JSONText {
  private(set) var bytes: [UInt8] = []
  private var indent: Int
  private var needsComma = false

  init(indent: Int = 0, capacity: Int = 0) {
    self.indent = indent
    bytes.reserveCapacity(capacity)
  }

  func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

  func object(_ body: () -> Void) {
    openObject()
    body()
    closeObject()
  }

  func openObject() {
    raw("{")
    indent += 1
    needsComma = false
  }

  func closeObject() {
    indent -= 1
    raw("\n" + String(repeating: "  ", count: indent) + "}")
    needsComma = true
  }

  func openArray() {
    raw("[")
    indent += 1
    needsComma = false
  }

  /// Ends an array that has items.
  func closeArray() {
    indent -= 1
    raw("\n" + String(repeating: "  ", count: indent) + "]")
    needsComma = true
  }

  func array<T>(_ items: [T], _ write: (T) -> Void) {
    raw("[")
    indent += 1
    needsComma = false
    for item in items {
      newline()
      write(item)
      needsComma = true
    }
    indent -= 1
    raw((items.isEmpty ? "" : "\n" + String(repeating: "  ", count: indent)) + "]")
    needsComma = true
  }

  func member(_ key: String, _ value: String) {
    member(key) { string(value) }
  }

  func member(_ key: String, _ value: () -> Void) {
    newline()
    string(key)
    raw(": ")
    value()
    needsComma = true
  }

  func authors(_ names: [String]) {
    array(names) { name in object { member("name", name) } }
  }

  /// A JSON string, without the characters XML forbids, so every format says the same.
  /// Works on UTF-8 bytes, copying runs that need no escape: posts can be megabytes long.
  func string(_ value: String) {
    var value = XMLText.cleaned(value)
    bytes.append(UInt8(ascii: "\""))
    value.withUTF8 { source in
      var runStart = 0
      var index = 0
      func flush() {
        if runStart < index { bytes.append(contentsOf: source[runStart..<index]) }
      }
      while index < source.count {
        let byte = source[index]
        var escape: String?
        var width = 1
        switch byte {
        case UInt8(ascii: "\""): escape = "\\\""
        case UInt8(ascii: "\\"): escape = "\\\\"
        case 0x0A: escape = "\\n"
        case 0x0D: escape = "\\r"
        case 0x09: escape = "\\t"
        case 0..<0x20: escape = String(format: "\\u%04x", byte)
        // U+2028 and U+2029 end a line in JavaScript: escaped, the feed is safe anywhere.
        case 0xE2
        where index + 2 < source.count && source[index + 1] == 0x80
          && (source[index + 2] == 0xA8 || source[index + 2] == 0xA9):
          escape = source[index + 2] == 0xA8 ? "\\u2028" : "\\u2029"
          width = 3
        default: break
        }
        if let escape {
          flush()
          bytes.append(contentsOf: escape.utf8)
          index += width
          runStart = index
        } else {
          index += 1
        }
      }
      flush()
    }
    bytes.append(UInt8(ascii: "\""))
  }

  func newline() {
    if needsComma { raw(",") }
    raw("\n" + String(repeating: "  ", count: indent))
  }
}
