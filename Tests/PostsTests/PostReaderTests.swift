import Foundation
import Posts
import TestSupport
import Testing

@Suite struct PostReaderTests {
  let reader = PostReader(
    site: .init(
      url: "https://openinfra.org", blogPath: "/blog/", timeZone: TimeZone(secondsFromGMT: 0)!,
      networks: ["mastodon", "bluesky", "x", "linkedin", "webhook"]))

  func read(_ text: String, path: String = "posts/example-post.md") throws(Diagnostic) -> Post {
    var warnings: [Diagnostic] = []
    return try read(text, path: path, warnings: &warnings)
  }

  func read(_ text: String, path: String = "posts/example-post.md", warnings: inout [Diagnostic])
    throws(Diagnostic) -> Post
  {
    try reader.read(
      Data(text.utf8), source: .init(displayPath: path, relativePath: String(path.dropFirst(6))),
      warnings: &warnings)
  }

  /// The HTML of a post's body, as a feed renders it.
  func html(_ data: Data) throws(Diagnostic) -> String {
    MarkdownRenderer.html(from: try PostReader.markdown(in: data, path: "posts/example-post.md"))
  }

  func html(_ text: String) throws(Diagnostic) -> String { try html(Data(text.utf8)) }

  /// The error a post gives, as the user sees it.
  func error(_ text: String) -> String {
    do {
      _ = try read(text)
      return "no error"
    } catch {
      return error.description
    }
  }

  @Test func readsTheSeedPostAsTheSiteWroteIt() throws {
    let seed = try #require(SharedData.seed, "../shared is needed")
    var warnings: [Diagnostic] = []
    let post = try reader.read(
      try Data(contentsOf: seed), source: .init(displayPath: "seed.md", relativePath: "seed.md"),
      warnings: &warnings)
    #expect(warnings.isEmpty)
    #expect(post.title == "What You May Have Missed from OpenInfra Summit Europe 2025")
    #expect(post.author == "Helena Spease")
    #expect(Timestamp.rfc3339(post.date) == "2025-11-03T18:17:17.012Z")
    #expect(post.categories == [Category(value: "category-h2Ztx9rpD", label: "Community")])
    #expect(post.isHidden)
    #expect(!post.isDraft)
    #expect(post.templateKey == "blog-post")
    #expect(post.permalink == "https://openinfra.org/blog/openinfra-summit-europe")
    #expect(post.id == post.permalink)
    #expect(post.twitterUsername == "@openinfradev")
    #expect(
      post.summary?.hasPrefix("Here’s a snapshot covering the three-day OpenInfra Summit Europe with 1,200+")
        == true)
    let html = try html(Data(contentsOf: seed))
    #expect(html.contains("<h3><strong>Keynotes Highlight Power of Open Source Resilience</strong>"))
    #expect(html.contains("<a href=\"https://summit2025.openinfra.org/\">OpenInfra Summit Europe</a>"))
    #expect(post.contentDigest == PostReader.digest(try Data(contentsOf: seed)))
  }

  @Test func defaultsWhatThePostLeavesOut() throws {
    let post = try read(
      "---\ntitle: Hello\ndate: 2025-06-01 10:30:00\ncategory: [OpenStack, Zuul]\n---\nBody\n")
    #expect(post.permalink == "https://openinfra.org/blog/example-post")
    #expect(post.templateKey == "blog-post")
    #expect(post.categories.map(\.label) == ["OpenStack", "Zuul"])
    #expect(post.author == nil && post.summary == nil && !post.isHidden && !post.isDraft)
    #expect(Timestamp.rfc3339(post.date) == "2025-06-01T10:30:00Z")
  }

  @Test func acceptsABOMAndWindowsLineEndings() throws {
    let text = "\u{FEFF}---\r\ntitle: Windows\r\ndate: 2025-01-02\r\n---\r\nLine one\r\nLine two\r\n"
    let post = try read(text)
    #expect(post.title == "Windows")
    #expect(try html(text) == "<p>Line one\nLine two</p>\n")
  }

  @Test func keepsYAMLScalarsAsWritten() throws {
    // YAML 1.1 would make these booleans; a title is text whatever it says.
    let post = try read("---\ntitle: no\ndate: 2025-01-02\nhidePost: yes\nauthor: 2024\n---\n")
    #expect(post.title == "no")
    #expect(post.isHidden)
    #expect(post.author == "2024")
  }

  @Test func normalisesXAccounts() throws {
    for (written, expected) in [
      ("\"@openinfradev \"", "@openinfradev"), ("OpenInfraDev", "@OpenInfraDev"),
      ("twitter.com/openinfradev", "@openinfradev"), ("https://x.com/openinfradev", "@openinfradev"),
    ] {
      let post = try read("---\ntitle: T\ndate: 2025-01-02\nseo:\n  twitterUsername: \(written)\n---\n")
      #expect(post.twitterUsername == expected)
    }
  }

  @Test func resolvesRelativeAndUnsafePermalinks() throws {
    let relative = try read("---\ntitle: T\ndate: 2025-01-02\nseo:\n  url: /blog/other\n---\n")
    #expect(relative.permalink == "https://openinfra.org/blog/other")
    let spaced = try read(
      "---\ntitle: T\ndate: 2025-01-02\nseo:\n  url: https://openinfra.org/blog/a b’c\n---\n")
    #expect(spaced.permalink == "https://openinfra.org/blog/a%20b%E2%80%99c")
    var warnings: [Diagnostic] = []
    let bare = try read("---\ntitle: T\ndate: 2025-01-02\nseo:\n  url: not a url\n---\n", warnings: &warnings)
    #expect(bare.permalink == "https://openinfra.org/blog/example-post")
    #expect(
      warnings.map(\.description) == [
        "posts/example-post.md:5: warning: 'seo.url' (not a url) is not an absolute http(s) URL; the permalink is https://openinfra.org/blog/example-post"
      ])
  }

  @Test func slugsAreEscapedInDefaultPermalinks() throws {
    let post = try read("---\ntitle: T\ndate: 2025-01-02\n---\n", path: "posts/why-i’m-excited.md")
    #expect(post.permalink == "https://openinfra.org/blog/why-i%E2%80%99m-excited")
  }

  @Test func pinnedIdsAreAlwaysURIs() throws {
    #expect(
      try read("---\ntitle: T\ndate: 2025-01-02\nid: post-42\n---\n").id == "tag:openinfra.org,2000:post-42")
    #expect(
      try read("---\ntitle: T\ndate: 2025-01-02\nid: urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a\n---\n").id
        == "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a")
  }

  @Test func readsSyndication() throws {
    var warnings: [Diagnostic] = []
    let post = try read(
      """
      ---
      title: T
      date: 2025-01-02
      syndication:
        at: 2025-10-02T15:00:00Z
        mastodon:
          text: "Hello #fediverse"
        linkedin:
          skip: true
        x: false
        myspace: {skip: true}
      ---
      """, warnings: &warnings)
    #expect(Timestamp.rfc3339(try #require(post.syndication.at)) == "2025-10-02T15:00:00Z")
    #expect(post.syndication.networks["mastodon"]?.text == "Hello #fediverse")
    #expect(post.syndication.networks["linkedin"]?.skip == true)
    #expect(post.syndication.networks["x"]?.skip == true)
    #expect(!post.syndication.skip)
    #expect(warnings.map(\.line) == [11])
    #expect(try read("---\ntitle: T\ndate: 2025-01-02\nsyndication:\n  skip: true\n---\n").syndication.skip)
  }

  // MARK: - Bad input: every error names the file and the line.

  @Test func namesTheLineOfEachProblem() {
    #expect(error("") == "posts/example-post.md:1: error: no front matter: the file is empty")
    #expect(
      error("Just text\n")
        == "posts/example-post.md:1: error: no front matter: it does not start with a '---' line")
    #expect(
      error("---\ntitle: T\ndate: 2025-01-02\n")
        == "posts/example-post.md:1: error: the front matter opened here is never closed: add a '---' line after it"
    )
    #expect(
      error("---\ndate: 2025-01-02\n---\n") == "posts/example-post.md:2: error: the post has no 'title'")
    #expect(
      error("---\ntitle: \"  \"\ndate: 2025-01-02\n---\n")
        == "posts/example-post.md:2: error: 'title' is empty")
    #expect(error("---\ntitle: T\n---\n") == "posts/example-post.md:2: error: the post has no 'date'")
    #expect(
      error("---\ntitle: T\nauthor: A\ndate: 2025-02-30T10:00:00Z\n---\n")
        == "posts/example-post.md:4: error: 'date' is invalid: February 2025 has no day 30")
    #expect(
      error("---\n- title: T\n- date: 2025-01-02\n---\n")
        == "posts/example-post.md:2: error: the front matter must be a mapping of keys to values, not a list")
    #expect(
      error("---\ntitle: [unclosed\ndate: 2025-01-02\n---\n").hasPrefix(
        "posts/example-post.md:3: error: front matter is not valid YAML"))
    #expect(
      error("---\ntitle: T\ntitle: U\ndate: 2025-01-02\n---\n").hasPrefix(
        "posts/example-post.md:2: error: front matter names 'title' more than once"))
    #expect(
      error("---\ntitle: {a: b}\ndate: 2025-01-02\n---\n")
        == "posts/example-post.md:2: error: 'title' must be text, not a mapping")
    #expect(
      error("---\ntitle: T\ndate: 2025-01-02\ncategory:\n  - [a, b]\n---\n")
        == "posts/example-post.md:5: error: a 'category' entry must be text or {value, label}, not a list")
    #expect(
      error("---\ntitle: T\ndate: 2025-01-02\nhidePost: maybe\n---\n")
        == "posts/example-post.md:4: error: 'hidePost' must be true or false, not 'maybe'")
  }

  @Test func refusesInvalidUTF8WithItsLine() {
    var bytes = Data("---\ntitle: T\ndate: 2025-01-02\n---\nfine\nbad: ".utf8)
    bytes.append(contentsOf: [0xC3, 0x28, 0x0A])
    var warnings: [Diagnostic] = []
    #expect(
      throws: Diagnostic(.error, path: "posts/x.md", line: 6, "the file is not valid UTF-8; save it as UTF-8")
    ) {
      try reader.read(
        bytes, source: .init(displayPath: "posts/x.md", relativePath: "x.md"), warnings: &warnings)
    }
  }

  @Test func refusesAYAMLBillionLaughs() {
    var yaml = "---\ntitle: T\ndate: 2025-01-02\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for level in 1...9 {
      let refs = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
      yaml += "a\(level): &a\(level) [\(refs)]\n"
    }
    yaml += "---\n"
    #expect(error(yaml).contains("error: front matter uses more than 16 YAML aliases"))
  }

  @Test func refusesFrontMatterNestedTooDeeply() {
    let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
    #expect(
      error("---\ntitle: T\ndate: 2025-01-02\nx: \(deep)\n---\n").contains(
        "error: front matter nests more than 64 levels deep"))
    let dashes = String(repeating: "- ", count: 5_000) + "x"
    #expect(
      error("---\ntitle: T\ndate: 2025-01-02\nx:\n  \(dashes)\n---\n").contains(
        "error: front matter nests more than 64 levels deep"))
  }

  @Test func readsAHugeBody() throws {
    let paragraph = "Open infrastructure **runs** the world's [clouds](/clouds). "
    let body = String(repeating: paragraph + "\n\n", count: 5_000_000 / (paragraph.utf8.count + 2))
    let text = "---\ntitle: Huge\ndate: 2025-01-02\n---\n" + body
    #expect(try read(text).title == "Huge")
    #expect(try html(text).utf8.count > 5_000_000)
  }

  @Test func keepsControlCharactersOutOfYAMLAndInTheBodyForTheFeedsToDrop() throws {
    #expect(error("---\ntitle: \"T\u{0}\"\ndate: 2025-01-02\n---\n").contains("error: front matter"))
    let text =
      "---\ntitle: T\ndate: 2025-01-02\n---\nNUL \u{0} and ESC \u{1B} and ]]> and <script>alert(1)</script>\n"
    #expect(try read(text).title == "T")
    let html = try html(text)
    #expect(html.contains("]]&gt;") && html.contains("\u{1B}"))
  }

  /// `lang` takes the shape `[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*`, checked without a regular
  /// expression; anything else is a warning and the site's language.
  @Test func languageTagsHaveTheirShape() throws {
    for tag in ["en", "EN", "pt-BR", "zh-Hant-TW", "ast", "de-1996", "sr-Latn-abcdefgh"] {
      #expect(LanguageTag.isWellFormed(tag), "\(tag)")
    }
    for tag in ["e", "engl", "en-", "-en", "en--GB", "en-abcdefghi", "en_GB", "é", "en GB", "1a", ""] {
      #expect(!LanguageTag.isWellFormed(tag), "\(tag)")
    }
    var warnings: [Diagnostic] = []
    let post = try read(
      "---\ntitle: T\ndate: 2025-01-01\nlang: en_GB\n---\nBody\n", warnings: &warnings)
    #expect(post.language == nil)
    #expect(
      warnings.map(\.description) == [
        "posts/example-post.md:4: warning: 'lang' (en_GB) is not a language tag like en or pt-BR; the site's language is used"
      ])
    #expect(try read("---\ntitle: T\ndate: 2025-01-01\nlang: ' pt-BR '\n---\nBody\n").language == "pt-BR")
  }

}
