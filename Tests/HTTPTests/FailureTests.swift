import Foundation
import HTTP
import Testing

@Suite("Failures with real sockets", .serialized)
struct FailureTests {
  /// A request that carries secrets in every place an error message must not show.
  static func secretRequest(_ url: String) -> HTTPRequest {
    HTTPRequest(
      method: "POST", url: url + "?access_token=QUERYSECRET",
      headers: [HTTPHeader(name: "Authorization", value: "Bearer HEADERSECRET")],
      body: Data("status=BODYSECRET".utf8))
  }

  static func expectNoSecrets(_ error: HTTPError) {
    for secret in ["QUERYSECRET", "HEADERSECRET", "BODYSECRET", "access_token"] {
      #expect(!error.description.contains(secret), "\(error)")
    }
  }

  @Test("a server that accepts and never answers times out promptly")
  func totalTimeout() throws {
    let server = try TestServer("hang")
    let client = HTTPClient(configuration: .init(totalTimeout: .seconds(1)))
    let start = ContinuousClock.now
    let error = try #require(throws: HTTPError.self) {
      try client.send(Self.secretRequest(server.url("/feed")))
    }
    let elapsed = ContinuousClock.now - start
    #expect(error.kind == .timeout)
    // The server never answers: only the timeout ends the request (a loaded machine may add
    // a few seconds).
    #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(10), "\(elapsed)")
    #expect(error.url == server.url("/feed"))
    Self.expectNoSecrets(error)
  }

  @Test("a connection that never completes hits the connect timeout, not the total one")
  func connectTimeout() throws {
    let server = try TestServer("backlog")
    let client = HTTPClient(
      configuration: .init(connectTimeout: .milliseconds(500), totalTimeout: .seconds(20)))
    let start = ContinuousClock.now
    let error = try #require(throws: HTTPError.self) {
      try client.send(HTTPRequest(method: "GET", url: server.url("/")))
    }
    #expect(error.kind == .timeout)
    #expect(ContinuousClock.now - start < .seconds(5))
  }

  @Test("a closed port is a retryable connect failure")
  func connectionRefused() throws {
    let server = try TestServer("closed")
    let error = try #require(throws: HTTPError.self) {
      try HTTPClient().send(Self.secretRequest(server.url("/inbox")))
    }
    #expect(error.kind == .connect)
    #expect(error.description.contains("127.0.0.1"))
    Self.expectNoSecrets(error)
  }

  @Test("a name that cannot resolve is a resolve failure")
  func unresolvable() throws {
    let error = try #require(throws: HTTPError.self) {
      try HTTPClient().send(HTTPRequest(method: "GET", url: "https://nonexistent.invalid/"))
    }
    #expect(error.kind == .resolve)
    #expect(error.description.contains("nonexistent.invalid"))
  }

  @Test("a body over the limit is refused, whether announced by Content-Length or not")
  func tooLarge() throws {
    let server = try TestServer("echo")
    let client = HTTPClient(configuration: .init(maxResponseBytes: 1024))
    for path in ["/bytes?n=1025", "/chunked?n=200000"] {
      let error = try #require(throws: HTTPError.self) {
        try client.send(HTTPRequest(method: "GET", url: server.url(path)))
      }
      #expect(error.kind == .tooLarge, "\(path)")
    }
    let exact = try client.send(HTTPRequest(method: "GET", url: server.url("/bytes?n=1024")))
    #expect(exact.body.count == 1024)
    let chunked = try client.send(HTTPRequest(method: "GET", url: server.url("/chunked?n=1024")))
    #expect(chunked.body.count == 1024)
  }

  @Test("a self-signed certificate is refused; the same server works once its certificate is trusted")
  func tls() throws {
    let certificate = try TestCertificate()
    let server = try TestServer("tls", [certificate.certificatePath, certificate.keyPath])
    let url = "https://127.0.0.1:\(server.port)/echo"

    let error = try #require(throws: HTTPError.self) {
      try HTTPClient().send(Self.secretRequest(url))
    }
    #expect(error.kind == .tls)
    Self.expectNoSecrets(error)

    let trusting = HTTPClient(configuration: .init(trustedCertificatesPath: certificate.certificatePath))
    let response = try trusting.send(HTTPRequest(method: "GET", url: url))
    #expect(response.status == 200)
    #expect(try Echo(response).method == "GET")
  }

  @Test("https offers HTTP/2 during the TLS handshake")
  func offersHTTP2() throws {
    let certificate = try TestCertificate()
    let server = try TestServer("alpn", [certificate.certificatePath, certificate.keyPath])
    let client = HTTPClient(configuration: .init(trustedCertificatesPath: certificate.certificatePath))
    // The server hangs up right after agreeing on h2, so the request itself fails.
    #expect(throws: HTTPError.self) {
      try client.send(HTTPRequest(method: "GET", url: "https://127.0.0.1:\(server.ports[0])/"))
    }
    let report = try client.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.ports[1])/alpn"))
    #expect(String(decoding: report.body, as: UTF8.self) == #"["h2"]"#)
  }
}
