internal import CLibXML2

/// Text made safe for XML 1.0, whatever a post contains.
enum XMLText {
  /// `text` without the characters XML 1.0 forbids (C0 controls other than tab, newline and
  /// carriage return, U+FFFE, U+FFFF) and without C1 controls, which no reader shows.
  static func cleaned(_ text: String) -> String {
    guard needsCleaning(text) else { return text }
    var result = String.UnicodeScalarView()
    result.append(contentsOf: text.unicodeScalars.lazy.filter(isAllowed))
    return String(result)
  }

  /// A scan of the UTF-8 bytes, cheap enough for megabytes of content: forbidden
  /// characters are ASCII controls, C1 controls (`C2 80`…`C2 9F`) and `EF BF BE`/`EF BF BF`.
  private static func needsCleaning(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { bytes in
      var index = 0
      let count = bytes.count
      while index < count {
        let byte = bytes[index]
        if byte < 0x20 {
          if byte != 0x09 && byte != 0x0A && byte != 0x0D { return true }
        } else if byte == 0x7F {
          return true
        } else if byte == 0xC2, index + 1 < count, (0x80...0x9F).contains(bytes[index + 1]) {
          return true
        } else if byte == 0xEF, index + 2 < count, bytes[index + 1] == 0xBF, bytes[index + 2] >= 0xBE {
          return true
        }
        index += 1
      }
      return false
    }
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

/// libxml2's global set-up, done once before any thread uses the library: in libxml2 2.9 the
/// lazy set-up its functions do on first use is not safe when two threads do it at once.
enum LibXML2 {
  static let ready: Void = xmlInitParser()
}
