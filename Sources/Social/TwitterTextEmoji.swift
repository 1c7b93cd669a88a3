/// twitter-text's emoji matcher: under the v3 rules each match weighs one default weight,
/// however many code points the sequence has (ZWJ families, flags, keycaps, skin tones).
enum TwitterTextEmoji {
  /// The compiled pattern; the source text is generated into `TwitterTextEmoji+Pattern.swift`.
  static let regex = ICUPattern(pattern)
}
