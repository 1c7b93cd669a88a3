internal import Foundation
internal import Yams

/// A YAML mapping read for typed fields, each read pointing errors at its own line.
///
/// Scalars are interpreted here, not by Yams' YAML 1.1 resolver, so `title: no` stays the
/// string "no" and `hidePost: yes` still means true.
public struct YAMLMapping {
  private let pairs: [(key: String, value: Node, line: Int?)]
  /// The file these fields came from, for diagnostics.
  public let path: String
  /// The line of the mapping itself.
  public let line: Int?
  private let lineOffset: Int

  /// Parses `yaml`, whose first line is line `firstLine` of the file at `path`.
  public init(parsing yaml: String, path: String, firstLine: Int = 1) throws(Diagnostic) {
    let root: Node?
    do {
      // The basic resolver tags every scalar as text without trying YAML 1.1's regular
      // expressions on it: scalars are interpreted here anyway, and it is much faster.
      // The encoding is named so Yams does not read the environment for each document.
      root = try Yams.compose(yaml: yaml, .basic, .default, .utf8)
    } catch let error as YamlError {
      throw Self.diagnostic(for: error, path: path, offset: firstLine - 1)
    } catch {
      throw Diagnostic(.error, path: path, line: firstLine, "front matter is not valid YAML")
    }
    guard let root else {
      throw Diagnostic(.error, path: path, line: firstLine, "the front matter is empty")
    }
    try self.init(node: root, path: path, offset: firstLine - 1, what: "the front matter")
  }

  fileprivate init(node: Node, path: String, offset: Int, what: String) throws(Diagnostic) {
    self.path = path
    self.lineOffset = offset
    self.line = node.mark.map { $0.line + offset }
    guard case .mapping(let mapping) = node else {
      throw Diagnostic(
        .error, path: path, line: node.mark.map { $0.line + offset },
        "\(what) must be a mapping of keys to values, not \(Self.describe(node))")
    }
    var pairs: [(key: String, value: Node, line: Int?)] = []
    for (key, value) in mapping {
      guard case .scalar(let scalar) = key else {
        throw Diagnostic(
          .error, path: path, line: key.mark.map { $0.line + offset },
          "\(what) has a key that is not plain text")
      }
      pairs.append((scalar.string, value, key.mark.map { $0.line + offset }))
    }
    self.pairs = pairs
  }

  /// Every key, in file order.
  public var keys: [String] { pairs.map(\.key) }

  /// The line a key stands on, if present.
  public func line(of key: String) -> Int? { pairs.first { $0.key == key }?.line }

  /// Whether `key` is present with a value that is not null.
  public func contains(_ key: String) -> Bool {
    pairs.contains { $0.key == key && !Self.isNull($0.value) }
  }

  /// A plain text value; nil when absent or null. Numbers and booleans are read as written.
  public func string(_ key: String) throws(Diagnostic) -> String? {
    guard let (value, line) = entry(key) else { return nil }
    guard case .scalar(let scalar) = value else {
      throw Diagnostic(
        .error, path: path, line: line,
        "'\(key)' must be text, not \(Self.describe(value))")
    }
    return scalar.string
  }

  /// A boolean; `true/false`, `yes/no` and `on/off` in any case.
  public func bool(_ key: String) throws(Diagnostic) -> Bool? {
    guard let text = try string(key) else { return nil }
    switch text.lowercased() {
    case "true", "yes", "on", "y": return true
    case "false", "no", "off", "n": return false
    default:
      throw Diagnostic(
        .error, path: path, line: line(of: key), "'\(key)' must be true or false, not '\(text)'")
    }
  }

  /// A whole number.
  public func int(_ key: String) throws(Diagnostic) -> Int? {
    guard let text = try string(key) else { return nil }
    guard let value = Int(text.replacingOccurrences(of: "_", with: "")) else {
      throw Diagnostic(
        .error, path: path, line: line(of: key), "'\(key)' must be a whole number, not '\(text)'")
    }
    return value
  }

  /// A nested mapping.
  public func mapping(_ key: String) throws(Diagnostic) -> YAMLMapping? {
    guard let (value, _) = entry(key) else { return nil }
    return try YAMLMapping(node: value, path: path, offset: lineOffset, what: "'\(key)'")
  }

  /// A list of plain values (a single value is a list of one); an item that is no plain
  /// value is an error naming its line.
  public func strings(_ key: String) throws(Diagnostic) -> [String]? {
    try list(key) { item throws(Diagnostic) -> String in
      guard let text = item.string else {
        throw Diagnostic(.error, path: path, line: item.line, "'\(key)' must list names, not \(item.kind)")
      }
      return text
    }
  }

  /// A list whose items are read by `read`; a single item is accepted as a list of one.
  func list<T>(
    _ key: String, _ read: (YAMLValue) throws(Diagnostic) -> T
  ) throws(Diagnostic) -> [T]? {
    guard let (value, line) = entry(key) else { return nil }
    let items: [Node]
    switch value {
    case .sequence(let sequence): items = Array(sequence)
    default: items = [value]
    }
    var result: [T] = []
    for item in items {
      let itemLine = item.mark.map { $0.line + lineOffset } ?? line
      result.append(try read(YAMLValue(node: item, path: path, line: itemLine, offset: lineOffset)))
    }
    return result
  }

  private func entry(_ key: String) -> (Node, Int?)? {
    guard let pair = pairs.first(where: { $0.key == key }), !Self.isNull(pair.value) else {
      return nil
    }
    return (pair.value, pair.line)
  }

  static func isNull(_ node: Node) -> Bool {
    guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
    return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
  }

  static func describe(_ node: Node) -> String {
    switch node {
    case .scalar: "text"
    case .mapping: "a mapping"
    case .sequence: "a list"
    case .alias: "an alias"
    }
  }

  private static func diagnostic(for error: YamlError, path: String, offset: Int) -> Diagnostic {
    switch error {
    case .scanner(let context, let problem, let mark, _),
      .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      let about = context.map { " (\($0.text) at line \($0.mark.line + offset))" } ?? ""
      return Diagnostic(
        .error, path: path, line: mark.line + offset, "front matter is not valid YAML: \(problem)\(about)")
    case .duplicatedKeysInMapping(let duplicates, let context):
      let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
      return Diagnostic(
        .error, path: path, line: context.mark.line + offset,
        "front matter names \(keys) more than once")
    case .reader(let problem, _, _, _):
      return Diagnostic(.error, path: path, line: offset + 1, "front matter cannot be read: \(problem)")
    default:
      return Diagnostic(.error, path: path, line: offset + 1, "front matter is not valid YAML")
    }
  }
}

/// One item of a YAML list, read as text or as a mapping.
struct YAMLValue {
  fileprivate let node: Node
  /// The file, for diagnostics.
  let path: String
  /// The item's line.
  let line: Int?
  fileprivate let offset: Int

  /// The item as text, or nil when it is not a scalar.
  var string: String? {
    guard case .scalar(let scalar) = node, !YAMLMapping.isNull(node) else { return nil }
    return scalar.string
  }

  /// The item as a mapping.
  public func mapping(what: String) throws(Diagnostic) -> YAMLMapping {
    try YAMLMapping(node: node, path: path, offset: offset, what: what)
  }

  /// What kind of YAML value this is, for messages.
  var kind: String { YAMLMapping.describe(node) }

  fileprivate init(node: Node, path: String, line: Int?, offset: Int) {
    self.node = node
    self.path = path
    self.line = line
    self.offset = offset
  }
}
