/// The places a title or summary may be cut, longest first, each ending with "…".
///
/// Word boundaries come first; where the first word alone is too long (CJK text, a long
/// compound, a URL), the cuts go on at grapheme boundaries inside it, so no cut ever splits
/// a user-perceived character.
struct TextCutter {
  static let ellipsis = "…"

  let text: String
  /// Ends of the prefixes to try, longest first, not including the whole text.
  private let ends: [String.Index]

  init(_ text: String) {
    self.text = text
    var ends: [String.Index] = []
    var firstSpace: String.Index?
    var index = text.startIndex
    while index < text.endIndex {
      if text[index] == " " {
        ends.append(index)
        if firstSpace == nil { firstSpace = index }
      }
      index = text.index(after: index)
    }
    ends.reverse()
    // Inside the first word, every grapheme boundary, longest first.
    let firstWordEnd = firstSpace ?? text.endIndex
    var inner: [String.Index] = []
    index = text.startIndex
    while index < firstWordEnd {
      index = text.index(after: index)
      if index < firstWordEnd { inner.append(index) }
    }
    ends.append(contentsOf: inner.reversed())
    self.ends = ends
  }

  /// How many cut candidates there are.
  var count: Int { ends.count }

  /// The `position`-th candidate (0 is the longest), or nil when trimming leaves nothing.
  func candidate(_ position: Int) -> String? {
    var prefix = text[..<ends[position]]
    // "Hello, world" cut after "Hello," reads better as "Hello…" than "Hello,…".
    while let last = prefix.last, last.isWhitespace || Self.trailingTrim.contains(last) {
      prefix = prefix.dropLast()
    }
    return prefix.isEmpty ? nil : prefix + Self.ellipsis
  }

  private static let trailingTrim: Set<Character> = [
    ",", ";", ":", "-", "–", "—", "(", "[", "{", "/", "\\", "·", "、", "，",
  ]
}
