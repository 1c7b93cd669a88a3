internal import Foundation
public import Images
public import Social

/// Makes a post's picture what one network takes: a variant to upload, or, for a network
/// that fetches pictures itself, the original's URL once the original is known to fit.
public struct PictureMaker {
  private let store: ImageStore

  /// A maker reading and caching through `store`.
  public init(store: ImageStore) { self.store = store }

  /// `image` prepared for a network that takes pictures as `use` says; nil when it takes none.
  public func picture(_ image: PayloadImage, for use: PictureUse, network: Network) throws(ImageFailure)
    -> PreparedPicture?
  {
    switch use {
    case .none:
      return nil
    case .upload(let limits):
      let made = try store.prepare(image.location, limits: limits)
      return PreparedPicture(
        file: made.file.path, url: image.url, mediaType: made.variant.format.mediaType,
        width: made.variant.width,
        height: made.variant.height, byteCount: made.variant.byteCount, alt: image.alt)
    case .link(let limits):
      guard let url = image.url else { throw ImageFailure("it has no public URL for \(network) to fetch") }
      let info = try store.probe(image.location).info
      guard limits.formats.contains(info.format), info.byteCount <= limits.maxBytes,
        max(info.width, info.height) <= limits.maxSide
      else {
        throw ImageFailure(
          "it is \(info.summary); \(network) fetches it as it is and takes "
            + limits.formats.map { $0.rawValue.uppercased() }.joined(separator: " or ")
            + " up to \(ImageInfo.size(limits.maxBytes)) and \(limits.maxSide) px")
      }
      return PreparedPicture(
        file: nil, url: url, mediaType: info.format.mediaType, width: info.width, height: info.height,
        byteCount: info.byteCount, alt: image.alt)
    }
  }
}
