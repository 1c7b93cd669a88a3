import Foundation
import TestSupport
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// RFC 5005 archives, read the way an archive-aware client reads them: from the subscription
/// feed, following `prev-archive` until there is none.
@Suite(.serialized) struct ArchiveTests {
  static let feedsURL = "https://openinfra.org/feeds/"
  static let archiveSettings = "  archive: true\n  archive_size: 4"

  /// The real blog, archived in documents of four behind subscription feeds of five.
  func archivedBlog() throws -> TestSite {
    let site = try TestSite(limit: 5, extraFeeds: Self.archiveSettings)
    try site.copyPosts(from: try #require(SharedData.corpus, "../shared is needed"))
    let built = try site.herald("build")
    #expect(built.status == 0, "\(built.errors)")
    return site
  }

  /// Every feed's entry ids, newest first, as one document with no limit holds them.
  func completeFeeds(of site: TestSite) throws -> [String: [String]] {
    let whole = try TestSite(limit: 0)
    try whole.copyPosts(from: site.root.appendingPathComponent("posts"))
    #expect(try whole.herald("build").status == 0)
    var feeds: [String: [String]] = [:]
    for file in try whole.feedFiles() where !file.hasSuffix(".json") {
      feeds[file] = try ReadDocument(whole.path(file)).ids
    }
    return feeds
  }

  @Test func followingPrevArchiveGivesEveryPostExactlyOnceNewestFirst() throws {
    let site = try archivedBlog()
    let complete = try completeFeeds(of: site)
    #expect(complete.count == 2 * 3, "site-wide, Community, News & Announcements; Atom and RSS")
    for (subscription, expected) in complete {
      let walk = try ArchiveWalk(site: site, from: subscription)
      #expect(walk.ids == expected, "\(subscription): \(walk.files)")
      #expect(walk.files.count > 1, "\(subscription) has no archives")
      // Paged from the oldest: every archive but the newest is full.
      for file in walk.files.dropFirst(2) {
        #expect(try ReadDocument(site.path(file)).ids.count == 4, "\(file)")
      }
    }
    // The blog has 30 posts: 5 in the subscription feed, 25 in six full archives and one of one.
    let walk = try ArchiveWalk(site: site, from: "public/atom.xml")
    #expect(walk.files.last == "public/archive/1/atom.xml")
    #expect(walk.files.count == 1 + 7)
    #expect(try ReadDocument(site.path("public/archive/7/atom.xml")).ids.count == 1)
    _ = try site.readAllFeeds()
  }

  @Test func addingPostsRewritesOnlyTheNewestArchiveAndTheSubscriptionFeeds() throws {
    let site = try TestSite(limit: 2, extraFeeds: "  archive: true\n  archive_size: 3")
    func add(_ day: Int) throws {
      try site.post(
        "post-\(day).md", title: "Post \(day)", date: String(format: "2026-01-%02dT09:00:00Z", day),
        extra: "category:\n  - label: \(day % 3 == 0 ? "Third" : "Other")")
    }
    for day in 1...4 { try add(day) }
    #expect(try site.herald("build").status == 0)
    for day in 5...14 {
      let before = try archiveFiles(site)
      try add(day)
      #expect(try site.herald("build").status == 0)
      let after = try archiveFiles(site)
      for (file, bytes) in before {
        let folder = (file as NSString).deletingLastPathComponent
        let feedFolder = (folder as NSString).deletingLastPathComponent
        let newest = before.keys.filter {
          ($0 as NSString).deletingLastPathComponent.hasPrefix(feedFolder + "/")
        }
        .map { Int((($0 as NSString).deletingLastPathComponent as NSString).lastPathComponent)! }.max()!
        if !folder.hasSuffix("/\(newest)") {
          #expect(after[file] == bytes, "day \(day): \(file), an older archive, changed")
        }
        // A full archive already links the next one, so it is never written again.
        if try ReadDocument(bytes, name: file).ids.count == 3 {
          #expect(after[file] == bytes, "day \(day): \(file), a full archive, changed")
        }
      }
      // Whatever was written, a client still gets every post once.
      let walk = try ArchiveWalk(site: site, from: "public/atom.xml")
      #expect(walk.ids.count == day, "day \(day)")
      #expect(Set(walk.ids).count == day)
    }
    // Ten posts in "Other": two in its feed, eight in archives of 3, 3 and 2.
    let other = try ArchiveWalk(site: site, from: "public/categories/other/atom.xml")
    #expect(other.files.count == 4 && other.ids.count == 10, "\(other.files)")
  }

  @Test func anEditedOldPostRewritesOnlyTheArchivesThatListIt() throws {
    let site = try archivedBlog()
    let files = try site.feedFiles()
    func snapshot() throws -> [String: Data] {
      try Dictionary(
        uniqueKeysWithValues: files.map { ($0, try Data(contentsOf: URL(fileURLWithPath: site.path($0)))) })
    }
    let before = try snapshot()
    // The oldest post, in the first archive of each feed that holds it.
    let oldest = try #require(try ArchiveWalk(site: site, from: "public/atom.xml").ids.last)
    let name = try #require(
      try FileManager.default.contentsOfDirectory(atPath: site.path("posts")).first { name in
        try String(contentsOfFile: site.path("posts/" + name), encoding: .utf8).contains(
          (oldest as NSString).lastPathComponent)
      })
    let text = try String(contentsOfFile: site.path("posts/" + name), encoding: .utf8)
    try site.post(name, text + "\nA correction, added later.\n")
    #expect(try site.herald("build").status == 0)
    let after = try snapshot()
    let changed = files.filter { before[$0] != after[$0] }.sorted()
    #expect(!changed.isEmpty)
    for file in changed {
      #expect(file.contains("/archive/1/"), "\(file) changed, but does not list the edited post")
      #expect(try ReadDocument(site.path(file)).ids.contains(oldest))
    }
  }

  @Test func turningArchivesOffRemovesThemAndLimitZeroIsRefused() throws {
    let site = try archivedBlog()
    #expect(FileManager.default.fileExists(atPath: site.path("public/archive/1/atom.xml")))
    try site.writeConfiguration(limit: 5)
    #expect(try site.herald("build").status == 0)
    #expect(try site.feedFiles().filter { $0.contains("/archive") }.isEmpty)
    #expect(!FileManager.default.fileExists(atPath: site.path("public/archive")))
    #expect(try !site.folder.read("public/atom.xml").contains("prev-archive"))

    try site.writeConfiguration(limit: 0, extraFeeds: Self.archiveSettings)
    let refused = try site.herald("build")
    #expect(refused.status == 2)
    #expect(refused.errors.contains("herald.yml:"), "\(refused.errors)")
    #expect(refused.errors.contains("'feeds.archive' needs 'feeds.limit' above 0"), "\(refused.errors)")
  }

  @Test func twoLabelsWithOneSlugListAPostOnce() throws {
    let site = try TestSite(limit: 2, extraFeeds: "  archive: true\n  archive_size: 2")
    for day in 1...6 {
      try site.post(
        "p\(day).md", title: "Post \(day)", date: "2025-06-0\(day)T10:00:00Z",
        extra: "category:\n  - label: C++\n  - label: C")
    }
    #expect(try site.herald("build").status == 0)
    let walk = try ArchiveWalk(site: site, from: "public/categories/c/rss.xml")
    #expect(walk.ids.count == 6 && Set(walk.ids).count == 6, "\(walk.ids)")
    _ = try site.readAllFeeds()
  }

  @Test func onlyHeraldsOwnFilesAreRemovedOrWrittenOver() throws {
    let site = try archivedBlog()
    // Files of the site's own that sit where Herald's could: an archive of its own, an old
    // stylesheet that is not Herald's, its own index page.
    try site.folder.write("public/archive/2019/atom.xml", "<feed>the site's own</feed>")
    try site.folder.write("public/feed.xsl", "<xsl:stylesheet>the site's own</xsl:stylesheet>")
    try site.folder.write("public/index.html", "<!DOCTYPE html><title>Welcome</title>")
    try site.writeConfiguration(limit: 5)
    let dryRun = try site.herald("publish", "--dry-run")
    #expect(dryRun.output.contains("archive/1/atom.xml"), "a dry run names the files it would remove")
    #expect(FileManager.default.fileExists(atPath: site.path("public/archive/1/atom.xml")))
    let built = try site.herald("build")
    #expect(built.status == 0)
    #expect(!FileManager.default.fileExists(atPath: site.path("public/archive/1/atom.xml")))
    #expect(try site.folder.read("public/archive/2019/atom.xml") == "<feed>the site's own</feed>")
    #expect(try site.folder.read("public/feed.xsl") == "<xsl:stylesheet>the site's own</xsl:stylesheet>")
    #expect(try site.folder.read("public/index.html") == "<!DOCTYPE html><title>Welcome</title>")
    #expect(built.errors.contains("public/index.html: warning:"), "\(built.errors)")
    // Herald's own index page is written, and written over, as any of its files.
    try FileManager.default.removeItem(atPath: site.path("public/index.html"))
    #expect(try site.herald("build").status == 0)
    #expect(
      try site.folder.read("public/index.html").contains("<meta name=\"generator\" content=\"Herald\">"))
  }

  @Test func anEmptyNewestArchiveIsNotWrittenWhenAnOlderPostIsEdited() throws {
    let site = try TestSite(limit: 2, extraFeeds: "  archive: true\n  archive_size: 2")
    for day in 1...6 { try site.post("p\(day).md", title: "Post \(day)", date: "2025-06-0\(day)T10:00:00Z") }
    #expect(try site.herald("build").status == 0)
    #expect(try ReadDocument(site.path("public/archive/3/atom.xml")).ids.isEmpty)
    let empty = try site.folder.read("public/archive/3/atom.xml")
    try site.post(
      "p4.md", title: "Post 4", date: "2025-06-04T10:00:00Z", extra: "updated: 2025-06-20T10:00:00Z")
    #expect(try site.herald("build").status == 0)
    #expect(try site.folder.read("public/archive/3/atom.xml") == empty)
  }

  /// The W3C Feed Validation Service's code, run offline on every document. It is not on
  /// PyPI: set `HERALD_FEEDVALIDATOR` to the `src` folder of a w3c/feedvalidator checkout.
  @Test(.enabled(if: ProcessInfo.processInfo.environment["HERALD_FEEDVALIDATOR"] != nil))
  func everyArchiveDocumentPassesTheW3CValidator() throws {
    let site = try archivedBlog()
    let validator = try #require(ProcessInfo.processInfo.environment["HERALD_FEEDVALIDATOR"])
    let files = try site.feedFiles().map { String($0.dropFirst("public/".count)) }
    let script = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
      .appendingPathComponent("w3c_validate.py")
    let result = try Program.run(
      "/usr/bin/env", ["python3", script.path, validator, Self.feedsURL, site.path("public")] + files,
      in: site.root)
    #expect(result.status == 0, "\(result.errors)")
    let report = try JSONDecoder().decode(
      [String: [String: [String]]].self, from: Data(result.output.utf8))
    #expect(report.count == files.count)
    for (file, events) in report.sorted(by: { $0.key < $1.key }) {
      #expect(events["errors"] == [], "\(file): \(events["errors"] ?? [])")
      #expect(events["warnings"] == [], "\(file): \(events["warnings"] ?? [])")
    }
  }

  private func archiveFiles(_ site: TestSite) throws -> [String: Data] {
    var files: [String: Data] = [:]
    for file in try site.feedFiles() where file.contains("/archive/") {
      files[file] = try Data(contentsOf: URL(fileURLWithPath: site.path(file)))
    }
    return files
  }
}

/// An RFC 5005 client: reads the subscription document, then each `prev-archive` in turn,
/// checking the links every archive must carry.
struct ArchiveWalk {
  /// The documents read, subscription first, as paths relative to the site.
  var files: [String] = []
  /// Every entry id met, in the order met.
  var ids: [String] = []

  init(site: TestSite, from subscription: String) throws {
    let subscriptionURL = ArchiveTests.feedsURL + subscription.dropFirst("public/".count)
    var next: String? = subscription
    var newer: String? = nil
    while let file = next {
      #expect(!files.contains(file), "\(file) is met twice: the archive links loop")
      guard !files.contains(file), files.count < 1000 else { break }
      let document = try ReadDocument(site.path(file))
      let url = ArchiveTests.feedsURL + file.dropFirst("public/".count)
      #expect(document.links["self"] == url, "\(file)")
      if file == subscription {
        #expect(!document.isArchive, "\(file): a subscription feed marked fh:archive")
      } else {
        #expect(document.isArchive, "\(file) has no fh:archive")
        #expect(document.links["current"] == subscriptionURL, "\(file)")
        #expect(document.links["next-archive"] == newer, "\(file)")
      }
      files.append(file)
      ids += document.ids
      newer = file == subscription ? nil : url
      next = document.links["prev-archive"].map { href in
        #expect(href.hasPrefix(ArchiveTests.feedsURL), "\(file): \(href)")
        return "public/" + href.dropFirst(ArchiveTests.feedsURL.count)
      }
    }
  }
}

/// What a client reads in one Atom or RSS document.
struct ReadDocument {
  var isArchive = false
  /// The document's own links (not its entries'), by relation.
  var links: [String: String] = [:]
  /// Entry ids (Atom `id`, RSS `guid`), in document order.
  var ids: [String] = []

  init(_ path: String) throws {
    try self.init(try Data(contentsOf: URL(fileURLWithPath: path)), name: path)
  }

  init(_ data: Data, name path: String) throws {
    let parser = XMLParser(data: data)
    let reader = Reader()
    parser.delegate = reader
    parser.shouldProcessNamespaces = true
    #expect(parser.parse(), "\(path): \(parser.parserError.map(String.init(describing:)) ?? "")")
    self.isArchive = reader.isArchive
    self.links = reader.links
    self.ids = reader.ids
  }

  private final class Reader: NSObject, XMLParserDelegate {
    var isArchive = false
    var links: [String: String] = [:]
    var ids: [String] = []
    private var depth = 0
    private var inItem = false
    private var text: String?

    func parser(
      _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
      attributes: [String: String] = [:]
    ) {
      depth += 1
      if name == "entry" || name == "item" { inItem = true }
      if name == "archive" && namespaceURI == "http://purl.org/syndication/history/1.0" { isArchive = true }
      if name == "link", namespaceURI == "http://www.w3.org/2005/Atom", !inItem, let rel = attributes["rel"] {
        links[rel] = attributes["href"]
      }
      if inItem, name == "id" || name == "guid" { text = "" }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text? += string }

    func parser(
      _ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?
    ) {
      depth -= 1
      if name == "entry" || name == "item" { inItem = false }
      if let value = text, name == "id" || name == "guid" {
        ids.append(value)
        text = nil
      }
    }
  }
}
