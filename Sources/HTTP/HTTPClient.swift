import CCurl
import Foundation

/// Sends HTTP requests over libcurl, with TLS always verified and plain http kept to loopback.
///
/// All transfers of one client share one libcurl multi handle (and so its connections), driven
/// by a thread the client owns; any number of threads may call `send` at once.
public final class HTTPClient: Sendable {
  /// The settings every request of this client is sent with.
  public let configuration: Configuration
  private let loop: TransferLoop

  /// Makes a client and starts its I/O thread, which stops when the client is released.
  public init(configuration: Configuration = Configuration()) {
    self.configuration = configuration
    self.loop = TransferLoop()
  }

  deinit {
    loop.stop()
  }

  /// Blocks the calling thread until the response arrives; the I/O runs on the client's own thread.
  ///
  /// Any status code is a response, 4xx and 5xx included; only a failure to get one throws.
  public func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
    let transfer = try Transfer(request: request, configuration: configuration)
    loop.submit(transfer)
    return try transfer.waitForResult().get()
  }

  /// Whether `send` would accept this URL: https to any host, http only to 127.0.0.0/8, [::1]
  /// and localhost.
  public static func isAllowed(url: String) -> Bool {
    (try? TargetURL(url)) != nil
  }
}
