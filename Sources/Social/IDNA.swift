import Foundation

/// The parts of IDNA 2003 `ToASCII` that decide whether twitter-text accepts a host, and
/// that give an account's server one spelling.
///
/// twitter-text (Java `IDN.toASCII`, Ruby `Idna.toASCII`) rejects a URL whose host has a
/// label longer than 63 characters once punycoded, or a non-ASCII label that already starts
/// with `xn--`; the host's punycoded length also counts toward the 4,096-character URL cap.
public enum IDNA {
  /// The ASCII form of `host`, or nil where `ToASCII` would fail.
  public static func toASCII(_ host: String) -> String? {
    var labels: [String] = []
    let scalars = host.unicodeScalars
    // Split on scalars, not Characters: a combining mark after a dot must not hide it.
    for label in scalars.split(omittingEmptySubsequences: false, whereSeparator: isLabelSeparator) {
      guard let ascii = labelToASCII(String(String.UnicodeScalarView(label))) else { return nil }
      labels.append(ascii)
    }
    return labels.joined(separator: ".")
  }

  private static let maxLabelLength = 63

  private static func isLabelSeparator(_ scalar: Unicode.Scalar) -> Bool {
    scalar == "." || scalar == "\u{3002}" || scalar == "\u{FF0E}" || scalar == "\u{FF61}"
  }

  private static func labelToASCII(_ label: String) -> String? {
    var result = label
    if !isASCII(result) {
      result = nameprep(result)
    }
    guard !result.isEmpty else { return nil }
    if !isASCII(result) {
      guard !result.lowercased().hasPrefix("xn--"),
        let encoded = Punycode.encode(result)
      else { return nil }
      result = "xn--" + encoded.lowercased()
    }
    return result.utf16.count <= maxLabelLength ? result : nil
  }

  private static func isASCII(_ text: String) -> Bool {
    text.utf8.allSatisfy { $0 < 0x80 }
  }

  /// RFC 3491 in the large: drop the mapped-to-nothing characters, fold case, NFKC.
  /// The prohibited-character and bidi tables are left out: the URL pattern already keeps
  /// spaces, controls and punctuation out of hosts.
  private static func nameprep(_ label: String) -> String {
    let kept = label.unicodeScalars.filter { !mappedToNothing.contains($0.value) }
    var mapped = String(String.UnicodeScalarView(kept)).lowercased()
    mapped = mapped.precomposedStringWithCompatibilityMapping
    return mapped
  }

  private static let mappedToNothing: Set<UInt32> = [
    0x00AD, 0x034F, 0x1806, 0x180B, 0x180C, 0x180D, 0x200B, 0x200C, 0x200D, 0x2060,
    0xFE00, 0xFE01, 0xFE02, 0xFE03, 0xFE04, 0xFE05, 0xFE06, 0xFE07, 0xFE08, 0xFE09,
    0xFE0A, 0xFE0B, 0xFE0C, 0xFE0D, 0xFE0E, 0xFE0F, 0xFEFF,
  ]
}
