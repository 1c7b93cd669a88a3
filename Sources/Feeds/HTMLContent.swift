internal import CLibXML2
internal import Foundation
internal import Posts

/// A post's rendered HTML made fit for a feed: every relative URL absolute against the
/// permalink, scripts and event handlers removed, and its plain text for summaries.
struct HTMLContent {
  /// The HTML to put in `atom:content`, `content:encoded` and `content_html`.
  var html: String
  /// The opening of the visible text (at most `textLimit` bytes), whitespace collapsed:
  /// enough for a summary. Empty unless asked for.
  var text: String

  /// Summaries need only the first few sentences; a post's whole text can be megabytes.
  static let textLimit = 4096

  /// Attributes that hold one URL.
  private static let urlAttributes = [
    "href", "src", "poster", "cite", "data", "action", "background", "longdesc", "usemap",
    "formaction", "manifest", "codebase",
  ]
  /// Elements a feed reader must never run.
  private static let removedElements = ["script"]

  /// Rewrites `html` (a fragment) against `base`; `withText` also extracts the text.
  init(html: String, base: String, withText: Bool = true) {
    _ = LibXML2.ready
    let wrapped = "<html><body>" + html + "</body></html>"
    // NONET and no entity substitution: a post can't make the parser fetch anything.
    let options = Int32(
      HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
        | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue)
    let document = wrapped.withCString { pointer in
      htmlReadMemory(pointer, Int32(strlen(pointer)), nil, "UTF-8", options)
    }
    guard let document, let body = Self.body(of: document) else {
      // Only when libxml2 cannot allocate: show the source as text rather than pass it raw.
      self.html =
        "<pre>"
        + html.replacingOccurrences(of: "&", with: "&amp;")
        .replacingOccurrences(of: "<", with: "&lt;") + "</pre>"
      self.text = ""
      if let document { xmlFreeDoc(document) }
      return
    }
    defer { xmlFreeDoc(document) }

    Self.rewrite(body, base: base)
    self.html = Self.serialize(childrenOf: body, in: document)
    self.text = withText ? Self.text(of: body) : ""
  }

  private static func body(of document: htmlDocPtr) -> xmlNodePtr? {
    var node = xmlDocGetRootElement(document)?.pointee.children
    while let current = node {
      if current.pointee.type == XML_ELEMENT_NODE, name(of: current) == "body" { return current }
      node = current.pointee.next
    }
    return nil
  }

  /// Walks the tree without recursion: a hostile post may nest thousands of elements.
  private static func rewrite(_ root: xmlNodePtr, base: String) {
    var stack: [xmlNodePtr] = [root]
    while let node = stack.popLast() {
      var child = node.pointee.children
      while let current = child {
        child = current.pointee.next
        guard current.pointee.type == XML_ELEMENT_NODE else { continue }
        if isRemoved(current.pointee.name) {
          xmlUnlinkNode(current)
          xmlFreeNode(current)
          continue
        }
        rewriteAttributes(of: current, base: base)
        stack.append(current)
      }
    }
  }

  /// Compared as C strings, without making a Swift string of every name: a post has
  /// hundreds of elements and attributes, and only a few matter.
  private static func isRemoved(_ name: UnsafePointer<xmlChar>?) -> Bool {
    guard let name else { return false }
    return removedElements.contains { xmlStrcasecmp(name, $0) == 0 }
  }

  private static func rewriteAttributes(of element: xmlNodePtr, base: String) {
    var attribute = element.pointee.properties
    while let current = attribute {
      attribute = current.pointee.next
      guard let name = current.pointee.name else { continue }
      if xmlStrncasecmp(name, "on", 2) == 0 {
        xmlRemoveProp(current)
        continue
      }
      let isSrcset = xmlStrcasecmp(name, "srcset") == 0
      guard isSrcset || urlAttributes.contains(where: { xmlStrcasecmp(name, $0) == 0 }) else { continue }
      guard let raw = xmlGetProp(element, name) else { continue }
      let value = String(cString: raw)
      cxml_free(raw)
      let rewritten = isSrcset ? absoluteSrcset(value, base: base) : absolute(value, base: base)
      if let rewritten {
        if rewritten != value { xmlSetProp(element, name, rewritten) }
      } else {
        xmlRemoveProp(current)
      }
    }
  }

  /// `value` resolved against `base`; nil for a script URL, which is dropped.
  static func absolute(_ value: String, base: String) -> String? {
    let trimmed = value.trimmingWhitespace(andNewlines: true)
    let scheme = URLText.scheme(of: trimmed)
    if let scheme, ["javascript", "vbscript", "livescript"].contains(scheme) { return nil }
    // `data:` images and `mailto:` links are whole already.
    if scheme != nil, !["http", "https"].contains(scheme) { return trimmed }
    let escaped = URLText.escapingUnsafe(trimmed)
    guard let built = xmlBuildURI(escaped, base) else { return escaped }
    defer { cxml_free(built) }
    return String(cString: built)
  }

  /// A `srcset` list (`a.png 1x, b.png 2x`) with each URL made absolute.
  private static func absoluteSrcset(_ value: String, base: String) -> String {
    value.split(separator: ",").map { candidate in
      let parts = candidate.split(separator: " ", omittingEmptySubsequences: true)
      guard let url = parts.first, let resolved = absolute(String(url), base: base) else { return "" }
      return ([resolved] + parts.dropFirst().map(String.init)).joined(separator: " ")
    }.filter { !$0.isEmpty }.joined(separator: ", ")
  }

  private static func serialize(childrenOf body: xmlNodePtr, in document: htmlDocPtr) -> String {
    guard let buffer = xmlBufferCreate() else { return "" }
    defer { xmlBufferFree(buffer) }
    guard let output = xmlOutputBufferCreateBuffer(buffer, xmlFindCharEncodingHandler("UTF-8")) else {
      return ""
    }
    var child = body.pointee.children
    while let current = child {
      htmlNodeDumpFormatOutput(output, document, current, "UTF-8", 0)
      child = current.pointee.next
    }
    xmlOutputBufferClose(output)
    guard let content = xmlBufferContent(buffer) else { return "" }
    return String(
      decoding: UnsafeBufferPointer(start: content, count: Int(xmlBufferLength(buffer))), as: UTF8.self)
  }

  private static func text(of node: xmlNodePtr) -> String {
    guard let content = xmlNodeGetContent(node) else { return "" }
    defer { cxml_free(content) }
    let length = min(strlen(content), textLimit)
    let opening = String(decoding: UnsafeBufferPointer(start: content, count: length), as: UTF8.self)
    // Scalars, not Characters: whitespace never joins a grapheme cluster worth keeping, and
    // this runs for every post without a description.
    var collapsed = String.UnicodeScalarView()
    var pendingSpace = false
    for scalar in opening.unicodeScalars {
      if scalar.properties.isWhitespace {
        pendingSpace = !collapsed.isEmpty
      } else {
        if pendingSpace { collapsed.append(" ") }
        collapsed.append(scalar)
        pendingSpace = false
      }
    }
    return String(collapsed)
  }

  private static func name(of node: xmlNodePtr) -> String {
    String(cString: node.pointee.name).lowercased()
  }
}
