import CCurl

/// A request URL parsed by libcurl's own parser and checked against the client's policy.
///
/// The same parsed handle is given to the transfer (CURLOPT_CURLU), so the host that was checked
/// is the host libcurl connects to: no second parser can read the text differently.
final class TargetURL {
  /// The parsed URL (a `CURLU *`), owned by this object.
  let handle: OpaquePointer
  /// The URL as given, stripped of what may be secret, for error messages.
  let redacted: String

  /// Parses `url` and applies the policy: https anywhere, http to loopback only.
  init(_ url: String) throws(HTTPError) {
    try LibCurl.ensureInitialized(url: url)
    guard let handle = ccurl_url() else {
      throw HTTPError(kind: .transport, url: url, message: "libcurl is out of memory")
    }
    self.handle = handle
    self.redacted = HTTPError.redacted(url)
    guard !url.utf8.contains(0) else {
      throw HTTPError(kind: .invalidURL, url: url, message: "the URL contains a NUL character")
    }
    let code = ccurl_url_set(handle, CURLUPART_URL, url, 0)
    guard code == CURLUE_OK else {
      throw HTTPError(
        kind: .invalidURL, url: url,
        message: "not a valid absolute URL: \(String(cString: ccurl_url_strerror(code)))")
    }
    let scheme = part(CURLUPART_SCHEME)?.lowercased()
    let host = part(CURLUPART_HOST) ?? ""
    switch scheme {
    case "https":
      break
    case "http":
      guard Self.isLoopback(host: host) else {
        throw HTTPError(
          kind: .insecureURL, url: url,
          message: "refusing plain http to \(host): use https (http is allowed to localhost only)")
      }
    default:
      throw HTTPError(
        kind: .invalidURL, url: url,
        message: "only http and https URLs are supported, not \(scheme ?? "a URL without a scheme")")
    }
  }

  deinit {
    ccurl_url_cleanup(handle)
  }

  /// One component of the URL as libcurl normalised it, or nil when it is absent.
  private func part(_ which: CURLUPart) -> String? {
    var value: UnsafeMutablePointer<CChar>?
    guard ccurl_url_get(handle, which, &value, 0) == CURLUE_OK, let value else { return nil }
    defer { ccurl_free(value) }
    return String(cString: value)
  }

  /// Whether a host, as libcurl normalised it, is exactly loopback.
  ///
  /// libcurl has already turned `127.1` or `0x7f000001` into `127.0.0.1` and `[0::1]` into
  /// `[::1]`, so a literal comparison is enough; anything else (`127.evil.com`,
  /// `localhost.example`) is a name that DNS could point anywhere.
  static func isLoopback(host: String) -> Bool {
    let host = host.lowercased()
    if host == "localhost" || host == "[::1]" {
      return true
    }
    let octets = host.split(separator: ".", omittingEmptySubsequences: false)
    guard octets.count == 4, octets[0] == "127" else { return false }
    return octets.allSatisfy { octet in
      (1...3).contains(octet.count) && octet.allSatisfy { ("0"..."9").contains($0) }
        && Int(octet)! <= 255
    }
  }
}

/// The one rule for where Herald may send credentials, for checking a configured URL before
/// any request: https anywhere, plain http to loopback only, read by libcurl's own parser as
/// every request's URL is.
public enum URLPolicy {
  /// Throws `HTTPError` (`invalidURL`, `insecureURL`) when requests to `url` would be refused.
  public static func check(_ url: String) throws(HTTPError) {
    _ = try TargetURL(url)
  }
}
