internal import Foundation

/// A compact binary form of what reading a post file produced (the post, or the errors and
/// warnings instead), for caches to keep between runs: much cheaper to read back than
/// parsing the file's YAML again.
public enum PostArchive {
  /// Bumped whenever the layout below changes; an archive of another version is not read.
  static let version: UInt8 = 3

  /// `post` and `diagnostics` as bytes.
  public static func encode(post: Post?, diagnostics: [Diagnostic]) -> [UInt8] {
    var writer = ByteWriter()
    writer.byte(version)
    writer.count(diagnostics.count)
    for diagnostic in diagnostics {
      writer.byte(diagnostic.severity == .error ? 1 : 0)
      writer.string(diagnostic.path)
      writer.optionalInt(diagnostic.line)
      writer.string(diagnostic.message)
    }
    guard let post else {
      writer.byte(0)
      return writer.bytes
    }
    writer.byte(1)
    writer.string(post.source.displayPath)
    writer.string(post.source.relativePath)
    writer.string(post.slug)
    writer.string(post.title)
    writer.date(post.date)
    writer.optionalDate(post.updated)
    writer.optionalString(post.author)
    writer.count(post.categories.count)
    for category in post.categories {
      writer.string(category.value)
      writer.string(category.label)
    }
    writer.byte((post.isHidden ? 1 : 0) | (post.isDraft ? 2 : 0) | (post.syndication.skip ? 4 : 0))
    writer.string(post.templateKey)
    writer.optionalString(post.seoTitle)
    writer.optionalString(post.summary)
    writer.string(post.permalink)
    writer.string(post.id)
    writer.optionalString(post.pinnedID)
    writer.optionalString(post.twitterUsername)
    writer.optionalDate(post.syndication.at)
    writer.count(post.syndication.networks.count)
    for (network, override) in post.syndication.networks.sorted(by: { $0.key < $1.key }) {
      writer.string(network)
      writer.byte(override.skip ? 1 : 0)
      writer.optionalString(override.text)
    }
    writer.string(post.contentDigest)
    writer.optionalInt(post.lines.date)
    writer.optionalInt(post.lines.permalink)
    writer.optionalInt(post.lines.id)
    writer.optionalString(post.language)
    writer.byte(post.syndication.image ? 1 : 0)
    writer.optionalString(post.image?.reference)
    writer.optionalString(post.image?.alt)
    writer.optionalInt(post.image?.line)
    return writer.bytes
  }

  /// What `encode` was given, or nil when `bytes` are not an archive of this version.
  public static func decode(_ bytes: some Collection<UInt8>) -> (post: Post?, diagnostics: [Diagnostic])? {
    var reader = ByteReader(Array(bytes))
    guard reader.byte() == version else { return nil }
    var diagnostics: [Diagnostic] = []
    for _ in 0..<reader.elementCount() {
      guard !reader.failed else { return nil }
      let severity: Diagnostic.Severity = reader.byte() == 1 ? .error : .warning
      let path = reader.string()
      let line = reader.optionalInt()
      diagnostics.append(Diagnostic(severity, path: path, line: line, reader.string()))
    }
    guard reader.byte() == 1 else { return reader.failed ? nil : (nil, diagnostics) }
    let source = Post.Source(displayPath: reader.string(), relativePath: reader.string())
    let slug = reader.string()
    let title = reader.string()
    let date = reader.date()
    let updated = reader.optionalDate()
    let author = reader.optionalString()
    var categories: [Category] = []
    for _ in 0..<reader.elementCount() where !reader.failed {
      categories.append(Category(value: reader.string(), label: reader.string()))
    }
    let flags = reader.byte()
    let templateKey = reader.string()
    let seoTitle = reader.optionalString()
    let summary = reader.optionalString()
    let permalink = reader.string()
    let id = reader.string()
    let pinnedID = reader.optionalString()
    let twitterUsername = reader.optionalString()
    var syndication = Syndication()
    syndication.skip = flags & 4 != 0
    syndication.at = reader.optionalDate()
    for _ in 0..<reader.elementCount() where !reader.failed {
      let network = reader.string()
      var override = Syndication.Override()
      override.skip = reader.byte() == 1
      override.text = reader.optionalString()
      syndication.networks[network] = override
    }
    let contentDigest = reader.string()
    let lines = Post.KeyLines(
      date: reader.optionalInt(), permalink: reader.optionalInt(), id: reader.optionalInt())
    let language = reader.optionalString()
    syndication.image = reader.byte() == 1
    let imageReference = reader.optionalString()
    let imageAlt = reader.optionalString()
    let imageLine = reader.optionalInt()
    guard !reader.failed, reader.isAtEnd else { return nil }
    let post = Post(
      source: source, slug: slug, title: title, date: date, updated: updated, author: author,
      categories: categories, isHidden: flags & 1 != 0, isDraft: flags & 2 != 0, templateKey: templateKey,
      seoTitle: seoTitle, summary: summary, permalink: permalink, id: id, pinnedID: pinnedID,
      twitterUsername: twitterUsername, syndication: syndication, contentDigest: contentDigest, lines: lines,
      language: language,
      image: imageReference.map { PostImage(reference: $0, alt: imageAlt ?? "", line: imageLine) })
    return (post, diagnostics)
  }
}

/// Appends little-endian integers, doubles and length-prefixed UTF-8 strings.
private struct ByteWriter {
  var bytes: [UInt8] = []

  mutating func byte(_ value: UInt8) { bytes.append(value) }

  mutating func count(_ value: Int) {
    var value = UInt64(value)
    repeat {
      bytes.append(UInt8(value & 0x7F) | (value > 0x7F ? 0x80 : 0))
      value >>= 7
    } while value > 0
  }

  mutating func string(_ value: String) {
    count(value.utf8.count)
    bytes.append(contentsOf: value.utf8)
  }

  mutating func optionalString(_ value: String?) {
    byte(value == nil ? 0 : 1)
    if let value { string(value) }
  }

  mutating func optionalInt(_ value: Int?) {
    // Lines are positive; 0 stands for none.
    count(max(0, value ?? 0))
  }

  mutating func date(_ value: Date) {
    withUnsafeBytes(of: value.timeIntervalSince1970.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
  }

  mutating func optionalDate(_ value: Date?) {
    byte(value == nil ? 0 : 1)
    if let value { date(value) }
  }
}

/// Reads what `ByteWriter` wrote; past the end or on a bad length it sets `failed` and
/// returns empty values, so a damaged archive is rejected rather than trusted.
private struct ByteReader {
  private let bytes: [UInt8]
  private var offset = 0
  private(set) var failed = false

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  var isAtEnd: Bool { offset == bytes.count }

  mutating func byte() -> UInt8 {
    guard offset < bytes.count else {
      failed = true
      return 0
    }
    defer { offset += 1 }
    return bytes[offset]
  }

  mutating func count() -> Int {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while shift < 63 {
      let next = byte()
      value |= UInt64(next & 0x7F) << shift
      if next & 0x80 == 0 { break }
      shift += 7
    }
    return Int(clamping: value)
  }

  /// A number of items still to read: each takes a byte at least.
  mutating func elementCount() -> Int {
    let value = count()
    guard value <= bytes.count - offset else {
      failed = true
      return 0
    }
    return value
  }

  mutating func string() -> String {
    let length = count()
    guard !failed, length <= bytes.count - offset else {
      failed = true
      return ""
    }
    defer { offset += length }
    return String(decoding: bytes[offset..<offset + length], as: UTF8.self)
  }

  mutating func optionalString() -> String? {
    byte() == 1 ? string() : nil
  }

  mutating func optionalInt() -> Int? {
    let value = count()
    return value == 0 ? nil : value
  }

  mutating func date() -> Date {
    guard bytes.count - offset >= 8 else {
      failed = true
      return Date(timeIntervalSince1970: 0)
    }
    var pattern: UInt64 = 0
    for index in 0..<8 { pattern |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
    offset += 8
    return Date(timeIntervalSince1970: Double(bitPattern: pattern))
  }

  mutating func optionalDate() -> Date? {
    byte() == 1 ? date() : nil
  }
}
