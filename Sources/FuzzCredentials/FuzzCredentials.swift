// libFuzzer target: any bytes as a credentials file. A crash, or a line of the file showing in
// an error (it may hold a secret), is a finding.
import Foundation
import FuzzSupport
import HeraldCore
import Posts

func fuzzOne(_ data: Data) {
  let text = String(decoding: data, as: UTF8.self)
  var warnings: [Diagnostic] = []
  do {
    _ = try Credentials.parse(text, path: "credentials", warnings: &warnings)
  } catch {
    // Errors name the line, never its content: it may be a secret.
    // Literal search: Foundation's default comparison skips ignorable scalars such as U+0000,
    // so "e" and twelve NULs would be "found" in "expected KEY=value".
    for line in text.split(separator: "\n") where line.count > 12 && !line.contains("=") {
      if error.message.range(of: line, options: .literal) != nil {
        fatalError("a credentials line was echoed: \(error.message)")
      }
    }
  }
}

@main enum Main {
  static func main() { FuzzTarget.run(fuzzOne) }
}
