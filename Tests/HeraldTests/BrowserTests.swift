import Foundation
import TestSupport
import Testing

/// The feeds and pages as visitors see them: Debian's Chromium and Firefox ESR, headless, open
/// each over a loopback HTTP server at a desktop and a phone width; the tests check the DOM,
/// what is drawn where, and keep a screenshot of each.
@Suite(.serialized) struct BrowserTests {
  static let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
  static let widths = [1280, 390]

  /// What `pageProbe` reports of a page.
  struct Probe: Decodable {
    struct Box: Decodable {
      var top: Double
      var bottom: Double
      var left: Double
      var right: Double
      var height: Double
      var display: String
      var visibility: String
    }
    struct Entry: Decodable {
      var title: String?
      var link: String?
      var titleBox: Box?
      var linkBox: Box?
      var linkShown: String?
    }
    var root: String
    var viewport: Double
    var viewportHeight: Double
    var scrollWidth: Double
    var banner: Bool
    var note: Box?
    var noteOnTop: Bool
    var noteText: String?
    var entries: [Entry]
    var anchors: [String]
    var alternates: [String]
  }

  /// One page as `browse.py` reports it: what the probe returned, and what the console said.
  struct Visit<Result: Decodable>: Decodable {
    var browser: String
    var version: String
    var result: Result
    var console: [String]
  }

  /// Runs in the page: the root element, the subscribe note's place and words, each entry's
  /// title and link and whether they are drawn, and the links of an HTML page.
  static let pageProbe = #"""
    (() => {
      const A = 'http://www.w3.org/2005/Atom';
      const root = document.documentElement;
      const box = (el) => {
        if (!el) return null;
        const r = el.getBoundingClientRect(), s = getComputedStyle(el);
        return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height,
                display: s.display, visibility: s.visibility};
      };
      const onTop = (el) => {
        if (!el) return false;
        const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + Math.min(r.width / 2, 24), r.top + Math.min(r.height / 2, 24));
        return hit === el || el.contains(hit);
      };
      const isAtom = root.namespaceURI === A && root.localName === 'feed';
      const header = isAtom ? root : (root.localName === 'rss' ? root.getElementsByTagName('channel')[0] : null);
      let note = null, noteText = null, entries = [];
      if (header) {
        const children = Array.from(header.children);
        const archived = children.some((e) => e.localName === 'archive');
        note = children.find((e) => e.namespaceURI === A && e.localName === 'link'
          && e.getAttribute('rel') === (archived ? 'current' : 'self'));
        // Firefox reports `content` as declared, with attr() unresolved: resolve it as drawn.
        const shown = (el, pseudo) => getComputedStyle(el, pseudo).content.replace(/attr\(href\)/g, el.getAttribute('href'));
        if (note) noteText = shown(note, '::before') + ' ' + shown(note, '::after');
        entries = children.filter((e) => e.localName === 'entry' || e.localName === 'item').map((e) => {
          const kids = Array.from(e.children);
          const title = kids.find((k) => k.localName === 'title');
          const link = kids.find((k) => k.localName === 'link' && (!isAtom || k.getAttribute('rel') === 'alternate'));
          return {title: title ? title.textContent : null,
                  link: link ? (isAtom ? link.getAttribute('href') : link.textContent) : null,
                  titleBox: box(title), linkBox: box(link),
                  linkShown: link ? shown(link, '::before') : null};
        });
      } else {
        note = document.querySelector('.note');
        if (note) noteText = note.textContent;
      }
      return {root: root.localName, viewport: innerWidth, viewportHeight: innerHeight,
              scrollWidth: root.scrollWidth, banner: !!document.querySelector('xslt-warning-banner'),
              note: box(note), noteOnTop: onTop(note), noteText, entries,
              anchors: Array.from(document.getElementsByTagName('a')).map((a) => a.getAttribute('href')),
              alternates: root.localName === 'html'
                ? Array.from(document.querySelectorAll('head link[rel=alternate]')).map((l) => l.getAttribute('href')) : []};
    })()
    """#

  /// Opens every page of `pages` at both widths in `browser`, in one browser session.
  func visit(_ pages: [String], in browser: String, server: ServerProcess, shots: TemporaryFolder) throws
    -> [String: Visit<Probe>]
  {
    let keys = pages.flatMap { page in Self.widths.map { "\(page)@\($0)" } }
    let visits: [Visit<Probe>] = try browse(
      pages.flatMap { page in
        Self.widths.map { width in
          (
            "\(server.baseURL)/\(page)", width,
            "\(browser)-\(page.replacingOccurrences(of: "/", with: "_"))-\(width).png"
          )
        }
      }, probe: Self.pageProbe, in: browser, shots: shots)
    return Dictionary(uniqueKeysWithValues: zip(keys, visits))
  }

  /// Opens each of `pages` (a URL at a width, with the name of its screenshot in `shots`) in
  /// `browser`, all in one browser session, and runs `probe` in each.
  func browse<Result: Decodable>(
    _ pages: [(url: String, width: Int, screenshot: String)], probe: String, in browser: String,
    shots: TemporaryFolder
  ) throws -> [Visit<Result>] {
    let jobs: [[String: Any]] = pages.map { page in
      [
        "url": page.url, "width": page.width, "height": 900, "screenshot": shots.path(page.screenshot),
        "eval": probe,
      ]
    }
    try shots.write(
      "\(browser)-jobs.json",
      String(decoding: try JSONSerialization.data(withJSONObject: jobs), as: UTF8.self))
    let result = try Program.run(
      "/usr/bin/env",
      [
        "python3", Self.fixtures.appendingPathComponent("browse.py").path, "--browser", browser,
        "--urls-file", shots.path("\(browser)-jobs.json"), "--timeout", "90",
      ], in: shots.url)
    try #require(result.status == 0, "\(browser): \(result.errors)")
    return try JSONDecoder().decode([Visit<Result>].self, from: Data(result.output.utf8))
  }

  func keepScreenshots(_ shots: TemporaryFolder) {
    guard let kept = ProcessInfo.processInfo.environment["HERALD_SCREENSHOTS"] else { return }
    try? FileManager.default.createDirectory(atPath: kept, withIntermediateDirectories: true)
    for name in (try? FileManager.default.contentsOfDirectory(atPath: shots.url.path)) ?? []
    where name.hasSuffix(".png") {
      try? FileManager.default.removeItem(atPath: kept + "/" + name)
      try? FileManager.default.copyItem(atPath: shots.path(name), toPath: kept + "/" + name)
    }
  }

  /// The width of a PNG file, from its header.
  func pngWidth(_ path: String) throws -> Int {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)).prefix(24))
    try #require(bytes.count == 24 && bytes[1...3] == [0x50, 0x4E, 0x47], "\(path) is not a PNG")
    return bytes[16...19].reduce(0) { $0 << 8 | Int($1) }
  }

  @Test(arguments: ["chromium", "firefox"])
  func everyFeedReadsAsAPageWithNoWarning(browser: String) throws {
    let site = try TestSite(limit: 5, extraFeeds: "  archive: true\n  archive_size: 4")
    try site.copyPosts(from: try #require(SharedData.corpus, "../shared is needed"))
    #expect(try site.herald("build").status == 0)
    let feeds = try site.readAllFeeds()
    let pages = [
      "atom.xml", "rss.xml", "categories/community/atom.xml", "categories/community/rss.xml",
      "archive/1/atom.xml", "archive/7/rss.xml",
    ]
    let server = try ServerProcess(
      [
        "python3", Self.fixtures.appendingPathComponent("serve_folder.py").path, "{port}",
        site.path("public"),
      ])
    defer { server.stop() }
    // Screenshots stay in $HERALD_SCREENSHOTS when it is set, for a person to look at.
    let shots = try TemporaryFolder()
    defer { keepScreenshots(shots) }
    let visits = try visit(pages + ["index.html"], in: browser, server: server, shots: shots)

    for page in pages {
      let expected = try #require(feeds["public/" + page])
      #expect(!expected.entries.isEmpty, "\(page)")
      for width in Self.widths {
        let visit = try #require(visits["\(page)@\(width)"])
        let probe = visit.result
        let name = "\(browser) \(page) at \(width)"
        #expect(
          probe.root == (page.hasSuffix("atom.xml") ? "feed" : "rss"), "\(name): not shown as the feed itself"
        )
        #expect(probe.viewport == Double(width), "\(name)")
        #expect(!probe.banner, "\(name): XSLT warning banner")
        #expect(
          !visit.console.contains { $0.localizedCaseInsensitiveContains("XSLT") }, "\(name): \(visit.console)"
        )
        #expect(probe.scrollWidth <= Double(width), "\(name): wider than the window (\(probe.scrollWidth))")
        // The note that says what a feed is, with the address to copy, in the first screen.
        let note = try #require(probe.note, "\(name): no note")
        #expect(note.display == "block" && note.visibility == "visible", "\(name)")
        #expect(note.top >= 0 && note.bottom <= probe.viewportHeight && note.height > 40, "\(name): \(note)")
        #expect(note.left >= 0 && note.right <= Double(width), "\(name): \(note)")
        #expect(probe.noteOnTop, "\(name): something covers the note")
        let noteText = probe.noteText ?? ""
        #expect(noteText.contains("web feed") && noteText.contains("feed reader"), "\(name): \(noteText)")
        let subscribeTo =
          ArchiveTests.feedsURL
          + (page.contains("archive/") ? page.hasSuffix("atom.xml") ? "atom.xml" : "rss.xml" : page)
        #expect(noteText.contains(subscribeTo), "\(name): \(noteText)")
        // Every entry's title and link, drawn.
        #expect(probe.entries.map(\.title) == expected.entries.map(\.title), "\(name)")
        #expect(probe.entries.map(\.link) == expected.entries.map(\.link), "\(name)")
        for entry in probe.entries {
          #expect((entry.titleBox?.height ?? 0) > 0 && entry.titleBox?.display != "none", "\(name): \(entry)")
          #expect((entry.linkBox?.height ?? 0) > 0 && entry.linkBox?.display != "none", "\(name): \(entry)")
          if page.hasSuffix("atom.xml") { #expect(entry.linkShown?.contains(entry.link ?? "\u{0}") == true) }
        }
        #expect(
          try pngWidth(shots.path("\(browser)-\(page.replacingOccurrences(of: "/", with: "_"))-\(width).png"))
            == width)
      }
    }

    // The index page: every subscription feed, and the lines for the site's <head>.
    let subscriptions = feeds.keys.filter { !$0.contains("/archive/") }.map {
      ArchiveTests.feedsURL + $0.dropFirst("public/".count)
    }
    for width in Self.widths {
      let probe = try #require(visits["index.html@\(width)"]).result
      #expect(probe.root == "html")
      #expect(Set(probe.anchors).isSuperset(of: subscriptions), "\(browser) index.html: \(probe.anchors)")
      #expect(probe.alternates == ["atom.xml", "rss.xml", "feed.json"].map { ArchiveTests.feedsURL + $0 })
      let note = try #require(probe.note)
      #expect(
        note.top >= 0 && note.bottom <= probe.viewportHeight && probe.noteOnTop, "\(browser) index.html")
      #expect(probe.scrollWidth <= Double(width), "\(browser) index.html at \(width)")
    }
  }

  /// Runs in the review page: each card's place, the timeline's links, and the page's width.
  static let reviewProbe = #"""
    (() => {
      const cards = Array.from(document.querySelectorAll('.card')).map((c) => {
        const r = c.getBoundingClientRect();
        return {id: c.id, height: r.height, left: r.left, right: r.right,
                text: (c.querySelector('.text') || c).textContent};
      });
      // Each in-page link, and whether its target is on the page.
      const brokenLinks = Array.from(document.querySelectorAll('a[href^="#"]'))
        .map((a) => a.getAttribute('href'))
        .filter((href) => document.getElementById(decodeURIComponent(href.slice(1))) === null);
      return {cards, brokenLinks, links: document.querySelectorAll('a[href^="#"]').length, viewport: innerWidth, scrollWidth: document.documentElement.scrollWidth,
              scripts: document.scripts.length};
    })()
    """#

  struct Review: Decodable {
    struct Card: Decodable {
      var id: String
      var height: Double
      var left: Double
      var right: Double
      var text: String
    }
    var cards: [Card]
    /// In-page links whose target is missing.
    var brokenLinks: [String]
    /// In-page links: the timeline's rows.
    var links: Int
    var viewport: Double
    var scrollWidth: Double
    var scripts: Int
  }

  @Test(arguments: ["chromium", "firefox"])
  func theReviewPageDrawsEveryCard(browser: String) throws {
    let site = try TestSite()
    try site.copyPosts(from: try #require(SharedData.corpus, "../shared is needed"))
    let networks = ["mastodon", "bluesky", "x", "linkedin", "threads", "webhook"]
    let now = ["--now", "2025-11-05T21:00:00Z"]
    #expect(try site.herald(["build"] + now).status == 0)
    let written = try site.herald(
      ["preview", "--html", "public/review.html"] + now + networks.flatMap { ["--network", $0] })
    #expect(written.status == 0, "\(written.errors)")
    // What goes out, as `preview --json` says: every one must have its card.
    let json = try site.herald(["preview", "--json"] + now + networks.flatMap { ["--network", $0] })
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
    let posts = try #require(document["posts"] as? [[String: Any]])
    let social = posts.flatMap { ($0["social"] as? [[String: Any]]) ?? [] }
    let texts = social.compactMap { $0["text"] as? String }
    #expect(!texts.isEmpty)
    let goingOut = social.filter { $0["send_at"] is String }
    #expect(!goingOut.isEmpty)

    let server = try ServerProcess(
      [
        "python3", Self.fixtures.appendingPathComponent("serve_folder.py").path, "{port}",
        site.path("public"),
      ])
    defer { server.stop() }
    let shots = try TemporaryFolder()
    defer { keepScreenshots(shots) }
    let visits: [Visit<Review>] = try browse(
      Self.widths.map { ("\(server.baseURL)/review.html", $0, "\(browser)-review-\($0).png") },
      probe: Self.reviewProbe, in: browser, shots: shots)
    for (width, visit) in zip(Self.widths, visits) {
      let review = visit.result
      let name = "\(browser) review at \(width)"
      #expect(review.scripts == 0, "\(name)")
      #expect(visit.console.isEmpty, "\(name): \(visit.console)")
      #expect(review.scrollWidth <= Double(width), "\(name): wider than the window (\(review.scrollWidth))")
      #expect(review.cards.count == posts.count * networks.count, "\(name)")
      for card in review.cards {
        #expect(card.height > 40 && card.left >= 0 && card.right <= Double(width), "\(name): \(card.id)")
      }
      // Every social post that goes out is drawn, whole, in a card (whitespace as drawn aside).
      let drawn = review.cards.map { $0.text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
      for text in texts {
        let words = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(drawn.contains { $0.contains(words) }, "\(name): no card shows \(text)")
      }
      // Each timeline row leads to something on the page.
      #expect(review.links >= goingOut.count, "\(name): the timeline has \(review.links) rows")
      #expect(review.brokenLinks.isEmpty, "\(name): links to nothing: \(review.brokenLinks)")
      #expect(try pngWidth(shots.path("\(browser)-review-\(width).png")) == width)
    }
  }
}
