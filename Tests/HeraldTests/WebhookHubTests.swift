import Delivery
import Foundation
import TestSupport
import Testing

/// Webhooks (Slack, Discord, JSON) and the WebSub ping, received by a capturing server.
@Suite(.serialized) struct WebhookHubTests {
  func capture() throws -> BlueskyXDeliveryTests.Peer { try BlueskyXDeliveryTests.Peer("capture_server.py") }

  func requests(_ peer: BlueskyXDeliveryTests.Peer) throws -> [[String: Any]] {
    try peer.read()["requests"] as? [[String: Any]] ?? []
  }

  @Test(arguments: [("slack", "text"), ("discord", "content"), ("json", "text")])
  func aWebhookGetsTheTextInItsFormat(format: String, key: String) throws {
    let hook = try capture()
    let site = try TestSite(extraSite: "social:\n  announce_since: 2025-01-01T00:00:00Z\n  max_age: 7d")
    try site.post("zuul.md", title: "Zuul 12 is out", date: "2025-06-01T10:00:00Z")
    let secretPath = "/services/T000/B000/s3cr3t-webhook-path"
    try site.folder.write(
      "credentials", "WEBHOOK_URL=\(hook.server.baseURL)\(secretPath)\nWEBHOOK_FORMAT=\(format)\n")
    chmod(site.path("credentials"), 0o600)

    let dry = try site.herald(
      "publish", "--dry-run", "--credentials", "credentials", "--now", "2025-06-01T12:00:00Z")
    #expect(dry.output.contains("POST \(hook.server.baseURL)/[redacted]"))
    #expect(!dry.output.contains("s3cr3t-webhook-path"))
    #expect(try requests(hook).isEmpty)

    let run = try site.herald("publish", "--credentials", "credentials", "--now", "2025-06-01T12:00:00Z")
    #expect(run.status == 0, "\(run.errors)")
    let received = try requests(hook)
    #expect(received.count == 1)
    #expect(received.first?["path"] as? String == secretPath)
    let body =
      try JSONSerialization.jsonObject(with: Data(((received.first?["body"] as? String) ?? "").utf8))
      as? [String: Any]
    #expect((body?[key] as? String)?.contains("#WeAreOpenInfra") == true)
    #expect(!(run.output + run.errors).contains("s3cr3t-webhook-path"))
  }

  @Test func anUnreachableWebhooksURLIsNeitherPrintedNorStored() throws {
    let site = try TestSite(extraSite: "social:\n  announce_since: 2025-01-01T00:00:00Z\n  max_age: 7d")
    try site.post("zuul.md", title: "Zuul 12 is out", date: "2025-06-01T10:00:00Z")
    let port = try ServerProcess.freePort()
    try site.folder.write("credentials", "WEBHOOK_URL=http://127.0.0.1:\(port)/hooks/s3cr3t-token-path\n")
    chmod(site.path("credentials"), 0o600)
    let run = try site.herald(
      "publish", "--verbose", "--credentials", "credentials", "--now", "2025-06-01T12:00:00Z")
    #expect(run.status == 0)
    let list = try site.herald("queue", "list", "--json")
    #expect(list.output.contains("could not connect"))
    for text in [
      run.output, run.errors, list.output,
      try String(
        decoding: Data(contentsOf: URL(fileURLWithPath: site.path("state/queue.sqlite"))), as: UTF8.self),
    ] {
      #expect(!text.contains("s3cr3t-token-path"))
    }
  }

  @Test func theHubIsPingedWhenAFeedChangedAndOnlyThen() throws {
    let hub = try capture()
    let site = try TestSite()
    try site.post("a.md", title: "A", date: "2025-06-01T10:00:00Z")
    try site.folder.write("credentials", "WEBSUB_HUB=\(hub.server.baseURL)/hub\n")
    chmod(site.path("credentials"), 0o600)
    #expect(try site.herald("publish", "--credentials", "credentials").status == 0)
    let pings = try requests(hub)
    #expect(pings.count == 1)
    let form = (pings.first?["body"] as? String) ?? ""
    #expect(form.hasPrefix("hub.mode=publish&hub.url="))
    #expect(form.contains("hub.url=https%3A%2F%2Fopeninfra.org%2Ffeeds%2Fatom.xml"))
    #expect(try site.herald("publish", "--credentials", "credentials").status == 0)
    #expect(try requests(hub).count == 1, "nothing changed: no ping")

    // With archives, the hub hears of the subscription feeds only: nobody subscribes to an archive.
    try site.writeConfiguration(limit: 1, extraFeeds: "  archive: true\n  archive_size: 2")
    try site.post("b.md", title: "B", date: "2025-06-02T10:00:00Z")
    #expect(try site.herald("publish", "--credentials", "credentials").status == 0)
    #expect(FileManager.default.fileExists(atPath: site.path("public/archive/1/atom.xml")))
    let form2 = (try requests(hub).last?["body"] as? String) ?? ""
    #expect(form2.contains("hub.url=https%3A%2F%2Fopeninfra.org%2Ffeeds%2Fatom.xml"))
    #expect(!form2.contains("archive"), "\(form2)")
    #expect(try site.folder.read("public/atom.xml").contains("rel=\"hub\""))
    #expect(try !site.folder.read("public/archive/1/atom.xml").contains("rel=\"hub\""))
  }

  @Test func catchingUpIsPacedAndTheDryRunSaysSoToo() throws {
    let hook = try capture()
    let site = try TestSite(
      extraSite:
        "social:\n  announce_since: 2025-01-01T00:00:00Z\n  max_age: 7d\n  max_per_run: 5\n  min_interval: 10m"
    )
    for day in 1...3 { try site.post("p\(day).md", title: "Post \(day)", date: "2025-06-0\(day)T10:00:00Z") }
    try site.folder.write("credentials", "WEBHOOK_URL=\(hook.server.baseURL)/h\nWEBHOOK_FORMAT=json\n")
    chmod(site.path("credentials"), 0o600)
    let dry = try site.herald(
      "publish", "--dry-run", "--credentials", "credentials", "--now", "2025-06-04T00:00:00Z")
    #expect(dry.output.components(separatedBy: "POST ").count - 1 == 1, "\(dry.output)")
    #expect(dry.output.contains("Social posts that would be queued: 3"))
    // One at 00:00, none at 00:05 (too soon), one at 00:10, the last at 00:20, then nothing.
    for (minute, expected) in [(0, 1), (5, 1), (10, 2), (20, 3), (30, 3)] {
      let now = "2025-06-04T00:\(minute < 10 ? "0" : "")\(minute):00Z"
      #expect(try site.herald("publish", "--credentials", "credentials", "--now", now).status == 0)
      #expect(try requests(hook).count == expected, "at 00:\(minute)")
    }
  }

  @Test func linkedInGetsAPostWithAnArticleCard() throws {
    let linkedin = try BlueskyXDeliveryTests.Peer("capture_server.py", ["--status", "201"])
    let site = try TestSite(extraSite: "social:\n  announce_since: 2025-01-01T00:00:00Z\n  max_age: 7d")
    try site.post(
      "zuul.md", title: "Zuul 12 (finally) is out", date: "2025-06-01T10:00:00Z",
      extra: "seo:\n  description: Faster gating.")
    try site.folder.write(
      "credentials",
      "LINKEDIN_URL=\(linkedin.server.baseURL)\nLINKEDIN_TOKEN=li-t0ken-secret\nLINKEDIN_AUTHOR=urn:li:organization:42\n"
    )
    chmod(site.path("credentials"), 0o600)
    let run = try site.herald("publish", "--credentials", "credentials", "--now", "2025-06-01T12:00:00Z")
    #expect(run.status == 0, "\(run.errors)")
    let request = try #require(try requests(linkedin).first)
    #expect(request["path"] as? String == "/rest/posts")
    let headers = request["headers"] as? [String: String] ?? [:]
    #expect(headers["linkedin-version"] != nil && headers["x-restli-protocol-version"] == "2.0.0")
    let body =
      try JSONSerialization.jsonObject(with: Data(((request["body"] as? String) ?? "").utf8))
      as? [String: Any]
    #expect(body?["author"] as? String == "urn:li:organization:42")
    #expect(body?["lifecycleState"] as? String == "PUBLISHED")
    // LinkedIn's little text: reserved characters escaped, so they show as typed; the hashtag
    // in its own template, so LinkedIn shows it as a live hashtag (an escaped `\#` is text).
    #expect((body?["commentary"] as? String)?.contains("Zuul 12 \\(finally\\) is out") == true)
    #expect((body?["commentary"] as? String)?.contains("{hashtag|\\#|WeAreOpenInfra}") == true)
    #expect(headers["linkedin-version"] == LinkedInClient.defaultVersion)
    let article = (body?["content"] as? [String: Any])?["article"] as? [String: Any]
    #expect(article?["source"] as? String == "https://openinfra.org/blog/zuul")
    #expect(!(run.output + run.errors).contains("li-t0ken-secret"))
  }

  @Test func jobsNeverGoToAnotherAccount() throws {
    let site = try TestSite(extraSite: "social:\n  announce_since: 2025-01-01T00:00:00Z\n  max_age: 7d")
    try site.post("zuul.md", title: "Zuul 12 is out", date: "2025-06-01T10:00:00Z")
    let gone = try ServerProcess.freePort()
    try site.folder.write("credentials", "WEBHOOK_URL=http://127.0.0.1:\(gone)/old\n")
    chmod(site.path("credentials"), 0o600)
    #expect(
      try site.herald("publish", "--credentials", "credentials", "--now", "2025-06-01T12:00:00Z").status == 0)
    let hook = try capture()
    try site.folder.write("credentials", "WEBHOOK_URL=\(hook.server.baseURL)/new\n")
    let moved = try site.herald("publish", "--credentials", "credentials", "--now", "2025-06-01T18:00:00Z")
    #expect(moved.status == 0, "\(moved.errors)")
    // The new account gets the post once; the old account's job waits for its account.
    #expect(try requests(hook).count == 1)
    let list = try site.herald("queue", "list", "--json")
    #expect(list.output.contains("\"state\" : \"queued\""))
    #expect(list.output.contains("\"state\" : \"sent\""))
  }
}
