// libFuzzer target: any bytes as a credentials file, and as an HTTP answer from each network
// (status, headers, body). A crash, or a secret from the file showing in an error, is a finding.
import Delivery
import Foundation
import FuzzSupport
import HTTP
import HeraldCore
import Posts

private let job = Job(
  id: 1, postID: "https://openinfra.org/blog/a", postPath: "a.md", network: "mastodon",
  account: "https://m.example",
  payload: Payload(
    text: "t", permalink: "https://openinfra.org/blog/a", title: "T", summary: nil, language: "en",
    facetsJSON: nil,
    recordKey: "3jzfcijpj2z2a", createdAt: "2025-01-01T00:00:00Z"),
  idempotencyKey: "k", state: .sending, dueAt: Date(timeIntervalSince1970: 0), attempts: 1, lastError: nil,
  remoteID: nil, createdAt: Date(timeIntervalSince1970: 0), sentAt: nil)
private let clients: [any NetworkClient] = [
  MastodonClient(server: "https://m.example", token: "secret-token"),
  XClient(server: "https://api.x.com", consumerKey: "a", consumerSecret: "b", token: "c", tokenSecret: "d"),
  LinkedInClient(server: "https://api.linkedin.com", token: "t", author: "urn:li:organization:1"),
  WebhookClient(url: "https://hooks.example/secret", format: "slack"),
  BlueskyClient(
    service: "https://bsky.example", handle: "h.example", appPassword: "p",
    stateFolder: URL(fileURLWithPath: "/nonexistent")),
]

func fuzzOne(_ data: Data) {
  let text = String(decoding: data, as: UTF8.self)
  var warnings: [Diagnostic] = []
  do {
    _ = try Credentials.parse(text, path: "credentials", warnings: &warnings)
  } catch {
    // Errors name the line, never its content: it may be a secret.
    // Literal search: Foundation's default comparison skips ignorable scalars such as U+0000,
    // so "e" and twelve NULs would be "found" in "expected KEY=value".
    for line in text.split(separator: "\n") where line.count > 12 && !line.contains("=") {
      if error.message.range(of: line, options: .literal) != nil {
        fatalError("a credentials line was echoed: \(error.message)")
      }
    }
  }

  // An answer: first byte picks the status, then header lines up to a blank line, then the body.
  let status = 100 + Int(data.first ?? 0) * 2
  let rest = text.dropFirst()
  let sections = rest.components(separatedBy: "\n\n")
  let headers = (sections.first ?? "").split(separator: "\n").compactMap { line -> HTTPHeader? in
    guard let colon = line.firstIndex(of: ":") else { return nil }
    return HTTPHeader(
      name: line[..<colon].lowercased(),
      value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
  }
  let response = HTTPResponse(
    status: status, headers: headers, body: Data(sections.dropFirst().joined(separator: "\n\n").utf8))
  let now = Date(timeIntervalSince1970: 1_750_000_000)
  for client in clients {
    switch client.outcome(of: response, for: job, now: now) {
    case .rateLimited(let until, _):
      guard until.timeIntervalSince1970.isFinite else { fatalError("bad reset") }
    default: break
    }
  }
  _ = RateLimit.resetDate(response, now: now)
}

@main enum Main {
  static func main() { FuzzTarget.run(fuzzOne) }
}
