internal import CCmarkGFM
internal import Foundation
internal import Locking

/// Turns a post's CommonMark body into HTML the way GitHub does, keeping the raw HTML that
/// real posts carry (tables, `<br>`, embeds).
public enum MarkdownRenderer {
  /// The version of cmark-gfm doing the rendering, as the library says it.
  public static var libraryVersion: String { String(cString: cmark_version_string()) }

  // UNSAFE keeps raw HTML (without it cmark writes "raw HTML omitted"); FOOTNOTES adds
  // GitHub's `[^1]` notes; VALIDATE_UTF8 guards the C parser.
  private static let options = CMARK_OPT_UNSAFE | CMARK_OPT_FOOTNOTES | CMARK_OPT_VALIDATE_UTF8
  private static let extensionNames = ["table", "strikethrough", "autolink", "tasklist"]

  /// cmark-gfm keeps the characters that start an extension's inlines (`~`, `:`, `w`) in
  /// one table for the whole process: feeding a parser adds them and finishing one removes
  /// them. Two documents parsed at once lose each other's strikethrough and autolinks, so
  /// parsing takes turns; rendering the parsed tree to HTML does not touch the table.
  private static let parsing = Locked(())

  /// The HTML for `markdown`. Safe to call from many threads at once.
  public static func html(from markdown: some StringProtocol) -> String {
    render(markdown) { _ in true } ?? ""
  }

  /// The HTML for `markdown` with each link's and image's URL replaced by what `rewrite`
  /// makes of it (nil leaves the link without a URL), when the document holds no raw HTML;
  /// nil when it does. Without raw HTML, cmark writes every tag itself and escapes all
  /// text, so URLs are the only thing a feed has to change; with it, the HTML must be
  /// parsed to be made safe.
  public static func htmlWithoutRawHTML(
    from markdown: some StringProtocol, rewritingURLs rewrite: (String) -> String?
  ) -> String? {
    render(markdown) { document in
      var nodes: [OpaquePointer] = []
      let iterator = cmark_iter_new(document)
      defer { cmark_iter_free(iterator) }
      while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
        guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
        switch cmark_node_get_type(node) {
        case CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE: return false
        case CMARK_NODE_LINK, CMARK_NODE_IMAGE: nodes.append(node)
        default: break
        }
      }
      // URLs change only once the whole document is known to be free of raw HTML.
      for node in nodes {
        let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
        cmark_node_set_url(node, rewrite(url) ?? "")
      }
      return true
    }
  }

  /// Parses `markdown`, lets `prepare` look at (and change) the tree, and renders it unless
  /// `prepare` says no.
  private static func render(_ markdown: some StringProtocol, prepare: (OpaquePointer) -> Bool) -> String? {
    var source = String(markdown)
    let parsed: (parser: OpaquePointer, document: OpaquePointer)? = parsing.withLock { _ in
      _ = coreExtensionsRegistered
      guard let parser = cmark_parser_new(options) else { return nil }
      for name in extensionNames {
        if let syntaxExtension = cmark_find_syntax_extension(name) {
          cmark_parser_attach_syntax_extension(parser, syntaxExtension)
        }
      }
      source.withUTF8 { bytes in
        bytes.withMemoryRebound(to: CChar.self) { chars in
          cmark_parser_feed(parser, chars.baseAddress, chars.count)
        }
      }
      guard let document = cmark_parser_finish(parser) else {
        cmark_parser_free(parser)
        return nil
      }
      return (parser, document)
    }
    guard let (parser, document) = parsed else { return "" }
    defer {
      cmark_node_free(document)
      cmark_parser_free(parser)
    }
    guard prepare(document) else { return nil }
    guard let rendered = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser))
    else { return "" }
    defer { free(rendered) }
    return String(cString: rendered)
  }
}

/// Registers cmark-gfm's extensions (tables, strikethrough, autolinks) once per process.
private let coreExtensionsRegistered: Void = cmark_gfm_core_extensions_ensure_registered()
