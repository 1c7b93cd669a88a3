import Delivery
import Foundation
import Social
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The state in a real PostgreSQL server (issue 14): runners in separate working folders,
/// with nothing on disk in common, share one queue and still send each post once.
@Suite(.serialized) struct SharedStateTests {
  typealias Mastodon = MastodonDeliveryTests.Mastodon

  /// A site in a folder of its own whose state is `database`, announcing `posts` posts (all
  /// due by 2025-06-20) to `mastodon`; every such site has the same posts. The HTTP timeout is
  /// generous (a loaded machine can be slow to answer) unless a test waits for it to pass.
  func runner(_ mastodon: Mastodon, database: String, posts: Int, timeout: String = "10s") throws -> TestSite
  {
    let site = try TestSite(
      extraSite: """
        social:
          hashtag: "#WeAreOpenInfra"
          announce_since: 2025-01-01T00:00:00Z
          max_age: 30d
          max_per_run: 0
          min_interval: 0s
        http:
          timeout: \(timeout)
        """)
    site.sharedState = database
    for number in 1...posts {
      try site.post(
        "post-\(number).md", title: "Shared post \(number)",
        date: String(format: "2025-06-%02dT10:00:00Z", min(number, 19)))
    }
    try site.folder.write(
      "credentials", "MASTODON_URL=\(mastodon.server.baseURL)\nMASTODON_TOKEN=\(mastodon.token)\n")
    chmod(site.path("credentials"), 0o600)
    return site
  }

  func publish(_ site: TestSite, now: String) throws -> ProgramResult {
    try site.herald("publish", "--credentials", "credentials", "--now", now)
  }

  func expectEachPostOnce(_ mastodon: Mastodon, posts: Int) throws {
    let statuses = try mastodon.statuses()
    for number in 1...posts {
      let copies = statuses.filter {
        $0.contains("Shared post \(number)<") || $0.contains("Shared post \(number) ")
      }
      #expect(copies.count == 1, "post \(number) is on the server \(copies.count) times")
    }
    #expect(statuses.count == posts, "\(statuses.count) statuses for \(posts) posts")
  }

  func jobs(_ site: TestSite) throws -> [[String: Any]] {
    let list = try site.herald("queue", "list", "--json")
    #expect(list.status == 0, "\(list.errors)")
    return (try JSONSerialization.jsonObject(with: Data(list.output.utf8)) as? [String: Any])?["jobs"]
      as? [[String: Any]] ?? []
  }

  @Test func aFreshContainerWithOnlyTheURLIsNotAFirstRun() throws {
    let mastodon = try Mastodon()
    let database = try PostgresServer.shared.makeDatabase()
    let first = try runner(mastodon, database: database, posts: 3)
    let run = try publish(first, now: "2025-06-05T00:00:00Z")
    #expect(run.status == 0, "\(run.errors)")
    #expect(try mastodon.statuses().count == 3)
    #expect(!FileManager.default.fileExists(atPath: first.path("state/queue.sqlite")), "no SQLite queue")

    // Another container: the same posts, one of them moved to a new URL since, and no file
    // from the first. Nothing goes out again, and the moved post keeps its entry id.
    let second = try runner(mastodon, database: database, posts: 3)
    try second.post(
      "post-1.md",
      "---\ntitle: \"Shared post 1\"\ndate: 2025-06-01T10:00:00Z\nseo:\n  url: /blog/moved-post\n---\nBody.\n"
    )
    let again = try publish(second, now: "2025-06-05T01:00:00Z")
    #expect(again.status == 0, "\(again.errors)")
    try expectEachPostOnce(mastodon, posts: 3)
    let firstFeed = try first.folder.read("public/atom.xml")
    let secondFeed = try second.folder.read("public/atom.xml")
    let ids = { (feed: String) in
      feed.components(separatedBy: "<id>").dropFirst().map { $0.components(separatedBy: "</id>")[0] }
    }
    #expect(ids(firstFeed) == ids(secondFeed), "entry ids are the ones first published")
    #expect(secondFeed.contains("moved-post"), "the moved post links to its new URL")
    #expect(try jobs(second).count == 3)
    #expect(try jobs(second).allSatisfy { $0["state"] as? String == "sent" })
  }

  @Test func tenRunnersInTenFoldersWithFaultsAndKillsSendEveryPostExactlyOnce() throws {
    let mastodon = try Mastodon()
    let database = try PostgresServer.shared.makeDatabase()
    let posts = 12
    let runners = try (0..<10).map { _ in
      try runner(mastodon, database: database, posts: posts, timeout: "2s")
    }
    // Failures the runners must ride out: two 503s, a hung request (answered after 4 s, past
    // the 2 s timeout, and stored by the server all the same), then every post slow enough to
    // be killed mid-send.
    try mastodon.fault(
      #"{"match": {"methods": ["POST"], "path": "/api/v1/statuses"}, "effect": {"type": "status", "status": 503}, "count": 2}"#
    )
    try mastodon.fault(
      #"{"match": {"methods": ["POST"], "path": "/api/v1/statuses"}, "effect": {"type": "latency", "delay_ms": 4000}, "count": 1}"#
    )
    try mastodon.fault(
      #"{"match": {"methods": ["POST"], "path": "/api/v1/statuses"}, "effect": {"type": "latency", "delay_ms": 120}}"#
    )
    var generator = SystemRandomNumberGenerator()
    var outcomes: [Int32] = []
    for round in 0..<3 {
      let now = "2025-06-20T0\(round):00:00Z"
      let processes = try runners.map { site in
        try site.start(["publish", "--credentials", "credentials", "--now", now])
      }
      // Four of the ten are killed at random instants; the others run to their end.
      let victims = Set(processes.indices.shuffled(using: &generator).prefix(4))
      for index in victims.sorted() {
        usleep(UInt32.random(in: 20_000...600_000, using: &generator))
        kill(processes[index].processIdentifier, SIGKILL)
      }
      for (index, process) in processes.enumerated() {
        process.waitUntilExit()
        if !victims.contains(index) { outcomes.append(process.terminationStatus) }
      }
    }
    // A run that did not hold the lock said so (75); one that held it finished.
    #expect(outcomes.allSatisfy { [0, 1, 75].contains($0) }, "\(outcomes)")
    #expect(outcomes.contains(75), "runners started together found the lock held")

    // Cron goes on. Which faults the rounds met depends on who held the lock and when the
    // kills fell (a round whose holder is killed before it sends meets none), so some may be
    // left for these runs: each rides them out, and the queue settles within a few.
    var hour = 12
    func settled() throws -> Bool {
      let list = try jobs(runners[hour % runners.count])
      return list.count == posts && list.allSatisfy { $0["state"] as? String == "sent" }
    }
    while try !settled(), hour < 18 {
      let run = try publish(runners[hour % runners.count], now: "2025-06-20T\(hour):00:00Z")
      #expect(run.status == 0, "\(run.errors)")
      hour += 1
    }
    // The hung request, if a run met it, is stored 4 s after it came: only then is the count
    // final.
    sleep(5)
    try expectEachPostOnce(mastodon, posts: posts)
    let settledJobs = try jobs(runners[7])
    #expect(settledJobs.count == posts)
    #expect(
      settledJobs.allSatisfy { $0["state"] as? String == "sent" }, "\(settledJobs.map { $0["state"] ?? "" })")
  }

  @Test func theDatabaseRestartedMidRunLosesNothingAndDuplicatesNothing() throws {
    // A server of its own: stopping the shared one would break the tests beside this one.
    let server = try PostgresServer()
    let database = try server.makeDatabase()
    let mastodon = try Mastodon()
    let posts = 8
    let site = try runner(mastodon, database: database, posts: posts)
    try mastodon.fault(
      #"{"match": {"methods": ["POST"], "path": "/api/v1/statuses"}, "effect": {"type": "latency", "delay_ms": 400}}"#
    )
    let result = Claimed.Box<ProgramResult>()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      result.value = try? self.publish(site, now: "2025-06-20T00:00:00Z")
      group.leave()
    }
    // Stopped once a few posts are out, while the run is sending the others.
    let deadline = Date().addingTimeInterval(30)
    while (try? mastodon.statuses().count) ?? 0 < 2, Date() < deadline { usleep(100_000) }
    server.stop()
    group.wait()
    let cut = try #require(result.value)
    #expect(cut.status == 1, "the run ends with an error: \(cut.errors)")
    #expect(cut.errors.contains("lost the connection to the state database"), "\(cut.errors)")
    #expect(!cut.errors.contains("Trace") && !cut.errors.contains("Fatal"), "a clear error, no crash")
    let sentBefore = try mastodon.statuses().count
    #expect(sentBefore < posts, "the run was cut short")

    // While the server is down, a run stops at once, sends nothing and says why.
    let down = try publish(site, now: "2025-06-20T00:10:00Z")
    #expect(down.status == 1, "\(down.errors)")
    #expect(down.errors.contains("postgresql://postgres@127.0.0.1"), "\(down.errors)")
    #expect(try mastodon.statuses().count == sentBefore)

    try server.start()
    let resumed = try publish(site, now: "2025-06-20T00:20:00Z")
    #expect(resumed.status == 0, "\(resumed.errors)")
    try expectEachPostOnce(mastodon, posts: posts)
  }

  @Test func aMigrationRoundTripCarriesEveryJobAndLeavesTheSourceAlone() throws {
    let mastodon = try Mastodon()
    let site = try runner(mastodon, database: "", posts: 3)
    site.sharedState = nil
    // A job that failed for good travels with the others, its error with it.
    try mastodon.fault(
      #"{"match": {"methods": ["POST"], "path": "/api/v1/statuses"}, "effect": {"type": "status", "status": 422, "body": {"error": "Validation failed"}}, "count": 1}"#
    )
    let first = try publish(site, now: "2025-06-05T00:00:00Z")
    #expect(first.status == 1, "one job failed for good: \(first.errors)")
    let before = try jobs(site)
    #expect(before.count == 3)
    let source = try Data(contentsOf: URL(fileURLWithPath: site.path("state/queue.sqlite")))
    let itself = try site.herald("state", "migrate", "--to", "state")
    #expect(itself.status == 1 && itself.errors.contains("is the state in use already"), "\(itself.errors)")

    let database = try PostgresServer.shared.makeDatabase()
    let out = try site.herald("state", "migrate", "--to", database)
    #expect(out.status == 0, "\(out.errors)")
    #expect(out.output.contains("3 jobs"), "\(out.output)")
    #expect(
      try Data(contentsOf: URL(fileURLWithPath: site.path("state/queue.sqlite"))) == source, "untouched")
    let again = try site.herald("state", "migrate", "--to", database)
    #expect(again.status == 1, "a second copy into the same database is refused")
    #expect(again.errors.contains("already holds a state"), "\(again.errors)")

    site.sharedState = database
    let shared = try jobs(site)
    let fields = ["id", "state", "network", "post", "last_error", "remote_id"]
    let view = { (jobs: [[String: Any]]) in
      jobs.map { job in fields.map { "\(job[$0] ?? "-")" }.joined(separator: " ") }.sorted()
    }
    #expect(view(shared) == view(before))
    #expect(try site.herald("check").output.contains("State: PostgreSQL at postgresql://postgres@127.0.0.1"))
    // Nothing sent goes again from the new state; the failed job is retried from it.
    let retried = try site.herald("queue", "retry", "--failed")
    #expect(retried.status == 0, "\(retried.errors)")
    let resumed = try publish(site, now: "2025-06-05T01:00:00Z")
    #expect(resumed.status == 0, "\(resumed.errors)")
    try expectEachPostOnce(mastodon, posts: 3)

    // And back to a folder.
    let back = try site.herald("state", "migrate", "--to", "state-again")
    #expect(back.status == 0, "\(back.errors)")
    site.sharedState = nil
    try site.folder.write(
      "herald.yml",
      try site.folder.read("herald.yml").replacingOccurrences(of: "state: state", with: "state: state-again"))
    #expect(
      view(try jobs(site))
        == view(
          try {
            site.sharedState = database; defer { site.sharedState = nil }; return try jobs(site)
          }()))
    #expect(FileManager.default.fileExists(atPath: site.path("state-again/entry-ids.json")))
  }

  @Test func sitesSharingADatabaseSeeOnlyTheirOwnJobs() throws {
    let mastodon = try Mastodon()
    let database = try PostgresServer.shared.makeDatabase()
    let first = try runner(mastodon, database: database, posts: 2)
    let second = try runner(mastodon, database: database, posts: 1)
    try second.folder.write(
      "herald.yml",
      try second.folder.read("herald.yml").replacingOccurrences(
        of: "url: https://openinfra.org\n", with: "url: https://superuser.example\n"))
    #expect(try publish(first, now: "2025-06-05T00:00:00Z").status == 0)
    let other = try publish(second, now: "2025-06-05T00:00:00Z")
    #expect(other.status == 0, "\(other.errors)")
    #expect(try jobs(first).count == 2)
    #expect(try jobs(second).count == 1)
    #expect(try mastodon.statuses().count == 3)
  }

  @Test func aDryRunAndACheckCreateNothingInTheDatabase() throws {
    let mastodon = try Mastodon()
    let database = try PostgresServer.shared.makeDatabase()
    let site = try runner(mastodon, database: database, posts: 2)
    let dry = try site.herald(
      "publish", "--dry-run", "--credentials", "credentials", "--now", "2025-06-05T00:00:00Z")
    #expect(dry.status == 0, "\(dry.errors)")
    let check = try site.herald("check", "--credentials", "credentials")
    #expect(check.output.contains("no queue yet"), "\(check.output)")
    #expect(
      try PostgresServer.shared.psql("SELECT to_regclass('herald_schema') IS NULL", database: database)
        .trimmingCharacters(in: .whitespacesAndNewlines) == "t")
    #expect(try mastodon.statuses().isEmpty)
  }

  /// libpq's own errors may quote a URL it cannot parse; messages show the URL rebuilt from
  /// what libpq read in it, never the password, however it is spelled.
  @Test(arguments: [
    ("postgresql://postgres:50%off@127.0.0.1:1/herald", "50%off"),
    ("postgresql://postgres:pa?ss@127.0.0.1:1/herald", "pa?ss"),
    ("postgresql://postgres@127.0.0.1:1/herald?password=s3cret-word", "s3cret-word"),
    ("postgresql://postgres:an@at@127.0.0.1:1/herald", "an@at"),
  ])
  func aPasswordInTheURLIsNeverShown(url: String, password: String) throws {
    let site = try TestSite()
    try site.post("post.md", title: "A post", date: "2025-06-01T10:00:00Z")
    site.sharedState = url
    for run in [
      try site.herald("check"), try site.herald("publish"),
      try site.herald("publish", "--dry-run", "--verbose"),
      try site.herald("queue", "list"),
    ] {
      #expect(run.status != 0, "the database cannot be reached")
      #expect(!(run.output + run.errors).contains(password), "\(run.errors)")
      #expect(
        run.errors.contains("postgresql://postgres@127.0.0.1:1/herald") || run.errors.contains("malformed"))
    }
  }

  /// A runner's role may read and write the tables without the right to create any.
  @Test func aRunnerWithoutTheRightToCreateTablesStillPublishes() throws {
    let mastodon = try Mastodon()
    let database = try PostgresServer.shared.makeDatabase()
    let owner = try runner(mastodon, database: database, posts: 1)
    #expect(try publish(owner, now: "2025-06-05T00:00:00Z").status == 0)
    let role = "runner_" + UUID().uuidString.prefix(8).lowercased()
    try PostgresServer.shared.psql(
      """
      CREATE ROLE \(role) LOGIN;
      GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \(role);
      GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO \(role);
      """, database: database)
    let limited = try runner(
      mastodon, database: database.replacingOccurrences(of: "postgres@", with: role + "@"), posts: 2)
    let run = try publish(limited, now: "2025-06-05T01:00:00Z")
    #expect(run.status == 0, "\(run.errors)")
    try expectEachPostOnce(mastodon, posts: 2)
  }

  /// The record-key clock keeps every digit whatever the server's float output: two posts
  /// queued in one instant never share a Bluesky record key.
  @Test func recordKeysNeverRepeatWhateverTheServerRoundsFloatsTo() throws {
    let database = try PostgresServer.shared.makeDatabase()
    let name = String(database.split(separator: "/").last!)
    try PostgresServer.shared.psql("ALTER DATABASE \(name) SET extra_float_digits = 0", database: "postgres")
    let queue = try Queue(postgresURL: database, site: "https://openinfra.org/blog/")
    let now = Date(timeIntervalSince1970: 1_750_000_000.123456)
    for number in 0..<5 {
      try queue.enqueue(
        Queue.NewJob(
          postID: "post-\(number)", postPath: "post-\(number).md", network: .bluesky, account: "herald.test",
          payload: Payload(
            text: "Post \(number)", permalink: "https://openinfra.org/blog/\(number)", title: "",
            summary: nil,
            language: nil, recordKey: nil, createdAt: "2025-06-15T00:00:00Z"),
          dueAt: now, needsRecordKey: true), now: now, clockID: 7)
    }
    let keys = try queue.all().compactMap(\.payload.recordKey)
    #expect(keys.count == 5)
    #expect(Set(keys).count == 5, "\(keys)")
  }

  /// A SQLite queue from before the `site` column is read by `check`, `preview` and a dry run
  /// as it is, without a byte changing.
  @Test func aQueueFromBeforeTheSiteColumnIsReadWithoutChange() throws {
    let mastodon = try Mastodon()
    let site = try runner(mastodon, database: "", posts: 1)
    site.sharedState = nil
    #expect(try publish(site, now: "2025-06-05T00:00:00Z").status == 0)
    let queue = site.path("state/queue.sqlite")
    let downgrade = try Program.run(
      "/usr/bin/env",
      [
        "sqlite3", queue,
        """
        DROP INDEX jobs_of_site; DROP INDEX accounts_of_site; DROP INDEX meta_of_site;
        ALTER TABLE jobs DROP COLUMN site; ALTER TABLE accounts DROP COLUMN site; ALTER TABLE meta DROP COLUMN site;
        PRAGMA user_version = 4; PRAGMA wal_checkpoint(TRUNCATE);
        """,
      ])
    #expect(downgrade.status == 0, "\(downgrade.errors)")
    let before = try Data(contentsOf: URL(fileURLWithPath: queue))
    let check = try site.herald("check", "--credentials", "credentials")
    #expect(check.status == 0, "\(check.errors)")
    #expect(check.output.contains("1 job in the queue"), "\(check.output)")
    let dry = try site.herald(
      "publish", "--dry-run", "--credentials", "credentials", "--now", "2025-06-05T01:00:00Z")
    #expect(dry.status == 0, "\(dry.errors)")
    #expect(try site.herald("preview", "--credentials", "credentials").status == 0)
    #expect(try Data(contentsOf: URL(fileURLWithPath: queue)) == before, "unchanged")
    // The next real run brings it up to date and sends nothing again.
    #expect(try publish(site, now: "2025-06-05T02:00:00Z").status == 0)
    #expect(try mastodon.statuses().count == 1)
  }

  /// Below the lock: two runners claiming from one queue at once never take the same job,
  /// because each claim locks its rows and skips the ones another holds.
  @Test func claimsNeverOverlapEvenWithoutTheLock() throws {
    let database = try PostgresServer.shared.makeDatabase()
    let site = "https://openinfra.org/blog/"
    let setup = try Queue(postgresURL: database, site: site)
    let now = Date(timeIntervalSince1970: 1_750_000_000)
    for number in 0..<200 {
      try setup.enqueue(
        Queue.NewJob(
          postID: "post-\(number)", postPath: "post-\(number).md", network: .mastodon,
          account: "https://m.example",
          payload: Payload(
            text: "Post \(number)", permalink: "https://openinfra.org/blog/\(number)", title: "",
            summary: nil,
            language: nil, recordKey: nil, createdAt: "2025-06-15T00:00:00Z"),
          dueAt: now), now: now)
    }
    let claimed = Claimed()
    DispatchQueue.concurrentPerform(iterations: 4) { _ in
      guard let queue = try? Queue(postgresURL: database, site: site) else { return }
      while let job = try? queue.claimNext(
        now: now, maxPerRun: 0, minInterval: 0, claimedThisRun: [:], skipping: [])
      {
        claimed.add(job.id)
      }
    }
    let ids = claimed.ids
    #expect(ids.count == 200, "every job claimed")
    #expect(Set(ids).count == ids.count, "no job claimed twice")
  }

  /// A job under way on a live runner is not another runner's to resolve; once that runner
  /// is gone (its connection closed, as by kill -9), any runner resolves it.
  @Test func aJobUnderWayBelongsToItsRunnerUntilItsConnectionEnds() throws {
    let database = try PostgresServer.shared.makeDatabase()
    let site = "https://openinfra.org/blog/"
    let now = Date(timeIntervalSince1970: 1_750_000_000)
    var first: Queue? = try Queue(postgresURL: database, site: site)
    try first?.enqueue(
      Queue.NewJob(
        postID: "post", postPath: "post.md", network: .mastodon, account: "https://m.example",
        payload: Payload(
          text: "Post", permalink: "https://openinfra.org/blog/post", title: "", summary: nil, language: nil,
          recordKey: nil, createdAt: "2025-06-15T00:00:00Z"),
        dueAt: now), now: now)
    let claimed = try #require(
      try first?.claimNext(now: now, maxPerRun: 0, minInterval: 0, claimedThisRun: [:], skipping: []))
    let second = try Queue(postgresURL: database, site: site)
    #expect(try second.interrupted().isEmpty, "under way on a live runner")
    first = nil
    // The server ends the closed session's backend, and drops its locks, a moment later.
    var resolved: [Int64] = []
    let deadline = Date().addingTimeInterval(10)
    while resolved.isEmpty, Date() < deadline {
      resolved = try second.interrupted().map(\.id)
      if resolved.isEmpty { usleep(50_000) }
    }
    #expect(resolved == [claimed.id], "its runner is gone: resolved here")
  }
}

/// Job ids claimed by several threads.
final class Claimed: @unchecked Sendable {
  private let lock = NSLock()
  private var claimed: [Int64] = []

  func add(_ id: Int64) { lock.withLock { claimed.append(id) } }
  var ids: [Int64] { lock.withLock { claimed } }

  /// A value one thread sets and another reads after waiting for it.
  final class Box<Value>: @unchecked Sendable {
    var value: Value?
  }
}
