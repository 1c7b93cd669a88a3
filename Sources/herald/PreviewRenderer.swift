import Foundation
import HeraldCore
import Posts
import Social

/// Draws `preview` for a terminal: a block per post, a box per network with the exact text,
/// its count against the limit (yellow when near, red when over) and when it goes out.
struct PreviewRenderer {
  let width: Int
  let useColor: Bool
  /// The zone times are shown in (`site.timezone`), UTC beside them.
  let zone: TimeZone
  private var output = ""

  init(width: Int, useColor: Bool, zone: TimeZone = TimeZone(identifier: "UTC")!) {
    self.width = max(40, min(width, 120))
    self.useColor = useColor
    self.zone = zone
  }

  mutating func render(_ previews: [PostPreview]) -> String {
    if previews.isEmpty { line("No posts.") }
    for (index, preview) in previews.enumerated() {
      if index > 0 { line("") }
      renderPost(preview)
    }
    return output
  }

  private mutating func renderPost(_ preview: PostPreview) {
    let post = preview.post
    line(style(String(repeating: "━", count: width), .dim))
    for part in wrap(post.title, width: width) { line(style(part, .bold)) }
    var facts = [format(post.date)]
    if let author = post.author { facts.append(author) }
    if !post.categories.isEmpty { facts.append(post.categories.map(\.label).joined(separator: ", ")) }
    if post.isHidden { facts.append("hidePost") }
    let status = preview.status.rawValue
    let factLines = wrap(([status] + facts).joined(separator: " · "), width: width)
    for (index, part) in factLines.enumerated() {
      // Colour the status word, which always opens the first line.
      line(index == 0 ? style(status, statusStyle(preview.status)) + part.dropFirst(status.count) : part)
    }
    line(style(post.permalink, .underline))
    if post.id != post.permalink { line(style("id " + post.id, .dim)) }
    line(style(post.source.displayPath, .dim))
    if let summary = post.summary {
      for part in wrap(summary, width: width) { line(style(part, .italic)) }
    }
    for plan in preview.plans {
      line("")
      renderPlan(plan)
      if let picture = preview.pictures[plan.network]?.line {
        for part in wrap("image: " + picture, width: width - 2) { line(style("│ " + part, .dim)) }
      }
      for queued in preview.queueLines(plan.network, zone: zone) { line(style(queued, .dim)) }
    }
  }

  private mutating func renderPlan(_ plan: SocialPlan) {
    let when: String
    switch plan.schedule {
    case .at(let date): when = format(date)
    case .never(let reason): when = "never: " + reason
    }
    let count: String
    let countStyle: Style
    switch plan.post {
    case .success(let composed):
      count = composed.limit.map { "\(composed.length)/\($0)" } ?? "\(composed.length)"
      countStyle =
        composed.limit.map { composed.length > $0 ? .red : composed.length * 10 > $0 * 9 ? .yellow : .green }
        ?? .green
    case .failure:
      count = "cannot be made"
      countStyle = .red
    }
    // ── Mastodon ─────────── 187/500 · 2025-11-03 18:17 UTC
    let title = "── \(plan.networkName) "
    let right = " \(count) · \(when)"
    let fill = max(3, width - Self.displayWidth(title) - Self.displayWidth(right))
    line(
      style(title, .bold) + style(String(repeating: "─", count: fill), .dim) + " "
        + style(count, countStyle) + style(" · \(when)", plan.schedule.date == nil ? .dim : .plain))
    switch plan.post {
    case .success(let composed):
      for paragraph in composed.text.split(separator: "\n", omittingEmptySubsequences: false) {
        let parts = paragraph.isEmpty ? [""] : wrap(String(paragraph), width: width - 2)
        for part in parts { line(style("│", .dim) + (part.isEmpty ? "" : " " + part)) }
      }
    case .failure(let error):
      for part in wrap(error.description, width: width - 2) { line(style("│ ", .dim) + style(part, .red)) }
    }
  }

  // MARK: - Text

  private mutating func line(_ text: String) { output += text + "\n" }

  /// Splits `text` into lines of at most `width` columns, at spaces where it can.
  private func wrap(_ text: String, width: Int) -> [String] {
    var lines: [String] = []
    var current = ""
    var currentWidth = 0
    for word in text.split(separator: " ", omittingEmptySubsequences: false) {
      var word = String(word)
      var wordWidth = Self.displayWidth(word)
      if currentWidth > 0, currentWidth + 1 + wordWidth > width {
        lines.append(current)
        current = ""
        currentWidth = 0
      }
      // A word wider than the line (CJK without spaces) is broken at characters; a URL is
      // left whole on a line of its own, so it can be copied.
      while wordWidth > width, !word.contains("://") {
        var head = ""
        var headWidth = 0
        for character in word {
          let characterWidth = Self.displayWidth(String(character))
          if headWidth + characterWidth > width - currentWidth { break }
          head.append(character)
          headWidth += characterWidth
        }
        if head.isEmpty { break }
        lines.append(current + head)
        current = ""
        currentWidth = 0
        word.removeFirst(head.count)
        wordWidth = Self.displayWidth(word)
      }
      current += (currentWidth > 0 ? " " : "") + word
      currentWidth += (currentWidth > 0 ? 1 : 0) + wordWidth
    }
    lines.append(current)
    return lines
  }

  /// Columns a terminal gives `text`: wide East Asian characters and emoji take two.
  static func displayWidth(_ text: String) -> Int {
    text.reduce(0) { total, character in
      guard let scalar = character.unicodeScalars.first else { return total }
      if scalar.properties.generalCategory == .control { return total }
      let isWide =
        (scalar.properties.isEmojiPresentation
          || character.unicodeScalars.count > 1 && scalar.properties.isEmoji)
        || (0x1100...0x115F).contains(scalar.value) || (0x2E80...0xA4CF).contains(scalar.value)
        || (0xAC00...0xD7A3).contains(scalar.value) || (0xF900...0xFAFF).contains(scalar.value)
        || (0xFE30...0xFE4F).contains(scalar.value) || (0xFF00...0xFF60).contains(scalar.value)
        || (0xFFE0...0xFFE6).contains(scalar.value) || (0x20000...0x3FFFD).contains(scalar.value)
      return total + (isWide ? 2 : 1)
    }
  }

  /// A time in the site's zone, with UTC beside it when that is another.
  func format(_ date: Date) -> String {
    Timestamp.displayWithUTC(date, in: zone)
  }

  // MARK: - Colour

  private enum Style: String {
    case plain = ""
    case bold = "1"
    case dim = "2"
    case italic = "3"
    case underline = "4"
    case red = "31"
    case green = "32"
    case yellow = "33"
    case cyan = "36"
  }

  private func statusStyle(_ status: PostStatus) -> Style {
    switch status {
    case .published: .green
    case .scheduled: .cyan
    case .draft, .excluded: .yellow
    }
  }

  private func style(_ text: String, _ style: Style) -> String {
    guard useColor, style != .plain, !text.isEmpty else { return text }
    return "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m"
  }
}

/// Facts about the terminal.
enum Terminal {
  /// The terminal's width in columns, or 80 when it cannot be told.
  static func columns() -> Int {
    var size = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    return Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 80
  }
}
