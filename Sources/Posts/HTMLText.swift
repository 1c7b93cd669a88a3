/// Text made safe to place in an HTML page (the review page, the feeds' index page): whatever
/// a post holds is shown as written, never read as markup.
public enum HTMLText {
  /// `text` for an element's content or a double-quoted attribute: `&`, `<`, `>`, `"` and `'`
  /// escaped, and the code points HTML forbids (controls other than white space,
  /// noncharacters) dropped, so the page stays valid whatever a post holds.
  public static func escape(_ text: some StringProtocol) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&#39;"
      case "\t", "\n": result.unicodeScalars.append(scalar)
      case "\r": continue
      default:
        if isForbidden(scalar) { continue }
        result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  /// `url` when a browser may follow it from a review page: http and https only, so a
  /// `javascript:` permalink or link in a post never becomes something that runs.
  public static func safeLink(_ url: String) -> String? {
    let lowered = url.lowercased()
    guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://") else { return nil }
    return url
  }

  /// C0 and C1 controls, and the noncharacters (U+FDD0–U+FDEF, U+xFFFE, U+xFFFF).
  private static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    return value < 0x20 || (0x7F...0x9F).contains(value) || (0xFDD0...0xFDEF).contains(value)
      || value & 0xFFFE == 0xFFFE
  }
}
