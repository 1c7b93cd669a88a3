internal import Delivery
internal import Foundation
internal import Images
public import Posts
public import Social

/// What `preview` says of a post's picture on each network: the file, its format and size,
/// the variant that would be sent (or the URL the network fetches), the alt text, or why there
/// is none. Variants are made in a temporary folder: a preview changes nothing.
public struct PicturePreview {
  private let configuration: HeraldConfiguration
  private let store: ImageStore
  private let fetches: Bool

  /// A preview of pictures under `configuration`; with `fetches` false, pictures that are not
  /// in the static folder are named but not read, so nothing goes over the network.
  public init(configuration: HeraldConfiguration, fetches: Bool = true) {
    self.configuration = configuration
    self.fetches = fetches
    store = ImageStore(
      staticFolder: configuration.staticFolder?.url, siteURL: configuration.site.url, cacheFolder: nil,
      connectTimeout: .seconds(configuration.httpConnectTimeout), timeout: .seconds(configuration.httpTimeout)
    )
  }

  /// A note per network of `networks` for `post`, none when the post has no picture;
  /// `check` false names the picture without reading it (a post that will never be announced).
  public func describe(_ post: Post, networks: [Network], check: Bool) -> [Network: PictureNote] {
    guard let image = post.image else { return [:] }
    let alt = image.alt.isEmpty ? "no alt text" : "alt “\(image.alt)”"
    let payload = PayloadImage(image, permalink: post.permalink)
    var notes: [Network: PictureNote] = [:]
    for network in networks {
      let entry = NetworkRegistry.entry(network)
      let use = entry.pictureUse(configuration)
      if use == .none {
        notes[network] = PictureNote(.notTaken, "\(image.reference): \(entry.withoutPicture)")
        continue
      }
      guard check else {
        notes[network] = PictureNote(
          .unchecked, "\(image.reference) (not checked: the post is not announced)")
        continue
      }
      guard fetches || isLocal(payload) else {
        notes[network] = PictureNote(
          .unchecked, "\(image.reference) (not checked: it is not in site.static, and nothing is fetched)")
        continue
      }
      do throws(ImageFailure) {
        let original = try store.probe(payload.location).info
        guard let picture = try PictureMaker(store: store).picture(payload, for: use, network: network) else {
          continue
        }
        let sent =
          picture.file != nil
          ? "sent as \(picture.mediaType.dropFirst(6).uppercased()), \(picture.width) × \(picture.height), "
            + ImageInfo.size(picture.byteCount)
          : "fetched by \(network.rawValue) from \(picture.url ?? "its URL")"
        notes[network] = PictureNote(.sent, "\(image.reference) (\(original.summary)) → \(sent); \(alt)")
      } catch {
        notes[network] = PictureNote(.leftOut, "\(image.reference) is left out: \(error.message)")
      }
    }
    return notes
  }

  /// Whether `payload` is read from the static folder rather than fetched.
  private func isLocal(_ payload: PayloadImage) -> Bool {
    configuration.staticFolder != nil && store.sitePath(payload.location) != nil
  }

  /// The post's picture made small for a page, read only from the static folder: a page made
  /// for review fetches nothing, and one bad picture costs only its own thumbnail. Nil when
  /// the post has no picture.
  public func thumbnail(_ post: Post) -> PictureThumbnail? {
    guard let image = post.image else { return nil }
    let payload = PayloadImage(image, permalink: post.permalink)
    let content: PictureThumbnail.Content
    do throws(ImageFailure) {
      let variant = try ImageProcessor.variant(
        of: try store.localData(payload.location), limits: Self.thumbnail)
      content = .image(
        mediaType: variant.info.format.mediaType, data: variant.data, width: variant.info.width,
        height: variant.info.height)
    } catch {
      content = .unavailable(error.message)
    }
    return PictureThumbnail(reference: image.reference, alt: image.alt, content: content)
  }

  /// 600 px is a card's width on a phone at twice its density; 120 KB keeps a page of thirty
  /// posts a few megabytes.
  static let thumbnail = ImageLimits(maxBytes: 120_000, maxSide: 600, formats: [.jpeg, .png])
}
