import Foundation
import TestSupport
import Testing

@testable import Feeds

@Suite struct FeedOutputTests {
  func inode(_ path: String) throws -> UInt64 {
    try #require(FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? UInt64)
  }

  /// Writes every feed of `entries` into `output`.
  func write(_ entries: [(FeedEntry, EntryContent)], to output: FeedOutput) throws -> FeedOutput.Outcome {
    let plan = FeedPlanner.plan(entries.map(\.0), site: SmallSite.site)
    return try output.write(plan.feeds, of: plan, site: SmallSite.site, content: SmallSite.content(entries))
  }

  @Test func unchangedFilesAreNotRewrittenAndChangedOnesAreReplaced() throws {
    let folder = try TemporaryFolder()
    let output = FeedOutput(folder: folder.url, displayPath: "public")
    let entries = [try SmallSite.entry("one", day: 1), try SmallSite.entry("two", day: 2)]
    #expect(
      try write(entries, to: output).written.sorted() == [
        "atom.xml", "feed.css", "feed.json", "index.html", "rss.xml",
      ])
    let before = try inode(folder.path("atom.xml"))
    let modified =
      try FileManager.default.attributesOfItem(atPath: folder.path("atom.xml"))[.modificationDate] as? Date

    let again = try write(entries, to: output)
    #expect(again.written.isEmpty)
    #expect(again.unchanged.sorted() == ["atom.xml", "feed.css", "feed.json", "index.html", "rss.xml"])
    #expect(try inode(folder.path("atom.xml")) == before)
    #expect(
      try FileManager.default.attributesOfItem(atPath: folder.path("atom.xml"))[.modificationDate] as? Date
        == modified)

    // A change arrives by rename: a reader holding the old file keeps reading the old bytes.
    let old = try folder.read("atom.xml")
    let handle = try FileHandle(forReadingFrom: folder.url.appendingPathComponent("atom.xml"))
    let changed = [entries[0], try SmallSite.entry("two", day: 2, body: "Changed")]
    #expect(try write(changed, to: output).written.sorted() == ["atom.xml", "feed.json", "rss.xml"])
    #expect(try inode(folder.path("atom.xml")) != before)
    #expect(try handle.readToEnd() == Data(old.utf8))
    #expect(try folder.read("atom.xml").contains("Changed"))
    // No temporary file is left behind.
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted() == [
        "atom.xml", "feed.css", "feed.json", "index.html", "rss.xml",
      ])
  }

  @Test func aFileShorterOrLongerThanTheNewBytesIsReplaced() throws {
    let folder = try TemporaryFolder()
    let output = FeedOutput(folder: folder.url, displayPath: "public")
    let entries = [try SmallSite.entry("one", day: 1)]
    _ = try write(entries, to: output)
    let atom = try folder.read("atom.xml")
    try folder.write("atom.xml", atom + " ")
    try folder.write("rss.xml", String(try folder.read("rss.xml").dropLast()))
    #expect(try write(entries, to: output).written.sorted() == ["atom.xml", "rss.xml"])
    #expect(try folder.read("atom.xml") == atom)
  }

  @Test func streamedFilesEqualTheFilesMadeInMemory() throws {
    // More categories than one pass writes, so entries are rendered in several passes.
    let entries = try (0..<(FeedWriter.feedsPerPass + 5)).map { number in
      try SmallSite.entry(
        "post\(number)", day: 1 + number % 28, categories: ["c\(number)", "all"], body: "Body \(number)")
    }
    let folder = try TemporaryFolder()
    _ = try write(entries, to: FeedOutput(folder: folder.url, displayPath: "public"))
    let files = try FeedPlanner.files(
      for: entries.map(\.0), site: SmallSite.site, content: SmallSite.content(entries))
    #expect(files.count == (FeedWriter.feedsPerPass + 5 + 2) * 3 + FeedPlanner.pageNames.count)
    for file in files {
      #expect(try Data(contentsOf: folder.url.appendingPathComponent(file.path)) == file.data, "\(file.path)")
    }
  }

  @Test func aDryRunFindsTheChangedFilesAndWritesNothing() throws {
    let folder = try TemporaryFolder()
    let output = FeedOutput(folder: folder.url, displayPath: "public")
    let entries = [try SmallSite.entry("one", day: 1, categories: ["a"]), try SmallSite.entry("two", day: 2)]
    _ = try write(entries, to: output)
    let plan = FeedPlanner.plan(entries.map(\.0), site: SmallSite.site)
    #expect(
      try output.changes(plan.feeds, of: plan, site: SmallSite.site, content: SmallSite.content(entries))
        .isEmpty)
    let changed = [entries[0], try SmallSite.entry("two", day: 2, body: "New")]
    let newPlan = FeedPlanner.plan(changed.map(\.0), site: SmallSite.site)
    let before = try folder.read("atom.xml")
    #expect(
      try output.changes(
        newPlan.feeds, of: newPlan, site: SmallSite.site, content: SmallSite.content(changed)
      ).sorted()
        == ["atom.xml", "feed.json", "rss.xml"])
    #expect(try folder.read("atom.xml") == before)
  }

  @Test func feedsOfVanishedCategoriesAreRemovedAndOtherFilesKept() throws {
    let folder = try TemporaryFolder()
    let output = FeedOutput(folder: folder.url, displayPath: "public")
    _ = try write([try SmallSite.entry("one", day: 1, categories: ["gone"])], to: output)
    try folder.write("categories/gone/README.txt", "mine")
    let outcome = try write([try SmallSite.entry("one", day: 1)], to: output)
    #expect(
      outcome.removed.sorted() == [
        "categories/gone/atom.xml", "categories/gone/feed.json", "categories/gone/rss.xml",
      ])
    #expect(try folder.read("categories/gone/README.txt") == "mine")
  }

  @Test func aReadOnlyFolderIsAClearError() throws {
    guard getuid() != 0 else { return }  // root writes anywhere; the fault matrix covers it.
    let folder = try TemporaryFolder()
    try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: folder.url.path)
    defer {
      try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.url.path)
    }
    #expect(throws: FeedsError.self) {
      try write(
        [try SmallSite.entry("one", day: 1)], to: FeedOutput(folder: folder.url, displayPath: "public"))
    }
  }
}

@Suite struct HTMLContentTests {
  let base = "https://openinfra.org/blog/post"

  @Test(arguments: [
    ("<a href=\"/docs\">d</a>", "<a href=\"https://openinfra.org/docs\">d</a>"),
    ("<a href=\"other\">d</a>", "<a href=\"https://openinfra.org/blog/other\">d</a>"),
    ("<a href=\"#top\">d</a>", "<a href=\"https://openinfra.org/blog/post#top\">d</a>"),
    ("<a href=\"//cdn.example.org/x\">d</a>", "<a href=\"https://cdn.example.org/x\">d</a>"),
    ("<a href=\"a b.html\">d</a>", "<a href=\"https://openinfra.org/blog/a%20b.html\">d</a>"),
    ("<a href=\"?page=2&amp;x=1\">d</a>", "<a href=\"https://openinfra.org/blog/post?page=2&amp;x=1\">d</a>"),
    ("<img src=\"../img/a.png\">", "<img src=\"https://openinfra.org/img/a.png\">"),
    ("<video poster=\"p.jpg\"></video>", "<video poster=\"https://openinfra.org/blog/p.jpg\"></video>"),
    ("<a href=\"mailto:a@b.org\">m</a>", "<a href=\"mailto:a@b.org\">m</a>"),
    ("<a href=\"JavaScript:alert(1)\">x</a>", "<a>x</a>"),
    ("<p onclick=\"x()\" class=\"c\">t</p>", "<p class=\"c\">t</p>"),
    ("<p>a</p><script>evil()</script><p>b</p>", "<p>a</p><p>b</p>"),
  ])
  func rewritesURLsAndRemovesScripts(html: String, expected: String) {
    #expect(HTMLContent(html: html, base: base).html == expected)
  }

  @Test func survivesBrokenAndDeeplyNestedHTML() {
    let deep = String(repeating: "<div>", count: 20_000) + "x" + String(repeating: "</div>", count: 20_000)
    let content = HTMLContent(html: deep + "<script>evil()</script>", base: base)
    // libxml2 stops at its depth limit: what comes out is balanced and carries no script.
    #expect(
      content.html.components(separatedBy: "<div>").count
        == content.html.components(separatedBy: "</div>").count)
    #expect(!content.html.contains("<script"))
    #expect(HTMLContent(html: "<p>unclosed <b>bold", base: base).html == "<p>unclosed <b>bold</b></p>")
    #expect(HTMLContent(html: "<p>a &amp; b</p>", base: base).text == "a & b")
  }

  @Test func dropsCharactersXMLForbids() {
    #expect(XMLText.cleaned("a\u{0}b\u{1B}c\u{FFFE}d\u{85}e\tf\ng🚀") == "abcde\tf\ng🚀")
  }
}

/// Content rendered straight from cmark (no raw HTML) or through libxml2 (raw HTML) must be
/// made safe and absolute the same way.
@Suite struct EntryContentTests {
  let base = "https://openinfra.org/blog/post"

  @Test func markdownAloneHasItsURLsMadeAbsoluteAndScriptURLsDropped() {
    let markdown = """
      See [the docs](</docs/a b>) and ![a figure](../img/f.png "F") or <https://example.org/x>.
      Never [this](javascript:alert(1)) nor [that](JAVASCRIPT:alert(2)). A note.[^1]

      [^1]: The [note](#top).
      """
    let content = EntryContent(markdown: markdown, base: base, withText: false)
    #expect(content.html.contains("<a href=\"https://openinfra.org/docs/a%20b\">the docs</a>"))
    #expect(content.html.contains("src=\"https://openinfra.org/img/f.png\""))
    #expect(content.html.contains("<a href=\"https://example.org/x\">"))
    #expect(!content.html.lowercased().contains("javascript"))
    #expect(content.html.contains("href=\"https://openinfra.org/blog/post#top\""))
    // Every URL the parsed route would write is written the same way.
    let parsed = EntryContent(markdown: markdown, base: base, withText: true)
    for url in [
      "https://openinfra.org/docs/a%20b", "https://openinfra.org/img/f.png", "https://example.org/x",
    ] {
      #expect(parsed.html.contains(url))
    }
  }

  @Test func rawHTMLIsParsedAndCleaned() {
    let content = EntryContent(
      markdown: "Hi <b onclick=\"x()\">there</b>\n\n<script>evil()</script>\n\n[a](/a)", base: base,
      withText: false)
    #expect(!content.html.contains("script") && !content.html.contains("onclick"))
    #expect(
      content.html.contains("<b>there</b>") && content.html.contains("href=\"https://openinfra.org/a\""))
  }
}
