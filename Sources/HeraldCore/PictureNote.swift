/// What becomes of a post's picture on one network, as `preview` tells it.
public struct PictureNote: Sendable, Equatable {
  /// Where the picture stands on the network.
  public enum Fate: Sendable, Equatable {
    /// It goes with the post: uploaded, or fetched by the network from its URL.
    case sent
    /// The network takes none (it may draw a card from the page itself).
    case notTaken
    /// It cannot be used, and the post goes without it.
    case leftOut
    /// It was named but not read: the post is not announced.
    case unchecked
  }

  /// Where the picture stands.
  public var fate: Fate
  /// The file, its format and size, the variant sent or the URL fetched, the alt text; or why
  /// it does not go.
  public var line: String

  /// A note of `fate`, told by `line`.
  public init(_ fate: Fate, _ line: String) {
    self.fate = fate
    self.line = line
  }
}
