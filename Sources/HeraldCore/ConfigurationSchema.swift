internal import Foundation
internal import Posts

/// Every key `herald.yml` may hold, at every depth: a misspelled setting (`max_per_runs`) is
/// reported with its line and the key it probably meant, never silently ignored.
enum ConfigurationSchema {
  /// What a key holds.
  indirect enum Node: Sendable {
    /// A value (text, number, list): nothing below it is checked here.
    case value
    /// A mapping with exactly these keys.
    case keys([String: Node])
    /// A mapping whose keys are the user's own (category labels, account names), each
    /// holding `Node`.
    case any(Node)
  }

  static let root: Node = .keys([
    "site": .keys([
      "title": .value, "url": .value, "blog_path": .value, "description": .value, "language": .value,
      "timezone": .value, "author": .value, "static": .value,
    ]),
    "posts": .value, "output": .value, "state": .value, "hidden_posts": .value,
    "feeds": .keys(["url": .value, "limit": .value, "archive": .value, "archive_size": .value]),
    "social": .keys([
      "hashtag": .value, "announce_since": .value, "max_age": .value, "max_per_run": .value,
      "min_interval": .value, "templates": .value, "category_hashtags": .any(.value),
      "mastodon_limit": .value, "mastodon_visibility": .value, "mastodon_attach_image": .value,
      "x_attach_image": .value,
      "accounts": .any(.keys(["network": .value, "credentials": .value, "categories": .value])),
    ]),
    "http": .keys(["timeout": .value, "connect_timeout": .value]),
    "delivery": .keys(["give_up_after": .value]),
  ])

  /// A warning for each key of `mapping` (and below) that `node` does not know.
  static func unknownKeys(in mapping: YAMLMapping, node: Node = root, prefix: String = "") -> [Diagnostic] {
    var found: [Diagnostic] = []
    for key in mapping.keys {
      let child: Node
      switch node {
      case .value: return []
      case .any(let each): child = each
      case .keys(let known):
        guard let match = known[key] else {
          let hint =
            suggestion(for: key, among: Array(known.keys)).map { "; did you mean '\(prefix)\($0)'?" } ?? ""
          found.append(
            Diagnostic(
              .warning, path: mapping.path, line: mapping.line(of: key),
              "unknown key '\(prefix)\(key)' is ignored\(hint)"))
          continue
        }
        child = match
      }
      if case .value = child { continue }
      guard let nested = try? mapping.mapping(key) else { continue }
      found += unknownKeys(in: nested, node: child, prefix: prefix + key + ".")
    }
    return found
  }

  /// The known key closest to `key`, when it is close enough to be a slip of the keyboard.
  static func suggestion(for key: String, among known: [String]) -> String? {
    var best: (key: String, score: Int)?
    for candidate in known.sorted() {
      let score = distance(key.lowercased(), candidate)
      if score < best?.score ?? Int.max { best = (candidate, score) }
    }
    guard let best, best.score <= max(2, best.key.count / 3) else { return nil }
    return best.key
  }

  /// The Levenshtein distance between two strings, by Character.
  static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    for (i, x) in a.enumerated() {
      var current = [i + 1] + Array(repeating: 0, count: b.count)
      for (j, y) in b.enumerated() {
        current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
      }
      previous = current
    }
    return previous[b.count]
  }
}
