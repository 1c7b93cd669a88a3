public import Foundation

/// What to send: a method, an absolute http(s) URL, ordered headers and an optional body.
public struct HTTPRequest: Sendable, Equatable {
  /// The request method, such as "GET", "POST" or "PUT".
  public var method: String
  /// The absolute URL; http is allowed for loopback hosts only.
  public var url: String
  /// Headers sent in this order; a `User-Agent` here overrides the client's.
  public var headers: [HTTPHeader]
  /// The body, sent as is; without a `Content-Type` header libcurl labels a body
  /// `application/x-www-form-urlencoded`.
  public var body: Data?

  /// Makes a request; nothing is checked until it is sent.
  public init(method: String, url: String, headers: [HTTPHeader] = [], body: Data? = nil) {
    self.method = method
    self.url = url
    self.headers = headers
    self.body = body
  }
}
