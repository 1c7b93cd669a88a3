import Foundation

/// A self-signed certificate for 127.0.0.1 and localhost, made with openssl for one test.
final class TestCertificate {
  /// Why openssl failed.
  struct GenerationError: Error, CustomStringConvertible {
    var description: String
  }

  let directory: URL
  let certificatePath: String
  let keyPath: String

  init() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "http-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    certificatePath = directory.appendingPathComponent("cert.pem").path
    keyPath = directory.appendingPathComponent("key.pem").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "1",
      "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-keyout", keyPath, "-out", certificatePath,
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw GenerationError(description: "openssl req exited with status \(process.terminationStatus)")
    }
  }

  deinit {
    try? FileManager.default.removeItem(at: directory)
  }
}
