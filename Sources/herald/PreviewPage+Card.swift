import Foundation
import HeraldCore
import Posts
import Social

extension PreviewPage {
  /// One network's post drawn as the network shows it: the account, the text with its links
  /// and tags, the picture or link card, then its count, when it goes out, its queue state and
  /// what becomes of the picture.
  func card(_ plan: SocialPlan, preview: PostPreview, index: Int, pictures: PictureClasses) -> String {
    let network = plan.network
    let label = "\(plan.networkName): \(preview.post.title)"
    var html = """
      <section class="card card-\(network.rawValue)" id="\(Self.cardID(index, network))" \
      aria-label="\(HTMLText.escape(label))">
      <div class="card-head"><span class="avatar" aria-hidden="true">\(HTMLText.escape(initial))</span>\
      <span class="who"><strong>\(HTMLText.escape(siteTitle))</strong><span>\(shortWhen(plan.schedule))</span></span>\
      <span class="badge network">\(HTMLText.escape(plan.networkName))</span></div>

      """
    switch plan.post {
    case .success(let composed):
      html += "<p class=\"text\">\(richText(composed))</p>\n"
    case .failure:
      html += "<p class=\"error\">Cannot be made: \(HTMLText.escape(plan.compositionError ?? ""))</p>\n"
    }
    html += attachment(plan, preview: preview, index: index, pictures: pictures)
    html += facts(plan, preview: preview)
    return html + "</section>\n"
  }

  /// The text with its links and tags drawn as the network draws them. Each carries its UTF-8
  /// byte range (`data-bytes`), the unit of Bluesky's facets, so that what the page shows can
  /// be held against the facets `preview --json` prints.
  func richText(_ composed: ComposedPost) -> String {
    let text = composed.text
    let utf8 = text.utf8
    // A range that does not fall between characters would cut one in two: drawn plain instead.
    func boundary(_ offset: Int) -> String.Index? {
      guard offset >= 0, offset <= utf8.count else { return nil }
      return utf8.index(utf8.startIndex, offsetBy: offset).samePosition(in: text.unicodeScalars)
    }
    var html = ""
    var cursor = text.startIndex
    var cursorOffset = 0
    for highlight in composed.highlights {
      let bytes = highlight.bytes
      guard bytes.lowerBound >= cursorOffset, let start = boundary(bytes.lowerBound),
        let end = boundary(bytes.upperBound)
      else { continue }
      html += HTMLText.escape(String(text.unicodeScalars[cursor..<start]))
      let shown = HTMLText.escape(String(text.unicodeScalars[start..<end]))
      let range = "data-bytes=\"\(bytes.lowerBound)-\(bytes.upperBound)\""
      switch highlight.kind {
      case .link(let url):
        if let safe = HTMLText.safeLink(url) {
          html += "<a class=\"link\" href=\"\(HTMLText.escape(safe))\" \(range)>\(shown)</a>"
        } else {
          html += "<span class=\"link\" \(range)>\(shown)</span>"
        }
      case .tag(let tag):
        html += "<span class=\"tag\" title=\"#\(HTMLText.escape(tag))\" \(range)>\(shown)</span>"
      }
      cursor = end
      cursorOffset = bytes.upperBound
    }
    return html + HTMLText.escape(String(text.unicodeScalars[cursor...]))
  }

  /// What goes with the text: the link card Herald sends (Bluesky, LinkedIn), the picture
  /// attached (Mastodon and X when configured, Threads' image posts), or else the card a
  /// network draws from the page itself. A webhook carries the text alone.
  private func attachment(_ plan: SocialPlan, preview: PostPreview, index: Int, pictures: PictureClasses)
    -> String
  {
    let fate = preview.pictures[plan.network]?.fate
    // A post that is not announced is drawn as it would go, picture and all.
    let picture =
      fate == .sent || fate == .unchecked
      ? preview.thumbnail.map { pictures.box(for: index, thumbnail: $0) } : nil
    switch plan.network {
    case .bluesky, .linkedin:
      return linkCard(preview.post, picture: picture, about: nil)
    case .mastodon, .x, .threads:
      if let picture { return "<div class=\"media\">\(picture)</div>\n" }
      return linkCard(
        preview.post, picture: nil,
        about: "\(plan.networkName) makes this card from the page’s own tags; shown here from the post")
    case .webhook:
      return ""
    }
  }

  /// A link card: the picture, the domain, the title and the summary, linking to the post.
  private func linkCard(_ post: Post, picture: String?, about: String?) -> String {
    let domain = URL(string: post.permalink)?.host ?? post.permalink
    var body =
      "<span class=\"domain\">\(HTMLText.escape(domain))</span><strong>\(HTMLText.escape(post.title))</strong>"
    if let summary = post.summary, !summary.isEmpty {
      body += "<span class=\"description\">\(HTMLText.escape(summary))</span>"
    }
    if let about { body += "<span class=\"about\">\(HTMLText.escape(about))</span>" }
    let inside = (picture ?? "") + "<span class=\"card-body\">\(body)</span>"
    guard let href = HTMLText.safeLink(post.permalink) else {
      return "<div class=\"link-card\">\(inside)</div>\n"
    }
    return "<a class=\"link-card\" href=\"\(HTMLText.escape(href))\">\(inside)</a>\n"
  }

  /// The count against the limit, when it goes out or why never, the queue, the picture.
  private func facts(_ plan: SocialPlan, preview: PostPreview) -> String {
    var html = "<div class=\"facts\">\n"
    if case .success(let composed) = plan.post {
      let level: String
      var count = Self.number(composed.length)
      if let limit = composed.limit {
        count += " / " + Self.number(limit)
        level = composed.length > limit ? "over" : composed.length * 10 > limit * 9 ? "near" : "ok"
        if composed.length > limit { count += " (\(Self.number(composed.length - limit)) over the limit)" }
      } else {
        level = "ok"
        count += " (no limit)"
      }
      html += "<p><span class=\"count \(level)\">\(count)</span></p>\n"
    }
    switch plan.schedule {
    case .at(let date):
      html += "<p>\(date > now ? "Goes out" : "Due since") \(time(date))</p>\n"
    case .never(let reason):
      html += "<p class=\"never\">Never: \(HTMLText.escape(reason))</p>\n"
    }
    let queue = preview.queueLines(plan.network, zone: zone)
    if !queue.isEmpty {
      html += "<ul class=\"queue\">" + queue.map { "<li>\(HTMLText.escape($0))</li>" }.joined() + "</ul>\n"
    }
    if let picture = preview.pictures[plan.network] {
      html += "<p class=\"picture-note\">Picture: \(HTMLText.escape(picture.line))</p>\n"
    }
    return html + "</div>\n"
  }

  /// Beside the account's name, where a network shows a post's age.
  private func shortWhen(_ schedule: SocialPlan.Schedule) -> String {
    switch schedule {
    case .at(let date): HTMLText.escape(Timestamp.display(date, in: zone))
    case .never: "not sent"
    }
  }

  /// The site's first letter, for the avatar.
  private var initial: String { siteTitle.first.map { String($0).uppercased() } ?? "H" }

  /// `3,000`: counts as people read them.
  static func number(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var grouped = ""
    for (position, digit) in digits.enumerated() {
      if position > 0, (digits.count - position) % 3 == 0 { grouped += "," }
      grouped.append(digit)
    }
    return (value < 0 ? "-" : "") + grouped
  }
}
