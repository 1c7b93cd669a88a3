import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Delivery to a real Mastodon-compatible server (mastodon-mock) with faults injected.
@Suite(.serialized) struct MastodonDeliveryTests {
  /// mastodon-mock on a free port, with one account and its token.
  final class Mastodon {
    let server: ServerProcess
    let token: String
    let accountID: String

    init() throws {
      server = try ServerProcess([
        "python3", "-m", "mastodon_mock", "serve", "--host", "127.0.0.1", "--port", "{port}", "--in-memory",
      ])
      let created = try PeerHTTP.post(
        server.baseURL + "/api/v1/_mock/dev_user", json: #"{"username": "herald"}"#)
      let object = try JSONSerialization.jsonObject(with: Data(created.utf8)) as? [String: Any]
      token = try #require(object?["access_token"] as? String)
      accountID = try #require(object?["id"] as? String)
    }

    /// The texts of every status on the server, oldest first.
    func statuses() throws -> [String] {
      let body = try PeerHTTP.get(
        server.baseURL + "/api/v1/accounts/\(accountID)/statuses?limit=40",
        headers: ["Authorization: Bearer \(token)"])
      let list = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]] ?? []
      return list.compactMap { $0["content"] as? String }.reversed()
    }

    /// Adds a fault rule (mastodon-mock's `POST /api/v1/_mock/faults`).
    func fault(_ json: String) throws {
      try PeerHTTP.post(server.baseURL + "/api/v1/_mock/faults", json: json)
    }
  }

  /// The social settings; the timeout is generous, since a loaded machine can be slow to
  /// answer, except where a test waits for it to pass.
  static func social(timeout: String = "10s") -> String {
    """
    social:
      hashtag: "#WeAreOpenInfra"
      announce_since: 2025-01-01T00:00:00Z
      max_age: 7d
      max_per_run: 5
      min_interval: 0s
    http:
      timeout: \(timeout)
    """
  }

  func site(_ mastodon: Mastodon, posts: Int = 2, timeout: String = "10s") throws -> TestSite {
    let site = try TestSite(extraSite: Self.social(timeout: timeout))
    for day in 1...posts {
      try site.post("post-\(day).md", title: "Post number \(day)", date: "2025-06-0\(day)T10:00:00Z")
    }
    try site.post("ancient.md", title: "Before announce_since", date: "2024-06-01T10:00:00Z")
    try site.post("future.md", title: "Not yet due", date: "2025-06-20T10:00:00Z")
    try site.folder.write(
      "credentials", "MASTODON_URL=\(mastodon.server.baseURL)\nMASTODON_TOKEN=\(mastodon.token)\n")
    chmod(site.path("credentials"), 0o600)
    return site
  }

  func publish(_ site: TestSite, _ extra: String...) throws -> ProgramResult {
    try site.herald(["publish", "--credentials", "credentials"] + extra)
  }

  /// Every file Herald left in the state and output folders, and what it printed, never
  /// hold the token.
  func expectNoSecret(_ site: TestSite, _ token: String, in outputs: [ProgramResult]) throws {
    for output in outputs { #expect(!(output.output + output.errors).contains(token)) }
    for folder in ["state", "public"] {
      let enumerator = FileManager.default.enumerator(atPath: site.path(folder))
      while let file = enumerator?.nextObject() as? String {
        let data = (try? Data(contentsOf: URL(fileURLWithPath: site.path(folder + "/" + file)))) ?? Data()
        #expect(data.range(of: Data(token.utf8)) == nil, "\(folder)/\(file) holds the token")
      }
    }
  }

  @Test func dueStatusesArePostedOnceAndNothingElse() throws {
    let mastodon = try Mastodon()
    let site = try site(mastodon)
    let first = try publish(site, "--now", "2025-06-03T00:00:00Z")
    #expect(first.status == 0, "\(first.errors)")
    let statuses = try mastodon.statuses()
    #expect(statuses.count == 2)
    #expect(statuses.allSatisfy { $0.contains("#WeAreOpenInfra") })
    #expect(
      statuses.contains { $0.contains("Post number 1") } && statuses.contains { $0.contains("Post number 2") }
    )

    let second = try publish(site, "--now", "2025-06-03T01:00:00Z")
    #expect(second.status == 0)
    #expect(try mastodon.statuses().count == 2)

    let list = try site.herald("queue", "list", "--json")
    let jobs = try #require(
      (try JSONSerialization.jsonObject(with: Data(list.output.utf8)) as? [String: Any])?["jobs"]
        as? [[String: Any]])
    #expect(jobs.count == 2)
    #expect(jobs.allSatisfy { $0["state"] as? String == "sent" && $0["remote_id"] is String })
    try expectNoSecret(site, mastodon.token, in: [first, second, list])
  }

  @Test func aDryRunSendsNothingAndChangesNothing() throws {
    let mastodon = try Mastodon()
    let site = try site(mastodon)
    let dry = try publish(site, "--dry-run", "--now", "2025-06-03T00:00:00Z", "--verbose")
    #expect(dry.status == 0, "\(dry.errors)")
    #expect(dry.output.contains("POST \(mastodon.server.baseURL)/api/v1/statuses"))
    #expect(dry.output.contains("Authorization: [redacted]"))
    #expect(dry.output.contains("Post number 1"))
    #expect(try mastodon.statuses().isEmpty)
    #expect(!FileManager.default.fileExists(atPath: site.path("state")))
    #expect(!FileManager.default.fileExists(atPath: site.path("public")))
    try expectNoSecret(site, mastodon.token, in: [dry])
  }

  @Test func serverErrorsAreRetriedAndMalformedAnswersResolvedWithTheSameKey() throws {
    let mastodon = try Mastodon()
    let site = try site(mastodon, posts: 1)
    try mastodon.fault(
      #"{"match": {"methods": ["POST"], "path": "/api/v1/statuses"}, "effect": {"type": "status", "status": 503}, "count": 1}"#
    )
    let failing = try publish(site, "--now", "2025-06-02T00:00:00Z")
    #expect(failing.status == 0, "a 503 is retried, not a failure: \(failing.errors)")
    #expect(try mastodon.statuses().isEmpty)

    // A 200 the client cannot read: the status exists, but Herald cannot tell.
    try mastodon.fault(
      #"{"match": {"methods": ["POST"], "path": "/api/v1/statuses"}, "effect": {"type": "malformed"}, "count": 1}"#
    )
    _ = try publish(site, "--now", "2025-06-02T06:00:00Z")
    _ = try publish(site, "--now", "2025-06-02T12:00:00Z")
    _ = try publish(site, "--now", "2025-06-03T00:00:00Z")
    #expect(try mastodon.statuses().count == 1)
    let list = try site.herald("queue", "list", "--json")
    #expect(list.output.contains("\"state\" : \"sent\""))
  }

  @Test func aRateLimitStopsTheNetworkForTheRun() throws {
    let mastodon = try Mastodon()
    let site = try site(mastodon, posts: 3)
    try mastodon.fault(
      #"{"match": {"methods": ["POST"], "path": "/api/v1/statuses"}, "effect": {"type": "ratelimit"}, "count": 1}"#
    )
    let limited = try publish(site, "--now", "2025-06-04T00:00:00Z")
    #expect(limited.status == 0)
    #expect(limited.output.contains("rate-limited: mastodon"))
    #expect(try mastodon.statuses().isEmpty, "after a 429 nothing more is sent that run")
    // Retry-After: 300: not before.
    _ = try publish(site, "--now", "2025-06-04T00:04:00Z")
    #expect(try mastodon.statuses().isEmpty)
    _ = try publish(site, "--now", "2025-06-04T00:06:00Z")
    #expect(try mastodon.statuses().count == 3)
  }

  @Test func aRefusalStaysUntilQueueRetry() throws {
    let mastodon = try Mastodon()
    let site = try site(mastodon, posts: 1)
    try mastodon.fault(
      #"{"match": {"methods": ["POST"], "path": "/api/v1/statuses"}, "effect": {"type": "status", "status": 422, "body": {"error": "Validation failed: Text character limit of 500 exceeded"}}, "count": 1}"#
    )
    let refused = try publish(site, "--now", "2025-06-02T00:00:00Z")
    #expect(refused.status == 1)
    #expect(refused.errors.contains("422: Validation failed: Text character limit of 500 exceeded"))
    _ = try publish(site, "--now", "2025-06-02T06:00:00Z")
    #expect(try mastodon.statuses().isEmpty, "a failure for good is not retried on its own")
    let list = try site.herald("queue", "list")
    #expect(list.output.contains("failed"))
    #expect(list.output.contains("Validation failed"))

    let jobs =
      (try JSONSerialization.jsonObject(with: Data(try site.herald("queue", "list", "--json").output.utf8))
      as? [String: Any])?["jobs"] as? [[String: Any]]
    let number = try #require(jobs?.first?["id"] as? Int)
    let id = String(number)
    #expect(try site.herald("queue", "retry", id, "--now", "2025-06-02T06:30:00Z").status == 0)
    #expect(try publish(site, "--now", "2025-06-02T07:00:00Z").status == 0)
    #expect(try mastodon.statuses().count == 1)
    #expect(try site.herald("queue", "cancel", id).status == 2, "a sent job cannot be cancelled")
    #expect(try site.herald("queue", "retry", "999").status == 2)
  }

  @Test func aHungServerTimesOutAndIsRetried() throws {
    let mastodon = try Mastodon()
    let site = try site(mastodon, posts: 1, timeout: "3s")
    try mastodon.fault(
      #"{"match": {"methods": ["POST"], "path": "/api/v1/statuses"}, "effect": {"type": "timeout", "delay_ms": 20000}, "count": 1}"#
    )
    let started = Date()
    let hung = try publish(site, "--now", "2025-06-02T00:00:00Z")
    // The server answers after 50 s; the 3 s timeout, and a run slowed by a loaded machine,
    // end well before.
    #expect(Date().timeIntervalSince(started) < 30)
    #expect(hung.status == 0)
    _ = try publish(site, "--now", "2025-06-02T06:00:00Z")
    // The hung request may have been stored after all: the same key keeps it to one.
    #expect(try mastodon.statuses().count == 1)
  }

  @Test func killedAtRandomInstantsEveryPostArrivesExactlyOnce() throws {
    let mastodon = try Mastodon()
    let site = try site(mastodon, posts: 6)
    try mastodon.fault(
      #"{"match": {"methods": ["POST"], "path": "/api/v1/statuses"}, "effect": {"type": "latency", "delay_ms": 150}}"#
    )
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<8 {
      let process = try site.start([
        "publish", "--credentials", "credentials", "--now", "2025-06-07T00:00:00Z", "--quiet",
      ])
      usleep(UInt32.random(in: 50_000...900_000, using: &generator))
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
    // Two more cron runs: `max_per_run` is 5, and on a loaded machine every killed run may
    // have died before it sent anything.
    for now in ["2025-06-07T00:00:00Z", "2025-06-07T00:10:00Z"] {
      let clean = try publish(site, "--now", now)
      #expect(clean.status == 0, "\(clean.errors)")
    }
    let statuses = try mastodon.statuses()
    for day in 1...6 {
      #expect(statuses.filter { $0.contains("Post number \(day)") }.count == 1, "post \(day): \(statuses)")
    }
    #expect(statuses.count == 6)
  }

  /// The fault matrix's kill -9 row, step by step (`HERALD_CRASH_AT`, see CrashPoint): after
  /// a kill at any step and one clean run, every post is on the server exactly once, every
  /// feed is whole and the queue has nothing left.
  @Test(arguments: [
    "feed-written", "feeds-built", "queued", "claimed", "claimed#2", "answered", "answered#3", "recorded",
  ])
  func killedAtANamedStepNothingIsLostOrRepeated(step: String) throws {
    let mastodon = try Mastodon()
    let site = try site(mastodon, posts: 3)
    let killed = try site.herald(
      ["publish", "--credentials", "credentials", "--now", "2025-06-04T00:00:00Z"],
      environment: ["HERALD_CRASH_AT": step])
    #expect(killed.status == SIGKILL, "\(step): \(killed.errors)")
    let clean = try publish(site, "--now", "2025-06-04T00:00:00Z")
    #expect(clean.status == 0, "\(clean.errors)")
    let statuses = try mastodon.statuses()
    for day in 1...3 {
      #expect(statuses.filter { $0.contains("Post number \(day)") }.count == 1, "\(step): \(statuses)")
    }
    #expect(statuses.count == 3)
    let feeds = try site.readAllFeeds()
    // Three posts and the one from before announce_since; the future one is not out yet.
    #expect(feeds["public/atom.xml"]?.entries.count == 4)
    let leftovers = try FileManager.default.subpathsOfDirectory(atPath: site.path("public")).filter {
      $0.hasSuffix(".tmp")
    }
    #expect(leftovers.isEmpty)
    let queue = try site.herald("queue", "list", "--json")
    #expect(!queue.output.contains("\"queued\"") && !queue.output.contains("\"sending\""), "\(queue.output)")
  }

  @Test func twoRunsStartedTogetherNeverPostTwice() throws {
    let mastodon = try Mastodon()
    let site = try site(mastodon, posts: 3)
    // The first run holds the lock for 3 s at least: on a loaded machine the two processes
    // may start a second apart, and "together" must still mean while the lock is held.
    try mastodon.fault(
      #"{"match": {"methods": ["POST"], "path": "/api/v1/statuses"}, "effect": {"type": "latency", "delay_ms": 1000}}"#
    )
    let group = DispatchGroup()
    let results = ResultsBox()
    for _ in 0..<2 {
      group.enter()
      DispatchQueue.global().async {
        let result = try? self.publish(site, "--now", "2025-06-04T00:00:00Z")
        results.append(result)
        group.leave()
      }
    }
    group.wait()
    let statuses = results.all.compactMap { $0?.status }.sorted()
    #expect(statuses == [0, 75], "one run holds the lock, the other exits 75 at once")
    #expect(
      results.all.contains { $0?.errors.contains("another herald build or publish is running") == true })
    #expect(try mastodon.statuses().count == 3)
  }
}

/// Results gathered from several threads.
final class ResultsBox: @unchecked Sendable {
  private let lock = NSLock()
  private var results: [ProgramResult?] = []
  func append(_ result: ProgramResult?) { lock.withLock { results.append(result) } }
  var all: [ProgramResult?] { lock.withLock { results } }
}
