/// A social post ready to send: its text, measured the network's way.
public struct ComposedPost: Sendable, Equatable {
  /// How far the composer had to go to make the post fit.
  public enum Shortening: String, Sendable, Codable, Comparable {
    /// Everything fitted.
    case none
    /// The summary was cut at a word (or grapheme) and ends with "…".
    case summaryShortened
    /// The summary was left out.
    case summaryDropped
    /// The title was cut too.
    case titleShortened
    /// Some extra hashtags were left out too.
    case extraHashtagsDropped
    /// Only the link, hashtag and credit were left.
    case titleDropped

    private var rank: Int {
      switch self {
      case .none: 0
      case .summaryShortened: 1
      case .summaryDropped: 2
      case .titleShortened: 3
      case .extraHashtagsDropped: 4
      case .titleDropped: 5
      }
    }

    /// Orders by how much was given up.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
  }

  /// The network the post is for.
  public let network: Network
  /// The text to send.
  public let text: String
  /// The network's count of `text`.
  public let length: Int
  /// The network's limit, nil where there is none.
  public let limit: Int?
  /// Bluesky's facets for `text` (empty for other networks).
  public let facets: [Facet]
  /// The permalink as it went into the text, whole.
  public let permalink: String
  /// The title as it went into the text (whole, cut with "…", or empty).
  public let title: String
  /// The summary as it went into the text (whole, cut with "…", or empty).
  public let summary: String
  /// The hashtags in the text, the site's first.
  public let hashtags: [String]
  /// What had to give for the post to fit.
  public let shortening: Shortening
}
