import Foundation
import Testing

@testable import HeraldCore

/// The entry ids document, written by hand: what any JSON reader reads back, and appending
/// to it (a new post) gives what writing it whole gives.
@Suite struct EntryIDDocumentTests {
  /// Paths and ids with everything JSON escapes, and more.
  static let ids: [(String, String)] = [
    ("a.md", "https://openinfra.org/blog/a"),
    ("b \"quoted\".md", "tag:openinfra.org,2025:b\\c"),
    ("c\ttab\u{1}.md", "https://openinfra.org/blog/c?x=1&y=2"),
    ("dé/ü 日本.md", "https://openinfra.org/blog/%E6%97%A5"),
  ]

  func document(_ ids: ArraySlice<(String, String)>) -> EntryIDRegistry.Document {
    var document = EntryIDRegistry.Document()
    for (path, id) in ids { document.add(path: path.utf8, id: id.utf8) }
    return document
  }

  func read(_ data: Data) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  @Test func aDocumentReadsBackAsWritten() throws {
    for count in 0...Self.ids.count {
      let data = document(Self.ids.prefix(count)).finished(published: count == 2 ? nil : count)
      let object = try read(data)
      #expect(object["version"] as? Int == 1)
      #expect(object["published"] as? Int == (count == 2 ? nil : count))
      let ids = try #require(object["ids"] as? [String: String])
      #expect(ids == Dictionary(uniqueKeysWithValues: Self.ids.prefix(count).map { ($0.0, $0.1) }))
    }
  }

  @Test func appendingEqualsWritingWhole() throws {
    for split in 0...Self.ids.count {
      let old = document(Self.ids.prefix(split)).finished(published: split == 1 ? nil : 7)
      let appended = try #require(document(Self.ids.dropFirst(split)).appending(to: old, published: 9))
      let whole = document(Self.ids[...]).finished(published: 9)
      #expect(try read(appended) as NSDictionary == read(whole) as NSDictionary, "split \(split)")
    }
  }

  @Test func aDocumentInAnotherLayoutIsWrittenWhole() throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let older = try encoder.encode(["ids": ["a.md": "x"]])
    #expect(document(Self.ids.prefix(1)).appending(to: older, published: 1) == nil)
    #expect(document(Self.ids.prefix(1)).appending(to: Data("{}".utf8), published: 1) == nil)
  }
}
