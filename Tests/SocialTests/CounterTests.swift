import Foundation
import Testing

@testable import Social

@Suite("Counting each network's way")
struct CounterTests {
  @Test("X: URLs weigh 23, emoji 2, CJK 2, Latin 1")
  func xWeights() {
    #expect(TwitterText.weightedLength("Hi http://test.co") == 26)
    #expect(
      TwitterText.weightedLength("openinfra.org/blog/a-very-long-slug-that-goes-on-and-on") == 23)
    #expect(TwitterText.weightedLength("👨‍👩‍👧‍👦🇫🇷1️⃣👍🏽") == 8)
    #expect(TwitterText.weightedLength("日本語") == 6)
    #expect(TwitterText.weightedLength("café") == 4)
    // NFC first: e + combining acute is one character.
    #expect(TwitterText.weightedLength("cafe\u{301}") == 4)
  }

  @Test("X: validity says why")
  func xValidity() {
    #expect(TwitterText.validity("") == .empty)
    #expect(TwitterText.validity("  \n ") == .empty)
    #expect(TwitterText.validity("ok\u{FEFF}") == .invalidCharacters)
    #expect(
      TwitterText.validity(String(repeating: "a", count: 281))
        == .tooLong(weightedLength: 281, limit: 280))
    #expect(TwitterText.validity(String(repeating: "a", count: 280)) == .valid)
    #expect(TwitterText.isValid("hello"))
  }

  @Test("X: extracted URL ranges slice the text")
  func xRanges() {
    let text = "Read https://openinfra.org/blog/x, or openinfra.org. 👍 t.co/abc"
    let urls = TwitterText.extractURLs(text).map { String(text[$0]) }
    #expect(urls == ["https://openinfra.org/blog/x", "openinfra.org", "t.co/abc"])
  }

  @Test("Mastodon: graphemes, links 23, remote mentions as @user")
  func mastodon() {
    #expect(MastodonText.length("hello") == 5)
    #expect(MastodonText.length("👨‍👩‍👧‍👦") == 1)
    let url = "https://openinfra.org/blog/" + String(repeating: "x", count: 100)
    #expect(MastodonText.length(url) == 23)
    #expect(MastodonText.length("see " + url + " now") == 4 + 23 + 4)
    // Without a protocol it is plain text on Mastodon.
    #expect(MastodonText.length("openinfra.org") == 13)
    #expect(MastodonText.length("@openinfra@social.openinfra.dev hi") == "@openinfra hi".count)
    #expect(MastodonText.length("mail a@b.org") == 12)
    #expect(MastodonText.length("   ") == 0)
    #expect(
      MastodonText.countableText("x https://a.example.com/p y") == "x "
        + String(repeating: "x", count: 23) + " y")
  }

  @Test("LinkedIn and webhooks count UTF-16 code units")
  func utf16Profiles() {
    #expect(NetworkProfile.linkedin.length(of: "a👍") == 3)
    #expect(NetworkProfile.linkedin.limit == 3000)
    #expect(NetworkProfile.webhook(.discord).limit == 2000)
    #expect(NetworkProfile.webhook(.slack).limit == 40_000)
    #expect(NetworkProfile.webhook(.json).limit == nil)
    #expect(NetworkProfile.webhook(.json).fits(String(repeating: "x", count: 100_000)))
  }

  @Test("Bluesky: 300 graphemes and 3,000 bytes")
  func blueskyLimits() {
    let profile = NetworkProfile.bluesky
    #expect(profile.fits(String(repeating: "a", count: 300)))
    #expect(!profile.fits(String(repeating: "a", count: 301)))
    // 150 families are 150 graphemes but 3,750 bytes.
    #expect(!profile.fits(String(repeating: "👨‍👩‍👧‍👦", count: 150)))
    #expect(profile.length(of: "👨‍👩‍👧‍👦") == 1)
  }

  @Test("every network has a standard profile")
  func standardProfiles() {
    for network in Network.allCases {
      #expect(NetworkProfile.standard(for: network).network == network)
    }
    #expect(NetworkProfile.standard(for: .bluesky).hasFacets)
    #expect(!NetworkProfile.standard(for: .x).hasFacets)
  }
}

@Suite("Bluesky facets")
struct BlueskyFacetTests {
  private func slices(_ text: String) -> [String] {
    let bytes = Array(text.utf8)
    return BlueskyFacets.detect(in: text).map {
      String(decoding: bytes[$0.index.byteStart..<$0.index.byteEnd], as: UTF8.self)
    }
  }

  @Test("links and tags with UTF-8 byte offsets")
  func golden() throws {
    let text = "Héllo 👋 https://openinfra.org/blog/post #WeAreOpenInfra"
    let facets = BlueskyFacets.detect(in: text)
    #expect(
      facets == [
        Facet(
          index: .init(byteStart: 12, byteEnd: 43),
          features: [.link(uri: "https://openinfra.org/blog/post")]),
        Facet(index: .init(byteStart: 44, byteEnd: 59), features: [.tag("WeAreOpenInfra")]),
      ])
    let expected =
      #"[{"index":{"byteStart":12,"byteEnd":43},"features":[{"$type":"app.bsky.richtext.facet#link","uri":"https://openinfra.org/blog/post"}]},"#
      + #"{"index":{"byteStart":44,"byteEnd":59},"features":[{"$type":"app.bsky.richtext.facet#tag","tag":"WeAreOpenInfra"}]}]"#
    #expect(Facet.jsonString(facets) == expected)
    // Codable carries the same data (JSONEncoder's key order is its own business).
    #expect(try JSONDecoder().decode([Facet].self, from: Data(expected.utf8)) == facets)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let sorted = String(decoding: try encoder.encode(facets), as: UTF8.self)
    #expect(
      sorted
        == #"[{"features":[{"$type":"app.bsky.richtext.facet#link","uri":"https://openinfra.org/blog/post"}],"index":{"byteEnd":43,"byteStart":12}},"#
        + #"{"features":[{"$type":"app.bsky.richtext.facet#tag","tag":"WeAreOpenInfra"}],"index":{"byteEnd":59,"byteStart":44}}]"#
    )
    #expect(try JSONDecoder().decode([Facet].self, from: Data(sorted.utf8)) == facets)
    #expect(
      Facet(index: .init(byteStart: 0, byteEnd: 1), features: [.tag("a\"\\\n")]).jsonString
        == #"{"index":{"byteStart":0,"byteEnd":1},"features":[{"$type":"app.bsky.richtext.facet#tag","tag":"a\"\\\n"}]}"#
    )
  }

  @Test("trailing punctuation stays out of links and tags")
  func trailingPunctuation() {
    #expect(slices("See https://example.com/a. Then") == ["https://example.com/a"])
    #expect(slices("(https://example.com/a)") == ["https://example.com/a"])
    #expect(
      slices("https://en.wikipedia.org/wiki/Primer_(film)") == [
        "https://en.wikipedia.org/wiki/Primer_(film)"
      ])
    #expect(slices("Go #OpenStack! now") == ["#OpenStack"])
    #expect(BlueskyFacets.detect(in: "Go #OpenStack!").first?.features == [.tag("OpenStack")])
  }

  @Test("links without a protocol need a known TLD and get https://")
  func bareDomains() {
    #expect(
      BlueskyFacets.detect(in: "visit openinfra.org/blog").first?.features == [
        .link(uri: "https://openinfra.org/blog")
      ])
    #expect(BlueskyFacets.detect(in: "file.notatld").isEmpty)
    #expect(BlueskyFacets.detect(in: "version 1.2.3").isEmpty)
  }

  @Test("what the client does not tag")
  func notTags() {
    #expect(BlueskyFacets.detect(in: "#123").isEmpty)
    #expect(BlueskyFacets.detect(in: "a#b").isEmpty)
    #expect(BlueskyFacets.detect(in: "#\u{FE0F}x").isEmpty)
    #expect(BlueskyFacets.detect(in: "#" + String(repeating: "a", count: 65)).isEmpty)
    #expect(BlueskyFacets.detect(in: "#" + String(repeating: "a", count: 64)).count == 1)
    #expect(BlueskyFacets.detect(in: "＃タグ").first?.features == [.tag("タグ")])
  }
}
