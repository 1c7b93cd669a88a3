import Foundation
import TestSupport
import Testing

@testable import Feeds

@Suite struct FeedOutputTests {
  func inode(_ path: String) throws -> UInt64 {
    try #require(FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? UInt64)
  }

  @Test func unchangedFilesAreNotRewrittenAndChangedOnesAreReplaced() throws {
    let folder = try TemporaryFolder()
    let output = FeedOutput(folder: folder.url, displayPath: "public")
    let files = [
      FeedFile(path: "atom.xml", data: Data("one".utf8)),
      FeedFile(path: "a/b/rss.xml", data: Data("two".utf8)),
    ]
    #expect(try output.write(files).written == ["atom.xml", "a/b/rss.xml"])
    let before = try inode(folder.path("atom.xml"))
    let modified =
      try FileManager.default.attributesOfItem(atPath: folder.path("atom.xml"))[.modificationDate] as? Date

    let again = try output.write(files)
    #expect(again.written.isEmpty)
    #expect(again.unchanged == ["atom.xml", "a/b/rss.xml"])
    #expect(try inode(folder.path("atom.xml")) == before)
    #expect(
      try FileManager.default.attributesOfItem(atPath: folder.path("atom.xml"))[.modificationDate] as? Date
        == modified)

    // A change arrives by rename: a reader holding the old file keeps reading the old bytes.
    let handle = try FileHandle(forReadingFrom: folder.url.appendingPathComponent("atom.xml"))
    #expect(try output.write([FeedFile(path: "atom.xml", data: Data("three".utf8))]).written == ["atom.xml"])
    #expect(try inode(folder.path("atom.xml")) != before)
    #expect(try handle.readToEnd() == Data("one".utf8))
    #expect(try folder.read("atom.xml") == "three")
    // No temporary file is left behind.
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted() == ["a", "atom.xml"])
  }

  @Test func feedsOfVanishedCategoriesAreRemovedAndOtherFilesKept() throws {
    let folder = try TemporaryFolder()
    let output = FeedOutput(folder: folder.url, displayPath: "public")
    let old = FeedFormat.allCases.map {
      FeedFile(path: "categories/gone/\($0.fileName)", data: Data("x".utf8))
    }
    _ = try output.write(old)
    try folder.write("categories/gone/README.txt", "mine")
    let outcome = try output.write([FeedFile(path: "atom.xml", data: Data("new".utf8))])
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
      try FeedOutput(folder: folder.url, displayPath: "public").write([
        FeedFile(path: "atom.xml", data: Data())
      ])
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
