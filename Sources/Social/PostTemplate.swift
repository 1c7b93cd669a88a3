import Foundation

/// A post template such as `"{title}\n\n{summary}\n\n{url}\n\n{hashtags}"`, parsed once.
///
/// Placeholders: `{title}`, `{summary}`, `{url}`, `{hashtags}` (the site's hashtag, then the
/// extra ones, space-separated) and `{via}` ("via @account", or nothing).
struct PostTemplate: Sendable {
  enum Placeholder: String, CaseIterable, Sendable {
    case title, summary, url, hashtags, via
  }

  private enum Segment: Sendable {
    case literal(String)
    case placeholder(Placeholder)
  }

  private let lines: [[Segment]]

  private static let placeholderPattern = ICUPattern("\\{([a-zA-Z_]+)\\}")

  init(_ source: String) throws(SocialError) {
    var counts: [Placeholder: Int] = [:]
    var parsedLines: [[Segment]] = []
    for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
      let lineNS = String(line) as NSString
      var segments: [Segment] = []
      var cursor = 0
      for match in Self.placeholderPattern.matches(in: lineNS) {
        let name = lineNS.substring(with: match.range(at: 1))
        guard let placeholder = Placeholder(rawValue: name) else {
          throw .unknownPlaceholder("{\(name)}", template: source)
        }
        if match.range.location > cursor {
          segments.append(
            .literal(
              lineNS.substring(
                with: NSRange(location: cursor, length: match.range.location - cursor))))
        }
        segments.append(.placeholder(placeholder))
        counts[placeholder, default: 0] += 1
        cursor = NSMaxRange(match.range)
      }
      if cursor < lineNS.length { segments.append(.literal(lineNS.substring(from: cursor))) }
      parsedLines.append(segments)
    }
    // The contract is one permalink and one hashtag per post: the template must place each once.
    for required in [Placeholder.url, .hashtags] where counts[required, default: 0] != 1 {
      throw .templatePlaceholderCount(
        placeholder: "{\(required.rawValue)}", count: counts[required, default: 0],
        template: source)
    }
    lines = parsedLines
  }

  /// The text with `values` in place. A line whose placeholders are all empty and which is left
  /// blank is dropped, runs of spaces close up, and no more than one blank line is kept in a row.
  func render(_ values: [Placeholder: String]) -> String {
    var output: [String] = []
    for segments in lines {
      var line = ""
      var hadPlaceholder = false
      var allEmpty = true
      for segment in segments {
        switch segment {
        case .literal(let text):
          line += text
        case .placeholder(let placeholder):
          hadPlaceholder = true
          let value = values[placeholder] ?? ""
          if !value.isEmpty { allEmpty = false }
          line += value
        }
      }
      line = Self.closeUpSpaces(line)
      if hadPlaceholder && allEmpty && line.isEmpty { continue }
      if line.isEmpty, let last = output.last, last.isEmpty { continue }
      output.append(line)
    }
    while output.first?.isEmpty == true { output.removeFirst() }
    while output.last?.isEmpty == true { output.removeLast() }
    return output.joined(separator: "\n")
  }

  /// Collapses runs of spaces and trims them at both ends; title and summary are already
  /// single-spaced, so this only mends what empty placeholders leave behind.
  private static func closeUpSpaces(_ line: String) -> String {
    var result = ""
    var pendingSpace = false
    for character in line {
      if character == " " {
        pendingSpace = !result.isEmpty
      } else {
        if pendingSpace { result.append(" ") }
        pendingSpace = false
        result.append(character)
      }
    }
    return result
  }
}
