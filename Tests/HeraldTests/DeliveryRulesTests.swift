import Foundation
import HTTP
import Social
import TestSupport
import Testing

@testable import Delivery

/// The delivery rules that need no server: account identities, record keys, pacing, and the
/// text formats of LinkedIn and Slack.
@Suite struct DeliveryRulesTests {
  @Test(arguments: [
    ("https://mastodon.social", "https://mastodon.social"),
    ("https://Mastodon.Social/", "https://mastodon.social"),
    ("HTTPS://mastodon.social:443//", "https://mastodon.social"),
    ("http://127.0.0.1:80/", "http://127.0.0.1"),
    ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
    ("https://user@mastodon.social/?x=1#top", "https://mastodon.social"),
    ("https://BÜCHER.example/", "https://xn--bcher-kva.example"),
    ("https://[::1]:443/", "https://[::1]"),
    ("https://example.org/mastodon/", "https://example.org/mastodon"),
  ])
  func serverURLsHaveOneSpelling(spelled: String, identity: String) {
    #expect(AccountIdentity.normalisedURL(spelled) == identity)
  }

  @Test func handlesAndNamedAccountsHaveOneSpelling() {
    #expect(AccountIdentity.normalisedHandle("@OpenInfra.bsky.social ") == "openinfra.bsky.social")
    #expect(AccountIdentity.make("https://mastodon.social", name: nil) == "https://mastodon.social")
    #expect(
      AccountIdentity.make("https://mastodon.social", name: "openstack")
        == "openstack: https://mastodon.social")
    let a = MastodonClient(server: "https://Mastodon.Social:443/", token: "t")
    let b = MastodonClient(server: "https://mastodon.social", token: "u")
    #expect(a.account == b.account)
    let hook = WebhookClient(url: "https://Hooks.Slack.com:443/services/T/B/secret", format: "slack")
    #expect(hook.account == "webhook:hooks.slack.com")
  }

  @Test func recordKeysNeverRepeatWithinOrAcrossRunsEvenWhenTheClockGoesBack() throws {
    let folder = try TemporaryFolder()
    let now = Date(timeIntervalSince1970: 1_750_000_000)
    var keys: [String] = []
    for run in 0..<3 {
      let queue = try Queue(folder: folder.url, displayPath: "state")
      // The third run's clock is behind the first's.
      let clock = run == 2 ? now.addingTimeInterval(-3600) : now
      for index in 0..<700 {
        let job = Queue.NewJob(
          postID: "post-\(run)-\(index)", postPath: "p.md", network: .bluesky, account: "h.test",
          payload: Payload(
            text: "t", permalink: "https://x.test/", title: "t", summary: nil, language: nil,
            recordKey: nil, createdAt: "2025-01-01T00:00:00Z"),
          dueAt: clock, needsRecordKey: true)
        #expect(try queue.enqueue(job, now: clock, clockID: UInt64(run)))
      }
      keys += try queue.all().compactMap(\.payload.recordKey)
    }
    let unique = Set(keys)
    #expect(unique.count == 2100)
    #expect(
      unique.allSatisfy {
        $0.wholeMatch(of: /[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}/) != nil
      })
  }

  @Test func aTIDIsMicrosecondsAndAClockIDInSortableBase32() {
    #expect(RecordKey.tid(microseconds: 0, clockID: 0) == "2222222222222")
    let earlier = RecordKey.tid(microseconds: 1_750_000_000_000_000, clockID: 1023)
    let later = RecordKey.tid(microseconds: 1_750_000_000_000_001, clockID: 0)
    #expect(earlier < later, "keys sort by time")
  }

  @Test func pacingToleratesARunThatStartsAFewSecondsEarly() {
    let now = Date(timeIntervalSince1970: 1_750_000_000)
    let job = Job(
      id: 1, postID: "p", postPath: "p.md", network: .mastodon, account: "a",
      payload: Payload(
        text: "t", permalink: "u", title: "t", summary: nil, language: nil, recordKey: nil,
        createdAt: ""),
      idempotencyKey: "k", state: .queued, dueAt: now, attempts: 0, lastError: nil, remoteID: nil,
      createdAt: now,
      sentAt: nil)
    func may(_ lastSent: TimeInterval, interval: TimeInterval = 600, perRun: Int = 5, claimed: Int = 0)
      -> Bool
    {
      Queue.mayClaim(
        job, lastSentAt: now.addingTimeInterval(-lastSent), blockedUntil: nil, claimedThisRun: claimed,
        now: now,
        maxPerRun: perRun, minInterval: interval)
    }
    #expect(may(599.7), "`*/10` with min_interval 10m: a run 9 min 59.7 s later still sends")
    #expect(may(541))
    #expect(!may(500))
    #expect(!may(20, interval: 60), "a short interval tolerates half of itself")
    #expect(may(31, interval: 60))
    #expect(may(0, interval: 0, perRun: 0, claimed: 1000), "max_per_run 0 is no cap")
    #expect(!may(0, interval: 0, perRun: 2, claimed: 2))
  }

  @Test func linkedInHashtagsAreLiveAndReservedCharactersShowAsTyped() {
    let text = LinkedInClient.littleText(
      "Zuul (v12) *is* out_now #WeAreOpenInfra #Zuul\nhttps://x.test/a_b#frag @me")
    #expect(
      text
        == "Zuul \\(v12\\) \\*is\\* out\\_now {hashtag|\\#|WeAreOpenInfra} {hashtag|\\#|Zuul}\nhttps://x.test/a\\_b\\#frag \\@me"
    )
    #expect(LinkedInClient.littleText("# alone") == "\\# alone")
  }

  @Test func slackEscapesOnlyWhatItReadsAsCommands() {
    #expect(
      WebhookClient.slackEscaped("<!channel> A & B <https://evil.example|ok> é")
        == "&lt;!channel&gt; A &amp; B &lt;https://evil.example|ok&gt; é")
  }
}

/// The retry policy, whole: which failures retry, which fail for good, which stop the
/// account, which wait for a rate limit.
@Suite struct RetryPolicyTests {
  @Test(arguments: [
    (HTTPError.Kind.resolve, RetryPolicy.Decision.network(mayHaveReachedServer: false)),
    (.connect, .network(mayHaveReachedServer: false)),
    (.tls, .network(mayHaveReachedServer: false)),
    (.timeout, .network(mayHaveReachedServer: true)),
    (.transport, .network(mayHaveReachedServer: true)),
    (.invalidURL, .fail),
    (.insecureURL, .fail),
    (.invalidRequest, .fail),
    (.tooLarge, .fail),
  ])
  func requestsWithoutAnAnswer(kind: HTTPError.Kind, decision: RetryPolicy.Decision) {
    #expect(RetryPolicy.decision(for: HTTPError(kind: kind, url: "https://x.test/", message: "")) == decision)
  }

  @Test(arguments: [
    (400, RetryPolicy.Decision.fail), (401, .stopAccount), (403, .stopAccount), (404, .fail),
    (408, .job(mayHaveReachedServer: false)), (409, .fail), (413, .fail), (422, .fail), (429, .waitForLimit),
    (500, .network(mayHaveReachedServer: true)), (502, .network(mayHaveReachedServer: true)),
    (503, .network(mayHaveReachedServer: true)), (504, .network(mayHaveReachedServer: true)),
  ])
  func answersThatAreNoSuccess(status: Int, decision: RetryPolicy.Decision) {
    #expect(RetryPolicy.decision(forStatus: status) == decision)
  }
}
