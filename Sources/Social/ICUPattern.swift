import Foundation

/// A regular expression compiled once and matched over UTF-16 offsets.
///
/// ICU (behind `NSRegularExpression`) speaks Java's regex dialect, which is what
/// twitter-text's reference implementation is written in, so its patterns carry over
/// nearly verbatim; offsets are UTF-16 because twitter-text, Mastodon's counter and
/// Bluesky's client all index text that way.
struct ICUPattern: Sendable {
  private let regex: NSRegularExpression

  init(_ pattern: String, caseInsensitive: Bool = false, anchorsMatchLines: Bool = false) {
    var options: NSRegularExpression.Options = []
    if caseInsensitive { options.insert(.caseInsensitive) }
    if anchorsMatchLines { options.insert(.anchorsMatchLines) }
    do {
      regex = try NSRegularExpression(pattern: pattern, options: options)
    } catch {
      // The patterns are constants of this module: a failure is a programming error.
      preconditionFailure("invalid built-in pattern: \(error)")
    }
  }

  /// Every non-overlapping match, scanning left to right like `Matcher.find()`.
  func matches(in text: NSString, from location: Int = 0) -> [NSTextCheckingResult] {
    regex.matches(
      in: text as String,
      range: NSRange(location: location, length: text.length - location)
    )
  }

  /// Every non-overlapping match inside `range`; `^` and `$` match at its ends.
  func matches(in text: NSString, range: NSRange) -> [NSTextCheckingResult] {
    regex.matches(in: text as String, range: range)
  }

  /// The first match starting at or after `location`.
  func firstMatch(in text: NSString, from location: Int = 0) -> NSTextCheckingResult? {
    regex.firstMatch(
      in: text as String,
      range: NSRange(location: location, length: text.length - location)
    )
  }

  /// The match that starts exactly at `location`, if any (like Ruby's `\A` on a post-match).
  func prefixMatch(in text: NSString, at location: Int) -> NSTextCheckingResult? {
    regex.firstMatch(
      in: text as String,
      options: [.anchored],
      range: NSRange(location: location, length: text.length - location)
    )
  }

  /// Whether the pattern matches somewhere in `text`.
  func hasMatch(in text: NSString) -> Bool {
    firstMatch(in: text) != nil
  }
}

extension NSTextCheckingResult {
  /// The capture group's range, or nil when the group did not take part in the match.
  func optionalRange(at group: Int) -> NSRange? {
    let range = self.range(at: group)
    return range.location == NSNotFound ? nil : range
  }
}
