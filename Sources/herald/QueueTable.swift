import Foundation
import HeraldCore
import Posts
import Social

/// `queue list` as a table that fits 80 columns: a line per job (id, post, network, where it
/// stands, attempts, when), then what a person needs under it: the sent post's address, the
/// last error or why it was withdrawn, and the command that fixes it. Addresses are never
/// cut, so they can be copied.
struct QueueTable {
  /// The zone times are shown in (`site.timezone`).
  var zone: TimeZone
  var width = 80

  func render(_ statuses: [JobStatus]) -> String {
    let idWidth = max(2, statuses.map { String($0.job.id).count }.max() ?? 2)
    let when = "WHEN (\(Self.zoneName(zone)))"
    let fixed = idWidth + 10 + 13 + 5 + 16 + 10
    let titleWidth = max(12, width - fixed)
    var lines = [
      [
        pad("ID", idWidth, right: true), pad("POST", titleWidth), pad("NETWORK", 10), pad("STATE", 13),
        pad("TRIES", 5, right: true), when,
      ].joined(separator: "  ")
    ]
    let indent = String(repeating: " ", count: idWidth + 2)
    for status in statuses {
      let job = status.job
      let title = job.payload.title.isEmpty ? job.postPath : job.payload.title
      lines.append(
        [
          pad(String(job.id), idWidth, right: true), pad(title, titleWidth), pad(job.network.rawValue, 10),
          pad(status.situation.rawValue, 13), pad(String(job.attempts), 5, right: true),
          status.when.map(time) ?? "",
        ].joined(separator: "  ").replacing(/\s+$/, with: ""))
      if let name = Self.accountName(job.account) { lines.append(indent + "account: " + name) }
      if let url = job.remoteURL ?? job.remoteID, job.state == .sent { lines.append(indent + url) }
      if let detail = status.detail {
        let label = status.situation == .withdrawn ? "why: " : ""
        lines.append(indent + label + detail)
      }
      if let fix = status.fix { lines.append(indent + "fix: " + fix) }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The name of an account of `social.accounts` (its identity is `name: base`).
  static func accountName(_ account: String) -> String? {
    guard let colon = account.range(of: ": ") else { return nil }
    return String(account[..<colon.lowerBound])
  }

  static func zoneName(_ zone: TimeZone) -> String {
    zone.identifier == "GMT" ? "UTC" : zone.identifier
  }

  private func time(_ date: Date) -> String {
    String(Timestamp.display(date, in: zone).prefix(16))
  }

  /// `text` in exactly `width` columns: cut with an ellipsis, or padded.
  private func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    var text = text.replacingOccurrences(of: "\n", with: " ")
    if PreviewRenderer.displayWidth(text) > width {
      var cut = ""
      for character in text {
        if PreviewRenderer.displayWidth(cut + String(character)) > width - 1 { break }
        cut.append(character)
      }
      text = cut + "…"
    }
    let fill = String(repeating: " ", count: max(0, width - PreviewRenderer.displayWidth(text)))
    return right ? fill + text : text + fill
  }
}
