internal import Crypto
internal import Foundation

/// A `multipart/form-data` body (RFC 7578): text fields and one file, for media uploads.
struct Multipart {
  /// The boundary: derived from `seed`, so the same upload is the same bytes every time.
  let boundary: String
  private(set) var body = Data()

  init(seed: String) {
    boundary =
      "herald-" + SHA256.hash(data: Data(seed.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
  }

  /// The `Content-Type` header's value.
  var contentType: String { "multipart/form-data; boundary=\(boundary)" }

  mutating func field(_ name: String, _ value: String) {
    body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
  }

  mutating func file(_ name: String, fileName: String, type: String, _ data: Data) {
    body += Data(
      "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(fileName)\"\r\n"
        .utf8)
    body += Data("Content-Type: \(type)\r\n\r\n".utf8) + data + Data("\r\n".utf8)
  }

  /// The body, closed.
  func finished() -> Data { body + Data("--\(boundary)--\r\n".utf8) }
}
