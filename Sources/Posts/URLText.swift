internal import Foundation

/// Small, dependable operations on URL strings, shared by posts and feeds.
public enum URLText {
  /// Percent-encodes what may not stand in a URI (spaces, controls, quotes, non-ASCII), leaving
  /// every reserved character and existing `%XX` escape alone: the URL means what it meant.
  public static func escapingUnsafe(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for byte in text.utf8 {
      if byte > 0x20, byte < 0x7F, !unsafeASCII.contains(byte) {
        result.unicodeScalars.append(Unicode.Scalar(byte))
      } else {
        result += "%" + hex(byte)
      }
    }
    return result
  }

  /// Percent-encodes `text` for use as one path segment (a slug).
  public static func escapingPathSegment(_ text: String) -> String {
    var result = ""
    for byte in text.utf8 {
      let isUnreserved =
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte)
        || (0x61...0x7A).contains(byte) || [0x2D, 0x2E, 0x5F, 0x7E].contains(byte)
      if isUnreserved {
        result.unicodeScalars.append(Unicode.Scalar(byte))
      } else {
        result += "%" + hex(byte)
      }
    }
    return result
  }

  /// The scheme of an absolute URI (`https`, `tag`, `urn`), lowercased; nil for a relative one.
  public static func scheme(of text: String) -> String? {
    guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { return nil }
    let candidate = text[..<colon]
    let isSchemeCharacter = { (scalar: Unicode.Scalar) in
      scalar.isASCIILetter || ("0"..."9").contains(scalar) || "+-.".unicodeScalars.contains(scalar)
    }
    guard let first = candidate.unicodeScalars.first, first.isASCIILetter,
      candidate.unicodeScalars.allSatisfy(isSchemeCharacter)
    else { return nil }
    return candidate.lowercased()
  }

  /// The host of an `http(s)` URL, or nil.
  public static func host(of url: String) -> String? {
    guard let scheme = scheme(of: url), scheme == "http" || scheme == "https" else { return nil }
    let afterScheme = url.dropFirst(scheme.count + 1)
    guard afterScheme.hasPrefix("//") else { return nil }
    let authority = afterScheme.dropFirst(2).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    let hostPort = authority.split(separator: "@").last ?? authority
    let host =
      hostPort.hasPrefix("[")
      ? String(hostPort.prefix { $0 != "]" }) + "]" : String(hostPort.prefix { $0 != ":" })
    return host.isEmpty ? nil : host.lowercased()
  }

  /// Joins a base URL and a path with exactly one `/` between them.
  public static func join(_ base: String, _ path: String) -> String {
    var base = base
    while base.hasSuffix("/") { base.removeLast() }
    var path = Substring(path)
    while path.hasPrefix("/") { path = path.dropFirst() }
    return base + "/" + path
  }

  // Characters RFC 3986 never allows unescaped, though people paste them into URLs.
  private static let unsafeASCII: Set<UInt8> = Set("\"<>\\^`{|}".utf8)

  private static func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF".utf8)
    return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
  }
}

extension Unicode.Scalar {
  fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
