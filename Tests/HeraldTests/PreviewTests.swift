import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct PreviewTests {
  static let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

  func sampleSite() throws -> TestSite {
    let site = try TestSite(
      extraSite:
        "  static: static\nsocial:\n  hashtag: \"#WeAreOpenInfra\"\n  announce_since: 2025-01-01T00:00:00Z\n  max_age: 7d"
    )
    try site.copyPosts(from: SharedData.packageRoot.appendingPathComponent("feeds/posts"))
    // The sample's pictures, so nothing is fetched from the real site.
    try FileManager.default.copyItem(
      at: SharedData.packageRoot.appendingPathComponent("feeds/static"),
      to: site.root.appendingPathComponent("static"))
    return site
  }

  @Test func theSamplePreviewMatchesItsGoldenFile() throws {
    let site = try sampleSite()
    let preview = try site.herald("preview", "--now", "2026-03-06T00:00:00Z")
    #expect(preview.status == 0, "\(preview.errors)")
    let goldenPath = "Tests/HeraldTests/Fixtures/preview.txt"
    if ProcessInfo.processInfo.environment["HERALD_UPDATE_GOLDEN"] == "1" {
      try Data(preview.output.utf8).write(to: SharedData.packageRoot.appendingPathComponent(goldenPath))
      return
    }
    let golden = try String(contentsOf: Self.fixtures.appendingPathComponent("preview.txt"), encoding: .utf8)
    #expect(preview.output == golden)
    // Plain text when not a terminal, and nothing wider than 80 columns.
    #expect(!preview.output.contains("\u{1B}["))
    for line in preview.output.split(separator: "\n") {
      #expect(line.count <= 80 || line.contains("  "), "too wide: \(line)")
    }
  }

  @Test func colourWhenAskedAndNeverWithNO_COLOR() throws {
    let site = try sampleSite()
    let coloured = try site.herald("preview", "--color", "always", "vmware-migration-resources-roundup")
    #expect(coloured.output.contains("\u{1B}[32m"))
    let plain = try site.herald("preview", "--color", "never", "vmware-migration-resources-roundup")
    #expect(!plain.output.contains("\u{1B}["))
  }

  @Test func choosesPostsAndNetworks() throws {
    let site = try sampleSite()
    let one = try site.herald(
      "preview", "--json", "--network", "x", "--network", "bluesky",
      "posts/zuul-pipeline-triggers-cheat-sheet.md",
      "kata-containers-getting-started-refresh")
    #expect(one.status == 0, "\(one.errors)")
    let document = try JSONSerialization.jsonObject(with: Data(one.output.utf8)) as? [String: Any]
    let posts = try #require(document?["posts"] as? [[String: Any]])
    #expect(
      posts.map { $0["url"] as? String } == [
        "https://openinfra.org/blog/zuul-pipeline-triggers-cheat-sheet",
        "https://openinfra.org/blog/kata-containers-getting-started-refresh",
      ])
    for post in posts {
      let social = try #require(post["social"] as? [[String: Any]])
      #expect(social.map { $0["network"] as? String } == ["bluesky", "x"])
      #expect(Set(post.keys).isSuperset(of: ["id", "url", "title", "status", "social"]))
      for entry in social {
        #expect(Set(entry.keys).isSuperset(of: ["network", "text", "length", "limit"]))
        #expect(entry["network"] as? String != "bluesky" || entry["facets"] != nil)
      }
    }
    let statuses = try site.herald(
      "preview", "--json", "--now", "2026-03-06T00:00:00Z", "openinfra-time-capsule",
      "starlingx-edge-release-preview")
    let statusDocument = try JSONSerialization.jsonObject(with: Data(statuses.output.utf8)) as? [String: Any]
    let statusPosts = try #require(statusDocument?["posts"] as? [[String: Any]])
    #expect(statusPosts.map { $0["status"] as? String } == ["scheduled", "draft"])

    let unknown = try site.herald("preview", "no-such-post")
    #expect(unknown.status == 2)
    #expect(unknown.errors.contains("no post matches 'no-such-post'"))
    #expect(try site.herald("preview", "--network", "myspace").status == 2)
  }

  @Test func networksThatAreOnAreShownByDefault() throws {
    let site = try sampleSite()
    try site.folder.write("credentials", "MASTODON_URL=https://mastodon.example\nMASTODON_TOKEN=tok-123456\n")
    chmod(site.path("credentials"), 0o600)
    let preview = try site.herald(
      "preview", "--json", "--credentials", "credentials", "vmware-migration-resources-roundup")
    let document = try JSONSerialization.jsonObject(with: Data(preview.output.utf8)) as? [String: Any]
    let social = try #require((document?["posts"] as? [[String: Any]])?.first?["social"] as? [[String: Any]])
    #expect(social.map { $0["network"] as? String } == ["mastodon"])
    #expect(!preview.output.contains("tok-123456"))
  }

  @Test func everySnippetFitsByTheNetworksOwnReferenceCounter() throws {
    let site = try TestSite()
    if let corpus = SharedData.corpus { try site.copyPosts(from: corpus) }
    // Nasty titles and summaries: what peers get wrong.
    let nasty: [(String, String)] = [
      ("", ""),
      (
        String(repeating: "Open infrastructure everywhere ", count: 40),
        String(repeating: "A very long summary ", count: 200)
      ),
      (String(repeating: "🚀👩‍👩‍👧‍👦🇯🇵", count: 120), String(repeating: "🎉", count: 400)),
      (String(repeating: "日本語のタイトル", count: 60), String(repeating: "概要", count: 400)),
      (String(repeating: "مرحبا بالعالم ", count: 40), String(repeating: "שלום עולם ", count: 80)),
      (
        "#WeAreOpenInfra #weareopeninfra @alice@example.social #OpenStack",
        "#WEAREOPENINFRA and #WeAreOpenInfra2 " + String(repeating: "#tag @user ", count: 60)
      ),
      (
        "See https://example.org/a-very-long-path/" + String(repeating: "x", count: 300),
        "and www.openinfra.dev plus openinfra.org/blog " + String(repeating: "e\u{301}", count: 400)
      ),
    ]
    for (index, (title, summary)) in nasty.enumerated() {
      let escapedTitle = title.replacingOccurrences(of: "\"", with: "\\\"")
      try site.post(
        "nasty-\(index).md",
        "---\ntitle: \"\(escapedTitle.isEmpty ? "x" : escapedTitle)\"\ndate: 2025-05-0\(index + 1)\nseo:\n  description: \"\(summary)\"\n---\nBody\n"
      )
    }
    let preview = try site.herald("preview", "--json")
    #expect(preview.status == 0, "\(preview.errors)")
    try site.folder.write("preview.json", preview.output)
    let script = Self.fixtures.appendingPathComponent("check_social.py").path
    let check = try Program.run(
      "/usr/bin/env", ["python3", script, site.path("preview.json"), "#WeAreOpenInfra"])
    #expect(check.status == 0, "\(check.errors)")
    let result = try JSONSerialization.jsonObject(with: Data(check.output.utf8)) as? [String: Any]
    let problems = try #require(result?["problems"] as? [String])
    #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    #expect((result?["checked"] as? Int ?? 0) >= 5 * 7)
  }

  @Test func sendTimesFollowTheRules() throws {
    let site = try TestSite(
      extraSite:
        "social:\n  announce_since: 2025-01-01T00:00:00Z\n  max_age: 7d\n  category_hashtags:\n    Zuul: \"#Zuul\""
    )
    try site.post("old.md", title: "Before announce_since", date: "2024-12-31T23:00:00Z")
    try site.post("stale.md", title: "Stale", date: "2025-05-01T00:00:00Z")
    try site.post("fresh.md", title: "Fresh", date: "2025-05-20T00:00:00Z", extra: "category: [Zuul]")
    try site.post(
      "later.md", title: "Announced later", date: "2025-05-01T00:00:00Z",
      extra:
        "syndication:\n  at: 2025-05-21T09:00:00Z\n  x: {skip: true}\n  mastodon: {text: \"Our own words\"}")
    try site.post(
      "quiet.md", title: "Quiet", date: "2025-05-20T00:00:00Z", extra: "syndication: {skip: true}")
    let preview = try site.herald(
      "preview", "--json", "--now", "2025-05-21T00:00:00Z", "--network", "mastodon", "--network", "x")
    let document = try JSONSerialization.jsonObject(with: Data(preview.output.utf8)) as? [String: Any]
    var plans: [String: [String]] = [:]
    var texts: [String: String] = [:]
    for post in try #require(document?["posts"] as? [[String: Any]]) {
      let title = try #require(post["title"] as? String)
      for social in try #require(post["social"] as? [[String: Any]]) {
        let network = try #require(social["network"] as? String)
        plans[title, default: []].append(
          "\(network): " + ((social["send_at"] as? String) ?? "never, " + (social["never"] as? String ?? "")))
        texts[title + " " + network] = social["text"] as? String
      }
    }
    #expect(
      plans["Before announce_since"] == [
        "mastodon: never, published before announce_since (2025-01-01T00:00:00Z)",
        "x: never, published before announce_since (2025-01-01T00:00:00Z)",
      ])
    #expect(
      plans["Stale"] == [
        "mastodon: never, more than 7d old (max_age)", "x: never, more than 7d old (max_age)",
      ])
    #expect(plans["Fresh"] == ["mastodon: 2025-05-20T00:00:00Z", "x: 2025-05-20T00:00:00Z"])
    #expect(plans["Announced later"] == ["mastodon: 2025-05-21T09:00:00Z", "x: never, syndication.x.skip"])
    #expect(plans["Quiet"] == ["mastodon: never, syndication: skip", "x: never, syndication: skip"])
    #expect(texts["Fresh mastodon"] == "Fresh\n\nhttps://openinfra.org/blog/fresh\n\n#WeAreOpenInfra #Zuul")
    #expect(
      texts["Announced later mastodon"]
        == "Our own words\n\nhttps://openinfra.org/blog/later\n\n#WeAreOpenInfra")
  }
}
