import Foundation
import Locking

/// Hashtag spelling and matching: what counts as "the same tag" in a post.
enum Hashtags {
  /// `#Name` from `#Name`, `Name` or a category label such as `Open Infrastructure`; nil when
  /// nothing tag-like is left. Keeps letters, marks, digits and `_`, as networks do in tags.
  static func normalize(_ raw: String) -> String? {
    let scalars = raw.unicodeScalars.filter { scalar in
      let category = scalar.properties.generalCategory
      switch category {
      case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
        .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber:
        return true
      default:
        return scalar == "_"
      }
    }
    let name = String(String.UnicodeScalarView(scalars))
    // A tag of digits alone is no tag on X, Mastodon or Bluesky.
    guard name.unicodeScalars.contains(where: { $0.properties.isAlphabetic }) else { return nil }
    return "#" + name
  }

  /// Matches `tag` (`#Name`) as a whole tag, in any case: `#NameMore` is another tag.
  /// Compiled once per tag: a site has a handful, and compiling is most of a composition's cost.
  static func pattern(for tag: String) -> ICUPattern {
    if let cached = compiled.withLock({ $0[tag] }) { return cached }
    let name = NSRegularExpression.escapedPattern(for: String(tag.dropFirst()))
    let pattern = ICUPattern(
      "[#\\uFF03]\(name)(?![\\p{L}\\p{M}\\p{N}_\\u200C\\u200D])", caseInsensitive: true)
    compiled.withLock { cache in
      if cache.count > 256 { cache.removeAll() }
      cache[tag] = pattern
    }
    return pattern
  }

  private static let compiled = Locked<[String: ICUPattern]>([:])

  /// UTF-16 ranges of `tag` as a whole tag in `text`.
  static func occurrences(of pattern: ICUPattern, in text: String) -> [NSRange] {
    pattern.matches(in: text as NSString).map(\.range)
  }

  /// UTF-16 ranges of `tag` (`#Name`) as a tag a network links: whole, and at the start of
  /// the text or after whitespace (`a#Name` is no tag anywhere).
  static func standalone(_ tag: String, in text: String) -> [NSRange] {
    let ns = text as NSString
    return occurrences(of: pattern(for: tag), in: text).filter { range in
      range.location == 0
        || ns.substring(with: NSRange(location: range.location - 1, length: 1)).unicodeScalars.allSatisfy(
          \.properties.isWhitespace)
    }
  }
}
