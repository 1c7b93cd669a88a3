import Foundation
import Testing

/// A Python server from `Fixtures/server.py`, started on a free loopback port for one test.
final class TestServer {
  /// Why a server could not be started.
  struct StartError: Error, CustomStringConvertible {
    var description: String
  }

  /// The port the server listens on (its first, when it prints several).
  var port: Int { ports[0] }
  /// Every port the server printed on its first line.
  let ports: [Int]
  private let process: Process
  /// The server's stdin: it exits when this closes, so a crashed test run leaves no server behind.
  private let lifeline: Pipe

  /// Starts `server.py MODE ARGUMENTS...` and waits for the ports it prints on its first line.
  init(_ mode: String, _ arguments: [String] = []) throws {
    guard let script = Bundle.module.url(forResource: "server", withExtension: "py", subdirectory: "Fixtures")
    else {
      throw StartError(description: "Fixtures/server.py is missing from the test bundle")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script.path, mode] + arguments
    let output = Pipe()
    let lifeline = Pipe()
    process.standardOutput = output
    process.standardInput = lifeline
    try process.run()
    var firstLine = Data()
    while !firstLine.contains(UInt8(ascii: "\n")) {
      let chunk = output.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      firstLine.append(chunk)
    }
    let text = String(decoding: firstLine, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    let ports = text.split(separator: " ").compactMap { Int($0) }
    guard !ports.isEmpty else {
      if process.isRunning { process.terminate() }
      throw StartError(description: "server.py \(mode) printed \(text.debugDescription) instead of a port")
    }
    self.ports = ports
    self.process = process
    self.lifeline = lifeline
  }

  deinit {
    stop()
  }

  /// An http URL on this server.
  func url(_ path: String) -> String {
    "http://127.0.0.1:\(port)\(path)"
  }

  /// Stops the server; safe to call more than once.
  func stop() {
    if process.isRunning {
      process.terminate()
    }
    process.waitUntilExit()
  }
}
