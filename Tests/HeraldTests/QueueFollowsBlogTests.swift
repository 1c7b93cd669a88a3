import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Sequences of cron runs with the clock stepped and the blog edited between them, against
/// servers that keep what they receive: what each server holds afterwards is what the blog
/// says should be there, exactly once.
@Suite(.serialized) struct QueueFollowsBlogTests {
  typealias Mastodon = MastodonDeliveryTests.Mastodon
  typealias Peer = BlueskyXDeliveryTests.Peer

  static func social(maxPerRun: Int = 5, minInterval: String = "0s", extra: String = "") -> String {
    """
    social:
      hashtag: "#WeAreOpenInfra"
      announce_since: 2025-01-01T00:00:00Z
      max_age: 7d
      max_per_run: \(maxPerRun)
      min_interval: \(minInterval)
    \(extra)
    http:
      timeout: 10s
    """
  }

  func credentials(_ site: TestSite, _ text: String) throws {
    try site.folder.write("credentials", text)
    chmod(site.path("credentials"), 0o600)
  }

  func publish(_ site: TestSite, at now: String, _ extra: String...) throws -> ProgramResult {
    try site.herald(["publish", "--credentials", "credentials", "--now", now] + extra)
  }

  func jobs(_ site: TestSite) throws -> [[String: Any]] {
    let list = try site.herald("queue", "list", "--json")
    let document = try JSONSerialization.jsonObject(with: Data(list.output.utf8)) as? [String: Any]
    return document?["jobs"] as? [[String: Any]] ?? []
  }

  func job(_ site: TestSite, file: String) throws -> [String: Any]? {
    try jobs(site).first { $0["file"] as? String == file }
  }

  /// Runs `publish` every `step` minutes from `start` for `count` runs; returns every result.
  func cron(_ site: TestSite, from start: String, every step: Int, runs count: Int) throws -> [ProgramResult]
  {
    let first = ISO8601DateFormatter().date(from: start)!
    return try (0..<count).map { index in
      let now = ISO8601DateFormatter().string(from: first.addingTimeInterval(Double(index * step * 60)))
      return try publish(site, at: now)
    }
  }

  // MARK: - Retractions and corrections

  @Test func retractedPostsNeverReachTheServerAndCorrectionsGoOutCorrected() throws {
    let mastodon = try Mastodon()
    let site = try TestSite(hiddenPosts: "exclude", extraSite: Self.social(maxPerRun: 1))
    let names = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]
    for (index, name) in names.enumerated() {
      let title = name == "hotel" ? "Hotel tpyo in the title" : name.capitalized + " news"
      try site.post("\(name).md", title: title, date: "2025-06-01T10:0\(index):00Z")
    }
    try credentials(site, "MASTODON_URL=\(mastodon.server.baseURL)\nMASTODON_TOKEN=\(mastodon.token)\n")

    // One post a run: the first goes out, nine wait in the queue.
    let first = try publish(site, at: "2025-06-02T00:00:00Z")
    #expect(first.status == 0, "\(first.errors)")
    #expect(try mastodon.statuses().count == 1)
    #expect(try jobs(site).filter { $0["state"] as? String == "queued" }.count == 9)

    // The blog changes while they wait.
    try FileManager.default.removeItem(atPath: site.path("posts/bravo.md"))
    try site.post("charlie.md", title: "Charlie news", date: "2025-06-01T10:02:00Z", extra: "draft: true")
    try site.post("delta.md", title: "Delta news", date: "2025-06-01T10:03:00Z", extra: "hidePost: true")
    try site.post(
      "echo.md", title: "Echo news", date: "2025-06-01T10:04:00Z", extra: "syndication:\n  skip: true")
    try site.post(
      "foxtrot.md", title: "Foxtrot news", date: "2025-06-01T10:05:00Z",
      extra: "syndication:\n  mastodon:\n    skip: true")
    try site.post("golf.md", title: "Golf news", date: "2025-06-05T10:00:00Z")
    try site.post("hotel.md", title: "Hotel news, corrected", date: "2025-06-01T10:07:00Z")
    try site.post("india.md", title: "India news", date: "2025-06-01T10:08:00Z", extra: "templateKey: page")
    try site.post("juliet.md", title: "Juliet news", date: "2024-12-01T10:09:00Z")

    // Preview already says what the next run will do.
    let preview = try site.herald(
      "preview", "charlie", "--json", "--credentials", "credentials", "--now", "2025-06-02T00:30:00Z")
    #expect(preview.output.contains("\"state\" : \"withdrawn\""), "\(preview.output)")

    // So does a dry run, which changes nothing.
    let dry = try publish(site, at: "2025-06-02T00:30:00Z", "--dry-run")
    #expect(dry.status == 0, "\(dry.errors)")
    #expect(
      dry.output.contains("Would change job") && dry.output.contains("withdrawn: a draft"), "\(dry.output)")
    #expect(dry.output.contains("Hotel news, corrected") && !dry.output.contains("tpyo"), "\(dry.output)")
    #expect(try jobs(site).filter { $0["state"] as? String == "queued" }.count == 9)

    for result in try cron(site, from: "2025-06-02T01:00:00Z", every: 60, runs: 6) {
      #expect(result.status == 0, "\(result.errors)")
    }
    var statuses = try mastodon.statuses()
    #expect(statuses.count == 2, "\(statuses)")
    #expect(statuses.contains { $0.contains("Alpha news") })
    #expect(statuses.contains { $0.contains("Hotel news, corrected") })
    #expect(!statuses.contains { $0.contains("tpyo") })

    let reasons: [String: String] = [
      "bravo.md": "gone", "charlie.md": "draft", "delta.md": "hidden",
      "echo.md": "syndication: skip", "foxtrot.md": "syndication.mastodon.skip",
      "india.md": "template page", "juliet.md": "announce_since",
    ]
    for (file, reason) in reasons {
      let job = try #require(try job(site, file: file), "\(file)")
      #expect(job["state"] as? String == "withdrawn", "\(file): \(job)")
      #expect((job["last_error"] as? String)?.contains(reason) == true, "\(file): \(job)")
    }
    let golf = try #require(try job(site, file: "golf.md"))
    #expect(golf["state"] as? String == "queued" && golf["due_at"] as? String == "2025-06-05T10:00:00Z")

    // Golf falls due at its new date; Charlie, no longer a draft, is announced after all.
    try site.post("charlie.md", title: "Charlie news", date: "2025-06-01T10:02:00Z")
    for result in try cron(site, from: "2025-06-05T10:30:00Z", every: 60, runs: 3) {
      #expect(result.status == 0, "\(result.errors)")
    }
    statuses = try mastodon.statuses()
    #expect(statuses.count == 4, "\(statuses)")
    #expect(
      statuses.contains { $0.contains("Golf news") } && statuses.contains { $0.contains("Charlie news") })
    for gone in ["Bravo", "Delta", "Echo", "Foxtrot", "India", "Juliet"] {
      #expect(!statuses.contains { $0.contains(gone) }, "\(gone) reached the server")
    }
  }

  @Test func maxAgeIsCheckedWhenAJobIsSentNotOnlyWhenItIsQueued() throws {
    let mastodon = try Mastodon()
    let site = try TestSite(extraSite: Self.social(maxPerRun: 1, minInterval: "2d"))
    for day in 1...5 {
      try site.post("post-\(day).md", title: "Post number \(day)", date: "2025-06-01T10:0\(day):00Z")
    }
    try credentials(site, "MASTODON_URL=\(mastodon.server.baseURL)\nMASTODON_TOKEN=\(mastodon.token)\n")
    // A run a day: with two days between posts, the fifth post would go out nine days late.
    for result in try cron(site, from: "2025-06-01T12:00:00Z", every: 24 * 60, runs: 10) {
      #expect(result.status == 0, "\(result.errors)")
    }
    #expect(try mastodon.statuses().count == 4)
    let last = try #require(try job(site, file: "post-5.md"))
    #expect(last["state"] as? String == "withdrawn")
    #expect((last["last_error"] as? String)?.contains("max_age") == true)
  }

  @Test func aRetriedJobIsComposedAgainFromTheEditedPost() throws {
    let mastodon = try Mastodon()
    let site = try TestSite(extraSite: Self.social())
    try site.post("zuul.md", title: "Zuul 12 is otu", date: "2025-06-01T10:00:00Z")
    try site.post("kata.md", title: "Kata 4 is out", date: "2025-06-01T11:00:00Z")
    try credentials(site, "MASTODON_URL=\(mastodon.server.baseURL)\nMASTODON_TOKEN=\(mastodon.token)\n")
    try mastodon.fault(
      #"{"match": {"methods": ["POST"], "path": "/api/v1/statuses"}, "effect": {"type": "status", "status": 422, "body": {"error": "Validation failed"}}, "count": 2}"#
    )
    #expect(try publish(site, at: "2025-06-01T12:00:00Z").status == 1)
    #expect(try jobs(site).allSatisfy { $0["state"] as? String == "failed" })

    try site.post("zuul.md", title: "Zuul 12 is out", date: "2025-06-01T10:00:00Z")
    let sent = try #require(try jobs(site).first)["id"] as? Int
    // Selections: nothing sent can be cancelled; --post and --network choose by file and network.
    let retry = try site.herald("queue", "retry", "--failed", "--network", "mastodon", "--post", "zuul")
    #expect(retry.status == 0, "\(retry.errors)")
    #expect(
      retry.output.split(separator: "\n").count == 1 && retry.output.contains("will be sent"),
      "\(retry.output)")
    let run = try publish(site, at: "2025-06-01T12:10:00Z")
    #expect(run.status == 0, "\(run.errors)")
    let statuses = try mastodon.statuses()
    #expect(statuses.count == 1 && statuses[0].contains("Zuul 12 is out"), "\(statuses)")
    #expect(try job(site, file: "kata.md")?["state"] as? String == "failed")

    let cancel = try site.herald("queue", "cancel", "\(sent ?? 0)", "999")
    #expect(cancel.status == 2, "a sent job cannot be cancelled, and 999 does not exist")
    #expect(cancel.errors.contains("999"))
    #expect(try site.herald("queue", "cancel", "--failed").status == 0)
    #expect(try job(site, file: "kata.md")?["state"] as? String == "cancelled")
  }

  // MARK: - Accounts

  @Test func aRespelledServerURLQueuesNothingAgain() throws {
    let mastodon = try Mastodon()
    let site = try TestSite(extraSite: Self.social())
    let base = mastodon.server.baseURL
    let port = base.split(separator: ":").last!
    let spellings = [base, base + "/", "HTTP://127.0.0.1:\(port)//"]
    for (index, spelling) in spellings.enumerated() {
      try site.post(
        "post-\(index).md", title: "Post number \(index)", date: "2025-06-0\(index + 1)T10:00:00Z")
      try credentials(site, "MASTODON_URL=\(spelling)\nMASTODON_TOKEN=\(mastodon.token)\n")
      let run = try publish(site, at: "2025-06-0\(index + 1)T12:00:00Z")
      #expect(run.status == 0, "\(run.errors)")
    }
    let statuses = try mastodon.statuses()
    #expect(statuses.count == 3, "\(statuses)")
    for index in 0..<3 { #expect(statuses.filter { $0.contains("Post number \(index)") }.count == 1) }
    #expect(Set(try jobs(site).compactMap { $0["account"] as? String }) == [base])
  }

  @Test func postsGoToTheAccountsOfTheirCategories() throws {
    let mastodon = try Mastodon()
    let created = try PeerHTTP.post(
      mastodon.server.baseURL + "/api/v1/_mock/dev_user", json: #"{"username": "openstack"}"#)
    let other = try JSONSerialization.jsonObject(with: Data(created.utf8)) as? [String: Any]
    let otherToken = try #require(other?["access_token"] as? String)
    let otherID = try #require(other?["id"] as? String)
    let site = try TestSite(
      extraSite: Self.social(
        extra: """
            accounts:
              openstack:
                network: mastodon
                credentials: OPENSTACK_MASTODON
                categories: [OpenStack]
          """))
    try site.post(
      "nova.md", title: "Nova news", date: "2025-06-01T10:00:00Z", extra: "category:\n  - OpenStack")
    try site.post(
      "summit.md", title: "Summit news", date: "2025-06-01T11:00:00Z", extra: "category:\n  - Events")
    try credentials(
      site,
      """
      MASTODON_URL=\(mastodon.server.baseURL)
      MASTODON_TOKEN=\(mastodon.token)
      OPENSTACK_MASTODON_URL=\(mastodon.server.baseURL)
      OPENSTACK_MASTODON_TOKEN=\(otherToken)

      """)
    let run = try publish(site, at: "2025-06-01T12:00:00Z")
    #expect(run.status == 0, "\(run.errors)")
    #expect(try mastodon.statuses().count == 2, "the foundation account gets every post")
    let body = try PeerHTTP.get(
      mastodon.server.baseURL + "/api/v1/accounts/\(otherID)/statuses",
      headers: ["Authorization: Bearer \(otherToken)"])
    let openstack = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]] ?? []
    #expect(openstack.count == 1)
    #expect((openstack.first?["content"] as? String)?.contains("Nova news") == true)
    #expect(!(run.output + run.errors).contains(otherToken))
  }

  // MARK: - Outages and credentials

  @Test func aSixHourOutageEndsWithEveryPostDeliveredOnce() throws {
    let mastodon = try Mastodon()
    let site = try TestSite(extraSite: Self.social())
    for index in 1...3 {
      try site.post("post-\(index).md", title: "Post number \(index)", date: "2025-06-01T10:0\(index):00Z")
    }
    try credentials(site, "MASTODON_URL=\(mastodon.server.baseURL)\nMASTODON_TOKEN=\(mastodon.token)\n")
    try mastodon.fault(
      #"{"match": {"methods": ["POST"], "path": "/api/v1/statuses"}, "effect": {"type": "status", "status": 503}}"#
    )
    let outage = try cron(site, from: "2025-06-01T12:00:00Z", every: 10, runs: 36)
    for result in outage {
      #expect(result.status == 0, "an outage is no failure: \(result.errors)")
      let warnings = result.errors.split(separator: "\n").filter { $0.contains("mastodon") }
      #expect(warnings.count <= 1, "said once per run, not once per post: \(result.errors)")
    }
    #expect(try jobs(site).allSatisfy { $0["state"] as? String == "queued" })
    #expect(try mastodon.statuses().isEmpty)

    _ = try Program.run(
      "/usr/bin/env", ["curl", "-s", "-X", "DELETE", mastodon.server.baseURL + "/api/v1/_mock/faults"])
    for result in try cron(site, from: "2025-06-01T18:00:00Z", every: 10, runs: 12) {
      #expect(result.status == 0, "\(result.errors)")
    }
    let statuses = try mastodon.statuses()
    #expect(statuses.count == 3, "\(statuses)")
    for index in 1...3 { #expect(statuses.filter { $0.contains("Post number \(index)") }.count == 1) }
  }

  @Test func failuresLastingGiveUpAfterFailForGood() throws {
    let port = try ServerProcess.freePort()
    let site = try TestSite(extraSite: Self.social() + "\ndelivery:\n  give_up_after: 1h")
    try site.post("zuul.md", title: "Zuul 12 is out", date: "2025-06-01T10:00:00Z")
    try credentials(site, "MASTODON_URL=http://127.0.0.1:\(port)\nMASTODON_TOKEN=t0ken\n")
    let runs = try cron(site, from: "2025-06-01T12:00:00Z", every: 10, runs: 12)
    #expect(runs.prefix(6).allSatisfy { $0.status == 0 })
    #expect(runs.contains { $0.status == 1 && $0.errors.contains("give_up_after") })
    #expect(try jobs(site).first?["state"] as? String == "failed")
  }

  @Test func aRefusedTokenStopsTheAccountAndItsPostsWaitForTheFix() throws {
    let mastodon = try Mastodon()
    let site = try TestSite(extraSite: Self.social())
    for index in 1...3 {
      try site.post("post-\(index).md", title: "Post number \(index)", date: "2025-06-01T10:0\(index):00Z")
    }
    try credentials(site, "MASTODON_URL=\(mastodon.server.baseURL)\nMASTODON_TOKEN=revoked-t0ken\n")
    let refused = try publish(site, at: "2025-06-01T12:00:00Z", "--quiet")
    #expect(refused.status == 1)
    let lines = refused.errors.split(separator: "\n")
    #expect(lines.count == 1, "one error, not one per post: \(refused.errors)")
    #expect(lines.first?.contains("MASTODON_TOKEN") == true)
    #expect(!refused.errors.contains("revoked-t0ken"))
    #expect(try jobs(site).allSatisfy { $0["state"] as? String == "queued" && $0["attempts"] as? Int == 0 })

    try credentials(site, "MASTODON_URL=\(mastodon.server.baseURL)\nMASTODON_TOKEN=\(mastodon.token)\n")
    let fixed = try publish(site, at: "2025-06-01T12:10:00Z")
    #expect(fixed.status == 0, "\(fixed.errors)")
    #expect(try mastodon.statuses().count == 3)
  }

  @Test func aRefusedBlueskyLoginIsNotTriedAgainUntilTheCredentialsChange() throws {
    let bluesky = try Peer(
      "bluesky_server.py", ["--handle", "openinfra.test", "--password", "right-app-pass"])
    let site = try TestSite(extraSite: Self.social())
    try site.post("zuul.md", title: "Zuul 12 is out", date: "2025-06-01T10:00:00Z")
    let keys = "BLUESKY_URL=\(bluesky.server.baseURL)\nBLUESKY_HANDLE=openinfra.test\n"
    try credentials(site, keys + "BLUESKY_APP_PASSWORD=wrong-app-pass\n")
    let refused = try publish(site, at: "2025-06-01T12:00:00Z")
    #expect(refused.status == 1)
    #expect(refused.errors.contains("BLUESKY_APP_PASSWORD"), "\(refused.errors)")
    for result in try cron(site, from: "2025-06-01T12:10:00Z", every: 10, runs: 3) {
      #expect(result.status == 1)
    }
    #expect(try bluesky.read()["login_failures"] as? Int == 1, "one refused login, never repeated")
    #expect(try job(site, file: "zuul.md")?["state"] as? String == "queued")
    // A day later the same credentials are tried once more, and only once.
    for result in try cron(site, from: "2025-06-02T12:05:00Z", every: 10, runs: 2) {
      #expect(result.status == 1)
    }
    #expect(try bluesky.read()["login_failures"] as? Int == 2, "tried again after a day, once")

    // The post is edited into French meanwhile: the fixed login sends it as it is now.
    try site.post("zuul.md", title: "Zuul 12 est sorti", date: "2025-06-01T10:00:00Z", extra: "lang: fr")
    try credentials(site, keys + "BLUESKY_APP_PASSWORD=right-app-pass\n")
    let fixed = try publish(site, at: "2025-06-02T13:00:00Z")
    #expect(fixed.status == 0, "\(fixed.errors)")
    let records = try #require(try bluesky.read()["records"] as? [String: [String: Any]])
    #expect(records.count == 1)
    let value = try #require(records.values.first?["value"] as? [String: Any])
    #expect((value["text"] as? String)?.contains("Zuul 12 est sorti") == true)
    #expect(value["langs"] as? [String] == ["fr"])
  }

  // MARK: - Bluesky record keys

  @Test func aThousandBlueskyPostsInOneRunAreAllKept() throws {
    let bluesky = try Peer(
      "bluesky_server.py", ["--handle", "openinfra.test", "--password", "app-pass", "--lazy-state"])
    let site = try TestSite(extraSite: Self.social(maxPerRun: 0))
    for index in 0..<1000 {
      try site.post(
        "post-\(index).md", title: "Post number \(index)",
        date:
          "2025-06-01T\(String(format: "%02d", index / 60 % 24)):\(String(format: "%02d", index % 60)):00Z")
    }
    try credentials(
      site,
      "BLUESKY_URL=\(bluesky.server.baseURL)\nBLUESKY_HANDLE=openinfra.test\nBLUESKY_APP_PASSWORD=app-pass\n")
    let run = try publish(site, at: "2025-06-02T00:00:00Z")
    #expect(run.status == 0, "\(run.errors)")
    let state =
      try JSONSerialization.jsonObject(
        with: Data(try PeerHTTP.get(bluesky.server.baseURL + "/_control/state").utf8)) as? [String: Any]
    let records = try #require(state?["records"] as? [String: [String: Any]])
    #expect(records.count == 1000, "every post kept: no record key used twice")
    #expect(state?["writes"] as? Int == 1000)
    #expect(records.values.allSatisfy { $0["is_tid"] as? Bool == true })
  }

  // MARK: - Formats

  @Test func slackGetsAPostsWordsAsTextNotCommands() throws {
    let hook = try Peer("capture_server.py")
    let site = try TestSite(extraSite: Self.social())
    try site.post(
      "alert.md", title: "<!channel> Zuul & Nova <https://evil.example|openinfra.org>",
      date: "2025-06-01T10:00:00Z")
    try credentials(site, "WEBHOOK_URL=\(hook.server.baseURL)/services/T0/B0/x\nWEBHOOK_FORMAT=slack\n")
    #expect(try publish(site, at: "2025-06-01T12:00:00Z").status == 0)
    let requests = try hook.read()["requests"] as? [[String: Any]] ?? []
    let body = try JSONSerialization.jsonObject(with: Data(((requests.first?["body"] as? String) ?? "").utf8))
    let text = try #require((body as? [String: Any])?["text"] as? String)
    #expect(
      text.contains("&lt;!channel&gt; Zuul &amp; Nova &lt;https://evil.example|openinfra.org&gt;"), "\(text)")
    #expect(!text.contains("<!channel>"))
  }

  @Test func linkedInVersionIsASettingAndA426NamesIt() throws {
    let linkedin = try Peer("capture_server.py", ["--status", "426"])
    let site = try TestSite(extraSite: Self.social())
    try site.post("zuul.md", title: "Zuul 12 is out", date: "2025-06-01T10:00:00Z")
    try credentials(
      site,
      "LINKEDIN_URL=\(linkedin.server.baseURL)\nLINKEDIN_TOKEN=li-t0ken\nLINKEDIN_AUTHOR=urn:li:organization:42\nLINKEDIN_VERSION=202410\n"
    )
    let run = try publish(site, at: "2025-06-01T12:00:00Z", "--quiet")
    #expect(run.status == 1)
    #expect(run.errors.contains("LINKEDIN_VERSION") && run.errors.contains("202410"), "\(run.errors)")
    let requests = try linkedin.read()["requests"] as? [[String: Any]] ?? []
    #expect((requests.first?["headers"] as? [String: String])?["linkedin-version"] == "202410")
    #expect(try job(site, file: "zuul.md")?["state"] as? String == "queued", "it waits for the fix")
  }

  @Test func aPostsLanguageAndTheVisibilityReachMastodonAndTheFeeds() throws {
    let mastodon = try Mastodon()
    let site = try TestSite(extraSite: Self.social(extra: "  mastodon_visibility: unlisted"))
    try site.post("sommet.md", title: "Le sommet OpenInfra", date: "2025-06-01T10:00:00Z", extra: "lang: fr")
    try credentials(site, "MASTODON_URL=\(mastodon.server.baseURL)\nMASTODON_TOKEN=\(mastodon.token)\n")
    #expect(try publish(site, at: "2025-06-01T12:00:00Z").status == 0)
    let body = try PeerHTTP.get(
      mastodon.server.baseURL + "/api/v1/accounts/\(mastodon.accountID)/statuses",
      headers: ["Authorization: Bearer \(mastodon.token)"])
    let status = try #require(
      (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]])?.first)
    #expect(status["language"] as? String == "fr")
    #expect(status["visibility"] as? String == "unlisted")
    let atom = try String(contentsOfFile: site.path("public/atom.xml"), encoding: .utf8)
    #expect(atom.contains("<entry xml:lang=\"fr\">"))
    _ = try site.readAllFeeds()
  }

  @Test func aPostThatCannotBeComposedIsReportedOnceNotOnEveryRun() throws {
    let mastodon = try Mastodon()
    let site = try TestSite(extraSite: Self.social())
    let long = "https://openinfra.org/blog/" + String(repeating: "very-long-slug-", count: 40)
    try site.post("long.md", title: "Too long", date: "2025-06-01T10:00:00Z", extra: "seo:\n  url: \(long)")
    try credentials(site, "MASTODON_URL=\(mastodon.server.baseURL)\nMASTODON_TOKEN=\(mastodon.token)\n")
    let first = try publish(site, at: "2025-06-01T12:00:00Z")
    #expect(first.status == 1)
    #expect(first.errors.contains("posts/long.md"))
    try site.post("other.md", title: "Another post", date: "2025-06-01T11:00:00Z")
    let second = try publish(site, at: "2025-06-01T12:10:00Z")
    #expect(second.status == 0, "\(second.errors)")
    #expect(!second.errors.contains("long.md"))
    #expect(
      try site.herald("check", "--credentials", "credentials", "--now", "2025-06-01T12:20:00Z").errors
        .contains(
          "posts/long.md"))
  }
}
