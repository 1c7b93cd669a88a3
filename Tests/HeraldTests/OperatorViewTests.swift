import Delivery
import Foundation
import Social
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// What the person who installed Herald reads: `check`, `queue list`, `publish`'s summary.
/// Every setting is checked, every account's state said, and a broken deploy cannot empty
/// the feeds.
@Suite(.serialized) struct OperatorViewTests {
  static let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

  func credentials(_ site: TestSite, _ text: String) throws {
    try site.folder.write("credentials", text)
    chmod(site.path("credentials"), 0o600)
  }

  /// Compares `text` with the checked-in golden file (`HERALD_UPDATE_GOLDEN=1` rewrites it).
  func expectGolden(_ text: String, _ name: String) throws {
    if ProcessInfo.processInfo.environment["HERALD_UPDATE_GOLDEN"] == "1" {
      try Data(text.utf8).write(
        to: SharedData.packageRoot.appendingPathComponent("Tests/HeraldTests/Fixtures/" + name))
      return
    }
    let golden = try String(contentsOf: Self.fixtures.appendingPathComponent(name), encoding: .utf8)
    #expect(text == golden, "\(name) differs:\n\(text)")
  }

  // MARK: - Configuration

  @Test func misspelledSettingsAtAnyDepthAreNamedWithTheirLineAndWhatWasMeant() throws {
    let site = try TestSite(
      extraSite: """
        social:
          max_per_runs: 3
          announce_snce: 2025-01-01T00:00:00Z
          accounts:
            openstack:
              network: mastodon
              categoires: [OpenStack]
        """)
    try site.post("zuul.md", title: "Zuul 12 is out", date: "2025-06-01T10:00:00Z")
    let text = try site.folder.read("herald.yml")
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    func line(of key: String) -> Int { (lines.firstIndex { $0.contains(key + ":") } ?? -1) + 1 }

    let check = try site.herald("check")
    #expect(check.status == 1)
    #expect(
      check.errors.contains(
        "herald.yml:\(line(of: "max_per_runs")): error: unknown key 'social.max_per_runs' is ignored; did you mean 'social.max_per_run'?"
      ), "\(check.errors)")
    #expect(
      check.errors.contains(
        "herald.yml:\(line(of: "announce_snce")): error: unknown key 'social.announce_snce'"))
    #expect(check.errors.contains("did you mean 'social.announce_since'?"))
    #expect(check.errors.contains("'social.accounts.openstack.categoires' is ignored; did you mean"))

    let build = try site.herald("build", "--now", "2025-06-02T00:00:00Z")
    #expect(build.status == 0, "elsewhere a warning: \(build.errors)")
    #expect(build.errors.contains("warning: unknown key 'social.max_per_runs'"))
  }

  @Test(arguments: [
    ("social:\n  max_age: 7", "'max_age' must be a duration like 30s, 10m, 12h or 7d, not '7' (add a unit"),
    ("social:\n  min_interval: ten", "'min_interval' must be a duration"),
    ("http:\n  timeout: 0s", "'http.timeout' must be longer than 0s"),
    ("social:\n  max_per_run: -1", "'social.max_per_run' must be 0 or more"),
    ("social:\n  mastodon_visibility: private", "must be public or unlisted"),
    ("delivery:\n  give_up_after: 24", "'give_up_after' must be a duration"),
  ])
  func aWrongValueIsAnErrorOnItsLine(setting: String, message: String) throws {
    let site = try TestSite(extraSite: setting)
    try site.post("zuul.md", title: "Zuul 12 is out", date: "2025-06-01T10:00:00Z")
    let run = try site.herald("build")
    #expect(run.status == 2, "\(run.errors)")
    let key = setting.split(separator: "\n").last!.split(separator: ":").first!.trimmingCharacters(
      in: .whitespaces)
    let text = try site.folder.read("herald.yml")
    let line =
      (text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(key + ":") }
        ?? 0) + 1
    #expect(run.errors.contains("herald.yml:\(line): error: "), "\(run.errors)")
    #expect(run.errors.contains(message), "\(run.errors)")
  }

  // MARK: - check

  @Test func checkSaysWhatIsWrongAndWhichAccountsAreOn() throws {
    let site = try TestSite(
      extraSite: """
        social:
          accounts:
            openstack:
              network: mastodon
              credentials: OPENSTACK_MASTODON
              categories: [OpenStack]
        """)
    try site.post("zuul.md", title: "Zuul 12 is out", date: "2025-06-01T10:00:00Z")
    // A copy saved beside the post claims its permalink.
    try site.post(
      "zuul-1.md", title: "Zuul 12 is out", date: "2025-06-01T10:00:00Z",
      extra: "seo:\n  url: https://openinfra.org/blog/zuul")
    try credentials(
      site,
      "MASTODON_URL=https://mastodon.example\nMASTODON_TOKEN=t0ken\nBLUESKY_HANDLE=openinfra.test\n"
        + "OPENSTACK_MASTODON_URL=https://mastodon.example\n")
    let check = try site.herald("check", "--credentials", "credentials", "--now", "2025-06-01T12:00:00Z")
    #expect(check.status == 1)
    #expect(
      check.errors.contains("posts/zuul-1.md") && check.errors.contains("posts/zuul.md"), "\(check.errors)")
    #expect(
      check.errors.contains(
        "credentials: error: bluesky is off: BLUESKY_APP_PASSWORD is missing (BLUESKY_HANDLE is set)"))
    #expect(
      check.errors.contains(
        "mastodon (openstack) is off: OPENSTACK_MASTODON_TOKEN is missing (OPENSTACK_MASTODON_URL is set)"))
    try expectGolden(check.output, "check.txt")

    // Elsewhere the half-configured account is a warning, not silence.
    let build = try site.herald("build", "--credentials", "credentials", "--now", "2025-06-01T12:00:00Z")
    #expect(build.errors.contains("warning: bluesky is off: BLUESKY_APP_PASSWORD is missing"))
  }

  @Test func publishWithoutCredentialsSaysNothingWillBeAnnounced() throws {
    let site = try TestSite()
    try site.post("zuul.md", title: "Zuul 12 is out", date: "2025-06-01T10:00:00Z")
    let run = try site.herald("publish", "--now", "2025-06-01T12:00:00Z")
    #expect(run.status == 0)
    #expect(run.errors.contains("no credentials file was found"), "\(run.errors)")
    #expect(try site.herald("publish", "--quiet", "--now", "2025-06-01T12:00:00Z").errors.isEmpty)
  }

  @Test func checkOnlineAsksEachNetworkWhoTheCredentialsBelongTo() throws {
    let mastodon = try MastodonDeliveryTests.Mastodon()
    let bluesky = try BlueskyXDeliveryTests.Peer(
      "bluesky_server.py", ["--handle", "openinfra.test", "--password", "right-pass"])
    let x = try BlueskyXDeliveryTests.Peer(
      "x_server.py",
      [
        "--consumer-key", "ck", "--consumer-secret", "cs-secret", "--token", "tk", "--token-secret",
        "ts-secret",
      ])
    let site = try TestSite()
    try site.post("zuul.md", title: "Zuul 12 is out", date: "2025-06-01T10:00:00Z")
    func keys(mastodonToken: String, password: String, tokenSecret: String) -> String {
      """
      MASTODON_URL=\(mastodon.server.baseURL)
      MASTODON_TOKEN=\(mastodonToken)
      BLUESKY_URL=\(bluesky.server.baseURL)
      BLUESKY_HANDLE=openinfra.test
      BLUESKY_APP_PASSWORD=\(password)
      X_URL=\(x.server.baseURL)
      X_CONSUMER_KEY=ck
      X_CONSUMER_SECRET=cs-secret
      X_ACCESS_TOKEN=tk
      X_ACCESS_TOKEN_SECRET=\(tokenSecret)

      """
    }
    try credentials(
      site, keys(mastodonToken: mastodon.token, password: "right-pass", tokenSecret: "ts-secret"))
    let good = try site.herald("check", "--online", "--credentials", "credentials")
    #expect(good.status == 0, "\(good.errors)")
    #expect(good.output.contains("mastodon  on, checked: @herald"), "\(good.output)")
    #expect(good.output.contains("bluesky   on, checked: @openinfra.test"))
    #expect(good.output.contains("x         on, checked: @"))
    #expect(!FileManager.default.fileExists(atPath: site.path("state/queue.sqlite")), "check writes nothing")
    #expect(!FileManager.default.fileExists(atPath: site.path("state/bluesky-session.json")))

    try credentials(site, keys(mastodonToken: "revoked", password: "wrong-pass", tokenSecret: "wrong-secret"))
    let bad = try site.herald("check", "--online", "--credentials", "credentials")
    #expect(bad.status == 1)
    #expect(
      bad.errors.contains("mastodon refused the credentials: 401") && bad.errors.contains("MASTODON_TOKEN"))
    #expect(
      bad.errors.contains("bluesky refused the credentials: 401")
        && bad.errors.contains("BLUESKY_APP_PASSWORD"))
    #expect(
      bad.errors.contains("x refused the credentials: 401") && bad.errors.contains("X_ACCESS_TOKEN_SECRET"))
    for secret in ["wrong-pass", "wrong-secret", "cs-secret", mastodon.token] {
      #expect(!(good.output + good.errors + bad.output + bad.errors).contains(secret))
    }
    #expect((try x.read()["tweets"] as? [Any] ?? []).isEmpty, "nothing was sent")
  }

  // MARK: - The shrink guard

  @Test func anEmptyOrHalvedPostsFolderLeavesTheFeedsAlone() throws {
    let site = try TestSite()
    for index in 1...6 {
      try site.post("post-\(index).md", title: "Post \(index)", date: "2025-06-0\(index)T10:00:00Z")
    }
    #expect(try site.herald("build", "--now", "2025-06-10T00:00:00Z").status == 0)
    let before = try site.folder.read("public/atom.xml")

    for index in 1...4 { try FileManager.default.removeItem(atPath: site.path("posts/post-\(index).md")) }
    let halved = try site.herald("build", "--now", "2025-06-10T00:00:00Z")
    #expect(halved.status == 1)
    #expect(
      halved.errors.contains("2 posts are published now, against 6 at the last build"), "\(halved.errors)")
    #expect(try site.folder.read("public/atom.xml") == before)
    let publish = try site.herald("publish", "--now", "2025-06-10T00:00:00Z")
    #expect(publish.status == 1 && publish.errors.contains("--allow-shrink"))
    #expect(try site.folder.read("public/atom.xml") == before)

    for index in 5...6 { try FileManager.default.removeItem(atPath: site.path("posts/post-\(index).md")) }
    let empty = try site.herald("build", "--now", "2025-06-10T00:00:00Z")
    #expect(empty.status == 1 && empty.errors.contains("the posts folder has no posts"))
    #expect(try site.folder.read("public/atom.xml") == before)
    #expect(FileManager.default.fileExists(atPath: site.path("public/categories")) == false || true)

    try site.post("post-7.md", title: "Post 7", date: "2025-06-07T10:00:00Z")
    let allowed = try site.herald("build", "--allow-shrink", "--now", "2025-06-10T00:00:00Z")
    #expect(allowed.status == 0, "\(allowed.errors)")
    let after = try site.folder.read("public/atom.xml")
    #expect(after.contains("Post 7") && !after.contains("Post 6"))
  }

  // MARK: - queue list and summaries

  /// A queue with a job in every situation, made through the queue's own API at fixed times.
  func fixtureQueue(_ site: TestSite) throws {
    let queue = try Queue(folder: site.root.appendingPathComponent("state"), displayPath: "state")
    let base = Date(timeIntervalSince1970: 1_748_772_000)  // 2025-06-01T10:00:00Z
    func at(_ minutes: Double) -> Date { base.addingTimeInterval(minutes * 60) }
    let mastodon = "https://mastodon.example"
    func add(
      _ name: String, _ title: String, network: Network = .mastodon, account: String = mastodon,
      due: Double = 0
    )
      throws -> Int64
    {
      try queue.enqueue(
        Queue.NewJob(
          postID: "https://openinfra.org/blog/\(name)", postPath: "\(name).md", network: network,
          account: account,
          payload: Payload(
            text: title + " #WeAreOpenInfra", permalink: "https://openinfra.org/blog/\(name)", title: title,
            summary: nil, language: "en", recordKey: nil, createdAt: "2025-06-01T10:00:00Z"),
          dueAt: at(due)), now: at(0))
      return try queue.all().first { $0.postPath == "\(name).md" }!.id
    }
    let sent = try add("sent", "Zuul 12 is out")
    _ = try queue.claimNext(now: at(1), maxPerRun: 5, minInterval: 0, claimedThisRun: [:], skipping: [])
    try queue.markSent(sent, remoteID: "1001", url: "https://mastodon.example/@openinfra/1001", now: at(1))
    let failed = try add("failed", "Kata 4 is out")
    _ = try queue.claimNext(now: at(2), maxPerRun: 5, minInterval: 0, claimedThisRun: [:], skipping: [])
    try queue.markFailed(failed, error: "422: Validation failed: Text character limit exceeded", now: at(2))
    let retrying = try add("retrying", "StarlingX 11 preview")
    _ = try queue.claimNext(now: at(3), maxPerRun: 5, minInterval: 0, claimedThisRun: [:], skipping: [])
    try queue.markRetry(
      retrying, error: "503: Service Unavailable", dueAt: at(20), failingSince: at(3),
      mayHaveReachedServer: true,
      now: at(3))
    _ = try add("scheduled", "OpenInfra Summit Asia 2026: Call for Presentations Now Open", due: 600)
    _ = try add("due", "User groups around the world")
    _ = try add("limited", "A post for Bluesky", network: .bluesky, account: "openinfra.bsky.social")
    try queue.block(network: .bluesky, account: "openinfra.bsky.social", until: at(45))
    _ = try add("orphan", "For an account no longer configured", network: .x, account: "https://api.x.com")
    let cancelled = try add("cancelled", "Never mind")
    _ = try queue.cancel(cancelled, now: at(4))
    let withdrawn = try add("withdrawn", "A draft after all")
    let job = try #require(try queue.job(withdrawn))
    var after = job
    after.state = .withdrawn
    after.lastError = "a draft"
    try queue.save([(job, after)], now: at(5))
  }

  @Test func queueListReadsLikeAReport() throws {
    let site = try TestSite(extraSite: "social:\n  min_interval: 10m")
    try site.writeConfiguration(extraSite: "social:\n  min_interval: 10m")
    try credentials(
      site,
      "MASTODON_URL=https://mastodon.example\nMASTODON_TOKEN=t0ken\nBLUESKY_HANDLE=openinfra.bsky.social\n"
        + "BLUESKY_APP_PASSWORD=app-pass\n")
    try fixtureQueue(site)
    let list = try site.herald(
      "queue", "list", "--credentials", "credentials", "--now", "2025-06-01T10:06:00Z")
    #expect(list.status == 0, "\(list.errors)")
    try expectGolden(list.output, "queue-list.txt")
    for line in list.output.split(separator: "\n") where !line.contains("://") {
      #expect(line.count <= 80, "too wide: \(line)")
    }
    let failed = try site.herald(
      "queue", "list", "--state", "failed", "--json", "--credentials", "credentials", "--now",
      "2025-06-01T10:06:00Z")
    let jobs =
      (try JSONSerialization.jsonObject(with: Data(failed.output.utf8)) as? [String: Any])?["jobs"]
      as? [[String: Any]] ?? []
    #expect(jobs.count == 1)
    #expect((jobs.first?["fix"] as? String)?.hasPrefix("herald queue retry") == true)
    #expect(jobs.first?["title"] as? String == "Kata 4 is out")
    let bluesky = try site.herald(
      "queue", "list", "--network", "bluesky", "--credentials", "credentials", "--now", "2025-06-01T10:06:00Z"
    )
    #expect(bluesky.output.contains("rate-limited") && !bluesky.output.contains("Zuul"))
  }

  @Test func theSummarySaysWhatWasSentAndWhatWaitsUntilWhen() throws {
    let mastodon = try MastodonDeliveryTests.Mastodon()
    let site = try TestSite(
      extraSite: """
        social:
          announce_since: 2025-01-01T00:00:00Z
          max_age: 7d
          max_per_run: 1
          min_interval: 10m
        """)
    let configuration = try site.folder.read("herald.yml")
    try site.folder.write(
      "herald.yml", configuration.replacingOccurrences(of: "timezone: UTC", with: "timezone: Europe/Paris"))
    for index in 1...3 {
      try site.post("post-\(index).md", title: "Post \(index)", date: "2025-06-01T10:0\(index):00Z")
    }
    try credentials(site, "MASTODON_URL=\(mastodon.server.baseURL)\nMASTODON_TOKEN=\(mastodon.token)\n")
    let run = try site.herald("publish", "--credentials", "credentials", "--now", "2025-06-01T12:00:00Z")
    #expect(run.status == 0, "\(run.errors)")
    #expect(
      run.output.contains(
        "3 social posts queued; 1 sent, 2 waiting (next: mastodon at 2025-06-01 14:09 GMT+2)"),
      "\(run.output)")

    // Overlapping cron runs: with --quiet, a run refused by the lock says nothing.
    let lock = try PublishLockHolder(site.path("state/publish.lock"))
    let refused = try site.herald("publish", "--quiet", "--credentials", "credentials")
    #expect(refused.status == 75)
    #expect(refused.output.isEmpty && refused.errors.isEmpty)
    withExtendedLifetime(lock) {}
  }
}

extension OperatorViewTests {
  @Test func makeInstallPutsTheBinaryItsManualCompletionsAndUnitsInPlace() throws {
    let root = SharedData.packageRoot
    let tool = root.appendingPathComponent(".build/debug/generate-manual").path
    try #require(
      FileManager.default.isExecutableFile(atPath: tool),
      "`make test` builds swift-argument-parser's generate-manual first (swift build --product generate-manual)"
    )
    let destination = try TemporaryFolder()
    let run = try Program.run(
      "/usr/bin/env",
      [
        "make", "-s", "-C", root.path, "install", "DESTDIR=\(destination.url.path)", "PREFIX=/usr",
        "INSTALL_BINARY=\(TestSite.executable)",
      ])
    #expect(run.status == 0, "\(run.errors)")
    let prefix = destination.url.path + "/usr"
    for file in [
      "bin/herald", "share/man/man1/herald.1", "share/man/man1/herald.publish.1",
      "share/bash-completion/completions/herald", "share/zsh/site-functions/_herald",
      "share/fish/vendor_completions.d/herald.fish", "share/doc/herald/examples/herald.service",
      "share/doc/herald/examples/herald.timer", "share/doc/herald/examples/herald-cronjob.yaml",
      "share/man/man1/herald.state.migrate.1",
    ] {
      #expect(FileManager.default.fileExists(atPath: prefix + "/" + file), "\(file) was not installed")
    }
    let page = try Program.run(
      "/usr/bin/env", ["man", "-l", prefix + "/share/man/man1/herald.publish.1"],
      environment: ["MANWIDTH": "80"])
    #expect(page.status == 0, "\(page.errors)")
    #expect(page.output.contains("--dry-run") && page.output.contains("--allow-shrink"), "\(page.output)")
    let root1 = try Program.run("/usr/bin/env", ["man", "-l", prefix + "/share/man/man1/herald.1"])
    #expect(root1.output.contains("75"), "the exit codes are in the manual")
    let bash = try String(
      contentsOfFile: prefix + "/share/bash-completion/completions/herald", encoding: .utf8)
    #expect(bash.contains("publish") && bash.contains("--allow-shrink"))
    let version = try Program.run(prefix + "/bin/herald", ["--version"])
    #expect(version.output.hasPrefix("0.1.0 (commit "))
  }
}

/// Holds the publish lock as another `herald publish` would (an exclusive `flock`).
final class PublishLockHolder {
  let descriptor: Int32

  init(_ path: String) throws {
    descriptor = open(path, O_RDWR | O_CREAT, 0o644)
    guard descriptor >= 0, flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      throw POSIXError(.EAGAIN)
    }
  }

  deinit { close(descriptor) }
}
