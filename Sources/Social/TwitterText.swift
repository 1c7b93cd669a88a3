import Foundation

/// X's own text rules (twitter-text v3): weighted length, validity and URL extraction.
public enum TwitterText {
  /// The most a URL may be, protocol included, for twitter-text to treat it as one.
  static let maxURLLength = 4096
  /// The longest t.co slug twitter-text accepts.
  static let maxTCoSlugLength = 40
  /// What twitter-text adds for a URL written without its protocol (`"https://".count`).
  static let protocolLength = 8

  /// A URL found in text, with its place in UTF-16 offsets as twitter-text reports it.
  public struct URLEntity: Sendable, Equatable {
    /// The URL as written.
    public let url: String
    /// UTF-16 offsets of the URL, end exclusive.
    public let utf16Range: Range<Int>
  }

  /// The v3 verdict on a text, with twitter-text's fields (offsets are UTF-16, ends inclusive).
  public struct ParseResult: Sendable, Equatable {
    /// The length X counts against the limit.
    public let weightedLength: Int
    /// The weighted length in thousandths of the limit.
    public let permillage: Int
    /// Whether X would accept the text.
    public let isValid: Bool
    /// First UTF-16 offset of the text (0, or -1 for an empty text).
    public let displayRangeStart: Int
    /// Last UTF-16 offset of the text.
    public let displayRangeEnd: Int
    /// First UTF-16 offset of the part within the limit.
    public let validRangeStart: Int
    /// Last UTF-16 offset of the part within the limit.
    public let validRangeEnd: Int
  }

  /// Why a text is or is not a valid post on X.
  public enum Validity: Sendable, Equatable {
    /// X accepts it.
    case valid
    /// Nothing but whitespace.
    case empty
    /// Holds U+FFFE, U+FEFF or U+FFFF, which X refuses.
    case invalidCharacters
    /// Weighs more than the limit.
    case tooLong(weightedLength: Int, limit: Int)
  }

  /// The weights X gives characters (twitter-text `config/v3.json`).
  public struct Configuration: Sendable, Equatable {
    /// A range of code points with its weight.
    public struct WeightedRange: Sendable, Equatable {
      /// First code point, inclusive.
      public let start: UInt32
      /// Last code point, inclusive.
      public let end: UInt32
      /// Weight of each code point in the range, in `scale` units.
      public let weight: Int

      /// A weighted range of code points, both ends inclusive.
      public init(start: UInt32, end: UInt32, weight: Int) {
        self.start = start
        self.end = end
        self.weight = weight
      }
    }

    /// The limit in weighted characters.
    public var maxWeightedTweetLength: Int
    /// How many weight units make one character.
    public var scale: Int
    /// Weight of a code point outside every range, and of an emoji.
    public var defaultWeight: Int
    /// What every URL counts, whatever its length.
    public var transformedURLLength: Int
    /// Whether an emoji sequence counts as one default-weight character.
    public var emojiParsingEnabled: Bool
    /// Code point ranges with their own weight.
    public var ranges: [WeightedRange]

    /// twitter-text's v3 configuration, the one X applies today.
    public static let v3 = Configuration(
      maxWeightedTweetLength: 280,
      scale: 100,
      defaultWeight: 200,
      transformedURLLength: 23,
      emojiParsingEnabled: true,
      ranges: [
        WeightedRange(start: 0, end: 4351, weight: 100),
        WeightedRange(start: 8192, end: 8205, weight: 100),
        WeightedRange(start: 8208, end: 8223, weight: 100),
        WeightedRange(start: 8242, end: 8247, weight: 100),
      ]
    )
  }

  /// The length X counts for `text` (twitter-text v3 `weightedLength`).
  public static func weightedLength(_ text: String, configuration: Configuration = .v3) -> Int {
    parse(text, configuration: configuration).weightedLength
  }

  /// Whether X would accept `text`.
  public static func isValid(_ text: String, configuration: Configuration = .v3) -> Bool {
    parse(text, configuration: configuration).isValid
  }

  /// Why X would accept or refuse `text`.
  public static func validity(_ text: String, configuration: Configuration = .v3) -> Validity {
    let result = parse(text, configuration: configuration)
    if result.isValid { return .valid }
    if isBlank(text) { return .empty }
    if text.unicodeScalars.contains(where: isInvalidScalar) { return .invalidCharacters }
    return .tooLong(
      weightedLength: result.weightedLength, limit: configuration.maxWeightedTweetLength)
  }

  /// The ranges of `text` that X turns into links (with or without a protocol).
  public static func extractURLs(_ text: String) -> [Range<String.Index>] {
    extractURLsWithIndices(text).compactMap { entity in
      let utf16 = text.utf16
      let lower = utf16.index(utf16.startIndex, offsetBy: entity.utf16Range.lowerBound)
      let upper = utf16.index(lower, offsetBy: entity.utf16Range.count)
      guard let start = lower.samePosition(in: text), let end = upper.samePosition(in: text)
      else { return nil }
      return start..<end
    }
  }

  /// The URLs X links in `text`, with UTF-16 offsets (twitter-text `extractURLsWithIndices`).
  public static func extractURLsWithIndices(_ text: String) -> [URLEntity] {
    let ns = text as NSString
    // twitter-text's shortcut: no dot, no URL without a protocol, nor with one.
    guard ns.range(of: ".").location != NSNotFound else { return [] }
    var entities: [URLEntity] = []
    for match in TwitterTextRegex.validURL.matches(in: ns) {
      let protocolRange = match.optionalRange(at: 4)
      if protocolRange == nil, let before = match.optionalRange(at: 2) {
        let preceding = ns.substring(with: before) as NSString
        if TwitterTextRegex.invalidURLWithoutProtocolPrecedingChar.hasMatch(in: preceding) {
          continue
        }
      }
      let urlRange = match.range(at: 3)
      var url = ns.substring(with: urlRange)
      let urlNS = url as NSString
      if let tco = TwitterTextRegex.validTCoURL.firstMatch(in: urlNS) {
        // t.co links take no extra path, and their slug is bounded.
        if tco.range(at: 1).length > maxTCoSlugLength { continue }
        url = urlNS.substring(with: tco.range)
      }
      guard let hostRange = match.optionalRange(at: 5) else { continue }
      let host = ns.substring(with: hostRange)
      guard
        isValidHostAndLength(
          urlLength: (url as NSString).length, hasProtocol: protocolRange != nil, host: host)
      else { continue }
      let length = (url as NSString).length
      entities.append(
        URLEntity(url: url, utf16Range: urlRange.location..<(urlRange.location + length)))
    }
    return entities
  }

  /// twitter-text `isValidHostAndLength`: the host survives IDNA and the URL is not too long.
  static func isValidHostAndLength(urlLength: Int, hasProtocol: Bool, host: String) -> Bool {
    guard !host.isEmpty, let ascii = IDNA.toASCII(host), !ascii.isEmpty else { return false }
    let length = urlLength + ascii.utf16.count - host.utf16.count
    return length + (hasProtocol ? 0 : protocolLength) <= maxURLLength
  }

  /// twitter-text `parseTweet`: walks the NFC text in UTF-16 units, URLs and emoji first.
  public static func parse(_ text: String, configuration: Configuration = .v3) -> ParseResult {
    if isBlank(text) {
      return ParseResult(
        weightedLength: 0, permillage: 0, isValid: false, displayRangeStart: -1,
        displayRangeEnd: -1, validRangeStart: -1, validRangeEnd: -1)
    }
    let normalized = text.precomposedStringWithCanonicalMapping
    let ns = normalized as NSString
    let units = Array(normalized.utf16)
    let length = units.count

    let scale = configuration.scale
    let scaledMax = configuration.maxWeightedTweetLength * scale
    let urlWeight = configuration.transformedURLLength * scale

    var urlLengths: [Int: Int] = [:]
    for entity in extractURLsWithIndices(normalized) {
      urlLengths[entity.utf16Range.lowerBound] = entity.utf16Range.count
    }
    var emojiLengths: [Int: Int] = [:]
    if configuration.emojiParsingEnabled {
      for match in TwitterTextEmoji.regex.matches(in: ns) {
        emojiLengths[match.range.location] = match.range.length
      }
    }

    var hasInvalidCharacters = false
    var weighted = 0
    var offset = 0
    var validOffset = 0
    while offset < length {
      if let urlLength = urlLengths.removeValue(forKey: offset) {
        weighted += urlWeight
        offset += urlLength
        if weighted <= scaledMax { validOffset += urlLength }
      }
      guard offset < length else { break }

      let (codePoint, width) = codePoint(in: units, at: offset)
      var weight = configuration.defaultWeight
      let emojiLength = emojiLengths[offset]
      if emojiLength == nil,
        let range = configuration.ranges.first(where: {
          $0.start <= codePoint && codePoint <= $0.end
        })
      {
        weight = range.weight
      }
      weighted += weight
      // twitter-text looks at one UTF-16 unit per step, so this does too.
      hasInvalidCharacters = hasInvalidCharacters || isInvalidUnit(units[offset])
      let delta = emojiLength ?? width
      offset += delta
      if !hasInvalidCharacters && weighted <= scaledMax { validOffset += delta }
    }

    let normalizationOffset = text.utf16.count - length
    let weightedLength = weighted / scale
    return ParseResult(
      weightedLength: weightedLength,
      permillage: weightedLength * 1000 / configuration.maxWeightedTweetLength,
      isValid: !hasInvalidCharacters
        && weightedLength <= configuration.maxWeightedTweetLength,
      displayRangeStart: 0,
      displayRangeEnd: offset + normalizationOffset - 1,
      validRangeStart: 0,
      validRangeEnd: validOffset + normalizationOffset - 1
    )
  }

  /// Java's `String.trim().isEmpty`: nothing above U+0020.
  private static func isBlank(_ text: String) -> Bool {
    text.utf16.allSatisfy { $0 <= 0x20 }
  }

  private static func isInvalidUnit(_ unit: UInt16) -> Bool {
    unit == 0xFFFE || unit == 0xFEFF || unit == 0xFFFF
  }

  private static func isInvalidScalar(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value == 0xFFFE || scalar.value == 0xFEFF || scalar.value == 0xFFFF
  }

  /// Java's `codePointAt`: a surrogate pair reads as one code point, a lone one as itself.
  private static func codePoint(in units: [UInt16], at offset: Int) -> (UInt32, Int) {
    let high = units[offset]
    if UTF16.isLeadSurrogate(high), offset + 1 < units.count,
      UTF16.isTrailSurrogate(units[offset + 1])
    {
      let low = units[offset + 1]
      let value = 0x10000 + ((UInt32(high) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
      return (value, 2)
    }
    return (UInt32(high), 1)
  }
}
