import Foundation
import TestSupport
import Testing

/// Hostile posts beside good ones: every bad one is named, every good one is published, and
/// the feeds stay valid.
@Suite(.serialized) struct BadInputTests {
  /// A bad post, and the `PATH:LINE: error:` prefix Herald must print for it.
  static let hostile: [BadPost] = [
    BadPost(
      name: "bad-yaml.md", text: Data("---\ntitle: [unclosed\ndate: 2025-01-01\n---\n".utf8),
      expected: "posts/bad-yaml.md:3: error:"),
    BadPost(
      name: "unclosed.md", text: Data("---\ntitle: Never closed\ndate: 2025-01-01\nBody\n".utf8),
      expected: "posts/unclosed.md:1: error:"),
    BadPost(
      name: "no-title.md", text: Data("---\ndate: 2025-01-01\n---\nBody\n".utf8),
      expected: "posts/no-title.md:2: error:"),
    BadPost(
      name: "no-date.md", text: Data("---\ntitle: No date\n---\nBody\n".utf8),
      expected: "posts/no-date.md:2: error:"),
    BadPost(
      name: "impossible-date.md", text: Data("---\ntitle: T\ndate: 2025-02-30\n---\n".utf8),
      expected: "posts/impossible-date.md:3: error:"),
    BadPost(name: "list.md", text: Data("---\n- a\n- b\n---\n".utf8), expected: "posts/list.md:2: error:"),
    BadPost(name: "empty.md", text: Data("".utf8), expected: "posts/empty.md:1: error:"),
    BadPost(
      name: "not-utf8.md", text: Data("---\ntitle: T\ndate: 2025-01-01\n---\nCaf".utf8) + Data([0xE9, 0x0A]),
      expected: "posts/not-utf8.md:5: error:"),
    BadPost(
      name: "nul-in-yaml.md", text: Data("---\ntitle: \"a\u{0}b\"\ndate: 2025-01-01\n---\n".utf8),
      expected: "posts/nul-in-yaml.md:2: error:"),
    BadPost(
      name: "scalar-category.md",
      text: Data("---\ntitle: T\ndate: 2025-01-01\ncategory:\n  - {value: [x]}\n---\n".utf8),
      expected: "posts/scalar-category.md:5: error:"),
    BadPost(name: "alias-bomb.md", text: Data(aliasBomb.utf8), expected: "posts/alias-bomb.md:2: error:"),
    BadPost(
      name: "deep.md",
      text: Data(
        ("---\ntitle: T\ndate: 2025-01-01\nx: " + String(repeating: "[", count: 100_000) + "\n---\n").utf8),
      expected: "posts/deep.md:4: error:"),
  ]

  struct BadPost {
    var name: String
    var text: Data
    var expected: String
  }

  static let aliasBomb: String = {
    var yaml = "---\ntitle: T\ndate: 2025-01-01\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for level in 1...9 {
      yaml +=
        "a\(level): &a\(level) [\(Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", "))]\n"
    }
    return yaml + "---\n"
  }()

  /// Posts that are valid, with content that breaks naive feed writers.
  static let nasty: [(name: String, title: String, body: String)] = [
    ("cdata.md", "Ends ]]> here", "A ]]> in the body and <![CDATA[ too."),
    (
      "script.md", "<script>alert(1)</script>", "<script>document.cookie</script><img src=x onerror=alert(1)>"
    ),
    (
      "controls.md", "Bell \\a and escape \\e",
      "NUL \u{0} form feed \u{C} vertical tab \u{B} \u{FFFE}\u{FFFF}"
    ),
    ("emoji-rtl.md", "👩‍👩‍👧‍👦 🇯🇵 مرحبا بالعالم שלום", "Mixed \u{202E}override\u{202C} and زووول Zuul."),
    ("entities.md", "AT&T &amp; &nbsp; &bogus;", "Text with &nbsp; &copy; &#0; &#xD800; & bare."),
  ]

  @Test func everyBadPostIsNamedAndEveryGoodOneIsPublished() throws {
    let site = try TestSite(limit: 0)
    for (index, good) in Self.nasty.enumerated() {
      try site.post(
        good.name, title: good.title.replacingOccurrences(of: "\"", with: "\\\""),
        date: "2025-0\(index + 1)-10T10:00:00Z", body: good.body)
    }
    for bad in Self.hostile { try site.folder.write("posts/" + bad.name, bad.text) }

    let build = try site.herald("build", "--now", "2026-01-01T00:00:00Z")
    #expect(build.status == 1, "some posts were invalid: exit 1")
    let errorLines = build.errors.split(separator: "\n").filter { $0.contains(": error: ") }
    #expect(errorLines.count == Self.hostile.count, "\(build.errors)")
    for bad in Self.hostile {
      #expect(errorLines.contains { $0.hasPrefix(bad.expected) }, "no '\(bad.expected)' in:\n\(build.errors)")
    }
    #expect(build.output.contains("from 5 published posts"))

    let feeds = try site.readAllFeeds()
    let atom = try #require(feeds["public/atom.xml"])
    #expect(Set(atom.entries.map(\.title)).count == 5)
    #expect(atom.entries.contains { $0.title == "Ends ]]> here" })
    #expect(atom.entries.contains { $0.title == "<script>alert(1)</script>" })
    #expect(atom.entries.contains { $0.title == "Bell and escape" })
    for entry in atom.entries {
      #expect(!entry.content.contains("<script"))
      #expect(!entry.content.contains("onerror"))
    }
    #expect(try #require(feeds["public/feed.json"]).entries.count == 5)
  }

  /// libxml2 parses posts' raw HTML: it must never load an external entity, a DTD or anything
  /// else, from the disk or the network, whatever the post asks for.
  @Test func rawHTMLLoadsNothingFromTheDiskOrTheNetwork() throws {
    let peer = try BlueskyXDeliveryTests.Peer("capture_server.py")
    let url = peer.server.baseURL
    let site = try TestSite()
    try site.post(
      "entities.md", title: "Entities", date: "2025-06-01T10:00:00Z",
      body: """
        <!DOCTYPE html [
          <!ENTITY file SYSTEM "file:///etc/passwd">
          <!ENTITY remote SYSTEM "\(url)/entity">
          <!ENTITY % dtd SYSTEM "\(url)/dtd"> %dtd;
        ]>
        <p>Inline: &file; and &remote;.</p>
        <?xml-stylesheet href="\(url)/xsl"?>
        <link rel="stylesheet" href="\(url)/css"><iframe src="\(url)/frame"></iframe>
        <svg><image href="\(url)/svg"/></svg><img src="\(url)/img">
        <xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/>
        """)
    let build = try site.herald("build")
    #expect(build.status == 0, "\(build.errors)")
    for file in try site.feedFiles() {
      let text = try site.folder.read(file)
      #expect(!text.contains("root:x:0:0") && !text.contains("/bin/"), "\(file) holds /etc/passwd")
    }
    // Let a request that was sent arrive before looking.
    usleep(300_000)
    #expect((try peer.read()["requests"] as? [[String: Any]] ?? []).isEmpty, "libxml2 fetched something")
  }

  @Test func aFiveMegabytePostIsPublished() throws {
    let site = try TestSite()
    let huge = String(repeating: "Open infrastructure [runs](/clouds) the world's clouds.\n\n", count: 90_000)
    try site.post("huge.md", title: "Huge", date: "2025-08-01T00:00:00Z", body: huge)
    let build = try site.herald("build")
    #expect(build.status == 0, "\(build.errors)")
    // feedparser's sanitiser takes seconds per megabyte: expat and jing check these instead.
    for feed in ["atom.xml", "rss.xml"] {
      let parse = try Program.run(
        "/usr/bin/env",
        [
          "python3", "-c",
          "import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); print(len(d.toxml()))",
          site.path("public/" + feed),
        ])
      #expect(parse.status == 0, "\(parse.errors)")
      #expect(Int(parse.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 > 5_000_000)
    }
    #expect(try FeedReaders.jing(site.path("public/atom.xml")) == "")
    let json = try FeedReaders.feedparser([site.path("public/feed.json")])
    #expect(json.first?.entries.first?.content.contains("https://openinfra.org/clouds") == true)
  }

  @Test func checkReportsTheSameProblemsAndWritesNothing() throws {
    let site = try TestSite()
    try site.post("good.md", title: "Good", date: "2025-01-01")
    for bad in Self.hostile.prefix(4) { try site.folder.write("posts/" + bad.name, bad.text) }
    let check = try site.herald("check")
    #expect(check.status == 1)
    #expect(check.errors.split(separator: "\n").count == 4)
    #expect(check.output.contains("Checked 5 posts: 4 invalid; 1 published"))
    #expect(!FileManager.default.fileExists(atPath: site.path("public")))
    #expect(!FileManager.default.fileExists(atPath: site.path("state")))
  }

  @Test func configurationErrorsStopEverythingWithExitTwo() throws {
    let site = try TestSite()
    try site.post("good.md", title: "Good", date: "2025-01-01")
    try site.folder.write("herald.yml", "site:\n  title: Blog\n  url: openinfra.org\n")
    let result = try site.herald("build")
    #expect(result.status == 2)
    #expect(
      result.errors
        == "herald.yml:3: error: 'site.url' must be an absolute http(s) URL, not 'openinfra.org'\n")
    #expect(!FileManager.default.fileExists(atPath: site.path("public")))

    try site.folder.write(
      "herald.yml", "site:\n  title: Blog\n  url: https://openinfra.org\n  timezone: Mars/Olympus\n")
    #expect(
      try site.herald("build").errors.hasPrefix("herald.yml:4: error: 'site.timezone' is not a time zone"))
    // The checks written by hand, not as regular expressions: each names its line.
    let base = "site:\n  title: Blog\n  url: https://openinfra.org\n"
    for (yaml, error) in [
      ("  language: en_GB\n", "herald.yml:4: error: 'site.language' is not a language tag: 'en_GB'"),
      (
        "social:\n  accounts:\n    open/stack:\n      network: mastodon\n",
        "herald.yml:6: error: 'social.accounts.open/stack': an account name is letters, digits"
      ),
      (
        "social:\n  accounts:\n    openstack:\n      network: mastodon\n      credentials: OpenStack\n",
        "herald.yml:8: error: 'social.accounts.openstack.credentials' must be a key prefix"
      ),
    ] {
      try site.folder.write("herald.yml", base + yaml)
      let run = try site.herald("build")
      #expect(run.status == 2)
      #expect(run.errors.hasPrefix(error), "\(run.errors)")
    }
    try site.folder.write(
      "herald.yml",
      base + "  language: zh-Hant-TW\nsocial:\n  accounts:\n    open_stack-2:\n      network: mastodon\n"
        + "      credentials: OPEN_STACK_2\n")
    let valid = try site.herald("build")
    #expect(valid.status == 0, "\(valid.errors)")
    try site.folder.write("herald.yml", "site: [a, b]\n")
    #expect(try site.herald("check").status == 2)
    #expect(try site.herald("build", "--config", "missing.yml").status == 2)
    #expect(try site.herald("build", "--now", "soon").status == 2)
    #expect(try site.herald("build", "--bogus").status == 2)
    #expect(try site.herald("--version").output.hasPrefix("0.1.0 (commit "))
  }
}
