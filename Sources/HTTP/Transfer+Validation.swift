extension Transfer {
  /// Refuses a method or header that would not survive the trip intact: a line break in a value
  /// would let one header smuggle in another.
  static func validate(_ request: HTTPRequest, userAgent: String, url: String) throws(HTTPError) {
    guard isToken(request.method) else {
      throw HTTPError(
        kind: .invalidRequest, url: url,
        message: "the method \"\(request.method)\" is not a valid HTTP method name")
    }
    for header in request.headers {
      // Only the name is quoted: the value may be a secret.
      guard isToken(header.name) else {
        throw HTTPError(
          kind: .invalidRequest, url: url,
          message: "the header name \"\(header.name)\" is not a valid HTTP field name")
      }
      guard isFieldValue(header.value) else {
        throw HTTPError(
          kind: .invalidRequest, url: url,
          message: "the value of the \(header.name) header contains a line break or NUL character")
      }
    }
    guard isFieldValue(userAgent) else {
      throw HTTPError(
        kind: .invalidRequest, url: url,
        message: "the configured user agent contains a line break or NUL character")
    }
  }

  /// RFC 9110 `token`: the characters allowed in method and field names.
  private static func isToken(_ text: String) -> Bool {
    !text.isEmpty
      && text.utf8.allSatisfy { byte in
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
          UInt8(ascii: "0")...UInt8(ascii: "9"):
          true
        default:
          "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
      }
  }

  private static func isFieldValue(_ text: String) -> Bool {
    !text.utf8.contains { $0 == 0 || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }
  }
}
