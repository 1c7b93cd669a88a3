import CCurl

/// libcurl's library-wide set-up, run once by the first request. The library itself is
/// loaded then too (`ccurl_load`), not at start-up: runs that send nothing never load it.
///
/// It is never undone with `curl_global_cleanup`: the library stays loaded until the process ends.
private let globalInitResult: CURLcode = ccurl_global_init_all()

/// The one place that starts libcurl.
enum LibCurl {
  /// Starts libcurl if this is the first call; every path into libcurl goes through here first.
  static func initialize() -> CURLcode {
    globalInitResult
  }

  /// Starts libcurl if this is the first call, and says why not if it could not be started.
  static func ensureInitialized(url: String) throws(HTTPError) {
    let code = initialize()
    if let reason = ccurl_load_error() {
      throw HTTPError(kind: .transport, url: url, message: String(cString: reason))
    }
    guard code == CURLE_OK else {
      throw HTTPError(
        kind: .transport, url: url,
        message: "libcurl could not be initialised: \(String(cString: ccurl_easy_strerror(code)))")
    }
  }
}
