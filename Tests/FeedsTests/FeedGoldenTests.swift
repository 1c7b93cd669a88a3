import Foundation
import Posts
import TestSupport
import Testing

@testable import Feeds

/// The whole output for a few fixture posts, compared byte for byte with checked-in files,
/// then read back by real parsers. `HERALD_UPDATE_GOLDEN=1 swift test` rewrites the files.
@Suite(.serialized) struct FeedGoldenTests {
  static let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
  static let site = FeedSite(
    title: "OpenInfra Foundation Blog", description: "OpenInfra Foundation news & announcements",
    homeURL: "https://openinfra.org/blog/", feedsURL: "https://openinfra.org/feeds/", language: "en",
    author: "OpenInfra Foundation", hub: "https://hub.example.org/", limit: 20,
    generator: Generator(name: "Herald", version: "test", url: nil))

  static func files() throws -> [FeedFile] {
    let reader = PostReader(
      site: .init(url: "https://openinfra.org", blogPath: "/blog/", timeZone: TimeZone(secondsFromGMT: 0)!))
    let folder = fixtures.appendingPathComponent("posts")
    let scan = try reader.readFolder(folder, displayPath: "posts")
    #expect(scan.diagnostics.isEmpty)
    return try FeedPlanner.files(
      for: scan.posts.map(FeedEntry.init), site: site,
      content: FeedTestContent(scan.posts, folder: folder).content)
  }

  @Test func outputMatchesTheGoldenFiles() throws {
    let golden = Self.fixtures.appendingPathComponent("golden")
    // The checked-in copies, which `swift test` copies into the test bundle.
    let source = SharedData.packageRoot.appendingPathComponent("Tests/FeedsTests/Fixtures/golden")
    let files = try Self.files()
    #expect(
      files.map(\.path).sorted() == [
        "atom.xml", "categories/kata-containers/atom.xml", "categories/kata-containers/feed.json",
        "categories/kata-containers/rss.xml", "categories/news-announcements/atom.xml",
        "categories/news-announcements/feed.json", "categories/news-announcements/rss.xml",
        "categories/openstack/atom.xml", "categories/openstack/feed.json", "categories/openstack/rss.xml",
        "categories/zuul/atom.xml", "categories/zuul/feed.json", "categories/zuul/rss.xml", "feed.css",
        "feed.json", "index.html", "rss.xml",
      ])
    for file in files
    where !file.path.hasPrefix("categories/") || file.path.hasPrefix("categories/openstack/") {
      if ProcessInfo.processInfo.environment["HERALD_UPDATE_GOLDEN"] == "1" {
        let target = source.appendingPathComponent(file.path)
        try FileManager.default.createDirectory(
          at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try file.data.write(to: target)
        continue
      }
      let expected = try Data(contentsOf: golden.appendingPathComponent(file.path))
      #expect(
        file.data == expected,
        "\(file.path) differs from its golden file:\n\(String(decoding: file.data, as: UTF8.self))")
    }
  }

  @Test func sameInputSameBytes() throws {
    #expect(try Self.files() == Self.files())
  }

  @Test func realParsersReadEveryFeed() throws {
    let folder = try TemporaryFolder()
    let files = try Self.files()
    for file in files { try folder.write(file.path, file.data) }
    let feeds = files.map(\.path).filter { !FeedPlanner.pageNames.contains($0) }
    let parsed = try FeedReaders.feedparser(feeds.map(folder.path))
    for (path, feed) in zip(feeds, parsed) {
      #expect(feed.bozo == 0, "\(path): \(feed.bozoException ?? "")")
      #expect(Set(feed.entries.map(\.id)).count == feed.entries.count, "\(path) repeats an id")
      // Newest first.
      let dates = feed.entries.compactMap(\.published)
      #expect(dates == dates.sorted(by: >), "\(path) is not newest first")
    }
    for path in feeds where path.hasSuffix("atom.xml") {
      #expect(try FeedReaders.jing(folder.path(path)) == "", "\(path) breaks RFC 4287's schema")
    }

    let atom = try #require(parsed.first { $0.version == "atom10" && $0.entries.count == 3 })
    #expect(atom.selfLink == "https://openinfra.org/feeds/atom.xml")
    let relative = try #require(atom.entries.first { $0.id == "https://openinfra.org/blog/relative-links" })
    #expect(relative.title == "Relative links & images: a <test>")
    #expect(relative.tags == ["OpenStack", "News & Announcements"])
    for url in [
      "https://openinfra.org/docs/guide", "https://openinfra.org/blog/sibling-post",
      "https://openinfra.org/img/a.png", "https://openinfra.org/blog/relative-links#section",
      "mailto:team@openinfra.org", "https://openinfra.org/img/arch.png",
      "https://openinfra.org/blog/img/logo.png",
    ] {
      #expect(relative.content.contains("\"\(url)\""), "content lacks \(url)")
    }
    for unsafe in ["<script", "onerror", "javascript:"] {
      #expect(!relative.content.contains(unsafe), "content still has \(unsafe)")
    }
    // feedparser's sanitiser drops srcset, so look at the bytes Herald wrote.
    #expect(
      try folder.read("atom.xml").contains(
        "srcset=&quot;https://openinfra.org/blog/img/logo.png 1x, https://openinfra.org/img/logo@2x.png 2x&quot;"
      ))
    let json = try #require(parsed.first { $0.version == "json11" && $0.entries.count == 3 })
    #expect(json.entries.map(\.id) == atom.entries.map(\.id))
    #expect(json.entries.map(\.published) == atom.entries.map(\.published))
    let hostile = try #require(atom.entries.first { $0.title.hasPrefix("Control") })
    #expect(hostile.title == "Control characters, ]]> and emoji 🚀 — مرحبا")
    #expect(hostile.content.contains("a CDATA end ]]&gt; and <b>bold</b> &amp; an ampersand"))
    #expect(!hostile.content.contains("onclick"))
    let excerpt = try #require(atom.entries.first { $0.title == "No summary post" })
    #expect(excerpt.summary?.hasSuffix("…") == true)
    #expect(excerpt.author == "Ann, Bob")
  }
}
