/// A Bluesky rich-text facet (`app.bsky.richtext.facet`), as a post record carries it.
///
/// Encodes to `{"index":{"byteStart":N,"byteEnd":M},"features":[{"$type":…,…}]}`, in that
/// key order, with UTF-8 byte offsets into the post's text (start inclusive, end exclusive).
public struct Facet: Codable, Equatable, Sendable {
  /// Where a facet applies: UTF-8 byte offsets into the text.
  public struct ByteSlice: Codable, Equatable, Sendable {
    /// First byte, inclusive.
    public var byteStart: Int
    /// Byte after the last one.
    public var byteEnd: Int

    /// A byte range of the post's UTF-8 text.
    public init(byteStart: Int, byteEnd: Int) {
      self.byteStart = byteStart
      self.byteEnd = byteEnd
    }

    /// The same bytes as a Swift range.
    public var range: Range<Int> { byteStart..<byteEnd }
  }

  /// What a facet makes of its bytes.
  public enum Feature: Codable, Equatable, Sendable {
    /// `app.bsky.richtext.facet#link`: the bytes link to `uri`.
    case link(uri: String)
    /// `app.bsky.richtext.facet#tag`: a hashtag, without its `#`.
    case tag(String)
    /// `app.bsky.richtext.facet#mention`: the bytes mention the account `did`.
    case mention(did: String)

    private enum CodingKeys: String, CodingKey {
      case type = "$type"
      case uri, tag, did
    }

    static let linkType = "app.bsky.richtext.facet#link"
    static let tagType = "app.bsky.richtext.facet#tag"
    static let mentionType = "app.bsky.richtext.facet#mention"

    /// Reads a feature by its `$type`.
    public init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      let type = try container.decode(String.self, forKey: .type)
      switch type {
      case Self.linkType: self = .link(uri: try container.decode(String.self, forKey: .uri))
      case Self.tagType: self = .tag(try container.decode(String.self, forKey: .tag))
      case Self.mentionType: self = .mention(did: try container.decode(String.self, forKey: .did))
      default:
        throw DecodingError.dataCorruptedError(
          forKey: .type, in: container, debugDescription: "unknown facet feature \(type)")
      }
    }

    /// Writes `$type` first, as Bluesky's own clients do.
    public func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      switch self {
      case .link(let uri):
        try container.encode(Self.linkType, forKey: .type)
        try container.encode(uri, forKey: .uri)
      case .tag(let tag):
        try container.encode(Self.tagType, forKey: .type)
        try container.encode(tag, forKey: .tag)
      case .mention(let did):
        try container.encode(Self.mentionType, forKey: .type)
        try container.encode(did, forKey: .did)
      }
    }
  }

  /// The bytes the facet covers.
  public var index: ByteSlice
  /// What the facet makes of them.
  public var features: [Feature]

  /// A facet over `index` with `features`.
  public init(index: ByteSlice, features: [Feature]) {
    self.index = index
    self.features = features
  }

  private enum CodingKeys: String, CodingKey {
    case index, features
  }

  /// Writes `index` before `features`, the order of the lexicon.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(index, forKey: .index)
    try container.encode(features, forKey: .features)
  }

  /// Reads a facet from a record.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    index = try container.decode(ByteSlice.self, forKey: .index)
    features = try container.decode([Feature].self, forKey: .features)
  }
}

extension Facet.ByteSlice {
  private enum CodingKeys: String, CodingKey {
    case byteStart, byteEnd
  }

  /// Writes `byteStart` before `byteEnd`, the order of the lexicon.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(byteStart, forKey: .byteStart)
    try container.encode(byteEnd, forKey: .byteEnd)
  }
}
