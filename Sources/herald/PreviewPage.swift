import Foundation
import HeraldCore
import Posts
import Social

/// `preview --html`: one page a communications team reviews in a browser. A timeline of what
/// goes out when, then each post's feed entry and, per network, its post drawn as the network
/// shows it. The page stands alone: its style is inline, pictures are `data:` URIs, it has no
/// script, and every word from a post is escaped.
struct PreviewPage {
  /// The site's name, for the page's title.
  let siteTitle: String
  /// The page's language (`site.language`).
  let language: String
  /// The zone times are shown in (`site.timezone`), UTC beside them.
  let zone: TimeZone
  /// The instant the preview was made for (`--now`).
  let now: Date

  /// The whole page for `previews`, in their order.
  func render(_ previews: [PostPreview]) -> String {
    let pictures = PictureClasses(previews)
    var html = """
      <!DOCTYPE html>
      <html lang="\(HTMLText.escape(language))">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <meta name="color-scheme" content="light dark">
      <meta name="generator" content="Herald">
      <title>Preview: \(HTMLText.escape(siteTitle))</title>
      <style>
      \(PreviewPageStyle.css)
      \(pictures.css)
      </style>
      </head>
      <body>
      <header class="page-head">
      <h1>\(HTMLText.escape(siteTitle)): what will be posted</h1>
      <p>As of \(time(now)) · \(count(previews.count, "post")) · times in \(HTMLText.escape(zoneName)).</p>
      </header>
      <main>

      """
    html += timeline(previews)
    if previews.isEmpty { html += "<p>No posts.</p>\n" }
    for (index, preview) in previews.enumerated() {
      html += entry(preview, index: index, pictures: pictures)
    }
    html += "</main>\n</body>\n</html>\n"
    return html
  }

  /// Writes `html` to `path` whole or not at all, so a browser reloading it never shows half.
  static func write(_ html: String, to path: String) throws {
    do {
      try OutputFile.write(html, to: path)
    } catch {
      throw Diagnostic(.error, path: error.path, "cannot write the preview page: \(error.message)")
    }
  }

  // MARK: - Timeline

  /// Every social post that goes out, by send time, each linking to its card.
  private func timeline(_ previews: [PostPreview]) -> String {
    var items: [(date: Date, order: Int, html: String)] = []
    for (index, preview) in previews.enumerated() {
      for (position, plan) in preview.plans.enumerated() {
        guard let date = plan.schedule.date, case .success = plan.post else { continue }
        let state = preview.jobs.last { $0.network == plan.network }?.state.rawValue
        items.append(
          (
            date, index * 100 + position,
            """
            <li><time datetime="\(Timestamp.rfc3339(date))">\(HTMLText.escape(display(date)))</time> \
            <span class="badge net-\(plan.network.rawValue)">\(HTMLText.escape(plan.networkName))</span> \
            <a class="title" href="#\(Self.cardID(index, plan.network))">\(HTMLText.escape(preview.post.title))</a>\
            \(state.map { " <span class=\"badge\">queue: \(HTMLText.escape($0))</span>" } ?? "")</li>

            """
          ))
      }
    }
    items.sort { ($0.date, $0.order) < ($1.date, $1.order) }
    var html = """
      <nav class="timeline" aria-labelledby="timeline-title">
      <h2 id="timeline-title">What goes out when</h2>

      """
    if items.isEmpty {
      html += "<p class=\"muted\">Nothing goes out: no post shown falls due on a network shown.</p>\n"
    } else {
      html += "<ol>\n" + items.map(\.html).joined() + "</ol>\n"
    }
    return html + "</nav>\n"
  }

  // MARK: - Entry

  /// A post's feed entry, its picture, and a card per network.
  private func entry(_ preview: PostPreview, index: Int, pictures: PictureClasses) -> String {
    let post = preview.post
    let id = "post-\(index + 1)"
    var facts = [
      "<span class=\"badge status-\(preview.status.rawValue)\">\(preview.status.rawValue)</span>",
      time(post.date),
    ]
    if let author = post.author { facts.append("by " + HTMLText.escape(author)) }
    if !post.categories.isEmpty {
      facts.append(HTMLText.escape(post.categories.map(\.label).joined(separator: ", ")))
    }
    if post.isHidden { facts.append("hidden from the blog roll (hidePost)") }
    var html = """
      <article class="post" id="\(id)" aria-labelledby="\(id)-title">
      <header class="entry">
      <p class="muted">\(facts.joined(separator: " · "))</p>
      <h2 id="\(id)-title">\(link(post.permalink, text: post.title))</h2>

      """
    if let summary = post.summary { html += "<p class=\"summary\">\(HTMLText.escape(summary))</p>\n" }
    html += "<p class=\"source\">\(link(post.permalink, text: post.permalink))"
    if post.id != post.permalink { html += " · id \(HTMLText.escape(post.id))" }
    html += " · \(HTMLText.escape(post.source.displayPath))</p>\n</header>\n"
    if let thumbnail = preview.thumbnail {
      let alt = thumbnail.alt.isEmpty ? "no alt text" : "alt “\(HTMLText.escape(thumbnail.alt))”"
      html += """
        <figure class="picture">
        \(pictures.box(for: index, thumbnail: thumbnail, keepShape: true))
        <figcaption>\(HTMLText.escape(thumbnail.reference)) · \(alt)</figcaption>
        </figure>

        """
    }
    if preview.plans.isEmpty {
      html += "<p class=\"muted\">No network is shown.</p>\n"
    } else {
      html += "<div class=\"cards\">\n"
      for plan in preview.plans {
        html += card(plan, preview: preview, index: index, pictures: pictures)
      }
      html += "</div>\n"
    }
    return html + "</article>\n"
  }

  // MARK: - Pieces

  /// The anchor of a post's card for one network, which the timeline links to.
  static func cardID(_ index: Int, _ network: Network) -> String { "post-\(index + 1)-\(network.rawValue)" }

  /// `text` linked to `url` when it is a web address, else plain.
  func link(_ url: String, text: String, className: String? = nil) -> String {
    let classAttribute = className.map { " class=\"\($0)\"" } ?? ""
    guard let safe = HTMLText.safeLink(url) else {
      return "<span\(classAttribute)>\(HTMLText.escape(text))</span>"
    }
    return "<a\(classAttribute) href=\"\(HTMLText.escape(safe))\">\(HTMLText.escape(text))</a>"
  }

  /// A time as the text preview shows it, machine-readable too.
  func time(_ date: Date) -> String {
    "<time datetime=\"\(Timestamp.rfc3339(date))\">\(HTMLText.escape(display(date)))</time>"
  }

  func display(_ date: Date) -> String { Timestamp.displayWithUTC(date, in: zone) }

  /// `Europe/Paris`; UTC by that name, which Foundation calls GMT.
  private var zoneName: String {
    zone.secondsFromGMT() == 0 && ["GMT", "UTC"].contains(zone.identifier) ? "UTC" : zone.identifier
  }

  /// `3 posts`, `1 post`.
  private func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
}
