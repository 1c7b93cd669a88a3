import Foundation

/// Mastodon's own length rules (`StatusLengthValidator`): graphemes, where every link counts
/// 23 and a remote mention counts only its `@user` part.
public enum MastodonText {
  /// What Mastodon counts for any link, however long.
  public static let urlLength = 23
  /// Mastodon's default status limit.
  public static let defaultLimit = 500

  /// The length Mastodon checks against its limit.
  public static func length(_ text: String) -> Int {
    countableText(text).count
  }

  /// The text with each link replaced by 23 characters and `@user@domain` by `@user`,
  /// as Mastodon rewrites it before counting graphemes.
  public static func countableText(_ text: String) -> String {
    // Rails `blank?`: a text of nothing but whitespace counts as empty.
    guard text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else { return "" }
    let ns = text as NSString
    var entities = urlEntities(in: ns) + mentionEntities(in: ns)
    entities.sort { $0.range.location < $1.range.location }
    var kept: [Entity] = []
    for entity in entities {
      if let previous = kept.last, NSMaxRange(previous.range) > entity.range.location { continue }
      kept.append(entity)
    }
    var result = ""
    var cursor = 0
    for entity in kept {
      result += ns.substring(
        with: NSRange(location: cursor, length: entity.range.location - cursor))
      result += entity.replacement
      cursor = NSMaxRange(entity.range)
    }
    result += ns.substring(from: cursor)
    return result
  }

  /// The ranges of `text` that Mastodon counts as links.
  public static func extractURLs(_ text: String) -> [Range<String.Index>] {
    urlEntities(in: text as NSString).compactMap { Range($0.range, in: text) }
  }

  private struct Entity {
    let range: NSRange
    let replacement: String
  }

  /// twitter-text Ruby `extract_urls_with_indices(extract_url_without_protocol: false)` with
  /// Mastodon's pattern overrides (`config/initializers/twitter_regex.rb`).
  private static func urlEntities(in ns: NSString) -> [Entity] {
    guard ns.range(of: ":").location != NSNotFound else { return [] }
    var entities: [Entity] = []
    for match in urlMatches(in: ns) {
      guard match.optionalRange(at: 4) != nil, let hostRange = match.optionalRange(at: 5) else {
        continue
      }
      var urlRange = match.range(at: 3)
      let url = ns.substring(with: urlRange) as NSString
      if let tco = Patterns.validTCoURL.firstMatch(in: url) {
        if tco.range(at: 1).length > TwitterText.maxTCoSlugLength { continue }
        urlRange.length = tco.range.length
      }
      let host = ns.substring(with: hostRange)
      guard let ascii = IDNA.toASCII(host), !ascii.isEmpty else { continue }
      let growth = max(0, ascii.utf16.count - host.utf16.count)
      guard urlRange.length + growth <= TwitterText.maxURLLength else { continue }
      entities.append(
        Entity(range: urlRange, replacement: String(repeating: "x", count: urlLength)))
    }
    return entities
  }

  /// The URL pattern's matches, run word by word.
  ///
  /// No match can span ASCII whitespace (every part of the pattern excludes it) and a kept
  /// link needs "://", so words without it are skipped: that keeps the domain pattern, which
  /// backtracks over whole runs of letters, from going quadratic on long CJK or emoji runs.
  private static func urlMatches(in ns: NSString) -> [NSTextCheckingResult] {
    var results: [NSTextCheckingResult] = []
    var start = 0
    let length = ns.length
    func scan(_ end: Int) {
      guard end > start else { return }
      let word = NSRange(location: start, length: end - start)
      guard ns.range(of: "://", options: [], range: word).location != NSNotFound else { return }
      results += Patterns.validURL.matches(in: ns, range: word)
    }
    for offset in 0..<length {
      switch ns.character(at: offset) {
      case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85:
        scan(offset)
        start = offset + 1
      default:
        continue
      }
    }
    scan(length)
    return results
  }

  /// Mastodon `Extractor.extract_mentions_or_lists_with_indices` with `Account::MENTION_RE`.
  private static func mentionEntities(in ns: NSString) -> [Entity] {
    guard
      ns.range(of: "@").location != NSNotFound || ns.range(of: "\u{FF20}").location != NSNotFound
    else { return [] }
    var entities: [Entity] = []
    for match in Patterns.mention.matches(in: ns) {
      let after = NSMaxRange(match.range)
      if Patterns.endMentionMatch.prefixMatch(in: ns, at: after) != nil { continue }
      let screenName = ns.substring(with: match.range(at: 1))
      let username = screenName.split(separator: "@", omittingEmptySubsequences: false).first ?? ""
      let start = match.range(at: 1).location - 1
      entities.append(
        Entity(
          range: NSRange(location: start, length: NSMaxRange(match.range(at: 1)) - start),
          replacement: "@" + username))
    }
    return entities
  }

  /// Mastodon's patterns, from the twitter-text Ruby gem and Mastodon's overrides of it.
  private enum Patterns {
    static let punctuation = ##"!"\#\$%\&'\(\)\*\+,\-\./:;<=>\?@\[\]\^_`\{\|\}~"##
    static let spaces =
      "\\t\\n\\u000B\\f\\r \\u0085\\u00A0\\u1680\\u180E\\u2000-\\u200A"
      + "\\u2028\\u2029\\u202F\\u205F\\u3000"
    static let domainValidChars =
      "[^\(TwitterTextRegex.directionalCharacters)\(punctuation)\(spaces)\\u0000-\\u001F\\u007F"
      + "\(TwitterTextRegex.invalidCharacters)]"
    static let subdomain =
      "(?:(?:\(domainValidChars)(?:[_\\-]|\(domainValidChars))*)?\(domainValidChars)\\.)"
    static let domainName =
      "(?:(?:\(domainValidChars)(?:\\-|\(domainValidChars))*)?\(domainValidChars)\\.)"
    static let domain =
      "(?:\(subdomain)*\(domainName)(?:\(TwitterTextRegex.gTLD)|\(TwitterTextRegex.ccTLD)|(?:xn--[0-9a-z]+)))"

    /// The gem's path characters: Mastodon's path-ending override still captured these
    /// balanced parentheses, because it was assigned before the parentheses were replaced.
    static let gemPathChars =
      "[a-z\\p{Cyrillic}0-9!\\*';:=\\+,\\.\\$/%#\\[\\]\\p{Pd}_~\\&\\|@\(TwitterTextRegex.latinAccents)]"
    static let gemBalancedParens =
      "\\((?:\(gemPathChars)+|(?:\(gemPathChars)*\\(\(gemPathChars)+\\)\(gemPathChars)*))\\)"

    static let pathChars = "[^\\p{White_Space}<>()?]"
    static let balancedParens =
      "\\((?:\(pathChars)+|(?:\(pathChars)*\\(\(pathChars)+\\)\(pathChars)*))\\)"
    static let pathEnding =
      "[^\\p{White_Space}()?!*\"'\\u300C\\u300D<>;:=,.$%\\[\\]~\\&|@]|(?:\(gemBalancedParens))"
    static let path =
      "(?:(?:\(pathChars)*(?:\(balancedParens)\(pathChars)*)*\(pathEnding))|(?:\(pathChars)+/))"
    static let uchars =
      "\\u00A0-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFEF\\x{10000}-\\x{1FFFD}\\x{20000}-\\x{2FFFD}"
      + "\\x{30000}-\\x{3FFFD}\\x{40000}-\\x{4FFFD}\\x{50000}-\\x{5FFFD}\\x{60000}-\\x{6FFFD}"
      + "\\x{70000}-\\x{7FFFD}\\x{80000}-\\x{8FFFD}\\x{90000}-\\x{9FFFD}\\x{A0000}-\\x{AFFFD}"
      + "\\x{B0000}-\\x{BFFFD}\\x{C0000}-\\x{CFFFD}\\x{D0000}-\\x{DFFFD}\\x{E1000}-\\x{EFFFD}"
      + "\\uE000-\\uF8FF\\x{F0000}-\\x{FFFFD}\\x{100000}-\\x{10FFFD}"
    static let queryChars = ##"[a-z0-9!\?\*'\(\);:\&=\+\$/%#\[\]\-_\.,~\|@\^"## + uchars + "]"
    static let queryEnding = ##"[a-z0-9_\&=#/\-"## + uchars + "]"

    /// Groups as in twitter-text: 2 preceding, 3 URL, 4 protocol, 5 domain.
    static let validURL = ICUPattern(
      "((\(TwitterTextRegex.precedingChars))"
        + "(((?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini)://)?(\(domain))(?::([0-9]+))?"
        + "(/\(path)*)?(\\?\(queryChars)*\(queryEnding))?))",
      caseInsensitive: true)
    static let validTCoURL = ICUPattern("^https?://t\\.co/([a-z0-9]+)", caseInsensitive: true)

    static let word = "\\p{L}\\p{M}\\p{Nd}\\p{Pc}"
    static let mention = ICUPattern(
      "(?<![=/\(word)])@(([a-z0-9_]+(?:[a-z0-9_.\\-]+[a-z0-9_]+)?)(?:@[\(word).\\-]+[\(word)]+)?)",
      caseInsensitive: true)
    static let endMentionMatch = ICUPattern(
      "(?:[@\\uFF20]|[\(TwitterTextRegex.latinAccents)]|://)", caseInsensitive: true)
  }
}
