public import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A real server (mastodon-mock, or one of the tests' own peers) on a free loopback port,
/// stopped when the value goes away.
public final class ServerProcess: @unchecked Sendable {
  /// The port it listens on.
  public let port: Int
  /// `http://127.0.0.1:PORT`.
  public var baseURL: String { "http://127.0.0.1:\(port)" }
  private let process: Process
  private let log: URL
  /// The server's own temporary folder (its `TMPDIR`), removed with it: mastodon-mock keeps a
  /// database and media files there even with `--in-memory`, and leaves them behind when it
  /// is stopped.
  private let scratch: URL

  /// Starts `arguments` (its `{port}` replaced by a free port) and waits until the port
  /// accepts connections.
  public init(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 30) throws {
    let port = try Self.freePort()
    self.port = port
    process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments.map { $0.replacingOccurrences(of: "{port}", with: String(port)) }
    let name = "herald-server-\(UUID().uuidString)"
    scratch = FileManager.default.temporaryDirectory.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    process.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": scratch.path]) { $1 }
      .merging(environment) { $1 }
    log = FileManager.default.temporaryDirectory.appendingPathComponent(name + ".log")
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    let handle = try FileHandle(forWritingTo: log)
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while !Self.accepts(port: port) {
      guard process.isRunning, Date() < deadline else {
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        process.terminate()
        throw StartFailure(
          message: "\(arguments.joined(separator: " ")) did not start: \(output.suffix(2000))")
      }
      usleep(100_000)
    }
  }

  deinit {
    stop()
    try? FileManager.default.removeItem(at: log)
    try? FileManager.default.removeItem(at: scratch)
  }

  /// What the server printed.
  public var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

  /// Stops the server.
  public func stop() {
    guard process.isRunning else { return }
    process.terminate()
    let deadline = Date().addingTimeInterval(5)
    while process.isRunning && Date() < deadline { usleep(50_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
  }

  /// A server that did not come up.
  public struct StartFailure: Error, CustomStringConvertible {
    /// What it printed.
    public var message: String
    /// The message.
    public var description: String { message }
  }

  /// A loopback port nothing listens on now.
  public static func freePort() throws -> Int {
    let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socketDescriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(socketDescriptor, $0, length) == 0 && getsockname(socketDescriptor, $0, &length) == 0
      }
    }
    guard bound else { throw StartFailure(message: "no free port") }
    return Int(UInt16(bigEndian: address.sin_port))
  }

  static func accepts(port: Int) -> Bool {
    let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socketDescriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
      }
    }
  }
}

/// Small HTTP calls the tests make to their peers (control endpoints, state), with curl.
public enum PeerHTTP {
  /// POSTs `json` to `url` and returns the answer's body.
  @discardableResult
  public static func post(_ url: String, json: String, headers: [String] = []) throws -> String {
    let result = try Program.run(
      "/usr/bin/env",
      ["curl", "-s", "-X", "POST", url, "-H", "Content-Type: application/json", "-d", json]
        + headers.flatMap { ["-H", $0] })
    return result.output
  }

  /// GETs `url` and returns the body.
  public static func get(_ url: String, headers: [String] = []) throws -> String {
    try Program.run("/usr/bin/env", ["curl", "-s", url] + headers.flatMap { ["-H", $0] }).output
  }
}
