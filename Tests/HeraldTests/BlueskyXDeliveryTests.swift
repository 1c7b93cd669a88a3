import Foundation
import TestSupport
import Testing

/// Delivery to Bluesky and X, whose wire formats the tests' own servers check: sessions and
/// refresh, putRecord with a fixed record key, facets, link cards, OAuth 1.0a signatures.
@Suite(.serialized) struct BlueskyXDeliveryTests {
  static let peers = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(
    "peers")

  /// One of the tests' peers, its state file read back as JSON.
  final class Peer {
    let server: ServerProcess
    let state: URL

    init(_ script: String, _ arguments: [String] = []) throws {
      state = FileManager.default.temporaryDirectory.appendingPathComponent(
        "herald-peer-\(UUID().uuidString).json")
      server = try ServerProcess(
        [
          "python3", BlueskyXDeliveryTests.peers.appendingPathComponent(script).path, "--port", "{port}",
          "--state", state.path,
        ]
          + arguments)
    }

    deinit { try? FileManager.default.removeItem(at: state) }

    func read() throws -> [String: Any] {
      try JSONSerialization.jsonObject(with: Data(contentsOf: state)) as? [String: Any] ?? [:]
    }

    func fault(_ json: String) throws { try PeerHTTP.post(server.baseURL + "/_control/faults", json: json) }
  }

  static let password = "bsky-app-password-9f8e7d"
  static let xSecrets = ["x-consumer-secret-1a2b3c", "x-access-token-secret-4d5e6f"]

  func site(credentials: String) throws -> TestSite {
    let site = try TestSite(
      extraSite:
        "social:\n  announce_since: 2025-01-01T00:00:00Z\n  max_age: 7d\n  min_interval: 0s\nhttp:\n  timeout: 10s"
    )
    try site.post(
      "zuul.md", title: "Zuul 12 is out", date: "2025-06-01T10:00:00Z",
      extra: "seo:\n  description: Faster gating for everyone.\n  url: https://openinfra.org/blog/zuul-12")
    try site.folder.write("credentials", credentials)
    chmod(site.path("credentials"), 0o600)
    return site
  }

  func publish(_ site: TestSite, now: String) throws -> ProgramResult {
    try site.herald("publish", "--credentials", "credentials", "--now", now)
  }

  func expectNoSecrets(_ secrets: [String], _ site: TestSite, _ outputs: [ProgramResult]) {
    for output in outputs {
      for secret in secrets { #expect(!(output.output + output.errors).contains(secret)) }
    }
    let enumerator = FileManager.default.enumerator(atPath: site.path("state"))
    while let file = enumerator?.nextObject() as? String {
      let data = (try? Data(contentsOf: URL(fileURLWithPath: site.path("state/" + file)))) ?? Data()
      for secret in secrets {
        #expect(data.range(of: Data(secret.utf8)) == nil, "state/\(file) holds a secret")
      }
    }
    let shared = (try? site.sharedStateDump()) ?? ""
    for secret in secrets { #expect(!shared.contains(secret), "the PostgreSQL state holds a secret") }
  }

  @Test func blueskyGetsOneRecordWithFacetsAndACardAndKeepsItsSession() throws {
    let bluesky = try Peer(
      "bluesky_server.py", ["--handle", "openinfra.test", "--password", Self.password, "--access-ttl", "2"])
    let site = try site(
      credentials:
        "BLUESKY_URL=\(bluesky.server.baseURL)\nBLUESKY_HANDLE=openinfra.test\nBLUESKY_APP_PASSWORD=\(Self.password)\n"
    )
    let first = try publish(site, now: "2025-06-01T12:00:00Z")
    #expect(first.status == 0, "\(first.errors)")
    var state = try bluesky.read()
    let records = try #require(state["records"] as? [String: [String: Any]])
    #expect(records.count == 1)
    let record = try #require(records.values.first)
    let value = try #require(record["value"] as? [String: Any])
    #expect((value["text"] as? String)?.contains("#WeAreOpenInfra") == true)
    let embed = try #require((value["embed"] as? [String: Any])?["external"] as? [String: Any])
    #expect(embed["uri"] as? String == "https://openinfra.org/blog/zuul-12")
    #expect(embed["title"] as? String == "Zuul 12 is out")
    let facets = try #require(record["facets"] as? [[String: Any]])
    #expect(
      Set(facets.compactMap { $0["covers"] as? String }) == [
        "https://openinfra.org/blog/zuul-12", "#WeAreOpenInfra",
      ])
    #expect(state["logins"] as? Int == 1)
    if TestSite.usesPostgres {
      #expect(
        try site.sharedStateDump().contains("bluesky-session.json"), "the session is kept in the database")
    } else {
      let mode =
        try FileManager.default.attributesOfItem(atPath: site.path("state/bluesky-session.json"))[
          .posixPermissions] as? Int
      #expect(mode == 0o600)
    }

    // A second post, after the access token expired: refreshed, not a new login.
    sleep(3)
    try site.post("kata.md", title: "Kata 4", date: "2025-06-02T10:00:00Z")
    let second = try publish(site, now: "2025-06-02T12:00:00Z")
    #expect(second.status == 0, "\(second.errors)")
    state = try bluesky.read()
    #expect((state["records"] as? [String: Any])?.count == 2)
    #expect(state["logins"] as? Int == 1)
    #expect(state["refreshes"] as? Int ?? 0 >= 1)
    expectNoSecrets([Self.password], site, [first, second])
  }

  @Test func aBlueskyWriteWhoseAnswerWasLostIsNotDuplicated() throws {
    let bluesky = try Peer("bluesky_server.py", ["--handle", "openinfra.test", "--password", Self.password])
    let site = try site(
      credentials:
        "BLUESKY_URL=\(bluesky.server.baseURL)\nBLUESKY_HANDLE=openinfra.test\nBLUESKY_APP_PASSWORD=\(Self.password)\n"
    )
    try bluesky.fault(
      #"{"path": "/xrpc/com.atproto.repo.putRecord", "status": 502, "times": 1, "commit": true}"#)
    #expect(try publish(site, now: "2025-06-01T12:00:00Z").status == 0)
    #expect(try publish(site, now: "2025-06-01T18:00:00Z").status == 0)
    let state = try bluesky.read()
    #expect((state["records"] as? [String: Any])?.count == 1)
    #expect(state["writes"] as? Int == 2, "the same record key written twice is one post")
  }

  @Test func xGetsASignedTweetAndALostAnswerIsResolvedByTheDuplicateCheck() throws {
    let x = try Peer(
      "x_server.py",
      [
        "--consumer-key", "x-consumer-key", "--consumer-secret", Self.xSecrets[0], "--token", "x-token",
        "--token-secret", Self.xSecrets[1],
      ])
    let site = try site(
      credentials: """
        X_URL=\(x.server.baseURL)
        X_CONSUMER_KEY=x-consumer-key
        X_CONSUMER_SECRET=\(Self.xSecrets[0])
        X_ACCESS_TOKEN=x-token
        X_ACCESS_TOKEN_SECRET=\(Self.xSecrets[1])

        """)
    try x.fault(#"{"path": "/2/tweets", "status": 503, "times": 1, "commit": true}"#)
    let first = try publish(site, now: "2025-06-01T12:00:00Z")
    #expect(first.status == 0, "\(first.errors)")
    let second = try publish(site, now: "2025-06-01T18:00:00Z")
    #expect(second.status == 0, "\(second.errors)")
    let state = try x.read()
    let tweets = try #require(state["tweets"] as? [[String: Any]])
    #expect(tweets.count == 1)
    let text = try #require(tweets.first?["text"] as? String)
    #expect(text.contains("https://openinfra.org/blog/zuul-12") && text.contains("#WeAreOpenInfra"))
    let rejections = state["rejections"] as? [String: Int] ?? [:]
    #expect(rejections["unauthorized"] ?? 0 == 0, "every signature checked out")
    #expect(rejections["duplicate"] == 1)
    let list = try site.herald("queue", "list", "--json")
    #expect(list.output.contains("\"state\" : \"sent\""))
    expectNoSecrets(Self.xSecrets, site, [first, second, list])
  }
}
