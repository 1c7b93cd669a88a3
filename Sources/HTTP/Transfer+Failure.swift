import CCurl

extension Transfer {
  /// Turns libcurl's result code into an error that says what failed and what to check.
  func failure(for code: CURLcode) -> HTTPError {
    let kind = (code == CURLE_WRITE_ERROR && bodyExceededLimit) ? .tooLarge : Self.kind(of: code)
    // libcurl's error buffer names the host, port and OS error; it never holds request headers.
    var detail = String(cString: errorBuffer)
    if detail.isEmpty {
      detail = String(cString: ccurl_easy_strerror(code))
    }
    let summary: String
    switch kind {
    case .resolve:
      summary = "could not resolve the host name; check the URL and the network"
    case .connect:
      summary = "could not connect; check that the server is up and the port is right"
    case .tls:
      summary = "TLS failed: the server's certificate is not trusted for this host, or the handshake failed"
    case .timeout:
      summary =
        "timed out (connect timeout \(configuration.connectTimeout), total timeout \(configuration.totalTimeout))"
    case .tooLarge:
      return HTTPError(
        kind: .tooLarge, url: target.redacted,
        message: "the response body is larger than the limit of \(configuration.maxResponseBytes) bytes")
    case .invalidURL:
      summary = "libcurl could not use the URL"
    case .insecureURL, .invalidRequest, .transport:
      summary = "the transfer failed"
    }
    return HTTPError(kind: kind, url: target.redacted, message: "\(summary): \(detail)")
  }

  private static func kind(of code: CURLcode) -> HTTPError.Kind {
    switch code {
    case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
      .invalidURL
    case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
      .resolve
    case CURLE_COULDNT_CONNECT:
      .connect
    case CURLE_OPERATION_TIMEDOUT:
      .timeout
    case CURLE_FILESIZE_EXCEEDED:
      .tooLarge
    case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
      CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND,
      CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED,
      CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
      CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
      .tls
    default:
      .transport
    }
  }
}
