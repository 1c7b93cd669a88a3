internal import CCmarkGFM
internal import Foundation
internal import Synchronization

/// Turns a post's CommonMark body into HTML the way GitHub does, keeping the raw HTML that
/// real posts carry (tables, `<br>`, embeds).
public enum MarkdownRenderer {
  // UNSAFE keeps raw HTML (without it cmark writes "raw HTML omitted"); FOOTNOTES adds
  // GitHub's `[^1]` notes; VALIDATE_UTF8 guards the C parser.
  private static let options = CMARK_OPT_UNSAFE | CMARK_OPT_FOOTNOTES | CMARK_OPT_VALIDATE_UTF8
  private static let extensionNames = ["table", "strikethrough", "autolink", "tasklist"]

  /// cmark-gfm keeps the characters that start an extension's inlines (`~`, `:`, `w`) in
  /// one table for the whole process: feeding a parser adds them and finishing one removes
  /// them. Two documents parsed at once lose each other's strikethrough and autolinks, so
  /// parsing takes turns; rendering the parsed tree to HTML does not touch the table.
  private static let parsing = Mutex(())

  /// The HTML for `markdown`. Safe to call from many threads at once.
  public static func html(from markdown: some StringProtocol) -> String {
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
    guard let rendered = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser))
    else { return "" }
    defer { free(rendered) }
    return String(cString: rendered)
  }
}

/// Registers cmark-gfm's extensions (tables, strikethrough, autolinks) once per process.
private let coreExtensionsRegistered: Void = cmark_gfm_core_extensions_ensure_registered()
