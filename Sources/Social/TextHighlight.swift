/// A stretch of a social post's text that its network draws as a link or a hashtag, so a
/// review page can draw the post as people will see it.
public struct TextHighlight: Sendable, Equatable {
  /// What the stretch becomes on the network.
  public enum Kind: Sendable, Equatable {
    /// A link to `url`.
    case link(url: String)
    /// A hashtag; the name is without its `#`.
    case tag(String)
  }

  /// UTF-8 byte offsets into the text (start inclusive, end exclusive): the unit of Bluesky's
  /// facets, so that a facet is drawn over exactly the bytes it will be sent with.
  public var bytes: Range<Int>
  /// What the stretch becomes.
  public var kind: Kind

  /// A highlight of `bytes` as `kind`.
  public init(bytes: Range<Int>, kind: Kind) {
    self.bytes = bytes
    self.kind = kind
  }
}
