import HTTP
import Testing

@Suite("URL policy")
struct URLPolicyTests {
  @Test(
    "https anywhere, http to exact loopback only",
    arguments: [
      ("https://example.com/feed", true),
      ("HTTPS://Example.COM", true),
      ("http://127.0.0.1:8080/x", true),
      ("http://127.255.1.2/", true),
      ("http://127.1/", true),  // libcurl reads this as 127.0.0.1
      ("http://localhost:9/", true),
      ("http://LOCALHOST/", true),
      ("http://[::1]:8080/", true),
      ("http://[0:0:0:0:0:0:0:1]/", true),
      ("http://example.com/", false),
      ("http://127.evil.com/", false),
      ("http://127.0.0.1.evil.com/", false),
      ("http://localhost.evil.com/", false),
      ("http://127.0.0.1@evil.com/", false),
      ("http://evil.com#@127.0.0.1/", false),
      ("http://[::ffff:127.0.0.1]/", false),
      ("http://128.0.0.1/", false),
      ("http://10.0.0.1/", false),
      ("ftp://example.com/", false),
      ("file:///etc/passwd", false),
      ("example.com", false),
      ("https://", false),
      ("https://exa mple.com/", false),
      ("", false),
    ])
  func allowed(url: String, expected: Bool) {
    #expect(HTTPClient.isAllowed(url: url) == expected, "\(url)")
  }

  @Test("plain http to a remote host is refused as insecure")
  func insecure() throws {
    let error = try #require(throws: HTTPError.self) {
      try HTTPClient().send(HTTPRequest(method: "GET", url: "http://127.evil.com/feed"))
    }
    #expect(error.kind == .insecureURL)
    #expect(error.description.contains("use https"))
  }

  @Test(
    "malformed and non-http URLs are refused as invalid",
    arguments: ["not a url", "ftp://example.com/", "https://"])
  func invalid(url: String) throws {
    let error = try #require(throws: HTTPError.self) {
      try HTTPClient().send(HTTPRequest(method: "GET", url: url))
    }
    #expect(error.kind == .invalidURL)
  }

  @Test("a line break in a header value is refused, without quoting the value")
  func headerInjection() throws {
    let request = HTTPRequest(
      method: "GET", url: "https://example.com/",
      headers: [HTTPHeader(name: "Authorization", value: "Bearer s3cret\r\nX-Evil: 1")])
    let error = try #require(throws: HTTPError.self) { try HTTPClient().send(request) }
    #expect(error.kind == .invalidRequest)
    #expect(!error.description.contains("s3cret"))
  }

  @Test("a method that is not a token is refused")
  func badMethod() throws {
    let error = try #require(throws: HTTPError.self) {
      try HTTPClient().send(HTTPRequest(method: "GET /x HTTP/1.1\r\n", url: "https://example.com/"))
    }
    #expect(error.kind == .invalidRequest)
  }

  @Test("error URLs drop user info, query string and fragment")
  func redaction() {
    let error = HTTPError(
      kind: .connect, url: "https://user:pa55@example.com:8443/path?access_token=t0ken#frag", message: "x")
    #expect(error.url == "https://example.com:8443/path")
  }
}
