import Foundation
import Posts
import TestSupport
import Testing

/// A post's picture: the front matter's `image` (or `seo.image`), else the body's first image,
/// with its alt text and line; `syndication.image: false` turns it off.
@Suite struct PostImageTests {
  let reader = PostReader(
    site: .init(
      url: "https://openinfra.org", blogPath: "/blog/", timeZone: TimeZone(secondsFromGMT: 0)!,
      networks: ["mastodon", "bluesky"]))

  func picture(_ front: String, _ body: String) throws -> PostImage? {
    var warnings: [Diagnostic] = []
    let text = "---\ntitle: T\ndate: 2025-01-01T00:00:00Z\n\(front)---\n\(body)"
    return try reader.read(
      Data(text.utf8), source: .init(displayPath: "posts/p.md", relativePath: "p.md"), warnings: &warnings
    ).image
  }

  @Test func theFrontMatterWinsOverTheBody() throws {
    let image = try picture("image: /img/card.png\nimage_alt: The summit stage\n", "![other](/img/x.png)\n")
    #expect(image == PostImage(reference: "/img/card.png", alt: "The summit stage", line: 4))
    let seo = try picture("seo:\n  image: https://cdn.example/a.jpg\n", "")
    #expect(seo?.reference == "https://cdn.example/a.jpg" && seo?.alt == "")
  }

  @Test func elseTheBodysFirstImageWithItsAltTextAndLine() throws {
    let body =
      "Intro.\n\n```\n![not this](/img/code.png)\n```\n\nText ![A  diagram](/img/d.png \"Title\") more.\n"
    #expect(try picture("", body) == PostImage(reference: "/img/d.png", alt: "A diagram", line: 11))
    let html = try picture("", "<p><IMG class=\"x\" alt='Two people' src=\"/img/people.jpg\"></p>\n")
    #expect(html?.reference == "/img/people.jpg" && html?.alt == "Two people")
    #expect(try picture("", "![](/img/os_tc1.png)\n")?.alt == "")
  }

  @Test func syndicationImageFalseAndNoImageGiveNone() throws {
    #expect(try picture("syndication:\n  image: false\n", "![a](/img/a.png)\n") == nil)
    #expect(try picture("", "No picture here; ![not closed\n") == nil)
    #expect(try picture("", "![inline](data:image/png;base64,AAAA)\n") == nil)
  }

  @Test func theArchiveKeepsThePicture() throws {
    var warnings: [Diagnostic] = []
    let post = try reader.read(
      Data("---\ntitle: T\ndate: 2025-01-01T00:00:00Z\nimage: /img/a.png\nimage_alt: A\n---\n".utf8),
      source: .init(displayPath: "posts/p.md", relativePath: "p.md"), warnings: &warnings)
    let decoded = PostArchive.decode(PostArchive.encode(post: post, diagnostics: []))
    #expect(decoded?.post?.image == post.image)
  }
}
