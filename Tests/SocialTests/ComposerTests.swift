import Foundation
import Testing

@testable import Social

@Suite("Composing social posts")
struct ComposerTests {
  static let permalink = "https://openinfra.org/blog/openinfra-summit-2025"
  static let parts = PostParts(
    title: "OpenInfra Summit Europe 2025: Schedule Now Live",
    summary: "The schedule for the OpenInfra Summit Europe is live, with 100+ sessions.",
    permalink: permalink, hashtag: "#WeAreOpenInfra", extraHashtags: ["#OpenStack"],
    via: "@openinfradev")

  private func compose(_ parts: PostParts, _ profile: NetworkProfile, template: String? = nil)
    throws -> ComposedPost
  {
    try SocialComposer(profile: profile, template: template).compose(parts)
  }

  private func count(_ needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
  }

  @Test("golden: Mastodon")
  func goldenMastodon() throws {
    let post = try compose(Self.parts, .mastodon())
    #expect(
      post.text == """
        OpenInfra Summit Europe 2025: Schedule Now Live

        The schedule for the OpenInfra Summit Europe is live, with 100+ sessions.

        https://openinfra.org/blog/openinfra-summit-2025

        #WeAreOpenInfra #OpenStack
        """)
    #expect(post.length == 47 + 2 + 73 + 2 + 23 + 2 + 26)
    #expect(post.limit == 500)
    #expect(post.shortening == ComposedPost.Shortening.none)
    #expect(post.facets.isEmpty)
  }

  @Test("golden: X credits the account and counts the link as 23")
  func goldenX() throws {
    let post = try compose(Self.parts, .x)
    #expect(
      post.text == """
        OpenInfra Summit Europe 2025: Schedule Now Live

        The schedule for the OpenInfra Summit Europe is live, with 100+ sessions.

        https://openinfra.org/blog/openinfra-summit-2025
        #WeAreOpenInfra #OpenStack via @openinfradev
        """)
    #expect(post.length == 47 + 2 + 73 + 2 + 23 + 1 + 44)
    #expect(post.limit == 280)
  }

  @Test("golden: Bluesky with facets")
  func goldenBluesky() throws {
    let post = try compose(Self.parts, .bluesky)
    let text = post.text
    #expect(post.length == text.count)
    let bytes = Array(text.utf8)
    let slices = post.facets.map {
      String(decoding: bytes[$0.index.byteStart..<$0.index.byteEnd], as: UTF8.self)
    }
    #expect(slices == [Self.permalink, "#WeAreOpenInfra", "#OpenStack"])
    #expect(
      post.facets.map(\.features) == [
        [.link(uri: Self.permalink)], [.tag("WeAreOpenInfra")], [.tag("OpenStack")],
      ])
    #expect(post.facets[0].index == Facet.ByteSlice(byteStart: 124, byteEnd: 172))
  }

  @Test("golden: LinkedIn and webhooks")
  func goldenLinkedInAndWebhook() throws {
    let linkedin = try compose(Self.parts, .linkedin)
    #expect(linkedin.length == linkedin.text.utf16.count)
    #expect(linkedin.limit == 3000)
    let discord = try compose(Self.parts, .webhook(.discord))
    #expect(discord.text == linkedin.text)
    let json = try compose(Self.parts, .webhook(.json))
    #expect(json.limit == nil)
  }

  @Test("the hashtag appears once, whatever title and summary hold")
  func hashtagOnce() throws {
    var parts = Self.parts
    parts.title = "#WeAreOpenInfra Summit #weareopeninfra news #WeAreOpenInfra2"
    parts.summary = "Join us #WEAREOPENINFRA!\n\nSee you there."
    parts.extraHashtags = ["WeAreOpenInfra", "#OpenStack", "#openstack", "Open Infrastructure"]
    for network in Network.allCases {
      let post = try compose(parts, .standard(for: network))
      let tags = Hashtags.occurrences(of: Hashtags.pattern(for: "#WeAreOpenInfra"), in: post.text)
      #expect(tags.count == 1, "\(network): \(post.text)")
      #expect(post.title == "Summit news #WeAreOpenInfra2")
      #expect(post.summary == "Join us ! See you there.")
      // Threads takes one topic: the main hashtag alone.
      let expected =
        network == .threads ? ["#WeAreOpenInfra"] : ["#WeAreOpenInfra", "#OpenStack", "#OpenInfrastructure"]
      #expect(post.hashtags == expected, "\(network)")
    }
  }

  @Test("an extra hashtag already in the title is not repeated")
  func extraAlreadyInTitle() throws {
    var parts = Self.parts
    parts.title = "What's new in #OpenStack"
    let post = try compose(parts, .mastodon())
    #expect(post.hashtags == ["#WeAreOpenInfra"])
    #expect(count("#OpenStack", in: post.text) == 1)
  }

  @Test("a long summary is cut at a word with an ellipsis, first")
  func summaryCutFirst() throws {
    var parts = Self.parts
    parts.summary = Array(repeating: "Lorem ipsum dolor sit amet,", count: 20).joined(
      separator: " ")
    let post = try compose(parts, .x)
    #expect(post.shortening == .summaryShortened)
    #expect(post.title == parts.title)
    #expect(post.summary.hasSuffix("…"))
    #expect(parts.summary.hasPrefix(String(post.summary.dropLast())))
    #expect(post.summary.dropLast().last != ",")
    #expect(post.length <= 280)
    #expect(post.length == TwitterText.weightedLength(post.text))
    #expect(post.text.contains(Self.permalink))
  }

  @Test("then the summary is dropped with its empty line, then the title is cut")
  func titleCutAfterSummary() throws {
    var parts = Self.parts
    parts.title = Array(repeating: "Very long title words", count: 30).joined(separator: " ")
    let post = try compose(parts, .x)
    #expect(post.summary == "")
    #expect(post.shortening == .titleShortened)
    #expect(post.title.hasSuffix("…"))
    #expect(!post.text.contains("\n\n\n"))
    #expect(post.text.hasPrefix(post.title + "\n\n" + Self.permalink))
    #expect(post.length <= 280)
    // One more word would not have fitted.
    let words = parts.title.split(separator: " ")
    let shownWords = post.title.dropLast().split(separator: " ").count
    let longer = words.prefix(shownWords + 1).joined(separator: " ") + "…"
    #expect(
      TwitterText.weightedLength(post.text.replacingOccurrences(of: post.title, with: longer)) > 280
    )
  }

  @Test("text without spaces is cut at a grapheme boundary")
  func graphemeCut() throws {
    var parts = Self.parts
    parts.title = String(repeating: "日本語の👨‍👩‍👧‍👦", count: 120)
    parts.summary = ""
    for network in [NetworkProfile.x, .bluesky, .mastodon()] {
      let post = try compose(parts, network)
      #expect(post.title.hasSuffix("…"))
      #expect(parts.title.hasPrefix(String(post.title.dropLast())))
      #expect(post.length <= network.limit!)
    }
  }

  @Test("extra hashtags go when even a one-word title does not fit")
  func extrasDropped() throws {
    var parts = Self.parts
    parts.extraHashtags = (1...40).map { "#Tag\($0)" }
    let post = try compose(parts, .x)
    #expect(post.shortening == .extraHashtagsDropped)
    #expect(post.hashtags.count < 41)
    #expect(post.hashtags.first == "#WeAreOpenInfra")
    #expect(post.length <= 280)
  }

  @Test("an impossible post is an error that says why")
  func impossible() throws {
    var parts = Self.parts
    parts.hashtag = "#" + String(repeating: "Long", count: 80)
    #expect {
      try compose(parts, .x)
    } throws: { error in
      guard
        case .mandatoryPartsTooLong(let network, _, let length, let limit) = error as? SocialError
      else { return false }
      return network == "X" && length > 280 && limit == 280
    }
    let message = SocialError.mandatoryPartsTooLong(
      network: "X", text: "t", length: 300, limit: 280
    )
    .description
    #expect(message.contains("300") && message.contains("280"))
  }

  @Test("the permalink is never cut and appears once")
  func permalinkWhole() throws {
    var parts = Self.parts
    parts.summary = "Read it at \(Self.permalink) today."
    parts.title = String(repeating: "word ", count: 200)
    let post = try compose(parts, .mastodon(limit: 100, linksInFull: false))
    #expect(count(Self.permalink, in: post.text) == 1)
    #expect(post.length <= 100)
  }

  @Test("templates must place the link and hashtags exactly once")
  func templateErrors() {
    #expect(throws: SocialError.self) {
      try SocialComposer(profile: .x, template: "{title} {hashtags}")
    }
    #expect(throws: SocialError.self) {
      try SocialComposer(profile: .x, template: "{url} {url} {hashtags}")
    }
    #expect(throws: SocialError.self) {
      try SocialComposer(profile: .x, template: "{url} {hashtags} {titel}")
    }
    #expect(throws: SocialError.self) {
      try SocialComposer(profile: .x, template: "{url} {hashtags} #WeAreOpenInfra").compose(
        Self.parts)
    }
  }

  @Test("a custom template, and an empty via leaves no trace")
  func customTemplate() throws {
    var parts = Self.parts
    parts.via = nil
    let post = try compose(parts, .x, template: "📣 {title} {url} {hashtags} {via}")
    #expect(
      post.text
        == "📣 OpenInfra Summit Europe 2025: Schedule Now Live https://openinfra.org/blog/openinfra-summit-2025 #WeAreOpenInfra #OpenStack"
    )
  }

  @Test("a cut never turns a longer tag into the hashtag")
  func cutDoesNotForgeHashtag() throws {
    var parts = Self.parts
    parts.title = "#WeAreOpenInfraAndMoreAndMoreAndMore"
    parts.summary = ""
    parts.extraHashtags = []
    let profile = NetworkProfile.mastodon(limit: 23 + 2 + 16 + 2 + 17, linksInFull: false)
    let post = try compose(parts, profile)
    let tags = Hashtags.occurrences(of: Hashtags.pattern(for: "#WeAreOpenInfra"), in: post.text)
    #expect(tags.count == 1)
    #expect(post.length <= profile.limit!)
  }
}
