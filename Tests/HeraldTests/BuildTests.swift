import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct BuildTests {
  @Test func theRealBlogBuildsAndEveryReaderSeesEveryPost() throws {
    let corpus = try #require(SharedData.corpus, "../shared is needed")
    let site = try TestSite(limit: 0)
    try site.copyPosts(from: corpus)
    try FileManager.default.copyItem(
      at: try #require(SharedData.seed),
      to: site.root.appendingPathComponent("posts/openinfra-summit-europe.md"))
    let postCount = try FileManager.default.contentsOfDirectory(atPath: site.path("posts")).count

    let build = try site.herald("build", "--now", "2026-11-25T00:00:00Z")
    #expect(build.status == 0, "\(build.errors)")
    #expect(build.errors == "")
    let feeds = try site.readAllFeeds()
    let atom = try #require(feeds["public/atom.xml"])
    let rss = try #require(feeds["public/rss.xml"])
    let json = try #require(feeds["public/feed.json"])
    #expect(atom.entries.count == postCount)
    #expect(rss.entries.count == postCount)
    #expect(json.entries.count == postCount)
    #expect(rss.entries.map(\.id) == atom.entries.map(\.id))
    #expect(json.entries.map(\.id) == atom.entries.map(\.id))

    // Newest first, with titles, permalinks, categories and absolute URLs in full content.
    #expect(atom.entries.first?.title == "Inside Open Infrastructure: March 2026")
    #expect(atom.entries.first?.link == "https://openinfra.org/blog/openinfra-newsletter-march-2026")
    let seed = try #require(
      atom.entries.first { $0.link == "https://openinfra.org/blog/openinfra-summit-europe" })
    #expect(seed.title == "What You May Have Missed from OpenInfra Summit Europe 2025")
    #expect(seed.tags == ["Community"])
    #expect(seed.author == "Helena Spease")
    #expect(seed.published == "2025-11-03T18:17:17")
    #expect(seed.content.contains("École Polytechnique"))
    for entry in atom.entries {
      #expect(
        !entry.content.contains("src=\"/") && !entry.content.contains("href=\"/"),
        "\(entry.link) keeps a relative URL")
      #expect(!entry.tags.isEmpty, "\(entry.link) lost its categories")
    }
    let kohn = try #require(atom.entries.first { $0.title.contains("Dan Kohn") })
    #expect(kohn.published == "2020-11-06T13:30:56")
    #expect(feeds.keys.contains("public/categories/community/atom.xml"))
    #expect(feeds.keys.contains("public/categories/news-announcements/rss.xml"))

    // A second build changes no byte and rewrites no file.
    let before = try snapshot(site)
    let again = try site.herald("build", "--now", "2026-11-25T00:00:00Z")
    #expect(again.status == 0)
    #expect(again.output.contains("0 files written"))
    #expect(try snapshot(site) == before)
  }

  /// Every output file's bytes and modification time.
  func snapshot(_ site: TestSite) throws -> [String: String] {
    var result: [String: String] = [:]
    for file in try site.feedFiles() + ["public/feed.css", "public/index.html", "state/entry-ids.json"] {
      let attributes = try FileManager.default.attributesOfItem(atPath: site.path(file))
      let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
      result[file] = "\(modified) \(try Data(contentsOf: URL(fileURLWithPath: site.path(file))).hashValue)"
    }
    return result
  }

  @Test func newsboatReadsTheFeeds() throws {
    let newsboat = try #require(Program.find("newsboat"), "newsboat is needed (make test-deps)")
    let corpus = try #require(SharedData.corpus, "../shared is needed")
    let site = try TestSite(limit: 0)
    try site.copyPosts(from: corpus)
    #expect(try site.herald("build").status == 0)
    for feed in ["atom.xml", "rss.xml"] {
      // One cache per feed: newsboat keeps one item per guid, and both feeds share ids.
      try site.folder.write("urls-\(feed)", "file://\(site.path("public/" + feed))\n")
      let reload = try Program.run(
        newsboat,
        [
          "-u", site.path("urls-\(feed)"), "-c", site.path("cache-\(feed).db"), "-C", "/dev/null", "-x",
          "reload",
        ],
        environment: ["HOME": site.root.path])
      #expect(reload.status == 0, "\(reload.errors)")
      let query = try Program.run(
        "/usr/bin/env",
        [
          "sqlite3", site.path("cache-\(feed).db"),
          "select count(*), count(distinct url), min(length(content)) from rss_item;",
        ])
      let counts = query.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|")
      #expect(counts.first == "30", "newsboat stored \(query.output) from \(feed)")
      #expect(Int(counts.last ?? "0") ?? 0 > 100, "newsboat lost the content of \(feed)")
    }
  }

  @Test func theSampleSiteBuildsCleanly() throws {
    let site = try TestSite()
    let samples = SharedData.packageRoot.appendingPathComponent("feeds/posts")
    try site.copyPosts(from: samples)
    let check = try site.herald("check", "--now", "2026-11-25T00:00:00Z")
    #expect(check.status == 0, "\(check.errors)")
    #expect(check.errors == "")
    #expect(check.output.contains("1 scheduled, 1 draft"))
    let build = try site.herald("build", "--now", "2026-11-25T00:00:00Z")
    #expect(build.status == 0, "\(build.errors)")
    let feeds = try site.readAllFeeds()
    let atom = try #require(feeds["public/atom.xml"])
    #expect(!atom.entries.contains { $0.title.contains("Time Capsule") || $0.title.contains("StarlingX") })
  }
}
