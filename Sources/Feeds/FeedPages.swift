internal import Foundation
internal import Posts

/// The files of the output folder that are not feeds: the stylesheet that shows a feed as a
/// page, and `index.html`, the page that lists every feed with the lines to paste into the
/// site's `<head>`. Both depend only on the plan's feeds, never on the time, so an unchanged
/// site leaves them untouched.
enum FeedPages {
  /// The bytes of the page called `name` (one of `FeedPlanner.pageNames`).
  static func data(_ name: String, plan: FeedPlan, site: FeedSite) -> Data {
    switch name {
    case FeedPlanner.stylesheetName: Data(FeedStylesheet.css.utf8)
    default: Data(index(plan, site: site).utf8)
    }
  }

  /// Whether `existing`, the file now at the page's place, is one Herald wrote: a site's own
  /// `index.html` in the output folder is never written over.
  static func isHerald(_ existing: Data, name: String, generator: Generator) -> Bool {
    let text = String(decoding: existing.prefix(4096), as: UTF8.self)
    switch name {
    case FeedPlanner.stylesheetName: return text.contains(stylesheetMarker)
    default: return text.contains(generatorLine(generator))
    }
  }

  private static let stylesheetMarker = "Herald's feed stylesheet"

  private static func generatorLine(_ generator: Generator) -> String {
    "<meta name=\"generator\" content=\"\(HTMLText.escape(generator.name))\">"
  }

  /// The index page: HTML5 with inline CSS, no script, nothing fetched from elsewhere.
  static func index(_ plan: FeedPlan, site: FeedSite) -> String {
    let subscriptions = plan.feeds.filter { !$0.isArchive }
    // The site-wide feed always exists, with or without posts.
    let main = subscriptions[0]
    var page = """
      <!DOCTYPE html>
      <html lang="\(HTMLText.escape(site.language ?? "en"))">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      \(generatorLine(site.generator))
      <title>\(HTMLText.escape(site.title)): feeds</title>

      """
    page += alternateLinks(main).map { $0 + "\n" }.joined()
    page += "<style>\n\(style)</style>\n</head>\n<body>\n<main>\n"
    page += "<h1>\(HTMLText.escape(site.title)): feeds</h1>\n"
    page += """
      <p class="note">A feed brings new posts to you as they are published: copy a feed's address \
      into your feed reader app (no account, no email). Atom and RSS suit every reader; \
      JSON Feed is for the readers that prefer it.\(site.archiveSize == nil ? "" : archiveNote)</p>

      """
    page += section(main, heading: "Every post", description: site.description)
    let categories = subscriptions.dropFirst()
    if !categories.isEmpty {
      page += "<h2>By category</h2>\n"
      for feed in categories {
        page += section(feed, heading: categoryLabel(feed, site: site), description: nil, level: 3)
      }
    }
    page += """
      <h2>For the site’s pages</h2>
      <p>These lines in the <code>&lt;head&gt;</code> of the site’s pages let browsers and \
      readers find the feeds:</p>
      <pre><code>\(alternateLinks(main).map { HTMLText.escape($0) }.joined(separator: "\n"))</code></pre>
      </main>
      </body>
      </html>

      """
    return page
  }

  private static let archiveNote =
    " Each Atom and RSS feed links its archives (RFC 5005), so a reader that follows them gets every post."

  private static func section(
    _ feed: PlannedFeed, heading: String, description: String?, level: Int = 2
  ) -> String {
    var html = "<section>\n<h\(level)>\(HTMLText.escape(heading))</h\(level)>\n"
    if let description { html += "<p>\(HTMLText.escape(description))</p>\n" }
    html += "<ul>\n"
    for format in feed.formats {
      let url = feed.document.folderURL + format.fileName
      html +=
        "<li><a href=\"\(HTMLText.escape(url))\">\(format.displayName)</a> <code>\(HTMLText.escape(url))</code></li>\n"
    }
    return html + "</ul>\n</section>\n"
  }

  /// `<link rel="alternate">` for each format of `feed`.
  private static func alternateLinks(_ feed: PlannedFeed) -> [String] {
    feed.formats.map { format in
      "<link rel=\"alternate\" type=\"\(format.mediaType)\" title=\"\(HTMLText.escape(feed.document.title))\" "
        + "href=\"\(HTMLText.escape(feed.document.folderURL + format.fileName))\">"
    }
  }

  private static func categoryLabel(_ feed: PlannedFeed, site: FeedSite) -> String {
    let prefix = site.title + ": "
    return feed.document.title.hasPrefix(prefix)
      ? String(feed.document.title.dropFirst(prefix.count)) : feed.document.title
  }

  private static let style = """
    :root{color-scheme:light dark;--bg:#f5f6f8;--card:#fff;--fg:#1d2330;--muted:#5d6677;--line:#e2e5eb;--note:#fff7ed;--note-line:#fdba74}
    @media (prefers-color-scheme:dark){:root{--bg:#11141a;--card:#1a1e26;--fg:#e6e9ef;--muted:#9aa3b2;--line:#2b313c;--note:#2a1f16;--note-line:#9a4a12}}
    body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;overflow-wrap:anywhere}
    main{max-width:46rem;margin:0 auto;padding:1.5rem 1rem 3rem}
    .note{background:var(--note);border:1px solid var(--note-line);border-radius:12px;padding:1rem 1.1rem}
    section{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:.25rem 1.25rem;margin:0 0 1rem}
    ul{padding-left:1.1rem}
    code,pre{font:.88rem/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
    code{color:var(--muted)}
    pre{white-space:pre-wrap;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.75rem}

    """
}
