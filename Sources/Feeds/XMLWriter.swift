internal import CLibXML2
internal import Foundation

/// An XML document written through libxml2's text writer; every string is cleaned of
/// characters XML forbids before it reaches libxml2, so the output is always well-formed.
final class XMLWriter {
  /// The version of libxml2 doing the writing (its headers' at build time).
  static var libraryVersion: String { LIBXML_DOTTED_VERSION }

  private let buffer: xmlBufferPtr
  private let writer: xmlTextWriterPtr

  /// A writer whose buffer starts with room for `capacity` bytes (it grows as needed).
  init(capacity: Int = 4096) throws(FeedsError) {
    _ = LibXML2.ready
    guard let buffer = xmlBufferCreateSize(max(capacity, 64)) else {
      throw FeedsError("libxml2 could not allocate a buffer")
    }
    guard let writer = xmlNewTextWriterMemory(buffer, 0) else {
      xmlBufferFree(buffer)
      throw FeedsError("libxml2 could not create a writer")
    }
    self.buffer = buffer
    self.writer = writer
    xmlTextWriterSetIndent(writer, 1)
    xmlTextWriterSetIndentString(writer, "  ")
  }

  deinit {
    xmlFreeTextWriter(writer)
    xmlBufferFree(buffer)
  }

  func startDocument() throws(FeedsError) {
    try check(xmlTextWriterStartDocument(writer, "1.0", "utf-8", nil))
  }

  func processingInstruction(_ target: String, _ content: String) throws(FeedsError) {
    try check(xmlTextWriterWritePI(writer, target, XMLText.cleaned(content)))
  }

  func start(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:]) throws(FeedsError) {
    try check(xmlTextWriterStartElement(writer, name))
    for case (let key, let value?) in attributes {
      try check(xmlTextWriterWriteAttribute(writer, key, XMLText.cleaned(value)))
    }
  }

  func end() throws(FeedsError) {
    try check(xmlTextWriterEndElement(writer))
  }

  /// `<name attributes>text</name>`, or `<name attributes/>` when `text` is nil.
  func element(
    _ name: String, _ attributes: KeyValuePairs<String, String?> = [:], text: String? = nil
  ) throws(FeedsError) {
    try start(name, attributes)
    if let text { try check(xmlTextWriterWriteString(writer, XMLText.cleaned(text))) }
    try end()
  }

  /// `<name>text</name>` with `&` and `<` written as hexadecimal references: RSS has no
  /// way to say a field is plain text, and readers take `&#x3C;` as a literal `<`.
  func element(_ name: String, plainText text: String) throws(FeedsError) {
    try start(name)
    var escaped = ""
    for character in XMLText.cleaned(text) {
      switch character {
      case "&": escaped += "&#x26;"
      case "<": escaped += "&#x3C;"
      case ">": escaped += "&gt;"
      default: escaped.append(character)
      }
    }
    try check(xmlTextWriterWriteRaw(writer, escaped))
    try end()
  }

  /// How many bytes are written so far: where to cut the document into a frame and the
  /// entries that go in it.
  func mark() throws(FeedsError) -> Int {
    try check(xmlTextWriterFlush(writer))
    return Int(xmlBufferLength(buffer))
  }

  /// The bytes written from `start` on (a `mark()`) to now.
  func bytes(from start: Int) throws(FeedsError) -> [UInt8] {
    let end = try mark()
    guard let content = xmlBufferContent(buffer), start <= end else { return [] }
    return Array(UnsafeBufferPointer(start: content + start, count: end - start))
  }

  /// Ends the document: its bytes up to `cut` (a `mark()`) are the frame's head, the rest
  /// its tail.
  func finish(cut: Int) throws(FeedsError) -> FeedFrame {
    try check(xmlTextWriterEndDocument(writer))
    let all = try bytes(from: 0)
    return FeedFrame(head: Array(all[..<cut]), tail: Array(all[cut...]))
  }

  private func check(_ status: Int32) throws(FeedsError) {
    if status < 0 { throw FeedsError("libxml2 failed to write the feed") }
  }
}
