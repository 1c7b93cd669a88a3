import Foundation
import HTTP

/// What the test server's `/echo` route saw of a request.
struct Echo: Decodable {
  var method: String
  var path: String
  var version: String
  var headers: [[String]]
  var body: String

  init(_ response: HTTPResponse) throws {
    self = try JSONDecoder().decode(Echo.self, from: response.body)
  }

  /// The request body as the server received it.
  var bodyData: Data? { Data(base64Encoded: body) }

  /// Every value the server received for a header, ignoring the name's case.
  func values(_ name: String) -> [String] {
    headers.filter { $0[0].lowercased() == name.lowercased() }.map { $0[1] }
  }
}
