internal import Crypto
internal import Files
public import Foundation
internal import HTTP

#if canImport(Glibc)
  import Glibc
#endif

/// Where a post's image comes from, and the variants made of it for each network.
///
/// A site path (`/img/x.png`, or a URL on the site's own host) is read from the site's static
/// folder when there is one, so cards work before the site is deployed; anything else is
/// fetched from its https URL with
/// a size cap, its content type checked, no redirect to another host, and never from a
/// private or loopback address unless the site itself is loopback (tests). Variants are kept
/// in the state folder by the digest of the bytes they were made from and the limits they
/// were made to, so an image is resized once however many runs send it.
public final class ImageStore: @unchecked Sendable {
  /// A variant ready to send, and what it was made from.
  public struct Prepared: Sendable, Equatable {
    /// The variant's file in the cache.
    public var file: URL
    /// The variant's format and size.
    public var variant: ImageInfo
    /// The original's format and size.
    public var original: ImageInfo
    /// Where the original was read: a file path or a URL.
    public var origin: String
  }

  private let staticFolder: URL?
  private let siteURL: URL?
  private let cacheFolder: URL?
  private let connectTimeout: Duration
  private let timeout: Duration
  /// Made on the first fetch: a client starts an I/O thread, and most runs fetch nothing.
  private lazy var http = HTTPClient(
    configuration: .init(
      connectTimeout: connectTimeout, totalTimeout: timeout, maxResponseBytes: ImageProcessor.maxInputBytes,
      userAgent: "Herald (image fetch)"))
  private let allowLoopback: Bool
  private var last: (reference: String, result: Result<(data: Data, origin: String), ImageFailure>)?

  /// A store reading site paths below `staticFolder`, resolving relative references against
  /// `siteURL`, and keeping variants in `cacheFolder` (nil: made each time, kept nowhere).
  public init(
    staticFolder: URL?, siteURL: String, cacheFolder: URL?, connectTimeout: Duration, timeout: Duration
  ) {
    self.staticFolder = staticFolder
    self.siteURL = URL(string: siteURL)
    self.cacheFolder = cacheFolder
    self.connectTimeout = connectTimeout
    self.timeout = timeout
    allowLoopback = self.siteURL.flatMap(\.host).map(Self.isLoopbackName) ?? false
  }

  /// The absolute URL the public sees `reference` at (a site path joined to the site).
  public func publicURL(of reference: String) -> String? {
    if reference.hasPrefix("https://") || reference.hasPrefix("http://") { return reference }
    guard let siteURL, !reference.hasPrefix("//") else { return nil }
    return URL(string: reference, relativeTo: siteURL)?.absoluteURL.absoluteString
  }

  /// The header of `reference`'s image, or why it cannot be used.
  public func probe(_ reference: String) throws(ImageFailure) -> (info: ImageInfo, origin: String) {
    let (data, origin) = try load(reference)
    return (try ImageProcessor.probe(data), origin)
  }

  /// `reference`'s image made to `limits`, from the cache when it was made before.
  public func prepare(_ reference: String, limits: ImageLimits) throws(ImageFailure) -> Prepared {
    let (data, origin) = try load(reference)
    let original = try ImageProcessor.probe(data)
    let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    let name = "\(digest.prefix(32))-\(limits.key)"
    if let cacheFolder {
      for format in limits.formats {
        let file = cacheFolder.appendingPathComponent(name + "." + format.fileExtension)
        if let cached = try? Data(contentsOf: file), let info = try? ImageProcessor.probe(cached) {
          return Prepared(file: file, variant: info, original: original, origin: origin)
        }
      }
    }
    let variant = try ImageProcessor.variant(of: data, limits: limits)
    let folder = cacheFolder ?? FileManager.default.temporaryDirectory.appendingPathComponent("herald-images")
    let file = folder.appendingPathComponent(name + "." + variant.info.format.fileExtension)
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      try AtomicFile.write(variant.data, to: file)
    } catch {
      throw ImageFailure("cannot keep the resized image in \(folder.path): \(error)")
    }
    return Prepared(file: file, variant: variant.info, original: original, origin: origin)
  }

  /// The bytes of `reference` when they can be had without the network: a site path read from
  /// the static folder. For what must never fetch, such as a page made for review.
  public func localData(_ reference: String) throws(ImageFailure) -> Data {
    guard let path = sitePath(reference) else {
      throw ImageFailure("\(reference) is not on the site, and nothing is fetched for a preview")
    }
    guard staticFolder != nil else {
      throw ImageFailure("site.static is not set, so \(path) cannot be read without fetching it")
    }
    return try load(reference).data
  }

  /// The bytes of `reference`. The last one read is kept (one picture goes to several
  /// networks in a row); no more, so memory stays bounded by the largest picture.
  private func load(_ reference: String) throws(ImageFailure) -> (data: Data, origin: String) {
    if let last, last.reference == reference { return try last.result.get() }
    let result = Result { () throws(ImageFailure) in try read(reference) }
    last = (reference, result)
    return try result.get()
  }

  private func read(_ reference: String) throws(ImageFailure) -> (data: Data, origin: String) {
    if let path = sitePath(reference), let staticFolder {
      let relative = path.split(separator: "/").filter { $0 != "." }
      guard !relative.contains("..") else { throw ImageFailure("the path leaves the static folder") }
      let file = relative.reduce(staticFolder) { $0.appendingPathComponent(String($1)) }
      var status = stat()
      guard stat(file.path, &status) == 0 else { throw ImageFailure("\(file.path) does not exist") }
      guard (status.st_mode & S_IFMT) == S_IFREG else { throw ImageFailure("\(file.path) is not a file") }
      guard Int(status.st_size) <= ImageProcessor.maxInputBytes else {
        throw ImageFailure(
          "\(file.path) is \(ImageInfo.size(Int(status.st_size))), more than "
            + ImageInfo.size(ImageProcessor.maxInputBytes))
      }
      guard let data = FileManager.default.contents(atPath: file.path) else {
        throw ImageFailure("cannot read \(file.path)")
      }
      return (data, file.path)
    }
    guard let url = publicURL(of: reference) else {
      throw ImageFailure("'\(reference)' is neither a site path nor an https URL")
    }
    return (try fetch(url), url)
  }

  /// The path below the site's root that `reference` names: a site path itself, or a URL on
  /// the site's own host (the query left off, percent escapes decoded); nil for other hosts.
  public func sitePath(_ reference: String) -> String? {
    if reference.hasPrefix("/"), !reference.hasPrefix("//") {
      let path = reference.split(separator: "?", maxSplits: 1).first.map(String.init) ?? reference
      return path.removingPercentEncoding ?? path
    }
    guard let siteHost = siteURL?.host?.lowercased(), let url = URL(string: reference),
      let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
      url.host?.lowercased() == siteHost
    else { return nil }
    return url.path.isEmpty ? nil : url.path
  }

  /// GET `url`, following at most three redirects on the same host.
  private func fetch(_ start: String) throws(ImageFailure) -> Data {
    var url = start
    for _ in 0..<4 {
      guard let parsed = URL(string: url), let host = parsed.host else {
        throw ImageFailure("\(url) is not a valid URL")
      }
      try checkAddress(host: host, url: url)
      let response: HTTPResponse
      do {
        response = try http.send(
          HTTPRequest(method: "GET", url: url, headers: [HTTPHeader(name: "Accept", value: "image/*")]))
      } catch {
        throw ImageFailure("cannot fetch \(url): \(error.message)")
      }
      if [301, 302, 303, 307, 308].contains(response.status), let location = response.header("Location") {
        guard let next = URL(string: location, relativeTo: parsed)?.absoluteURL, next.host == host else {
          throw ImageFailure("\(url) redirects to another host (\(location))")
        }
        url = next.absoluteString
        continue
      }
      guard response.status == 200 else { throw ImageFailure("\(url) answered HTTP \(response.status)") }
      let type = response.header("Content-Type")?.lowercased() ?? ""
      guard type.hasPrefix("image/"), !type.contains("svg") else {
        throw ImageFailure(
          "\(url) is served as \(type.isEmpty ? "no content type" : type), not a raster image")
      }
      return response.body
    }
    throw ImageFailure("\(start) redirects too many times")
  }

  /// Refuses hosts that resolve to loopback, private or link-local addresses (unless the site
  /// itself is on loopback, as in tests).
  private func checkAddress(host: String, url: String) throws(ImageFailure) {
    if allowLoopback { return }
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo(host, nil, &hints, &list) == 0, let list else {
      throw ImageFailure("cannot resolve \(host)")
    }
    defer { freeaddrinfo(list) }
    var entry: UnsafeMutablePointer<addrinfo>? = list
    while let current = entry {
      if let address = current.pointee.ai_addr, Self.isInternal(address) {
        throw ImageFailure("\(url) points to a private or loopback address")
      }
      entry = current.pointee.ai_next
    }
  }

  static func isLoopbackName(_ host: String) -> Bool {
    ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host.lowercased()) || host.hasPrefix("127.")
  }

  /// Loopback, private (RFC 1918, unique local), link-local, unspecified or CGNAT.
  static func isInternal(_ address: UnsafePointer<sockaddr>) -> Bool {
    switch Int32(address.pointee.sa_family) {
    case AF_INET:
      let raw = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
      let value = UInt32(bigEndian: raw)
      let a = value >> 24
      let b = (value >> 16) & 0xff
      return a == 0 || a == 10 || a == 127 || (a == 169 && b == 254) || (a == 172 && (16...31).contains(b))
        || (a == 192 && b == 168) || (a == 100 && (64...127).contains(b))
    case AF_INET6:
      let bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
        withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
      }
      let isMapped = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff
      if isMapped {
        var v4 = sockaddr_in()
        v4.sin_family = sa_family_t(AF_INET)
        v4.sin_addr.s_addr =
          UInt32(bytes[12]) | UInt32(bytes[13]) << 8 | UInt32(bytes[14]) << 16 | UInt32(bytes[15]) << 24
        return withUnsafePointer(to: &v4) {
          $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { isInternal($0) }
        }
      }
      let isZeroOrOne = bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] <= 1
      return isZeroOrOne || (bytes[0] & 0xfe) == 0xfc || (bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80)
    default:
      return true
    }
  }
}
