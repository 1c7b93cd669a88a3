internal import Crypto
public import Foundation

/// Reads one post file into a `Post`, or says exactly what is wrong with it and where.
public struct PostReader: Sendable {
  /// The site facts a post needs: where permalinks point and which zone bare dates are in.
  public struct Site: Sendable {
    /// The site's root URL (`site.url`).
    public var url: String
    /// Where posts live under it (`site.blog_path`).
    public var blogPath: String
    /// The zone for dates written without one (`site.timezone`).
    public var timeZone: TimeZone
    /// The networks `syndication` may name (the registry's); empty: any name is taken.
    public var networks: [String]

    /// Creates site settings.
    public init(url: String, blogPath: String, timeZone: TimeZone, networks: [String] = []) {
      self.url = url
      self.blogPath = blogPath
      self.timeZone = timeZone
      self.networks = networks
    }

    /// The permalink of a post that names none: the blog's URL and the slug.
    public func defaultPermalink(slug: String) -> String {
      URLText.join(URLText.join(url, blogPath), URLText.escapingPathSegment(slug))
    }
  }

  /// A post file larger than this is refused rather than read into memory.
  public static let maximumFileSize = 32 << 20

  /// The site settings posts are read against.
  public let site: Site

  /// Creates a reader for posts of `site`.
  public init(site: Site) { self.site = site }

  /// Reads the post in `data`; warnings about it are appended to `warnings`. `digest` is
  /// `digest(data)` when the caller has it already.
  public func read(
    _ data: Data, source: Post.Source, digest: String? = nil, warnings: inout [Diagnostic]
  ) throws(Diagnostic) -> Post {
    let path = source.displayPath
    guard data.count <= Self.maximumFileSize else {
      throw Diagnostic(
        .error, path: path,
        "the file is \(data.count >> 20) MiB; posts may be at most \(Self.maximumFileSize >> 20) MiB")
    }
    let text = try Self.decode(data, path: path)
    let frontMatter = try FrontMatter(splitting: text, path: path)
    let fields = frontMatter.fields

    guard let rawTitle = try fields.string("title") else {
      throw Diagnostic(.error, path: path, line: fields.line, "the post has no 'title'")
    }
    let title = Self.collapsingWhitespace(rawTitle)
    guard !title.isEmpty else {
      throw Diagnostic(.error, path: path, line: fields.line(of: "title"), "'title' is empty")
    }
    guard let dateText = try fields.string("date") else {
      throw Diagnostic(.error, path: path, line: fields.line, "the post has no 'date'")
    }
    let date = try timestamp(dateText, key: "date", in: fields)
    let updated = try fields.string("updated").map { text throws(Diagnostic) in
      try timestamp(text, key: "updated", in: fields)
    }

    let slug = Self.slug(of: source.relativePath)
    let seo = try fields.mapping("seo")
    let permalinkLine = seo?.line(of: "url") ?? fields.line
    let permalink = try permalink(seo: seo, slug: slug, path: path, warnings: &warnings)
    let summary = try seo?.string("description").map(Self.plainSummary).flatMap {
      $0.isEmpty ? nil : $0
    }
    let seoTitle = try seo?.string("title").map(Self.collapsingWhitespace).flatMap {
      $0.isEmpty || $0 == title ? nil : $0
    }
    let twitterUsername = try seo?.string("twitterUsername").flatMap { raw in
      let handle = Self.twitterHandle(raw)
      if handle == nil, !raw.trimmingWhitespace().isEmpty {
        warnings.append(
          Diagnostic(
            .warning, path: path, line: seo?.line(of: "twitterUsername"),
            "'seo.twitterUsername' (\(raw)) is not an X account name; it is ignored"))
      }
      return handle
    }

    let pinnedID = try fields.string("id").map { $0.trimmingWhitespace() }
      .flatMap { $0.isEmpty ? nil : $0 }
    let language = try fields.string("lang").flatMap { raw -> String? in
      let tag = raw.trimmingWhitespace()
      guard !tag.isEmpty else { return nil }
      guard LanguageTag.isWellFormed(tag) else {
        warnings.append(
          Diagnostic(
            .warning, path: path, line: fields.line(of: "lang"),
            "'lang' (\(raw)) is not a language tag like en or pt-BR; the site's language is used"))
        return nil
      }
      return tag
    }

    let syndication = try syndication(fields, warnings: &warnings)
    let image =
      syndication.image
      ? try frontMatterImage(fields, seo: seo)
        ?? Self.firstImage(in: frontMatter.body).map { found in
          // The body's line, counted from the file's first (only when there is an image).
          var image = found
          image.line =
            (found.line ?? 1) + text.utf8[..<frontMatter.body.startIndex].lazy.filter { $0 == 10 }.count
          return image
        } : nil

    return Post(
      source: source,
      slug: slug,
      title: title,
      date: date,
      updated: updated,
      author: try author(fields),
      categories: try categories(fields),
      isHidden: try fields.bool("hidePost") ?? false,
      isDraft: try fields.bool("draft") ?? false,
      templateKey: (try fields.string("templateKey")?.trimmingWhitespace())
        .flatMap { $0.isEmpty ? nil : $0 } ?? "blog-post",
      seoTitle: seoTitle,
      summary: summary,
      permalink: permalink,
      id: pinnedID.map { identifier(pinned: $0) } ?? permalink,
      pinnedID: pinnedID,
      twitterUsername: twitterUsername,
      syndication: syndication,
      contentDigest: digest ?? Self.digest(data),
      lines: Post.KeyLines(
        date: fields.line(of: "date"), permalink: permalinkLine, id: fields.line(of: "id")),
      language: language,
      image: image
    )
  }

  /// The Markdown body of the post file in `data`, without reading its front matter: what
  /// a feed renders, long after the post's fields were read (or taken from a cache).
  public static func markdown(in data: Data, path: String) throws(Diagnostic) -> Substring {
    try FrontMatter.split(decode(data, path: path), path: path).body
  }

  /// The SHA-256 of `data` in hex.
  public static func digest(_ data: Data) -> String {
    Hex.string(SHA256.hash(data: data))
  }

  // MARK: - Text

  /// UTF-8 without a BOM, with every line ending made `\n`.
  static func decode(_ data: Data, path: String) throws(Diagnostic) -> String {
    var bytes = data[...]
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw Diagnostic(
        .error, path: path, line: firstInvalidUTF8Line(bytes),
        "the file is not valid UTF-8; save it as UTF-8")
    }
    let hasCarriageReturn =
      bytes.withUnsafeBytes { raw in raw.baseAddress.map { memchr($0, 0x0D, raw.count) != nil } ?? false }
    guard hasCarriageReturn else { return text }
    return text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
  }

  private static func firstInvalidUTF8Line(_ bytes: Data.SubSequence) -> Int {
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    var line = 1
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar): if scalar == "\n" { line += 1 }
      case .emptyInput, .error: return line
      }
    }
  }

  /// Runs of whitespace (YAML folds long lines) become one space; control characters, which
  /// no title or name means to hold, are dropped.
  static func collapsingWhitespace(_ text: String) -> String {
    // Most titles and names are plain ASCII with single spaces: nothing to do.
    var previous: UInt8 = 0x20
    let isPlain = text.utf8.allSatisfy { byte in
      defer { previous = byte }
      return byte > 0x20 && byte < 0x7F || byte == 0x20 && previous != 0x20
    }
    if isPlain, text.utf8.last != 0x20 { return text }
    let visible =
      text.unicodeScalars.contains { $0.properties.generalCategory == .control }
      ? String(
        String.UnicodeScalarView(
          text.unicodeScalars.filter {
            $0.properties.generalCategory != .control || $0.properties.isWhitespace
          }))
      : text
    return visible.split(whereSeparator: \.isWhitespace).joined(separator: " ")
  }

  /// A description as plain text: authors paste Markdown links (`[members](https://…)`) into
  /// `seo.description`, which feeds and social posts show as text.
  static func plainSummary(_ text: String) -> String {
    let collapsed = collapsingWhitespace(text)
    guard collapsed.contains("](") else { return collapsed }
    return collapsed.replacing(markdownLink) { String($0.output.1) }
  }

  /// `[text](url)`: compiled once, not for every post.
  nonisolated(unsafe) private static let markdownLink = /\[([^\[\]]*)\]\([^()\s]*\)/

  static func slug(of relativePath: String) -> String {
    let name = relativePath.split(separator: "/").last.map(String.init) ?? relativePath
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
    return String(name[..<dot])
  }

  // MARK: - Fields

  private func timestamp(_ text: String, key: String, in fields: YAMLMapping) throws(Diagnostic)
    -> Date
  {
    do {
      return try Timestamp.parse(text, defaultZone: site.timeZone)
    } catch {
      throw Diagnostic(
        .error, path: fields.path, line: fields.line(of: key), "'\(key)' is invalid: \(error.reason)")
    }
  }

  private func permalink(
    seo: YAMLMapping?, slug: String, path: String, warnings: inout [Diagnostic]
  ) throws(Diagnostic) -> String {
    let fallback = site.defaultPermalink(slug: slug)
    guard let raw = try seo?.string("url")?.trimmingWhitespace(), !raw.isEmpty
    else { return fallback }
    if raw.hasPrefix("/"), !raw.hasPrefix("//") {
      return URLText.escapingUnsafe(URLText.join(site.url, raw))
    }
    let url = URLText.escapingUnsafe(raw)
    guard URLText.host(of: url) != nil else {
      warnings.append(
        Diagnostic(
          .warning, path: path, line: seo?.line(of: "url"),
          "'seo.url' (\(raw)) is not an absolute http(s) URL; the permalink is \(fallback)"))
      return fallback
    }
    return url
  }

  /// An id that is a valid IRI, as Atom requires: absolute URIs are kept, anything else
  /// becomes a `tag:` URI under the site's host.
  private func identifier(pinned: String) -> String {
    let escaped = URLText.escapingUnsafe(pinned)
    if URLText.scheme(of: escaped) != nil { return escaped }
    let host = URLText.host(of: site.url) ?? "localhost"
    return "tag:\(host),2000:\(escaped)"
  }

  private func author(_ fields: YAMLMapping) throws(Diagnostic) -> String? {
    let names = try fields.list("author") { item throws(Diagnostic) -> String? in
      if let name = item.string { return Self.collapsingWhitespace(name) }
      // `author: {name: …}` as some generators write it.
      return try item.mapping(what: "'author'").string("name").map(Self.collapsingWhitespace)
    }
    let joined = (names ?? []).compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
    return joined.isEmpty ? nil : joined
  }

  private func categories(_ fields: YAMLMapping) throws(Diagnostic) -> [Category] {
    let items =
      try fields.list("category") { item throws(Diagnostic) -> Category? in
        if let text = item.string {
          let label = Self.collapsingWhitespace(text)
          return label.isEmpty ? nil : Category(value: label, label: label)
        }
        guard item.kind == "a mapping" else {
          throw Diagnostic(
            .error, path: item.path, line: item.line,
            "a 'category' entry must be text or {value, label}, not \(item.kind)")
        }
        let entry = try item.mapping(what: "a 'category' entry")
        let value = try entry.string("value").map(Self.collapsingWhitespace) ?? ""
        let label = try entry.string("label").map(Self.collapsingWhitespace) ?? ""
        if label.isEmpty && value.isEmpty { return nil }
        return Category(value: value.isEmpty ? label : value, label: label.isEmpty ? value : label)
      } ?? []
    var seen = Set<String>()
    return items.compactMap { $0 }.filter { seen.insert($0.label.lowercased()).inserted }
  }

  private func syndication(_ fields: YAMLMapping, warnings: inout [Diagnostic]) throws(Diagnostic)
    -> Syndication
  {
    var result = Syndication()
    // `syndication: false` is the short way to say skip.
    if let text = try? fields.string("syndication") {
      if ["false", "no", "off", "skip"].contains(text.lowercased()) { result.skip = true }
      return result
    }
    guard let block = try fields.mapping("syndication") else { return result }
    result.skip = try block.bool("skip") ?? false
    result.image = try block.bool("image") ?? true
    result.at = try block.string("at").map { text throws(Diagnostic) in
      try timestamp(text, key: "at", in: block)
    }
    for key in block.keys where !["skip", "at", "image"].contains(key) {
      guard site.networks.isEmpty || site.networks.contains(key) else {
        warnings.append(
          Diagnostic(
            .warning, path: block.path, line: block.line(of: key),
            "'syndication.\(key)' is not a network Herald knows (\(site.networks.joined(separator: ", "))); it is ignored"
          ))
        continue
      }
      var override = Syndication.Override()
      if let flag = try? block.bool(key) {
        override.skip = !flag
      } else if let network = try block.mapping(key) {
        override.skip = try network.bool("skip") ?? false
        override.text = try network.string("text").flatMap {
          $0.trimmingWhitespace(andNewlines: true).isEmpty ? nil : $0
        }
      }
      result.networks[key] = override
    }
    return result
  }

  /// `image` (or `seo.image`) with `image_alt`, when the front matter names a picture.
  private func frontMatterImage(_ fields: YAMLMapping, seo: YAMLMapping?) throws(Diagnostic) -> PostImage? {
    for mapping in [fields, seo] {
      guard let mapping, let reference = try mapping.string("image")?.trimmingWhitespace(), !reference.isEmpty
      else { continue }
      var alt = try fields.string("image_alt")
      if alt == nil { alt = try mapping.string("image_alt") }
      return PostImage(
        reference: reference, alt: Self.collapsingWhitespace(alt ?? ""), line: mapping.line(of: "image"))
    }
    return nil
  }

  /// The first image of a Markdown body: `![alt](src "title")` or an HTML `<img src alt>`,
  /// outside fenced code, with its line in the body (the first is 1).
  static func firstImage(in body: Substring) -> PostImage? {
    // Lines are found in the UTF-8 bytes: most lines hold no image, and splitting a body of
    // thousands of posts by Characters costs more than reading them.
    let newline = UInt8(ascii: "\n")
    let utf8 = body.utf8
    var fence: UInt8?
    var offset = -1
    var next: Substring.UTF8View.Index? = utf8.startIndex
    // Line by line, stopping at the first image: most bodies show it near the top.
    while let start = next {
      let end = utf8[start...].firstIndex(of: newline)
      next = end.map { utf8.index(after: $0) }
      let bytes = utf8[start..<(end ?? utf8.endIndex)]
      offset += 1
      let trimmed = bytes.drop { $0 == UInt8(ascii: " ") }
      let opensFence =
        trimmed.count >= 3 && trimmed.prefix(3).allSatisfy { $0 == trimmed.first }
        && (trimmed.first == UInt8(ascii: "`") || trimmed.first == UInt8(ascii: "~"))
      if let open = fence {
        if opensFence && trimmed.first == open { fence = nil }
        continue
      }
      if opensFence {
        fence = trimmed.first
        continue
      }
      guard bytes.contains(UInt8(ascii: "<")) || bytes.contains(UInt8(ascii: "!")) else { continue }
      let line = Substring(bytes)
      let found =
        line.firstMatch(of: Self.markdownImage).map { ($0.output.source, $0.output.alt) }
        ?? line.firstMatch(of: Self.htmlImage).map { ($0.output.source, $0.output.alt ?? "") }
      if let (source, alt) = found {
        let reference = String(source).trimmingWhitespace()
        guard !reference.isEmpty, !reference.hasPrefix("data:") else { continue }
        return PostImage(
          reference: reference, alt: Self.collapsingWhitespace(String(alt)), line: offset + 1)
      }
    }
    return nil
  }

  nonisolated(unsafe) private static let markdownImage =
    /!\[(?<alt>[^\]]*)\]\(\s*<?(?<source>[^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/
  nonisolated(unsafe) private static let htmlImage =
    /<img\b(?=[^>]*?\bsrc\s*=\s*["']?(?<source>[^"'\s>]+))(?:(?=[^>]*?\balt\s*=\s*["'](?<alt>[^"']*)))?[^>]*>/
    .ignoresCase()

  /// `@name` from the ways people write an X account: `@name`, `name`, `twitter.com/name`.
  static func twitterHandle(_ raw: String) -> String? {
    var text = Substring(raw.trimmingWhitespace())
    for prefix in ["https://", "http://", "www.", "twitter.com/", "x.com/", "@"] {
      if text.lowercased().hasPrefix(prefix) { text = text.dropFirst(prefix.count) }
    }
    text = text.prefix { $0 != "/" && $0 != "?" }
    guard (1...15).contains(text.count),
      text.unicodeScalars.allSatisfy({
        $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_")
      })
    else { return nil }
    return "@" + text
  }
}
