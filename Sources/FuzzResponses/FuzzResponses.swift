// libFuzzer target: any bytes as an answer from each network: the first byte picks the
// status, raw header lines (as libcurl hands them over) run to a blank line, the rest is the
// body. Every client must read it into an outcome without crashing, and a rate limit must
// name a real instant.
import Delivery
import Foundation
import FuzzSupport
import HTTP
import HeraldCore
import Posts
import Social

private let job = Job(
  id: 1, postID: "https://openinfra.org/blog/a", postPath: "a.md", network: .mastodon,
  account: "https://m.example",
  payload: Payload(
    text: "t", permalink: "https://openinfra.org/blog/a", title: "T", summary: nil, language: "en",
    recordKey: "3jzfcijpj2z2a", createdAt: "2025-01-01T00:00:00Z"),
  idempotencyKey: "k", state: .sending, dueAt: Date(timeIntervalSince1970: 0), attempts: 1, lastError: nil,
  remoteID: nil, createdAt: Date(timeIntervalSince1970: 0), sentAt: nil)
// A client of every network in the registry, so a new network is fuzzed from its first day:
// each made from made-up keys, in a state folder that does not exist.
private let clients: [any NetworkClient] = {
  var warnings: [Diagnostic] = []
  guard
    let configuration = try? HeraldConfiguration.parse(
      "site:\n  title: Fuzz\n  url: https://openinfra.org\nstate: /nonexistent\n", path: "herald.yml",
      warnings: &warnings)
  else { fatalError("the fuzz target's configuration does not parse") }
  let keys: NetworkEntry.Keys = { key in
    key.hasSuffix("URL")
      ? "https://\(key.lowercased()).example/hook" : key == "FORMAT" ? "slack" : "fuzz-\(key)"
  }
  return NetworkRegistry.entries.map { entry in
    entry.client(keys, NetworkEntry.Context(configuration: configuration, name: nil, prefix: "FUZZ"))
  }
}()

func fuzzOne(_ data: Data) {
  let status = 100 + Int(data.first ?? 0) * 2
  let rest = data.dropFirst()
  // Header lines end at the first empty line (LF LF, or CRLF CRLF).
  var headerLines = HTTPHeaderLines()
  var bodyStart = rest.endIndex
  var lineStart = rest.startIndex
  var index = rest.startIndex
  while index < rest.endIndex {
    if rest[index] == 0x0A {
      let line = rest[lineStart...index]
      if line.allSatisfy({ $0 == 0x0A || $0 == 0x0D }) {
        bodyStart = rest.index(after: index)
        break
      }
      line.withUnsafeBytes { headerLines.add($0) }
      lineStart = rest.index(after: index)
    }
    index = rest.index(after: index)
  }
  for header in headerLines.headers where header.name != header.name.lowercased() {
    fatalError("header name not lowercased: \(header.name)")
  }
  let response = HTTPResponse(status: status, headers: headerLines.headers, body: Data(rest[bodyStart...]))
  let now = Date(timeIntervalSince1970: 1_750_000_000)
  // A server's word never stops a network for longer than a day, nor for ever.
  let latest = now.addingTimeInterval(RateLimit.longestWait)
  for client in clients {
    if case .rateLimited(let until, _) = client.outcome(of: response, for: job, now: now),
      !until.timeIntervalSince1970.isFinite || until > latest
    {
      fatalError("\(client.network): a rate limit until \(until.timeIntervalSince1970)")
    }
  }
  for date in [RateLimit.resetDate(response, now: now), RateLimit.retryAfter(response, now: now)] {
    if let date, !date.timeIntervalSince1970.isFinite || date > latest {
      fatalError("a reset at \(date.timeIntervalSince1970)")
    }
  }
}

@main enum Main {
  static func main() { FuzzTarget.run(fuzzOne) }
}
