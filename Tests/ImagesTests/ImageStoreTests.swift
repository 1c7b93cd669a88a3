import Foundation
import Images
import TestSupport
import Testing

/// Where a picture's bytes come from: the static folder, or the site over http(s) with the
/// content type checked, no redirect to another host, a 404 and a private address refused;
/// and variants kept by digest.
@Suite(.serialized) struct ImageStoreTests {
  /// A site on loopback serving a PNG under several guises.
  static let script = """
    import http.server, sys
    png = open(sys.argv[2], "rb").read()
    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            port = self.server.server_address[1]
            routes = {
                "/ok.png": (200, "image/png", png, None),
                "/script.svg": (200, "image/svg+xml", b"<svg/>", None),
                "/page.png": (200, "text/html", png, None),
                "/moved.png": (301, "text/plain", b"", "/ok.png"),
                "/elsewhere.png": (302, "text/plain", b"", f"http://localhost:{port}/ok.png"),
            }
            status, kind, body, location = routes.get(self.path, (404, "text/plain", b"not found", None))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            if location:
                self.send_header("Location", location)
            self.end_headers()
            self.wfile.write(body)
        def log_message(self, *args):
            pass
    http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
    """

  static let images = Result {
    try TestImages.make(
      in: FileManager.default.temporaryDirectory.appendingPathComponent("herald-store-images-\(getpid())"))
  }

  func store(site: String, cache: URL? = nil, staticFolder: URL? = nil) -> ImageStore {
    ImageStore(
      staticFolder: staticFolder, siteURL: site, cacheFolder: cache, connectTimeout: .seconds(5),
      timeout: .seconds(10))
  }

  @Test func aSitePathIsFetchedFromTheSiteAndEachBadAnswerIsNamed() throws {
    let folder = try Self.images.get()
    let server = try ServerProcess(
      ["python3", "-c", Self.script, "{port}", folder.appendingPathComponent(TestImages.card).path])
    let store = store(site: server.baseURL)
    #expect(try store.probe("/ok.png").info.width == 1200)
    #expect(try store.probe("/moved.png").info.format == .png, "a redirect on the same host is followed")
    let refused: [(String, String)] = [
      ("/script.svg", "not a raster image"), ("/page.png", "text/html"), ("/missing.png", "HTTP 404"),
      ("/elsewhere.png", "another host"),
    ]
    for (path, reason) in refused {
      #expect {
        _ = try store.probe(path)
      } throws: { error in
        (error as? ImageFailure)?.message.contains(reason) == true
      }
    }
  }

  @Test func aLoopbackAddressIsRefusedUnlessTheSiteIsOnLoopback() throws {
    let folder = try Self.images.get()
    let server = try ServerProcess(
      ["python3", "-c", Self.script, "{port}", folder.appendingPathComponent(TestImages.card).path])
    let store = store(site: "https://openinfra.org")
    #expect {
      _ = try store.probe(server.baseURL + "/ok.png")
    } throws: { error in
      (error as? ImageFailure)?.message.contains("private or loopback") == true
    }
  }

  @Test func theStaticFolderIsReadAndNeverLeft() throws {
    let folder = try Self.images.get()
    let store = store(site: "https://openinfra.org", staticFolder: folder.deletingLastPathComponent())
    let name = folder.lastPathComponent
    #expect(try store.probe("/\(name)/\(TestImages.card)").info.width == 1200)
    #expect {
      _ = try store.probe("/\(name)/../../etc/passwd")
    } throws: { error in
      (error as? ImageFailure)?.message.contains("leaves the static folder") == true
    }
  }

  @Test func aVariantIsMadeOnceAndKeptByDigest() throws {
    let folder = try Self.images.get()
    let cache = try TemporaryFolder()
    let store = store(site: "https://openinfra.org", cache: cache.url, staticFolder: folder)
    let limits = ImageLimits(maxBytes: 1_000_000, maxSide: 2000)
    let first = try store.prepare("/" + TestImages.photo, limits: limits)
    let made = try FileManager.default.attributesOfItem(atPath: first.file.path)[.modificationDate] as? Date
    let again = try self.store(site: "https://openinfra.org", cache: cache.url, staticFolder: folder)
      .prepare("/" + TestImages.photo, limits: limits)
    #expect(again.file == first.file && again.variant == first.variant)
    let kept = try FileManager.default.attributesOfItem(atPath: again.file.path)[.modificationDate] as? Date
    #expect(made == kept, "the cached variant was used, not made again")
    #expect(first.original.width == 6000 && first.variant.width == 2000)
  }
}
