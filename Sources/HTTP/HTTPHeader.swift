/// One header line of a request or a response, kept in order because order can matter.
public struct HTTPHeader: Sendable, Equatable, Hashable {
  /// The field name; responses give it in lowercase.
  public var name: String
  /// The field value, without surrounding whitespace.
  public var value: String

  /// Makes a header from its name and value.
  public init(name: String, value: String) {
    self.name = name
    self.value = value
  }
}

/// A response's header lines as libcurl hands them over, one at a time, made into headers:
/// names lowercased, values trimmed, folded continuation lines joined, and the headers of
/// interim (1xx) responses dropped when the next status line arrives.
public struct HTTPHeaderLines: Sendable {
  /// The headers so far.
  public private(set) var headers: [HTTPHeader] = []

  /// No headers yet.
  public init() {}

  /// Adds one raw line (with or without its CRLF); lines that are no header are ignored.
  public mutating func add(_ bytes: UnsafeRawBufferPointer) {
    let line = String(decoding: bytes, as: UTF8.self)
    if line.hasPrefix("HTTP/") {
      // A new status line: the headers so far belonged to a 1xx or CONNECT response.
      headers.removeAll()
      return
    }
    if let first = line.first, first == " " || first == "\t" {
      // An obsolete folded continuation line belongs to the previous header's value.
      if let last = headers.indices.last {
        headers[last].value += " " + Self.trimmed(line[...])
      }
      return
    }
    guard let colon = line.firstIndex(of: ":") else { return }
    headers.append(
      HTTPHeader(
        name: Self.trimmed(line[..<colon]).lowercased(),
        value: Self.trimmed(line[line.index(after: colon)...])))
  }

  private static func trimmed(_ text: Substring) -> String {
    let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
    guard let start = text.firstIndex(where: { !blank($0) }) else { return "" }
    let end = text.lastIndex(where: { !blank($0) })!
    return String(text[start...end])
  }
}
