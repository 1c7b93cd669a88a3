public import Foundation

/// A post's picture made small enough to embed in a page, or why it cannot be shown.
public struct PictureThumbnail: Sendable, Equatable {
  /// The small copy, or why there is none.
  public enum Content: Sendable, Equatable {
    /// The encoded picture (`image/jpeg` or `image/png`) and its size in pixels.
    case image(mediaType: String, data: Data, width: Int, height: Int)
    /// Why it cannot be shown: missing, unreadable, or not on the site.
    case unavailable(String)
  }

  /// The path or URL the post gives.
  public var reference: String
  /// The alt text; empty when the post gives none.
  public var alt: String
  /// The small copy, or why there is none.
  public var content: Content

  /// A thumbnail of `reference`.
  public init(reference: String, alt: String, content: Content) {
    self.reference = reference
    self.alt = alt
    self.content = content
  }

  /// `data:image/jpeg;base64,…`: the picture inside the page, so the page needs nothing else.
  public var dataURI: String? {
    guard case .image(let mediaType, let data, _, _) = content else { return nil }
    return "data:\(mediaType);base64,\(data.base64EncodedString())"
  }
}
