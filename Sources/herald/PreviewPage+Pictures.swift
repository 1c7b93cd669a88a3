import HeraldCore
import Posts

extension PreviewPage {
  /// The posts' thumbnails as stylesheet classes: each picture is embedded once, however many
  /// cards show it, which keeps a page of thirty posts on six networks a few megabytes.
  struct PictureClasses {
    /// The class of each post's thumbnail, by the post's place on the page.
    private var classes: [Int: String] = [:]
    /// One rule per distinct picture.
    private(set) var css = ""

    init(_ previews: [PostPreview]) {
      var seen: [String: String] = [:]
      for (index, preview) in previews.enumerated() {
        guard let uri = preview.thumbnail?.dataURI else { continue }
        if let known = seen[uri] {
          classes[index] = known
          continue
        }
        let name = "picture-\(seen.count + 1)"
        seen[uri] = name
        classes[index] = name
        // A data URI is base64 and a media type Herald chose: nothing in it needs escaping.
        css += ".\(name) { background-image: url(\"\(uri)\"); }\n"
      }
    }

    /// The post's picture, or a placeholder that says why it is not shown. `keepShape` sizes
    /// the box to the picture's proportions; cards crop to their own.
    func box(for index: Int, thumbnail: PictureThumbnail, keepShape: Bool = false) -> String {
      switch thumbnail.content {
      case .image(_, _, let width, let height):
        guard let name = classes[index] else { return "" }
        let label = thumbnail.alt.isEmpty ? "The post’s picture (no alt text)" : thumbnail.alt
        let shape = keepShape ? " style=\"aspect-ratio: \(width) / \(height)\"" : ""
        return
          "<div class=\"thumb \(name)\" role=\"img\" aria-label=\"\(HTMLText.escape(label))\"\(shape)></div>"
      case .unavailable(let reason):
        return "<div class=\"thumb missing\">Picture not shown: \(HTMLText.escape(reason))</div>"
      }
    }
  }
}
