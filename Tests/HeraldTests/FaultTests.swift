import Foundation
import TestSupport
import Testing

/// What the cron job does when its surroundings fail: a clear message, nothing lost.
@Suite(.serialized) struct FaultTests {
  func site() throws -> TestSite {
    let site = try TestSite(
      extraSite: "social:\n  announce_since: 2025-01-01T00:00:00Z\n  max_age: 7d\nhttp:\n  timeout: 10s")
    try site.post("a.md", title: "A", date: "2025-06-01T10:00:00Z")
    return site
  }

  @Test func aDamagedQueueIsRefusedAndKeptForRecovery() throws {
    let site = try site()
    let garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) })
    try site.folder.write("state/queue.sqlite", garbage)
    let hook = try ServerProcess.freePort()
    try site.folder.write("credentials", "WEBHOOK_URL=http://127.0.0.1:\(hook)/h\n")
    chmod(site.path("credentials"), 0o600)
    let run = try site.herald("publish", "--credentials", "credentials", "--now", "2025-06-01T12:00:00Z")
    #expect(run.status == 1)
    #expect(run.errors.contains("state/queue.sqlite: error: the queue database is damaged"), "\(run.errors)")
    #expect(
      try Data(contentsOf: URL(fileURLWithPath: site.path("state/queue.sqlite"))) == garbage, "left as it was"
    )
    #expect(try site.herald("queue", "list").status == 2)
  }

  @Test func aLockedQueueIsReportedAndItsJobsKept() throws {
    let site = try site()
    let port = try ServerProcess.freePort()
    try site.folder.write("credentials", "WEBHOOK_URL=http://127.0.0.1:\(port)/h\n")
    chmod(site.path("credentials"), 0o600)
    #expect(
      try site.herald("publish", "--credentials", "credentials", "--now", "2025-06-01T12:00:00Z").status == 0)
    // Another program holds the database's write lock for longer than Herald waits.
    let holder = Process()
    holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    holder.arguments = [
      "python3", "-c",
      "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(600)",
      site.path("state/queue.sqlite"),
    ]
    let pipe = Pipe()
    holder.standardOutput = pipe
    try holder.run()
    _ = pipe.fileHandleForReading.availableData
    let locked = try site.herald("publish", "--credentials", "credentials", "--now", "2025-06-01T13:00:00Z")
    holder.terminate()
    holder.waitUntilExit()
    #expect(locked.status == 1)
    #expect(locked.errors.contains("locked"), "\(locked.errors)")
    let list = try site.herald("queue", "list", "--json")
    #expect(list.output.contains("\"state\" : \"queued\""), "the job is still there")
  }

  @Test func aReadOnlyOutputFolderIsAClearErrorAndTheOldFeedStays() throws {
    let site = try site()
    #expect(try site.herald("build").status == 0)
    let before = try site.folder.read("public/atom.xml")
    try site.post("b.md", title: "B", date: "2025-06-02T10:00:00Z")
    // Root ignores permissions; a file where the folder should be fails for everyone.
    try? FileManager.default.removeItem(atPath: site.path("public/categories"))
    try site.folder.write("public/categories", "not a folder")
    try site.post("c.md", title: "C", date: "2025-06-03T10:00:00Z", extra: "category: [Zuul]")
    let run = try site.herald("build")
    #expect(run.status == 1)
    #expect(
      run.errors.contains("public/categories/zuul/atom.xml: error: cannot create the folder"), "\(run.errors)"
    )
    let after = try site.folder.read("public/atom.xml")
    #expect(after.hasPrefix("<?xml") && after.hasSuffix("</feed>\n"), "a whole feed, old or new")
    #expect(before.hasSuffix("</feed>\n"))
  }

  // ThreadSanitizer's own runtime dies of SIGBUS under a file size limit, before Herald
  // writes anything: the row is checked by every other build of the tests.
  @Test(
    .disabled(
      if: ProcessInfo.processInfo.environment["HERALD_SANITIZER"] == "thread",
      "ThreadSanitizer's runtime cannot run under RLIMIT_FSIZE"))
  func aFullDiskNeverLeavesHalfAFeed() throws {
    let site = try site()
    #expect(try site.herald("build").status == 0)
    let before = try site.folder.read("public/atom.xml")
    try site.post(
      "big.md", title: "Big", date: "2025-06-02T10:00:00Z",
      body: String(repeating: "Lots of text here. ", count: 20_000))
    // A file size limit makes every write past 64 KiB fail, as a full disk would.
    let run = try Program.run(
      "/bin/sh", ["-c", "ulimit -f 128; exec \"$0\" build --config herald.yml", TestSite.executable],
      in: site.root,
      environment: ["NO_COLOR": "1"])
    #expect(run.status == 1)
    #expect(run.errors.contains("public/atom.xml: error: cannot write: File too large"), "\(run.errors)")
    #expect(try site.folder.read("public/atom.xml") == before, "the old feed is still whole")
    var leftovers = try FileManager.default.contentsOfDirectory(atPath: site.path("public")).filter {
      $0.hasSuffix(".tmp")
    }
    #expect(leftovers.isEmpty)
    // One a killed run left behind goes at the next build.
    try site.folder.write("public/.atom.xml.99999.tmp", "half")
    #expect(try site.herald("build").status == 0)
    leftovers = try FileManager.default.contentsOfDirectory(atPath: site.path("public")).filter {
      $0.hasSuffix(".tmp")
    }
    #expect(leftovers.isEmpty)
  }

  /// A run killed while writing an archive or a category's feeds, in a folder the next run's
  /// plan no longer has (posts removed meanwhile), left its empty temporary files there for
  /// ever, and with them a folder that was published with the feeds.
  @Test func aKilledRunsTemporaryFilesGoEvenFromFoldersNoLongerPlanned() throws {
    let site = try TestSite(limit: 1, extraFeeds: "  archive: true\n  archive_size: 2")
    try site.post("a.md", title: "Alpha", date: "2025-06-01T10:00:00Z")
    try site.post("b.md", title: "Beta", date: "2025-06-02T10:00:00Z")
    #expect(try site.herald("build").status == 0)
    try site.folder.write("public/archive/7/.atom.xml.99999.tmp", "")
    try site.folder.write("public/categories/gone/.rss.xml.99999.tmp", "half")
    try site.folder.write("public/categories/kept/.atom.xml.99999.tmp", "")
    try site.folder.write("public/categories/kept/notes.txt", "someone's own file")
    // The run after a killed one has work to do: what the killed run was doing.
    try site.post("c.md", title: "Gamma", date: "2025-06-03T10:00:00Z")
    #expect(try site.herald("build").status == 0)
    #expect(!FileManager.default.fileExists(atPath: site.path("public/archive/7")))
    #expect(!FileManager.default.fileExists(atPath: site.path("public/categories/gone")))
    #expect(!FileManager.default.fileExists(atPath: site.path("public/categories/kept/.atom.xml.99999.tmp")))
    #expect(try site.folder.read("public/categories/kept/notes.txt") == "someone's own file")
    #expect(FileManager.default.fileExists(atPath: site.path("public/archive/1/atom.xml")))
  }

  @Test func theClockGoingBackwardsPostsNothingTwice() throws {
    let site = try site()
    let hook = try BlueskyXDeliveryTests.Peer("capture_server.py")
    try site.folder.write("credentials", "WEBHOOK_URL=\(hook.server.baseURL)/h\n")
    chmod(site.path("credentials"), 0o600)
    #expect(
      try site.herald("publish", "--credentials", "credentials", "--now", "2025-06-02T12:00:00Z").status == 0)
    #expect(
      try site.herald("publish", "--credentials", "credentials", "--now", "2025-06-01T11:00:00Z").status == 0)
    #expect(
      try site.herald("publish", "--credentials", "credentials", "--now", "2025-06-03T12:00:00Z").status == 0)
    #expect((try hook.read()["requests"] as? [Any])?.count == 1)
  }

  @Test func aTLSServerWithAnUntrustedCertificateIsRefused() throws {
    let folder = try TemporaryFolder()
    let generate = try Program.run(
      "/usr/bin/env",
      [
        "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "1",
        "-keyout", folder.path("key.pem"), "-out", folder.path("cert.pem"),
      ])
    #expect(generate.status == 0)
    let script = """
      import http.server, ssl, sys
      server = http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), http.server.SimpleHTTPRequestHandler)
      context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); context.load_cert_chain(sys.argv[2], sys.argv[3])
      server.socket = context.wrap_socket(server.socket, server_side=True); server.serve_forever()
      """
    let tls = try ServerProcess([
      "python3", "-c", script, "{port}", folder.path("cert.pem"), folder.path("key.pem"),
    ])
    let site = try site()
    try site.folder.write(
      "credentials", "MASTODON_URL=https://127.0.0.1:\(tls.port)\nMASTODON_TOKEN=t0k3n-value\n")
    chmod(site.path("credentials"), 0o600)
    let run = try site.herald(
      "publish", "--credentials", "credentials", "--now", "2025-06-01T12:00:00Z", "--verbose")
    #expect(run.errors.contains("TLS"), "\(run.errors)")
    let list = try site.herald(
      "queue", "list", "--credentials", "credentials", "--now", "2025-06-01T12:00:30Z")
    #expect(list.output.contains("retrying"), "kept for a later try")
    #expect(!(run.output + run.errors + list.output).contains("t0k3n-value"))
  }

  @Test func aNameThatDoesNotResolveIsRetriedLater() throws {
    let site = try site()
    try site.folder.write(
      "credentials", "MASTODON_URL=https://mastodon.invalid\nMASTODON_TOKEN=t0k3n-value\n")
    chmod(site.path("credentials"), 0o600)
    let run = try site.herald("publish", "--credentials", "credentials", "--now", "2025-06-01T12:00:00Z")
    #expect(run.status == 0)
    #expect(
      try site.herald("queue", "list", "--credentials", "credentials", "--now", "2025-06-01T12:00:30Z").output
        .contains("retrying"))
  }
}
