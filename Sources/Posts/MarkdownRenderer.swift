internal import CCmarkGFM
internal import Foundation

/// Registers cmark-gfm's extensions (tables, strikethrough, autolinks) once per process.
private let coreExtensionsRegistered: Void = cmark_gfm_core_extensions_ensure_registered()

/// Turns a post's CommonMark body into HTML the way GitHub does, keeping the raw HTML that
/// real posts carry (tables, `<br>`, embeds).
public enum MarkdownRenderer {
  private static let extensionNames = ["table", "strikethrough", "autolink", "tasklist"]

  /// The HTML for `markdown`.
  public static func html(from markdown: some StringProtocol) -> String {
    _ = coreExtensionsRegistered
    // UNSAFE keeps raw HTML (without it cmark writes "raw HTML omitted");
    // FOOTNOTES adds GitHub's `[^1]` notes; VALIDATE_UTF8 guards the C parser.
    let options = CMARK_OPT_UNSAFE | CMARK_OPT_FOOTNOTES | CMARK_OPT_VALIDATE_UTF8
    guard let parser = cmark_parser_new(options) else { return "" }
    defer { cmark_parser_free(parser) }
    for name in extensionNames {
      if let syntaxExtension = cmark_find_syntax_extension(name) {
        cmark_parser_attach_syntax_extension(parser, syntaxExtension)
      }
    }
    var source = String(markdown)
    source.withUTF8 { bytes in
      bytes.withMemoryRebound(to: CChar.self) { chars in
        cmark_parser_feed(parser, chars.baseAddress, chars.count)
      }
    }
    guard let document = cmark_parser_finish(parser) else { return "" }
    defer { cmark_node_free(document) }
    guard let rendered = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser))
    else { return "" }
    defer { free(rendered) }
    return String(cString: rendered)
  }
}
