import Foundation
import TestSupport
import Testing

/// What goes into the feeds, and what stays the same from one build to the next.
@Suite(.serialized) struct PublishingRulesTests {
  func titles(_ site: TestSite, _ feed: String = "public/atom.xml") throws -> [String] {
    try #require(try site.readAllFeeds()[feed]).entries.map(\.title)
  }

  @Test func nowDraftsAndHiddenPostsDecideWhatIsPublished() throws {
    let site = try TestSite()
    try site.post("old.md", title: "Old", date: "2025-01-01T10:00:00Z")
    try site.post("hidden.md", title: "Hidden", date: "2025-02-01T10:00:00Z", extra: "hidePost: true")
    try site.post("draft.md", title: "Draft", date: "2025-03-01T10:00:00Z", extra: "draft: true")
    try site.post("page.md", title: "Page", date: "2025-03-01T10:00:00Z", extra: "templateKey: index-page")
    try site.post("later.md", title: "Later", date: "2025-06-01T10:00:00+02:00")

    #expect(try site.herald("build", "--now", "2025-06-01T07:59:59Z").status == 0)
    #expect(try titles(site) == ["Hidden", "Old"])
    #expect(try site.herald("build", "--now", "2025-06-01T08:00:00Z").status == 0)
    #expect(try titles(site) == ["Later", "Hidden", "Old"])

    try site.writeConfiguration(hiddenPosts: "exclude")
    #expect(try site.herald("build", "--now", "2025-06-01T08:00:00Z").status == 0)
    #expect(try titles(site) == ["Later", "Old"])
  }

  @Test func limitKeepsTheNewestAndCategoriesGetTheirOwnFeeds() throws {
    let site = try TestSite(limit: 2)
    for day in 1...4 {
      try site.post(
        "p\(day).md", title: "Post \(day)", date: "2025-01-0\(day)",
        extra: "category:\n  - {value: c1, label: \"News & Announcements\"}\n"
          + (day % 2 == 0 ? "  - Zuul\n" : ""))
    }
    #expect(try site.herald("build").status == 0)
    #expect(try titles(site) == ["Post 4", "Post 3"])
    #expect(try titles(site, "public/categories/news-announcements/rss.xml") == ["Post 4", "Post 3"])
    #expect(try titles(site, "public/categories/zuul/atom.xml") == ["Post 4", "Post 2"])
    let feed = try #require(try site.readAllFeeds()["public/categories/zuul/atom.xml"])
    #expect(feed.selfLink == "https://openinfra.org/feeds/categories/zuul/atom.xml")
    #expect(feed.title == "OpenInfra Foundation Blog: Zuul")
    #expect(
      try site.folder.read("public/categories/zuul/rss.xml").contains(
        "<?xml-stylesheet type=\"text/css\" href=\"../../feed.css\"?>"))

    // A category without posts loses its feeds.
    try site.post("p2.md", title: "Post 2", date: "2025-01-02")
    try site.post("p4.md", title: "Post 4", date: "2025-01-04")
    #expect(try site.herald("build").status == 0)
    #expect(!FileManager.default.fileExists(atPath: site.path("public/categories/zuul/atom.xml")))
  }

  @Test func anEntryIdNeverChangesOnItsOwn() throws {
    let site = try TestSite()
    try site.post(
      "moving.md", title: "Moving", date: "2025-01-01",
      extra: "seo:\n  url: https://openinfra.org/blog/first-url")
    #expect(try site.herald("build").status == 0)
    try site.post(
      "moving.md", title: "Moving", date: "2025-01-01",
      extra: "seo:\n  url: https://openinfra.org/blog/second-url")
    #expect(try site.herald("build").status == 0)
    let entry = try #require(try site.readAllFeeds()["public/atom.xml"]?.entries.first)
    #expect(entry.id == "https://openinfra.org/blog/first-url")
    #expect(entry.link == "https://openinfra.org/blog/second-url")
  }

  @Test func twoFilesClaimingOnePermalinkAreBothPublishedWithDistinctIds() throws {
    let site = try TestSite()
    let seo = "seo:\n  url: https://openinfra.org/blog/meet-ant-group"
    try site.post("meet-ant-group.md", title: "Meet Ant Group", date: "2025-11-05T20:03:45Z", extra: seo)
    try site.post("meet-ant-group-1.md", title: "Meet Ant Group", date: "2025-11-05T20:03:45Z", extra: seo)
    let build = try site.herald("build")
    #expect(build.status == 0)
    #expect(
      build.errors
        == "posts/meet-ant-group-1.md:5: warning: permalink https://openinfra.org/blog/meet-ant-group is also claimed by posts/meet-ant-group.md; both are published, this one with id https://openinfra.org/blog/meet-ant-group-1\n"
    )
    for feed in try site.readAllFeeds().values {
      #expect(feed.entries.count == 2)
      #expect(Set(feed.entries.map(\.link)) == ["https://openinfra.org/blog/meet-ant-group"])
    }
  }

  @Test func theHubFromTheCredentialsIsAdvertised() throws {
    let site = try TestSite()
    try site.post("a.md", title: "A", date: "2025-01-01")
    try site.folder.write(
      "credentials", "# hub\nWEBSUB_HUB=https://hub.example.org/\nMASTODON_TOKEN=s3cr3t-token\n")
    chmod(site.path("credentials"), 0o600)
    let build = try site.herald("build", "--verbose", "--credentials", "credentials")
    #expect(build.status == 0)
    #expect(
      try site.folder.read("public/atom.xml").contains(
        "<link rel=\"hub\" href=\"https://hub.example.org/\"/>"))
    #expect(
      try site.folder.read("public/rss.xml").contains(
        "<atom:link rel=\"hub\" href=\"https://hub.example.org/\"/>"))
    #expect(try site.folder.read("public/feed.json").contains("\"type\": \"WebSub\""))
    #expect(!(build.output + build.errors).contains("s3cr3t"))

    // The environment overrides the file.
    _ = try site.herald(
      "build", "--credentials", "credentials", environment: ["WEBSUB_HUB": "https://other.example.org/"])
    #expect(try site.folder.read("public/atom.xml").contains("href=\"https://other.example.org/\""))
  }

  @Test func aCredentialsFileOthersCanReadIsRefused() throws {
    let site = try TestSite()
    try site.post("a.md", title: "A", date: "2025-01-01")
    try site.folder.write("credentials", "MASTODON_TOKEN=s3cr3t-token\nWEBSUB_HUB=http://hub.example.org/\n")
    chmod(site.path("credentials"), 0o644)
    let refused = try site.herald("build")
    #expect(refused.status == 2)
    #expect(
      refused.errors
        == "credentials: error: the credentials file can be read by others (mode 644); run: chmod 600 credentials\n"
    )
    chmod(site.path("credentials"), 0o600)
    let insecureHub = try site.herald("build")
    #expect(insecureHub.status == 2)
    #expect(insecureHub.errors.contains("WEBSUB_HUB must be an https:// URL"))
    #expect(!insecureHub.errors.contains("s3cr3t"))
    try site.folder.write("credentials", "WEBSUB_HUB=http://127.0.0.1:8080/\nthis line is not a key\n")
    let malformed = try site.herald("build")
    #expect(malformed.status == 2)
    #expect(malformed.errors == "credentials:2: error: expected KEY=value\n")
  }
}
