/// Text made safe for XML 1.0, whatever a post contains.
enum XMLText {
  /// `text` without the characters XML 1.0 forbids (C0 controls other than tab, newline and
  /// carriage return, U+FFFE, U+FFFF) and without C1 controls, which no reader shows.
  static func cleaned(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { !isAllowed($0) }) else { return text }
    var result = String.UnicodeScalarView()
    result.append(contentsOf: text.unicodeScalars.lazy.filter(isAllowed))
    return String(result)
  }

  static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09, 0x0A, 0x0D: true
    case 0x20...0x7E: true
    case 0x7F...0x9F: false
    case 0xFFFE, 0xFFFF: false
    case 0xA0...: true
    default: false
    }
  }
}
