import Foundation

/// Bluesky's link and hashtag detection, as its official client runs it before posting
/// (`@atproto/api` `RichText.detectFacets`), with byte offsets into the UTF-8 text.
///
/// Mentions are left out: a mention facet needs the handle resolved to a DID, which is a
/// network call and not this module's business.
public enum BlueskyFacets {
  /// Bluesky's limit in graphemes (`app.bsky.feed.post` `text` `maxGraphemes`).
  public static let maxGraphemes = 300
  /// Bluesky's limit in UTF-8 bytes (`app.bsky.feed.post` `text` `maxLength`).
  public static let maxBytes = 3000
  /// The longest tag, in graphemes, that the client turns into a facet.
  public static let maxTagGraphemes = 64

  /// The link and tag facets of `text`: links first, then tags, as the client orders them.
  public static func detect(in text: String) -> [Facet] {
    let ns = text as NSString
    let offsets = UTF8Offsets(text)
    var facets: [Facet] = []

    for match in Patterns.url.matches(in: ns) {
      var range = match.range(at: 2)
      var uri = ns.substring(with: range)
      if match.optionalRange(at: 3) == nil {
        guard let domain = match.optionalRange(at: 4), isValidDomain(ns.substring(with: domain))
        else { continue }
        uri = "https://" + uri
      }
      // The client strips one trailing punctuation mark, then an unbalanced ")".
      if let last = uri.utf16.last, ".,;:!?".utf16.contains(last) {
        uri = String(uri.dropLast())
        range.length -= 1
      }
      if uri.hasSuffix(")") && !uri.contains("(") {
        uri = String(uri.dropLast())
        range.length -= 1
      }
      facets.append(
        Facet(index: offsets.slice(range), features: [.link(uri: uri)]))
    }

    for match in Patterns.tag.matches(in: ns) {
      guard let tagRange = match.optionalRange(at: 2) else { continue }
      var tag = ns.substring(with: tagRange)
      if let trailing = Patterns.trailingPunctuation.firstMatch(in: tag as NSString) {
        tag = (tag as NSString).substring(to: trailing.range.location)
      }
      let length = (tag as NSString).length
      if length == 0 || (length > maxTagGraphemes && tag.count > maxTagGraphemes) { continue }
      let start = tagRange.location - 1  // the '#' or '＃', one UTF-16 unit either way
      facets.append(
        Facet(
          index: offsets.slice(NSRange(location: start, length: length + 1)),
          features: [.tag(tag)]))
    }
    return facets
  }

  /// Whether `text` is within both of Bluesky's limits.
  public static func fits(_ text: String) -> Bool {
    text.count <= maxGraphemes && text.utf8.count <= maxBytes
  }

  /// The client's `isValidDomain`: the last label is a known TLD, compared case-sensitively.
  static func isValidDomain(_ domain: String) -> Bool {
    guard let dot = domain.lastIndex(of: ".") else { return false }
    return asciiTLDs.contains(String(domain[domain.index(after: dot)...]))
  }

  /// The ASCII TLDs of twitter-text's list, standing in for the `tlds` package the client uses.
  private static let asciiTLDs: Set<String> = Set(
    (TwitterTextTLDs.generic + TwitterTextTLDs.country).filter { $0.utf8.allSatisfy { $0 < 0x80 } }
  )

  /// Converts UTF-16 offsets to UTF-8 ones: the client's `utf16IndexToUtf8Index`.
  struct UTF8Offsets {
    let text: String

    init(_ text: String) { self.text = text }

    func utf8Offset(_ utf16Offset: Int) -> Int {
      let index = text.utf16.index(text.utf16.startIndex, offsetBy: utf16Offset)
      return text.utf8.distance(from: text.utf8.startIndex, to: index)
    }

    func slice(_ range: NSRange) -> Facet.ByteSlice {
      Facet.ByteSlice(
        byteStart: utf8Offset(range.location), byteEnd: utf8Offset(NSMaxRange(range)))
    }

    func bytes(_ range: NSRange) -> Range<Int> { slice(range).range }
  }

  /// The client's patterns (`rich-text/util.ts`), with JavaScript's `\s` spelled out:
  /// it differs from ICU's (it has U+FEFF, and not U+0085).
  private enum Patterns {
    static let space =
      "\\t\\n\\u000B\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF"
    /// JavaScript's `^` under the `m` flag: the start, or just after a line terminator.
    static let lineStart = "(?:^|(?<=[\\n\\r\\u2028\\u2029]))"
    /// Groups: 1 leading, 2 link, 3 link with protocol, 4 domain. JavaScript's `i` flag
    /// folds only ASCII here, so the letters are spelled in both cases rather than with ICU's
    /// Unicode-wide case folding.
    static let url = ICUPattern(
      "(\(lineStart)|[\(space)]|\\()"
        + "(([hH][tT][tT][pP][sS]?://[^\(space)]+)"
        + "|([a-zA-Z][a-zA-Z0-9]*(?:\\.[a-zA-Z0-9]+)+)[^\(space)]*)")
    static let tagExcluded = "\\u00AD\\u2060\\u200A\\u200B\\u200C\\u200D\\u20E2"
    /// Groups: 1 leading, 2 tag.
    static let tag = ICUPattern(
      "(^|[\(space)])[#\\uFF03]((?!\\uFE0F)[^\(space)\(tagExcluded)]*"
        + "[^0-9\(space)\\p{P}\(tagExcluded)]+[^\(space)\(tagExcluded)]*)?")
    static let trailingPunctuation = ICUPattern("\\p{P}+$(?![\\s\\S])")
  }
}
