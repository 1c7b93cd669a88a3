import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Threads, against the tests' own Graph server: two steps (a container, then its publish),
/// each recorded before the next, kill -9 between them, Threads' own counting checked by the
/// server's independent count, its limits and its refusals.
@Suite(.serialized) struct ThreadsDeliveryTests {
  typealias Peer = BlueskyXDeliveryTests.Peer
  static let token = "threads-t0ken-5e5e5e"

  func site(_ threads: Peer, posts: Int = 1, extra: String = "") throws -> TestSite {
    let site = try TestSite(
      extraSite:
        "social:\n  announce_since: 2025-01-01T00:00:00Z\n  max_age: 7d\n  max_per_run: 0\n  min_interval: 0s\n"
        + "  category_hashtags:\n    Zuul: \"#Zuul\"\nhttp:\n  timeout: 10s")
    for index in 1...posts {
      try site.post(
        "post-\(index).md", title: "Zuul \(index) is out 🎉🎉", date: "2025-06-01T10:0\(index):00Z",
        extra: "category:\n  - Zuul\nseo:\n  description: Faster gating for everyone 🚀\(extra)")
    }
    try site.folder.write(
      "credentials",
      "THREADS_URL=\(threads.server.baseURL)\nTHREADS_USER_ID=1789\nTHREADS_TOKEN=\(Self.token)\n")
    chmod(site.path("credentials"), 0o600)
    return site
  }

  func publish(_ site: TestSite, _ environment: [String: String] = [:]) throws -> ProgramResult {
    try site.herald(
      ["publish", "--credentials", "credentials", "--now", "2025-06-01T12:00:00Z"], environment: environment)
  }

  func state(_ threads: Peer) throws -> (containers: [String: [String: Any]], posts: [[String: Any]]) {
    let state = try threads.read()
    return (
      state["containers"] as? [String: [String: Any]] ?? [:], state["posts"] as? [[String: Any]] ?? []
    )
  }

  @Test func aPostIsAContainerThenItsPublishWithTheLinkAndOneTopic() throws {
    let threads = try Peer("threads_server.py", ["--token", Self.token])
    let site = try site(threads)
    let dry = try site.herald(
      "publish", "--dry-run", "--credentials", "credentials", "--now", "2025-06-01T12:00:00Z")
    #expect(dry.output.contains("POST \(threads.server.baseURL)/v1.0/1789/threads"), "\(dry.output)")
    #expect(!dry.output.contains(Self.token))

    let run = try publish(site)
    #expect(run.status == 0, "\(run.errors)")
    let (containers, posts) = try state(threads)
    #expect(containers.count == 1 && posts.count == 1)
    let post = try #require(posts.first)
    let text = try #require(post["text"] as? String)
    #expect(text.contains("Zuul 1 is out 🎉🎉") && text.contains("https://openinfra.org/blog/post-1"))
    #expect(text.components(separatedBy: "#WeAreOpenInfra").count == 2, "the hashtag once")
    #expect(!text.contains("#Zuul"), "one topic tag only: the category's is left out")
    #expect(post["link_attachment"] as? String == "https://openinfra.org/blog/post-1")
    #expect(post["topic_tag"] as? String == "WeAreOpenInfra")
    let list = try site.herald("queue", "list", "--json", "--credentials", "credentials")
    #expect(list.output.contains("\"state\" : \"sent\""))
    for file in [threads.state.path]
      + (try FileManager.default.subpathsOfDirectory(atPath: site.path("state")))
      .map({ site.path("state/" + $0) })
    {
      let data = (try? Data(contentsOf: URL(fileURLWithPath: file))) ?? Data()
      #expect(data.range(of: Data(Self.token.utf8)) == nil, "\(file) holds the token")
    }
    #expect(!(try site.sharedStateDump()).contains(Self.token), "the PostgreSQL state holds the token")
  }

  /// Killed after each step: after one clean run, exactly one post per blog post, and a
  /// container made before the kill is published, not made again.
  @Test(arguments: ["claimed", "step-answered", "step-recorded", "answered", "recorded"])
  func killedBetweenTheStepsEveryPostArrivesOnce(step: String) throws {
    let threads = try Peer("threads_server.py", ["--token", Self.token])
    let site = try site(threads, posts: 2)
    let killed = try publish(site, ["HERALD_CRASH_AT": step])
    #expect(killed.status == SIGKILL, "\(step): \(killed.errors)")
    let clean = try publish(site)
    #expect(clean.status == 0, "\(step): \(clean.errors)")
    let (containers, posts) = try state(threads)
    #expect(posts.count == 2, "\(step): \(posts)")
    for index in 1...2 {
      #expect(posts.filter { ($0["text"] as? String)?.contains("Zuul \(index) is out") == true }.count == 1)
    }
    if step == "step-recorded" {
      #expect(containers.count == 2, "the recorded container was published, not made again")
    }
    let list = try site.herald("queue", "list", "--json", "--credentials", "credentials")
    #expect(!list.output.contains("\"queued\"") && !list.output.contains("\"sending\""), "\(list.output)")
  }

  @Test func textsFitThreadsOwnCountingWhateverTheEmoji() throws {
    let threads = try Peer("threads_server.py", ["--token", Self.token])
    // A summary that only fits once emoji count their UTF-8 bytes: 120 flags are 960 bytes.
    let site = try site(threads, extra: " " + String(repeating: "🇫🇷", count: 120) + " and more words")
    let run = try publish(site)
    #expect(run.status == 0, "\(run.errors)")
    let state = try threads.read()
    #expect((state["rejections"] as? [Any] ?? []).isEmpty, "\(state["rejections"] ?? "")")
    let post = try #require((state["posts"] as? [[String: Any]])?.first)
    #expect((post["text"] as? String)?.hasSuffix("#WeAreOpenInfra") == true)
    let preview = try site.herald(
      "preview", "--json", "--network", "threads", "--now", "2025-06-01T12:00:00Z")
    #expect(
      preview.output.contains("\"network\" : \"threads\"") && preview.output.contains("\"limit\" : 500"))
  }

  @Test func aRefusedTokenWaitsAndTheDailyQuotaIsWaitedOut() throws {
    let threads = try Peer("threads_server.py", ["--token", Self.token, "--max-posts", "1"])
    let site = try site(threads, posts: 2)
    try site.folder.write(
      "credentials", "THREADS_URL=\(threads.server.baseURL)\nTHREADS_USER_ID=1789\nTHREADS_TOKEN=revoked\n")
    chmod(site.path("credentials"), 0o600)
    let refused = try publish(site)
    #expect(refused.status == 1)
    #expect(refused.errors.contains("THREADS_TOKEN"), "\(refused.errors)")
    #expect(try state(threads).posts.isEmpty)

    try site.folder.write(
      "credentials",
      "THREADS_URL=\(threads.server.baseURL)\nTHREADS_USER_ID=1789\nTHREADS_TOKEN=\(Self.token)\n")
    let limited = try publish(site)
    #expect(limited.status == 0, "a quota is waited out, not a failure: \(limited.errors)")
    #expect(limited.output.contains("rate-limited: threads"), "\(limited.output)")
    #expect(try state(threads).posts.count == 1)
    let jobs = try site.herald(
      "queue", "list", "--json", "--credentials", "credentials", "--now", "2025-06-01T12:00:30Z")
    #expect(jobs.output.contains("\"situation\" : \"rate-limited\""), "\(jobs.output)")
  }
}
