import Foundation
import HeraldCore
import Logging
import Posts

/// Where Herald's messages go: one line each, coloured when asked, secrets scrubbed.
struct Console: Sendable {
  /// Standard error, uncoloured until options say otherwise.
  static let standardError = Console()

  var useColor = false
  var quiet = false
  /// Values that must never appear in output; replaced before anything is printed.
  var secrets: [String] = []

  /// Prints a diagnostic (`PATH:LINE: error: MESSAGE`); warnings are left out when quiet.
  func report(_ diagnostic: Diagnostic) {
    if quiet, diagnostic.severity == .warning { return }
    let location = diagnostic.line.map { "\(diagnostic.path):\($0)" } ?? diagnostic.path
    let label = diagnostic.severity.rawValue
    let colored =
      useColor
      ? (diagnostic.severity == .error ? "\u{1B}[1;31m\(label):\u{1B}[0m" : "\u{1B}[1;33m\(label):\u{1B}[0m")
      : "\(label):"
    write("\(location): \(colored) \(diagnostic.message)")
  }

  /// Prints a line to standard error.
  func write(_ line: String) {
    FileHandle.standardError.write(Data((redacted(line) + "\n").utf8))
  }

  /// Prints a line to standard output, unless quiet.
  func say(_ line: String) {
    if quiet { return }
    FileHandle.standardOutput.write(Data((redacted(line) + "\n").utf8))
  }

  func redacted(_ text: String) -> String {
    secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
  }

  /// `html` with every secret removed, as written or as HTML escapes it (`&` as `&amp;`).
  func redactedHTML(_ html: String) -> String {
    secrets.reduce(redacted(html)) { $0.replacingOccurrences(of: HTMLText.escape($1), with: "[redacted]") }
  }
}

/// swift-log's backend for the command line: `herald: message` on standard error.
struct ConsoleLogHandler: LogHandler {
  let console: Console
  var metadata: Logger.Metadata = [:]
  var logLevel: Logger.Level = .notice

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    console.write("herald: \(event.message)")
  }
}
