import Foundation
import TestSupport
import Testing

@testable import Social

/// Random titles and summaries from the kinds of text that break counters, checked against
/// every promise the composer makes, on every network.
@Suite("Composer properties")
struct ComposerPropertyTests {
  static let fragments: [String] = [
    "OpenInfra", "Summit", "news", "a", "I", "cloud-native", "don't", "2025",
    "👍", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🧑🏾‍🤝‍🧑🏻", "🇫🇷", "🇯🇵🇺🇸", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "1️⃣", "#️⃣", "❤️",
    "日本語", "中文字符测试", "한국어", "مرحبا بالعالم", "שלום", "\u{202B}עברית\u{202C}",
    "e\u{301}", "a\u{302}\u{303}\u{304}", "Z̤̈a̍l̊g̈o", "ﷺ", "ส\u{E38}\u{E4D}",
    "https://example.com/path?q=1", "http://t.co/abc", "example.org", "openinfra.org/blog",
    "https://openinfra.org/blog/other-post", "www.example.co.uk.",
    "(https://en.wikipedia.org/wiki/A_(b))",
    "#WeAreOpenInfra", "#weareopeninfra", "#WeAreOpenInfra2", "#WeAreOpenInfra!",
    "x#WeAreOpenInfra",
    "＃WeAreOpenInfra", "#OpenStack", "#", "#123", "@openinfradev", "@user@mastodon.social",
    "a@b.org",
    ",", ".", "!", "…", "—", "(", ")", "\"quoted\"", "\u{FEFF}", "\u{0007}", "\u{200D}", "\u{FE0F}",
  ]
  static let separators = [" ", " ", " ", "", "\n", "\n\n", "\t", "  ", "\u{00A0}", "\u{3000}"]

  static func text(_ rng: inout SeededGenerator) -> String {
    switch Int.random(in: 0..<20, using: &rng) {
    case 0: return ""
    case 1: return String(repeating: "a", count: Int.random(in: 200...3000, using: &rng))
    case 2: return String(repeating: "語", count: Int.random(in: 100...2000, using: &rng))
    case 3: return String(repeating: "👨‍👩‍👧‍👦", count: Int.random(in: 100...400, using: &rng))
    default:
      let count = Int.random(in: 1...(Bool.random(using: &rng) ? 12 : 200), using: &rng)
      var result = ""
      for index in 0..<count {
        if index > 0 { result += separators.randomElement(using: &rng)! }
        result += fragments.randomElement(using: &rng)!
      }
      return result
    }
  }

  static func parts(_ rng: inout SeededGenerator) -> PostParts {
    let slug = String(repeating: "post-", count: Int.random(in: 1...40, using: &rng))
    let extras = (0..<Int.random(in: 0...5, using: &rng)).map { _ in
      ["#OpenStack", "Kata Containers", "#StarlingX", "weareopeninfra", "#Zuul", "#日本", "#123"]
        .randomElement(using: &rng)!
    }
    return PostParts(
      title: text(&rng), summary: text(&rng),
      permalink: "https://openinfra.org/blog/\(slug)\(Int.random(in: 0...999, using: &rng))",
      hashtag: Bool.random(using: &rng) ? "#WeAreOpenInfra" : "WeAreOpenInfra",
      extraHashtags: extras, via: Bool.random(using: &rng) ? "@openinfradev" : nil)
  }

  static let profiles: [NetworkProfile] = [
    .x, .bluesky, .mastodon(), .mastodon(limit: 120, linksInFull: false), .linkedin, .webhook(.discord),
    .webhook(.slack), .webhook(.json),
  ]

  @Test("every promise holds on random posts", arguments: 0..<8)
  func promises(batch: Int) throws {
    var rng = SeededGenerator(seed: 0x4845_5241_4C44 &+ UInt64(batch))
    for iteration in 0..<25 {
      let parts = Self.parts(&rng)
      for profile in Self.profiles {
        try check(parts, profile, label: "batch \(batch) #\(iteration) \(profile.name)")
      }
    }
  }

  private func check(_ parts: PostParts, _ profile: NetworkProfile, label: String) throws {
    let composer = try SocialComposer(profile: profile)
    let post = try composer.compose(parts)
    let text = post.text
    let comment = Comment(rawValue: "\(label): \(text.debugDescription)")

    // Fits, by the network's own count, and reports that count.
    #expect(profile.fits(text), comment)
    #expect(post.length == profile.length(of: text), comment)
    if let limit = profile.limit { #expect(post.length <= limit, comment) }

    // The hashtag exactly once, the permalink whole exactly once.
    let tag = Hashtags.normalize(parts.hashtag)!
    #expect(Hashtags.occurrences(of: Hashtags.pattern(for: tag), in: text).count == 1, comment)
    #expect(text.components(separatedBy: parts.permalink).count == 2, comment)
    #expect(post.hashtags.first == tag, comment)
    for hashtag in post.hashtags { #expect(text.contains(hashtag), comment) }

    // Title and summary are whole, empty, or a prefix at a Character boundary plus "…".
    let pattern = Hashtags.pattern(for: tag)
    for (shown, original) in [
      (
        post.title, SocialComposer.clean(parts.title, removing: pattern, permalink: parts.permalink)
      ),
      (
        post.summary,
        SocialComposer.clean(parts.summary, removing: pattern, permalink: parts.permalink)
      ),
    ] {
      if shown.isEmpty { continue }
      #expect(text.contains(shown), comment)
      if shown == original { continue }
      #expect(shown.hasSuffix("…"), comment)
      let body = Array(shown.dropLast())
      let whole = Array(original)
      #expect(body.count < whole.count && Array(whole[..<body.count]) == body, comment)
    }

    // Bluesky: facets slice the UTF-8 text to exactly the permalink and each "#tag".
    guard profile.hasFacets else {
      #expect(post.facets.isEmpty)
      return
    }
    let bytes = Array(text.utf8)
    func slice(_ facet: Facet) -> String? {
      guard facet.index.byteStart >= 0, facet.index.byteStart < facet.index.byteEnd,
        facet.index.byteEnd <= bytes.count
      else { return nil }
      let piece = Array(bytes[facet.index.range])
      let decoded = String(decoding: piece, as: UTF8.self)
      // Re-encoding shows whether the offsets fell between whole scalars.
      return Array(decoded.utf8) == piece ? decoded : nil
    }
    for facet in post.facets { #expect(slice(facet) != nil, comment) }
    let links = post.facets.filter { $0.features == [.link(uri: parts.permalink)] }
    #expect(links.count == 1 && links.first.flatMap(slice) == parts.permalink, comment)
    for hashtag in post.hashtags {
      let tags = post.facets.filter { $0.features == [.tag(String(hashtag.dropFirst()))] }
      #expect(tags.contains { slice($0) == hashtag }, comment)
    }
  }
}
