internal import Feeds
internal import Images
internal import Posts
internal import Social

/// The pictures the feeds are about to carry, checked where that is cheap: one on the site is
/// read from `site.static` and probed (a missing file, an SVG, a text file named `.png` are
/// left out with a warning). Only the entries the feeds hold are checked, never the whole
/// archive; a URL elsewhere is left to the reader, as a browser would.
struct PictureCheck {
  /// A picture left out of the feeds, and why.
  struct Problem {
    var postID: String
    var picture: LeftOutPicture
    var diagnostic: Diagnostic {
      Diagnostic(
        .warning, path: picture.path, line: picture.line,
        "the image \(picture.image) is left out: \(picture.reason)")
    }
  }

  private let store: ImageStore?

  init(_ configuration: HeraldConfiguration) {
    store = configuration.staticFolder.map { folder in
      ImageStore(
        staticFolder: folder.url, siteURL: configuration.site.url, cacheFolder: nil,
        connectTimeout: .seconds(configuration.httpConnectTimeout),
        timeout: .seconds(configuration.httpTimeout))
    }
  }

  /// The entries of `plan`'s feeds whose site-path picture cannot be shown.
  func leftOut(in plan: FeedPlan, published: [Post]) -> [Problem] {
    guard let store else { return [] }
    let members = Set(plan.feeds.flatMap(\.members))
    let ids = Set(members.compactMap { plan.entries[$0].image == nil ? nil : plan.entries[$0].id })
    guard !ids.isEmpty else { return [] }
    var problems: [Problem] = []
    for post in published where ids.contains(post.id) {
      guard let image = post.image else { continue }
      let location = PayloadImage(image, permalink: post.permalink).location
      guard store.sitePath(location) != nil else { continue }
      do {
        _ = try store.probe(location)
      } catch {
        problems.append(
          Problem(
            postID: post.id,
            picture: LeftOutPicture(
              path: post.source.displayPath, line: image.line, image: image.reference, reason: error.message))
        )
      }
    }
    return problems
  }
}

/// A picture left out of a post's feed entry or social posts, and why.
public struct LeftOutPicture: Sendable, Hashable {
  /// The post's file, as diagnostics print it.
  public var path: String
  /// The line that names the picture.
  public var line: Int?
  /// The picture as the post names it.
  public var image: String
  /// Why.
  public var reason: String
}
