import Foundation
import TestSupport
import Yams

/// The conformance data in `../shared`, decoded from YAML.
enum SharedYAML {
  struct Missing: Error, CustomStringConvertible {
    var description: String { "../shared (the conformance data) is needed beside the project" }
  }

  /// Decodes the YAML file at `relativePath` under `shared/` into `T`.
  static func load<T: Decodable>(_ type: T.Type, from relativePath: String) throws -> T {
    guard let folder = SharedData.folder else { throw Missing() }
    let text = try String(contentsOf: folder.appendingPathComponent(relativePath), encoding: .utf8)
    return try YAMLDecoder().decode(T.self, from: text)
  }
}
