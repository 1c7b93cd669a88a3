internal import Foundation
internal import HTTP

/// Prints a request as `--dry-run` shows it: method, URL, headers (credentials redacted), body.
/// Which parts are secret is known from the credentials, not from the network: a URL that
/// carries a secret (a webhook's path, a token in the query) shows only its host.
enum RequestPrinter {
  static let secretHeaders: Set<String> = ["authorization", "cookie", "x-api-key"]

  static func describe(_ request: HTTPRequest, secrets: [String]) -> String {
    var lines = ["\(request.method) \(redactedURL(request.url, secrets: secrets))"]
    for header in request.headers {
      let value = secretHeaders.contains(header.name.lowercased()) ? "[redacted]" : header.value
      lines.append("\(header.name): \(value)")
    }
    if let body = request.body, !body.isEmpty {
      lines.append("")
      // An image (or any body that is not text) is named, not printed.
      let type =
        request.headers.first { $0.name.lowercased() == "content-type" }?.value ?? "application/octet-stream"
      if type.hasPrefix("image/") || String(validating: body, as: UTF8.self) == nil {
        lines.append("[\(body.count) bytes of \(type)]")
      } else {
        lines.append(String(decoding: body, as: UTF8.self))
      }
    }
    return lines.joined(separator: "\n")
  }

  static func redactedURL(_ url: String, secrets: [String]) -> String {
    guard let parsed = URL(string: url), let host = parsed.host else { return "[redacted URL]" }
    guard secrets.contains(where: { url.contains($0) }) else { return url }
    return "\(parsed.scheme ?? "https")://\(host)\(parsed.port.map { ":\($0)" } ?? "")/[redacted]"
  }
}
