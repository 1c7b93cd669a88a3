import Foundation
import Posts
import TestSupport
import Testing

@Suite struct PostFolderTests {
  let reader = PostReader(
    site: .init(url: "https://openinfra.org", blogPath: "/blog/", timeZone: TimeZone(secondsFromGMT: 0)!))

  func post(_ title: String, date: String = "2025-01-02") -> String {
    "---\ntitle: \(title)\ndate: \(date)\n---\nBody of \(title).\n"
  }

  @Test func readsSubfoldersAndSkipsWhatIsNotAPost() throws {
    let folder = try TemporaryFolder()
    try folder.write("posts/a.md", post("A"))
    try folder.write("posts/2024/b.markdown", post("B"))
    try folder.write("posts/2024/deep/c.MD", post("C"))
    try folder.write("posts/notes.txt", post("Not a post"))
    try folder.write("posts/.draft.md", post("Hidden file"))
    try folder.write("posts/.git/d.md", post("In a hidden folder"))
    let scan = try reader.readFolder(folder.url.appendingPathComponent("posts"), displayPath: "posts")
    #expect(scan.posts.map(\.title).sorted() == ["A", "B", "C"])
    #expect(scan.posts.first { $0.title == "B" }?.source.relativePath == "2024/b.markdown")
    #expect(scan.diagnostics.isEmpty)
  }

  /// A listing is in byte order, whatever the names: alike for sixteen bytes and more, one
  /// the start of another, in capitals, or in UTF-8 (bytes above 0x7F after every ASCII one).
  @Test func listsInByteOrder() throws {
    let folder = try TemporaryFolder()
    var generator = SeededGenerator(seed: 7)
    let stems = [
      "2024-05-12-openinfra-summit", "2024-05-12-openinfra-summit-asia", "2024-05-12-openinfra-summit-2",
      "2024-05-12-openinfra-summiT", "a", "ab", "Zuul", "zuul", "ébauche", "émoji-🎉", "2024-—-a-good-year",
      "15-years-with-openstack-why-i’m-excited", "post-1", "post-10", "post-2", "post-1-", "x\u{7F}",
    ]
    var names = stems.map { $0 + ".md" }
    for _ in 0..<300 {
      let length = Int.random(in: 1...24, using: &generator)
      names.append(String((0..<length).map { _ in "ab-éZ0".randomElement(using: &generator)! }) + ".md")
    }
    for name in Set(names) { try folder.write("posts/\(name)", post(name)) }
    let listing = try PostReader.listFolder(folder.url.appendingPathComponent("posts"), displayPath: "posts")
    let expected = Set(names).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    #expect(listing.files.map(\.relativePath) == expected)

    // With subfolders too: `b.md` comes before `b/a.md`, though `b/` is listed after it.
    for name in ["b.md", "b/a.md", "b/c/d.md", "b-c.md", "a/z.md", "c.md"] {
      try folder.write("nested/\(name)", post(name))
    }
    let nested = try PostReader.listFolder(folder.url.appendingPathComponent("nested"), displayPath: "nested")
    #expect(nested.files.map(\.relativePath) == ["a/z.md", "b-c.md", "b.md", "b/a.md", "b/c/d.md", "c.md"])
  }

  @Test func survivesLinkLoopsAndRefusesLinksOutside() throws {
    let folder = try TemporaryFolder()
    try folder.write("posts/a.md", post("A"))
    try folder.write("secret/passwords.md", post("Secret"))
    try FileManager.default.createSymbolicLink(
      atPath: folder.path("posts/loop"), withDestinationPath: folder.path("posts"))
    try FileManager.default.createSymbolicLink(
      atPath: folder.path("posts/leak.md"), withDestinationPath: folder.path("secret/passwords.md"))
    try FileManager.default.createSymbolicLink(
      atPath: folder.path("posts/leakdir"), withDestinationPath: folder.path("secret"))
    try FileManager.default.createSymbolicLink(
      atPath: folder.path("posts/dangling.md"), withDestinationPath: folder.path("nowhere.md"))
    let scan = try reader.readFolder(folder.url.appendingPathComponent("posts"), displayPath: "posts")
    #expect(scan.posts.map(\.title) == ["A"])
    #expect(
      scan.diagnostics.map(\.description).sorted() == [
        "posts/leak.md: warning: is a link to something outside the posts folder; it is skipped",
        "posts/leakdir: warning: is a link to something outside the posts folder; it is skipped",
      ])
  }

  @Test func reportsEachBadFileAndReadsTheRest() throws {
    let folder = try TemporaryFolder()
    try folder.write("posts/good.md", post("Good"))
    try folder.write("posts/bad.md", "---\ntitle: Bad\n---\n")
    try folder.write("posts/empty.md", "")
    let scan = try reader.readFolder(folder.url.appendingPathComponent("posts"), displayPath: "posts")
    #expect(scan.posts.map(\.title) == ["Good"])
    #expect(scan.invalidCount == 2)
    #expect(
      scan.diagnostics.map(\.description) == [
        "posts/bad.md:2: error: the post has no 'date'",
        "posts/empty.md:1: error: no front matter: the file is empty",
      ])
  }

  @Test func aMissingFolderIsAnError() {
    #expect(throws: Diagnostic.self) {
      try reader.readFolder(URL(fileURLWithPath: "/nonexistent/posts"), displayPath: "nowhere")
    }
  }
}

@Suite struct PostIdentitiesTests {
  let site = PostReader.Site(
    url: "https://openinfra.org", blogPath: "/blog/", timeZone: TimeZone(secondsFromGMT: 0)!)

  func posts(_ files: [(String, String)]) throws -> [Post] {
    let reader = PostReader(site: site)
    var warnings: [Diagnostic] = []
    return try files.map { name, text in
      try reader.read(
        Data(text.utf8), source: .init(displayPath: "posts/" + name, relativePath: name), warnings: &warnings)
    }
  }

  let original =
    "---\ntitle: Meet Ant Group\ndate: 2025-11-05T20:03:45Z\nseo:\n  url: https://openinfra.org/blog/meet-ant\n---\n"

  @Test func aCopyClaimingThePermalinkGetsItsOwnId() throws {
    let both = try posts([("meet-ant-1.md", original), ("meet-ant.md", original)])
    let (resolved, diagnostics) = PostIdentities.resolve(both, remembered: [:], site: site)
    #expect(
      resolved.map(\.id) == ["https://openinfra.org/blog/meet-ant-1", "https://openinfra.org/blog/meet-ant"])
    #expect(
      resolved.map(\.permalink) == [
        "https://openinfra.org/blog/meet-ant", "https://openinfra.org/blog/meet-ant",
      ])
    #expect(
      diagnostics.map(\.description) == [
        "posts/meet-ant-1.md:5: warning: permalink https://openinfra.org/blog/meet-ant is also claimed by posts/meet-ant.md; both are published, this one with id https://openinfra.org/blog/meet-ant-1"
      ])
  }

  @Test func aPublishedIdIsKeptWhenThePermalinkChanges() throws {
    let moved = try posts([
      ("meet-ant.md", original.replacingOccurrences(of: "/blog/meet-ant", with: "/blog/ant-group"))
    ])
    let (resolved, _) = PostIdentities.resolve(
      moved, remembered: ["meet-ant.md": "https://openinfra.org/blog/meet-ant"], site: site)
    #expect(resolved.map(\.id) == ["https://openinfra.org/blog/meet-ant"])
    #expect(resolved.map(\.permalink) == ["https://openinfra.org/blog/ant-group"])
  }

  @Test func thePostPublishedFirstKeepsAContestedId() throws {
    // The copy was published first (it is remembered); the original, added later, yields.
    let both = try posts([("meet-ant-1.md", original), ("meet-ant.md", original)])
    let (resolved, _) = PostIdentities.resolve(
      both, remembered: ["meet-ant-1.md": "https://openinfra.org/blog/meet-ant"], site: site)
    #expect(
      resolved.map(\.id) == [
        "https://openinfra.org/blog/meet-ant", "https://openinfra.org/blog/meet-ant#meet-ant",
      ])
  }

  @Test func idsAreUniqueWhateverThePostsClaim() throws {
    let pinned = "---\ntitle: P\ndate: 2025-01-01\nid: https://openinfra.org/blog/same\n---\n"
    let files =
      (0..<5).map { ("p\($0).md", pinned) } + [("same.md", "---\ntitle: S\ndate: 2025-01-01\n---\n")]
    let (resolved, diagnostics) = PostIdentities.resolve(try posts(files), remembered: [:], site: site)
    #expect(Set(resolved.map(\.id)).count == 6)
    #expect(diagnostics.count == 5)
  }
}
