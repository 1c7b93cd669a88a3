import Foundation
import TestSupport
import Testing

/// Pictures in the feeds: each post's image as Media RSS and JSON Feed `image`, read back by
/// feedparser; a bad one (missing, SVG, text named .png) named in a warning and left out,
/// the post still in the feeds.
@Suite struct PictureTests {
  @Test func feedsCarryEachGoodPictureAndNameEachBadOne() throws {
    let site = try TestSite(extraSite: "  static: static")
    try TestImages.link(at: site.root.appendingPathComponent("static/img"))
    try site.post(
      "good.md", title: "Good", date: "2025-03-01T10:00:00Z",
      extra: "image: /img/card.png\nimage_alt: The stage")
    try site.post(
      "body.md", title: "Body", date: "2025-03-02T10:00:00Z", body: "Text.\n\n![A logo](/img/logo.png)")
    try site.post(
      "missing.md", title: "Missing", date: "2025-03-03T10:00:00Z", body: "![gone](/img/gone.png)")
    try site.post("svg.md", title: "SVG", date: "2025-03-04T10:00:00Z", extra: "image: /img/script.svg")
    try site.post("text.md", title: "Text", date: "2025-03-05T10:00:00Z", extra: "image: /img/text.png")
    try site.post(
      "off.md", title: "Off", date: "2025-03-06T10:00:00Z", extra: "syndication:\n  image: false",
      body: "![x](/img/card.png)")

    let build = try site.herald("build", "--now", "2026-01-01T00:00:00Z")
    #expect(build.status == 0, "\(build.errors)")
    for (file, line) in [("missing.md", 6), ("svg.md", 4), ("text.md", 4)] {
      #expect(build.errors.contains("posts/\(file):\(line): warning: the image"), "\(build.errors)")
    }
    #expect(build.errors.components(separatedBy: "warning:").count == 4, "one warning per bad image")

    let script = """
      import feedparser, json, sys
      out = {}
      for name in sys.argv[1:]:
          d = feedparser.parse(name)
          out[name] = {e.title: [m['url'] for m in e.get('media_thumbnail', [])] for e in d.entries}
      print(json.dumps(out))
      """
    let read = try Program.run(
      Program.find("python3") ?? "/usr/bin/python3",
      ["-c", script, site.path("public/atom.xml"), site.path("public/rss.xml")])
    let thumbnails = try JSONDecoder().decode([String: [String: [String]]].self, from: Data(read.output.utf8))
    for file in ["atom.xml", "rss.xml"] {
      let feed = try #require(thumbnails[site.path("public/" + file)])
      #expect(feed["Good"] == ["https://openinfra.org/img/card.png"])
      #expect(feed["Body"] == ["https://openinfra.org/img/logo.png"])
      for title in ["Missing", "SVG", "Text", "Off"] { #expect(feed[title] == [], "\(file): \(title)") }
    }
    let atom = try String(contentsOfFile: site.path("public/atom.xml"), encoding: .utf8)
    #expect(atom.contains("<media:description type=\"plain\">The stage</media:description>"))
    let json = try String(contentsOfFile: site.path("public/feed.json"), encoding: .utf8)
    #expect(json.components(separatedBy: "\"image\": ").count == 3)
    #expect(try FeedReaders.jing(site.path("public/atom.xml")) == "")
  }

  @Test func aStaticFolderThatIsNotThereIsNamedOnceOnItsLine() throws {
    let site = try TestSite(extraSite: "  static: nowhere")
    try site.post("a.md", title: "A", date: "2025-03-01T10:00:00Z", extra: "image: /img/a.png")
    let build = try site.herald("build", "--now", "2026-01-01T00:00:00Z")
    #expect(build.status == 0, "\(build.errors)")
    let line = try site.folder.read("herald.yml").split(separator: "\n", omittingEmptySubsequences: false)
      .firstIndex { $0.contains("static: nowhere") }.map { $0 + 1 }
    #expect(
      build.errors.contains("herald.yml:\(line ?? 0): warning: 'site.static' (")
        && build.errors.contains("is not a folder"),
      "\(build.errors)")
    let check = try site.herald("check", "--now", "2026-01-01T00:00:00Z")
    #expect(check.status == 1 && check.errors.contains("error: 'site.static'"), "\(check.errors)")
  }
}
