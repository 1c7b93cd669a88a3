public import Foundation

/// The final response to a request: interim (1xx) responses are dropped and redirects are not
/// followed, so a 3xx arrives here as it is.
public struct HTTPResponse: Sendable, Equatable {
  /// The status code, such as 200 or 429.
  public var status: Int
  /// Header lines in the order received, names lowercased and values trimmed.
  public var headers: [HTTPHeader]
  /// The body, at most `HTTPClient.Configuration.maxResponseBytes` long.
  public var body: Data

  /// Makes a response; the client builds these, tests may too.
  public init(status: Int, headers: [HTTPHeader] = [], body: Data = Data()) {
    self.status = status
    self.headers = headers
    self.body = body
  }

  /// The value of the named header, ignoring case; the last one wins when it is repeated.
  public func header(_ name: String) -> String? {
    let wanted = name.lowercased()
    return headers.last { $0.name.lowercased() == wanted }?.value
  }

  /// Every value of the named header, ignoring case, in the order received.
  public func headers(named name: String) -> [String] {
    let wanted = name.lowercased()
    return headers.filter { $0.name.lowercased() == wanted }.map(\.value)
  }
}
