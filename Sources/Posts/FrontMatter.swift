internal import Yams

/// The YAML block between the `---` lines at the top of a post, and the Markdown after it.
struct FrontMatter {
  /// The parsed YAML mapping.
  var fields: YAMLMapping
  /// The Markdown body.
  var body: Substring
  /// The line the front matter starts on (the opening `---`).
  var openingLine: Int

  /// Front matter deeper than this is an attack or an accident, never a post.
  static let maximumNesting = 64
  /// Aliases beyond this can expand exponentially (a "billion laughs").
  static let maximumAliases = 16

  /// Splits `text` (already free of BOM and CR) and parses its YAML; `path` names the file
  /// in errors.
  init(splitting text: String, path: String) throws(Diagnostic) {
    let (yaml, body) = try Self.split(text, path: path)
    self.body = body
    openingLine = 1
    let source = String(yaml)
    try Self.refuseHostileShapes(source, path: path)
    fields = try YAMLMapping(parsing: source, path: path, firstLine: 2)
  }

  /// The YAML between the fences and the Markdown after them, without parsing either.
  static func split(_ text: String, path: String) throws(Diagnostic) -> (yaml: Substring, body: Substring) {
    let parts = text[...].split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
    guard let first = parts.first, Self.isFence(first) else {
      let hint = text.isEmpty ? "the file is empty" : "it does not start with a '---' line"
      throw Diagnostic(.error, path: path, line: 1, "no front matter: \(hint)")
    }
    let rest = parts.count > 1 ? parts[1] : ""

    // Find the closing fence: a line of `---` (or YAML's `...`) on its own.
    var cursor = rest.startIndex
    while cursor < rest.endIndex {
      let lineEnd = rest[cursor...].firstIndex(of: "\n") ?? rest.endIndex
      let line = rest[cursor..<lineEnd]
      if Self.isFence(line) || line.trimmingTrailingSpaces == "..." {
        let bodyStart = lineEnd < rest.endIndex ? rest.index(after: lineEnd) : lineEnd
        return (rest[rest.startIndex..<cursor], rest[bodyStart...])
      }
      cursor = lineEnd < rest.endIndex ? rest.index(after: lineEnd) : lineEnd
    }
    throw Diagnostic(
      .error, path: path, line: 1,
      "the front matter opened here is never closed: add a '---' line after it")
  }

  private static func isFence(_ line: Substring) -> Bool {
    line.trimmingTrailingSpaces == "---"
  }

  /// libyaml and Yams recurse once per nesting level and expand aliases on use; a post's
  /// front matter needs neither much, so refuse what would exhaust the stack or memory.
  private static func refuseHostileShapes(_ yaml: String, path: String) throws(Diagnostic) {
    var depth = 0
    var aliases = 0
    var previous: UInt8 = 0x0A
    var lineNumber = 2
    for byte in yaml.utf8 {
      switch byte {
      case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
      case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
      case UInt8(ascii: "\n"):
        lineNumber += 1
      default: break
      }
      // `*name` after a separator is an alias; `2 * 3` and `a*b` are not.
      if byte == UInt8(ascii: "*"),
        [
          0x20, 0x0A, 0x09, UInt8(ascii: "["), UInt8(ascii: "{"),
          UInt8(ascii: ","), UInt8(ascii: ":"), UInt8(ascii: "-"),
        ].contains(previous)
      {
        aliases += 1
      }
      if depth > maximumNesting {
        throw Diagnostic(
          .error, path: path, line: lineNumber,
          "front matter nests more than \(maximumNesting) levels deep")
      }
      previous = byte
    }
    if aliases > maximumAliases {
      throw Diagnostic(
        .error, path: path, line: 2,
        "front matter uses more than \(maximumAliases) YAML aliases (*name)")
    }
    // Block nesting (`- - - x` or ever-deeper indentation) recurses as deeply as brackets.
    var lineStart = 2
    for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
      var level = 0
      var index = line.startIndex
      while index < line.endIndex, line[index] == " " || line[index] == "-" {
        if line[index] == "-" { level += 1 }
        index = line.index(after: index)
      }
      let indentation = line.prefix { $0 == " " }.count
      if level > maximumNesting || indentation > maximumNesting * 8 {
        throw Diagnostic(
          .error, path: path, line: lineStart,
          "front matter nests more than \(maximumNesting) levels deep")
      }
      lineStart += 1
    }
  }
}

extension Substring {
  fileprivate var trimmingTrailingSpaces: Substring {
    var end = endIndex
    while end > startIndex {
      let before = index(before: end)
      guard self[before] == " " || self[before] == "\t" else { break }
      end = before
    }
    return self[startIndex..<end]
  }
}
