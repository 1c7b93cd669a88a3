/// What a social post is made of, before it is fitted to a network.
public struct PostParts: Sendable, Equatable {
  /// The post's title.
  public var title: String
  /// A summary (the post's description); may be empty.
  public var summary: String
  /// The post's permalink, which every social post carries whole.
  public var permalink: String
  /// The site's hashtag, e.g. `#WeAreOpenInfra`; appears exactly once.
  public var hashtag: String
  /// More hashtags, e.g. from categories (`#OpenStack`); dropped first when space runs out.
  public var extraHashtags: [String]
  /// An account to credit, e.g. `@openinfradev`; `{via}` becomes "via @openinfradev".
  public var via: String?

  /// The parts of one post.
  public init(
    title: String, summary: String = "", permalink: String, hashtag: String,
    extraHashtags: [String] = [], via: String? = nil
  ) {
    self.title = title
    self.summary = summary
    self.permalink = permalink
    self.hashtag = hashtag
    self.extraHashtags = extraHashtags
    self.via = via
  }
}
