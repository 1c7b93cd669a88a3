/// How one network measures a post: its limit, its way of counting, and whether it wants facets.
public struct NetworkProfile: Sendable, Equatable {
  /// A network's way of counting characters.
  public enum Counting: String, Sendable, Codable {
    /// twitter-text v3 weighted length: URLs 23, emoji 2, CJK 2.
    case twitterText
    /// Mastodon: graphemes, URLs 23, `@user@domain` as `@user`.
    case mastodon
    /// Extended grapheme clusters (Swift `Character`s).
    case graphemes
    /// UTF-16 code units, which Java and JavaScript back ends count; never fewer than graphemes.
    case utf16
    /// Threads: grapheme clusters, an emoji counting as its UTF-8 bytes.
    case threads
  }

  /// The network this profile is for.
  public let network: Network
  /// A name for people, e.g. "X" or "Discord webhook".
  public let name: String
  /// The most the network accepts, in its own count; nil for no limit.
  public let limit: Int?
  /// A second limit in UTF-8 bytes (Bluesky's 3,000), checked beside `limit`.
  public let maxUTF8Bytes: Int?
  /// A second limit in Unicode scalars, checked beside `limit`: servers that speak a network's
  /// API do not all count its way (mastodon-mock counts links at full length), so Mastodon
  /// posts stay within the limit however a server counts.
  public let maxScalars: Int?
  /// How the network counts.
  public let counting: Counting
  /// Whether posts carry rich-text facets (Bluesky).
  public let hasFacets: Bool
  /// The most hashtags a post carries (Threads takes one topic), the main one first; nil: no cap.
  public let maxHashtags: Int?
  /// The template used when the configuration gives none.
  public let defaultTemplate: String

  /// A profile with its own limit and counting, for networks and servers that differ.
  public init(
    network: Network, name: String, limit: Int?, maxUTF8Bytes: Int? = nil, maxScalars: Int? = nil,
    counting: Counting,
    hasFacets: Bool = false, maxHashtags: Int? = nil,
    defaultTemplate: String = NetworkProfile.standardTemplate
  ) {
    self.maxHashtags = maxHashtags
    self.network = network
    self.name = name
    self.limit = limit
    self.maxUTF8Bytes = maxUTF8Bytes
    self.maxScalars = maxScalars
    self.counting = counting
    self.hasFacets = hasFacets
    self.defaultTemplate = defaultTemplate
  }

  /// The length the network counts for `text`.
  public func length(of text: String) -> Int {
    switch counting {
    case .twitterText: TwitterText.weightedLength(text)
    case .mastodon: MastodonText.length(text)
    case .graphemes: text.count
    case .utf16: text.utf16.count
    case .threads: text.reduce(0) { $0 + (Self.isEmoji($1) ? $1.utf8.count : 1) }
    }
  }

  /// Whether `character` is an emoji as Threads counts them: a cluster holding a pictograph
  /// (❤, ©, 🎉, a ZWJ sequence), a flag's regional indicators, or a keycap. ASCII digits, `#`
  /// and `*` alone are text, and would count 1 either way.
  static func isEmoji(_ character: Character) -> Bool {
    character.unicodeScalars.contains { scalar in
      scalar.value == 0x20E3
        || scalar.value > 0x7F && scalar.properties.isEmoji && !scalar.properties.isEmojiModifier
    }
  }

  /// Whether the network would take `text` as it stands.
  public func fits(_ text: String) -> Bool {
    if let maxUTF8Bytes, text.utf8.count > maxUTF8Bytes { return false }
    if let maxScalars, text.unicodeScalars.count > maxScalars { return false }
    if counting == .twitterText {
      // X also refuses U+FFFE, U+FEFF and U+FFFF whatever the length.
      let result = TwitterText.parse(text)
      return result.isValid && limit.map { result.weightedLength <= $0 } ?? true
    }
    guard let limit else { return true }
    return length(of: text) <= limit
  }

  /// Title, summary, link and hashtags, each in its own paragraph.
  public static let standardTemplate = "{title}\n\n{summary}\n\n{url}\n\n{hashtags}"
  /// X's: tighter, with the account credit after the hashtags.
  public static let xTemplate = "{title}\n\n{summary}\n\n{url}\n{hashtags} {via}"

  /// X: 280 weighted characters (twitter-text v3).
  public static let x = NetworkProfile(
    network: .x, name: "X", limit: TwitterText.Configuration.v3.maxWeightedTweetLength,
    counting: .twitterText, defaultTemplate: xTemplate)

  /// Bluesky: 300 graphemes and 3,000 UTF-8 bytes, with link and tag facets.
  public static let bluesky = NetworkProfile(
    network: .bluesky, name: "Bluesky", limit: BlueskyFacets.maxGraphemes,
    maxUTF8Bytes: BlueskyFacets.maxBytes, counting: .graphemes, hasFacets: true)

  /// LinkedIn: 3,000 characters, counted in UTF-16 as its Java back end does.
  public static let linkedin = NetworkProfile(
    network: .linkedin, name: "LinkedIn", limit: 3000, counting: .utf16)

  /// Threads: 500 characters (an emoji counts its UTF-8 bytes), one topic tag, and at most
  /// five links, which a post's single permalink keeps to.
  public static let threads = NetworkProfile(
    network: .threads, name: "Threads", limit: 500, counting: .threads, maxHashtags: 1)

  /// Mastodon with the server's limit (500 unless the server says otherwise).
  ///
  /// `linksInFull` also keeps the text within `limit` when links count at full length, as
  /// some servers (mastodon-mock among them) count them.
  public static func mastodon(limit: Int = MastodonText.defaultLimit, linksInFull: Bool = true)
    -> NetworkProfile
  {
    NetworkProfile(
      network: .mastodon, name: "Mastodon", limit: limit, maxScalars: linksInFull ? limit : nil,
      counting: .mastodon)
  }

  /// A webhook of the given format.
  public static func webhook(_ format: WebhookFormat) -> NetworkProfile {
    switch format {
    case .slack:
      NetworkProfile(network: .webhook, name: "Slack webhook", limit: 40_000, counting: .utf16)
    case .discord:
      NetworkProfile(network: .webhook, name: "Discord webhook", limit: 2000, counting: .utf16)
    case .json:
      NetworkProfile(network: .webhook, name: "JSON webhook", limit: nil, counting: .utf16)
    }
  }

  /// The usual profile of `network` (a JSON webhook for `.webhook`).
  public static func standard(for network: Network) -> NetworkProfile {
    switch network {
    case .mastodon: .mastodon()
    case .bluesky: .bluesky
    case .x: .x
    case .linkedin: .linkedin
    case .webhook: .webhook(.json)
    case .threads: .threads
    }
  }
}
