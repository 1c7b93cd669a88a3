import Foundation
import HTTP
import Testing

@Suite("Round trips with a loopback server", .serialized)
struct RoundTripTests {
  let server: TestServer
  let client = HTTPClient(configuration: .init(userAgent: "HeraldTest/1.0 (+https://example.com)"))

  init() throws {
    server = try TestServer("echo")
  }

  @Test("GET sends the path, the user agent and the headers in order")
  func get() throws {
    let request = HTTPRequest(
      method: "GET", url: server.url("/echo?page=2&q=a%20b"),
      headers: [
        HTTPHeader(name: "Accept", value: "application/json"), HTTPHeader(name: "X-Trace", value: "abc"),
      ])
    let response = try client.send(request)
    #expect(response.status == 200)
    #expect(response.header("Content-Type") == "application/json")
    let echo = try Echo(response)
    #expect(echo.method == "GET")
    #expect(echo.path == "/echo?page=2&q=a%20b")
    #expect(echo.values("User-Agent") == ["HeraldTest/1.0 (+https://example.com)"])
    #expect(echo.values("Accept") == ["application/json"])
    #expect(echo.values("X-Trace") == ["abc"])
    #expect(echo.bodyData == Data())
  }

  @Test("POST sends the exact bytes, without an Expect header")
  func post() throws {
    // Over 1 MiB, where libcurl 7.88 starts adding "Expect: 100-continue", and with NUL and
    // non-ASCII bytes, since a body treated as a C string would stop at the first NUL.
    var body = Data("status=héllo\u{0}wörld&".utf8)
    body.append(Data((0..<(1 << 20)).map { UInt8($0 % 251) }))
    let request = HTTPRequest(
      method: "POST", url: server.url("/echo"),
      headers: [HTTPHeader(name: "Content-Type", value: "application/octet-stream")], body: body)
    // The echo comes back base64-encoded, so it is larger than the body.
    let roomy = HTTPClient(configuration: .init(maxResponseBytes: 4 << 20))
    let response = try roomy.send(request)
    let echo = try Echo(response)
    #expect(echo.method == "POST")
    #expect(echo.bodyData == body)
    #expect(echo.values("Content-Type") == ["application/octet-stream"])
    #expect(echo.values("Content-Length") == ["\(body.count)"])
    #expect(echo.values("Expect").isEmpty)
  }

  @Test("other methods carry their body too", arguments: ["PUT", "PATCH", "DELETE"])
  func otherMethods(method: String) throws {
    let body = Data("{\"a\":1}".utf8)
    let response = try client.send(HTTPRequest(method: method, url: server.url("/echo"), body: body))
    let echo = try Echo(response)
    #expect(echo.method == method)
    #expect(echo.bodyData == body)
  }

  @Test("an empty POST sends Content-Length 0")
  func emptyPost() throws {
    let echo = try Echo(client.send(HTTPRequest(method: "POST", url: server.url("/echo"))))
    #expect(echo.method == "POST")
    #expect(echo.values("Content-Length") == ["0"])
  }

  @Test("a request header overrides the configured user agent; an empty value is sent as empty")
  func headerOverrides() throws {
    let request = HTTPRequest(
      method: "GET", url: server.url("/echo"),
      headers: [HTTPHeader(name: "User-Agent", value: "Other/2"), HTTPHeader(name: "X-Blank", value: "")])
    let echo = try Echo(client.send(request))
    #expect(echo.values("User-Agent") == ["Other/2"])
    #expect(echo.values("X-Blank") == [""])
  }

  @Test("HEAD returns the headers without waiting for a body")
  func head() throws {
    let response = try client.send(HTTPRequest(method: "HEAD", url: server.url("/headers")))
    #expect(response.status == 200)
    #expect(response.body.isEmpty)
    #expect(response.header("content-length") == "2")
  }

  @Test("response headers: lowercased, trimmed, ordered, repeated ones kept")
  func headers() throws {
    let response = try client.send(HTTPRequest(method: "GET", url: server.url("/headers")))
    #expect(response.status == 200)
    #expect(response.headers(named: "Set-Cookie") == ["a=1", "b=2"])
    #expect(response.header("SET-COOKIE") == "b=2")
    #expect(response.header("x-padded") == "spaced value")
    #expect(response.header("x-empty") == "")
    #expect(response.header("x-missing") == nil)
    #expect(response.headers.allSatisfy { $0.name == $0.name.lowercased() })
    let names = response.headers.map(\.name)
    #expect(names.firstIndex(of: "x-padded")! < names.firstIndex(of: "content-type")!)
    #expect(response.body == Data("ok".utf8))
  }

  @Test("429 is a response, with its Retry-After")
  func rateLimited() throws {
    let response = try client.send(HTTPRequest(method: "GET", url: server.url("/ratelimited")))
    #expect(response.status == 429)
    #expect(response.header("Retry-After") == "120")
    #expect(response.body == Data("slow down".utf8))
  }

  @Test("a 301 is returned as is, not followed")
  func redirectNotFollowed() throws {
    let response = try client.send(HTTPRequest(method: "GET", url: server.url("/redirect")))
    #expect(response.status == 301)
    #expect(response.header("location") == "/echo")
    #expect(response.body == Data("moved".utf8))
  }

  @Test("only the final response's headers are kept after an interim 103")
  func interimResponse() throws {
    let response = try client.send(HTTPRequest(method: "GET", url: server.url("/interim")))
    #expect(response.status == 200)
    #expect(response.header("link") == nil)
    #expect(response.header("x-final") == "yes")
    #expect(response.body == Data("final".utf8))
  }

  @Test("localhost is reached over plain http")
  func localhostName() throws {
    let response = try client.send(HTTPRequest(method: "GET", url: "http://localhost:\(server.port)/echo"))
    #expect(response.status == 200)
  }

  @Test("plain http to a non-loopback address is refused before any connection")
  func insecureRefusedWithoutConnecting() throws {
    // ::ffff:127.0.0.1 reaches this IPv4 server, but is not on the exact loopback list.
    let error = try #require(throws: HTTPError.self) {
      try client.send(HTTPRequest(method: "GET", url: "http://[::ffff:127.0.0.1]:\(server.port)/echo"))
    }
    #expect(error.kind == .insecureURL)
    let stats = try client.send(HTTPRequest(method: "GET", url: server.url("/stats")))
    #expect(String(decoding: stats.body, as: UTF8.self) == #"{"connections": 1}"#)
  }
}
