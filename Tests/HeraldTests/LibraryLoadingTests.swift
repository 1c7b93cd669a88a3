import Foundation
import TestSupport
import Testing

/// libcurl and libpq, with the thirty libraries they bring, are loaded when a request or a
/// PostgreSQL connection first needs them, and libvips with GLib when a picture is first
/// read, not at start-up: a build, which every cron tick runs, never pays for them. The
/// dynamic loader says what it loads (`LD_DEBUG=files`).
@Suite(.serialized) struct LibraryLoadingTests {
  /// The libraries a run loaded, by file name (`libcurl.so.4`), from the loader's own account.
  static func loaded(_ run: ProgramResult) -> Set<String> {
    var names = Set<String>()
    for line in run.errors.split(separator: "\n") {
      guard let start = line.range(of: "file=")?.upperBound else { continue }
      names.insert(String(line[start...].prefix { $0 != " " && $0 != "\t" }))
    }
    return names
  }

  static func isCurl(_ name: String) -> Bool { name.hasPrefix("libcurl.so") }
  static func isPostgres(_ name: String) -> Bool { name.hasPrefix("libpq.so") }
  static func isPictureLibrary(_ name: String) -> Bool {
    ["libvips.so", "libglib-2.0.so", "libgobject-2.0.so"].contains { name.hasPrefix($0) }
  }

  /// A site with one post due, announced to a webhook at `hook`.
  static func siteAnnouncing(to hook: BlueskyXDeliveryTests.Peer) throws -> TestSite {
    let site = try TestSite(extraSite: "social:\n  announce_since: 2025-01-01T00:00:00Z\n  max_age: 7d")
    try site.post("zuul.md", title: "Zuul 12 is out", date: "2025-06-01T10:00:00Z")
    try site.folder.write("credentials", "WEBHOOK_URL=\(hook.server.baseURL)/hook\nWEBHOOK_FORMAT=json\n")
    chmod(site.path("credentials"), 0o600)
    return site
  }

  @Test func aBuildLoadsNeitherLibcurlNorLibpqNorLibvips() throws {
    let site = try TestSite()
    try site.post("zuul.md", title: "Zuul 12 is out", date: "2025-06-01T10:00:00Z")
    let run = try site.herald("build", environment: ["LD_DEBUG": "files"])
    #expect(run.status == 0, "\(run.errors.suffix(2000))")
    let names = Self.loaded(run)
    // The account is read: the libraries a build does need are in it.
    #expect(names.contains { $0.hasPrefix("libxml2.so") }, "\(names.sorted())")
    #expect(!names.contains(where: Self.isCurl), "\(names.sorted())")
    #expect(!names.contains(where: Self.isPictureLibrary), "\(names.sorted())")
    if site.sharedState == nil { #expect(!names.contains(where: Self.isPostgres), "\(names.sorted())") }
  }

  @Test func aPublishThatSendsLoadsLibcurlThenAndDeliversAllTheSame() throws {
    let hook = try BlueskyXDeliveryTests.Peer("capture_server.py")
    let site = try Self.siteAnnouncing(to: hook)

    let run = try site.herald(
      ["publish", "--credentials", "credentials", "--now", "2025-06-01T12:00:00Z"],
      environment: ["LD_DEBUG": "files"])
    #expect(run.status == 0, "\(run.errors.suffix(2000))")
    #expect(Self.loaded(run).contains(where: Self.isCurl))
    #expect((try hook.read()["requests"] as? [[String: Any]])?.count == 1)
  }

  /// A libcurl that cannot be loaded is named, not taken for a wrong URL; the run stops before
  /// anything is queued or sent (exit 2), and the next run, with the library back, sends.
  @Test func aLibcurlThatCannotBeLoadedIsNamedAndNothingIsLost() throws {
    let hook = try BlueskyXDeliveryTests.Peer("capture_server.py")
    let site = try Self.siteAnnouncing(to: hook)
    // What the loader finds first under libcurl's name is another library (zlib's).
    let libraries = try Program.run("/sbin/ldconfig", ["-p"]).output
    let zlib = try #require(
      libraries.split(separator: "\n").first { $0.contains("libz.so.1 ") }?.components(separatedBy: "=> ")
        .last)
    try FileManager.default.createDirectory(atPath: site.path("broken"), withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      atPath: URL(fileURLWithPath: zlib).resolvingSymlinksInPath().path,
      toPath: site.path("broken/libcurl.so.4"))

    let broken = try site.herald(
      ["publish", "--credentials", "credentials", "--now", "2025-06-01T12:00:00Z"],
      environment: ["LD_LIBRARY_PATH": site.path("broken")])
    #expect(broken.status == 2, "\(broken.output)\(broken.errors)")
    #expect(
      broken.errors.contains(
        "WEBHOOK_URL cannot be checked: libcurl could not be loaded: it has no curl_global_init"),
      "\(broken.errors)")
    #expect((try hook.read()["requests"] as? [[String: Any]])?.isEmpty == true)

    let fixed = try site.herald("publish", "--credentials", "credentials", "--now", "2025-06-01T12:05:00Z")
    #expect(fixed.status == 0, "\(fixed.output)\(fixed.errors)")
    #expect((try hook.read()["requests"] as? [[String: Any]])?.count == 1)
  }
}
