import Foundation
import Glibc
import TestSupport
import Testing

/// The build cache and the stamps that let a run with nothing to do skip its work: every
/// change a user can make must still be seen by the next run.
@Suite(.serialized) struct BuildCacheTests {
  func atom(_ site: TestSite) throws -> String { try site.folder.read("public/atom.xml") }

  @Test func anEditIsSeenEvenWhenSizeAndModificationTimeStayTheSame() throws {
    let site = try TestSite()
    let path = try site.post("a.md", title: "Alpha", date: "2025-06-01T10:00:00Z", body: "First words.")
    #expect(try site.herald("build").status == 0)
    #expect(try site.herald("build").status == 0)  // leaves a stamp
    let modified =
      try FileManager.default.attributesOfItem(atPath: site.path(path))[.modificationDate] as! Date
    try site.post("a.md", title: "Alpha", date: "2025-06-01T10:00:00Z", body: "Other words.")
    try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: site.path(path))
    let build = try site.herald("build")
    #expect(build.status == 0, "\(build.errors)")
    #expect(try atom(site).contains("Other words."))
  }

  @Test func aFeedFileEditedOrDeletedIsWrittenAgain() throws {
    let site = try TestSite()
    try site.post("a.md", title: "Alpha", date: "2025-06-01T10:00:00Z")
    #expect(try site.herald("build").status == 0)
    let original = try atom(site)
    try FileManager.default.removeItem(atPath: site.path("public/rss.xml"))
    try site.folder.write("public/atom.xml", "spoiled")
    let build = try site.herald("build")
    #expect(build.output.contains("2 files written"), "\(build.output)")
    #expect(try atom(site) == original)
    #expect(FileManager.default.fileExists(atPath: site.path("public/rss.xml")))
    #expect(try site.herald("build").output.contains("0 files written"))
  }

  @Test func aScheduledPostAppearsWhenItsTimeComes() throws {
    let site = try TestSite()
    try site.post("now.md", title: "Now", date: "2025-06-01T10:00:00Z")
    try site.post("later.md", title: "Later", date: "2030-01-01T00:00:00Z")
    for _ in 0..<2 { #expect(try site.herald("build", "--now", "2029-12-31T23:59:59Z").status == 0) }
    #expect(try !atom(site).contains("Later"))
    #expect(try site.herald("build", "--now", "2030-01-01T00:00:00Z").status == 0)
    #expect(try atom(site).contains("Later"))
    // And back: the clock going backwards is a change too.
    #expect(try site.herald("build", "--now", "2029-12-31T23:59:59Z").status == 0)
    #expect(try !atom(site).contains("Later"))
  }

  @Test func postsAddedRemovedOrBrokenAndConfigurationChangesAreSeen() throws {
    let site = try TestSite()
    try site.post("a.md", title: "Alpha", date: "2025-06-01T10:00:00Z")
    for _ in 0..<2 { #expect(try site.herald("build").status == 0) }
    try site.post("b.md", title: "Beta", date: "2025-06-02T10:00:00Z")
    #expect(try site.herald("build").status == 0)
    #expect(try atom(site).contains("Beta"))
    try site.post("b.md", "---\ntitle: [broken\n---\n")
    let broken = try site.herald("build")
    #expect(broken.status == 1)
    #expect(broken.errors.contains("posts/b.md:3: error: front matter is not valid YAML"))
    // Nothing changed, and the same error is reported again, with the same exit code.
    let again = try site.herald("build")
    #expect(again.status == 1)
    #expect(again.errors == broken.errors)
    try FileManager.default.removeItem(atPath: site.path("posts/b.md"))
    #expect(try site.herald("build").status == 0)
    #expect(try !atom(site).contains("Beta"))
    try site.folder.write(
      "herald.yml",
      try site.folder.read("herald.yml").replacingOccurrences(
        of: "OpenInfra Foundation Blog", with: "Renamed Blog"))
    #expect(try site.herald("build").status == 0)
    #expect(try atom(site).contains("Renamed Blog"))
  }

  /// Two builds at once each removed the other's temporary files mid-write and recorded
  /// feed files the other had replaced, leaving an archive document the cache called current
  /// and a cold build disagreed with. A build now takes the publish lock: while another run
  /// holds it, a build exits 75 and touches nothing.
  @Test func aBuildWaitsForNoOneAndTouchesNothingWhileAnotherRunHoldsTheLock() throws {
    let site = try TestSite()
    try site.post("a.md", title: "Alpha", date: "2025-06-01T10:00:00Z")
    #expect(try site.herald("build").status == 0)
    let before = try atom(site)
    try site.post("b.md", title: "Beta", date: "2025-06-02T10:00:00Z")

    // The lock another run would hold: an flock on the state folder's lock file.
    let descriptor = open(site.path("state/publish.lock"), O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    #expect(descriptor >= 0)
    #expect(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
    let locked = try site.herald("build")
    #expect(locked.status == 75)
    #expect(locked.errors.contains("state/publish.lock: error: another herald build or publish is running"))
    let quiet = try site.herald("build", "--quiet")
    #expect(quiet.status == 75)
    #expect(quiet.errors == "")
    #expect(try atom(site) == before)

    close(descriptor)
    #expect(try site.herald("build").status == 0)
    #expect(try atom(site).contains("Beta"))
  }

  /// A new post renders its own entry; the feed's other entries are taken as they were last
  /// written. An edited post is rendered again, and entries that left the feeds are forgotten.
  @Test func aNewPostRendersOneEntryAndTheOthersAreTakenAsWritten() throws {
    let site = try TestSite(limit: 3)
    for day in 1...4 { try site.post("p\(day).md", title: "Post \(day)", date: "2025-06-0\(day)T10:00:00Z") }
    let cold = try site.herald("build", "--verbose")
    #expect(cold.errors.contains("entries 3 rendered, 0 as kept"), "\(cold.errors)")
    func kept() throws -> String {
      try Program.run(
        "/usr/bin/env", ["sqlite3", site.path("state/cache.sqlite"), "SELECT count(*) FROM entry_fragments"]
      ).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    #expect(try kept() == "3")

    try site.post("p5.md", title: "Post 5", date: "2025-06-05T10:00:00Z")
    let added = try site.herald("build", "--verbose")
    #expect(added.errors.contains("entries 1 rendered, 2 as kept"), "\(added.errors)")
    #expect(try kept() == "3")  // Post 2's entry left the feed, and the table.

    try site.post("p4.md", title: "Post 4", date: "2025-06-04T10:00:00Z", body: "Words changed.")
    let edited = try site.herald("build", "--verbose")
    #expect(edited.errors.contains("entries 1 rendered, 2 as kept"), "\(edited.errors)")
    #expect(try atom(site).contains("Words changed."))

    // The same bytes as a build that had no cache at all.
    let incremental = try atom(site)
    try FileManager.default.removeItem(atPath: site.path("state"))
    try FileManager.default.removeItem(atPath: site.path("public"))
    let again = try site.herald("build")
    #expect(again.status == 0, "\(again.errors)")
    #expect(try atom(site) == incremental)
  }

  @Test func aDamagedCacheIsRebuiltAndNeverAFailure() throws {
    let site = try TestSite()
    try site.post("a.md", title: "Alpha", date: "2025-06-01T10:00:00Z")
    #expect(try site.herald("build").status == 0)
    try site.folder.write("state/cache.sqlite", String(repeating: "not a database ", count: 1000))
    try? FileManager.default.removeItem(atPath: site.path("state/cache.sqlite-wal"))
    try site.post("b.md", title: "Beta", date: "2025-06-02T10:00:00Z")
    let build = try site.herald("build")
    #expect(build.status == 0, "\(build.errors)")
    #expect(build.errors == "")
    #expect(try atom(site).contains("Beta"))
    // The cache works again afterwards.
    #expect(try site.herald("build").status == 0)
    let header = try Data(contentsOf: URL(fileURLWithPath: site.path("state/cache.sqlite"))).prefix(15)
    #expect(String(decoding: header, as: UTF8.self) == "SQLite format 3")
  }

  @Test func aQuietPublishStillSendsWhatFallsDue() throws {
    let hook = try BlueskyXDeliveryTests.Peer("capture_server.py")
    let site = try TestSite(extraSite: "social:\n  announce_since: 2025-01-01T00:00:00Z\n  max_age: 7d")
    try site.post("a.md", title: "Alpha is out", date: "2025-06-01T10:00:00Z")
    try site.post("b.md", title: "Beta is out", date: "2025-06-03T10:00:00Z")
    try site.folder.write("credentials", "WEBHOOK_URL=\(hook.server.baseURL)/hook\nWEBHOOK_FORMAT=json\n")
    chmod(site.path("credentials"), 0o600)
    func sent() throws -> [String] {
      (try hook.read()["requests"] as? [[String: Any]] ?? []).compactMap { $0["body"] as? String }
    }
    for hour in ["12", "13", "14"] {
      let run = try site.herald(
        "publish", "--credentials", "credentials", "--now", "2025-06-01T\(hour):00:00Z")
      #expect(run.status == 0, "\(run.errors)")
    }
    #expect(try sent().count == 1)
    #expect(try sent().first?.contains("Alpha is out") == true)
    let later = try site.herald("publish", "--credentials", "credentials", "--now", "2025-06-03T10:00:00Z")
    #expect(later.status == 0, "\(later.errors)")
    #expect(try sent().count == 2)
    #expect(try sent().last?.contains("Beta is out") == true)
  }
}
