/// The language tags Herald accepts (BCP 47's shape, loosely): two or three letters, then
/// subtags of one to eight letters or digits after hyphens, as in `en`, `en-GB`, `zh-Hant-TW`.
/// Checked by hand rather than with a regular expression, which would be compiled on every
/// run that reads the configuration.
public enum LanguageTag {
  /// Whether `tag` has that shape.
  public static func isWellFormed(_ tag: String) -> Bool {
    let subtags = tag.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
    guard let language = subtags.first, (2...3).contains(language.count), language.allSatisfy(isLetter) else {
      return false
    }
    return subtags.dropFirst().allSatisfy { subtag in
      (1...8).contains(subtag.count) && subtag.allSatisfy { isLetter($0) || (0x30...0x39).contains($0) }
    }
  }

  /// An ASCII letter.
  static func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
}
