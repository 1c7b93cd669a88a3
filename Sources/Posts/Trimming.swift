extension StringProtocol {
  /// The text without leading and trailing white space (tabs and the Unicode space
  /// separators, and line breaks too when `andNewlines`): what Foundation's
  /// `trimmingCharacters(in: .whitespaces)` does, without its cost, which shows when
  /// thousands of posts are read.
  public func trimmingWhitespace(andNewlines: Bool = false) -> String {
    let scalars = unicodeScalars
    func isTrimmed(_ scalar: Unicode.Scalar) -> Bool {
      guard scalar.properties.isWhitespace else { return false }
      if andNewlines { return true }
      switch scalar.value {
      case 0x0A...0x0D, 0x85, 0x2028, 0x2029: return false
      default: return true
      }
    }
    if let first = scalars.first, let last = scalars.last, !isTrimmed(first), !isTrimmed(last) {
      return String(self)
    }
    guard let first = scalars.firstIndex(where: { !isTrimmed($0) }) else { return "" }
    let last = scalars.lastIndex(where: { !isTrimmed($0) })!
    return String(String.UnicodeScalarView(scalars[first...last]))
  }
}
