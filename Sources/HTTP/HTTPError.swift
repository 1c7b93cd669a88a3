import Foundation

/// Why a request got no response: what failed, for which URL, in words a user can act on.
///
/// Neither the message nor the URL carries request headers, the body, the query string or
/// user info from the URL, since those may hold secrets and errors end up in logs.
public struct HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The kind of failure, for deciding what to do next.
  public enum Kind: Sendable, Equatable {
    /// The URL could not be parsed, or is not an absolute http(s) URL.
    case invalidURL
    /// The URL is plain http to a host that is not loopback.
    case insecureURL
    /// The method or a header is not something that can be sent (such as a line break in a value).
    case invalidRequest
    /// The host name could not be resolved.
    case resolve
    /// The server could not be reached (refused, unreachable).
    case connect
    /// The TLS handshake or the certificate check failed.
    case tls
    /// The connection or the whole transfer took longer than the configured timeout.
    case timeout
    /// The response body was longer than the configured limit.
    case tooLarge
    /// The transfer failed some other way (connection reset, malformed response...).
    case transport
  }

  /// The kind of failure.
  public var kind: Kind
  /// The request URL without user info, query string or fragment.
  public var url: String
  /// What went wrong, with libcurl's own explanation where there is one.
  public var message: String

  /// Makes an error; `url` is stripped of user info, query string and fragment here.
  public init(kind: Kind, url: String, message: String) {
    self.kind = kind
    self.url = Self.redacted(url)
    self.message = message
  }

  /// One line for a log or a terminal: the URL, then what went wrong.
  public var description: String {
    "HTTP request to \(url) failed: \(message)"
  }

  /// The URL without what may be secret: user info, query string and fragment.
  static func redacted(_ url: String) -> String {
    var text = Substring(url)
    if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) {
      text = text[..<cut]
    }
    guard let schemeEnd = text.range(of: "://") else { return String(text) }
    let authorityStart = schemeEnd.upperBound
    let authorityEnd = text[authorityStart...].firstIndex(of: "/") ?? text.endIndex
    if let at = text[authorityStart..<authorityEnd].lastIndex(of: "@") {
      text.removeSubrange(authorityStart...at)
    }
    return String(text)
  }
}
