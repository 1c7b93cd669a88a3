internal import Delivery
internal import Feeds
internal import Foundation
public import Posts

/// The ids posts were first published with, kept in the state so a published
/// entry's id never changes on its own (say, when its `seo.url` is edited).
public struct EntryIDRegistry: Sendable, Equatable {
  /// Entry ids by the post's path below the posts folder.
  public private(set) var ids: [String: String]
  /// How many posts the last build published: the shrink guard's measure.
  public private(set) var lastPublishedCount: Int?

  /// The document's name in the state (a file in the state folder).
  public static let fileName = "entry-ids.json"

  private struct File: Codable {
    var version = 1
    var ids: [String: String]
    var published: Int?
  }

  /// An empty registry.
  public init() { ids = [:] }

  /// Reads the registry from the state; a missing document is an empty registry, an
  /// unreadable one is reported as a warning and treated as empty (ids then come from
  /// permalinks). A database that cannot be reached is an error: the run stops rather than
  /// give published entries new ids.
  static func load(from documents: KeptDocuments, warnings: inout [Diagnostic]) throws(Diagnostic) -> Self {
    let data: Data?
    do {
      data = try documents.read(fileName)
    } catch {
      throw Diagnostic(.error, path: error.path ?? documents.displayPath(fileName), error.message)
    }
    guard let data else { return Self() }
    guard let file = try? JSONDecoder().decode(File.self, from: data) else {
      warnings.append(
        Diagnostic(
          .warning, path: documents.displayPath(fileName),
          "cannot read the remembered entry ids; ids come from permalinks this time"))
      return Self()
    }
    var registry = Self()
    registry.ids = file.ids
    registry.lastPublishedCount = file.published
    return registry
  }

  /// Remembers the ids of `posts` that are now published.
  public mutating func record(_ posts: [Post]) {
    for post in posts { ids[post.source.relativePath] = post.id }
    lastPublishedCount = posts.count
  }

  /// Writes the registry into the state (a file replaced atomically, or a row).
  func save(to documents: KeptDocuments) throws(FeedsError) {
    var document = Document()
    for (path, id) in ids.sorted(by: { PostListing.precedes($0.key, $1.key) }) {
      document.add(path: path.utf8, id: id.utf8)
    }
    try Self.save(document.finished(published: lastPublishedCount), to: documents)
  }

  /// Writes `data`, a finished `Document`, into the state.
  static func save(_ data: Data, to documents: KeptDocuments) throws(FeedsError) {
    do {
      try documents.write(data, name: Self.fileName)
    } catch {
      throw FeedsError(path: error.path ?? documents.displayPath(Self.fileName), error.message)
    }
  }

  /// The document, written by hand in one pass rather than by `JSONEncoder`: a large archive
  /// has a hundred thousand ids. The ids come last, so that a run that only adds ids (a new
  /// post) copies the document it finds and appends to it (`appending`):
  ///
  ///     {
  ///       "version" : 1,
  ///       "published" : 2,
  ///       "ids" : {
  ///         "a.md" : "https://example.org/blog/a",
  ///         "b.md" : "https://example.org/blog/b"
  ///       }
  ///     }
  struct Document {
    /// The ids as written so far, each entry after the one before.
    private var entries: [UInt8] = []

    /// Adds the id of the post at `path`. Paths are added in order and only once.
    mutating func add(path: some Collection<UInt8>, id: some Collection<UInt8>) {
      entries.append(contentsOf: entries.isEmpty ? Self.firstEntry : Self.nextEntry)
      append(path)
      entries.append(contentsOf: " : ".utf8)
      append(id)
    }

    /// The document's bytes, with the count of published posts.
    func finished(published: Int?) -> Data {
      entries.withUnsafeBytes { Self.document(published: published, ids: $0, more: []) }
    }

    /// `old`, a document in this layout, with the ids added here after its own (none of
    /// which it may hold) and the count of published posts; nil when `old` is in another
    /// layout (written by an older Herald), to be written whole instead. The old ids are
    /// copied once, as bytes: a large archive's document is megabytes.
    func appending(to old: Data, published: Int?) -> Data? {
      old.withUnsafeBytes { raw -> Data? in
        let bytes = raw.bindMemory(to: UInt8.self)
        let head = Array("{\n  \"version\" : 1,\n".utf8)
        let idsStart = Array("  \"ids\" : {".utf8)
        guard bytes.starts(with: head), bytes.count >= head.count + idsStart.count + Self.end.count,
          bytes.suffix(Self.end.count).elementsEqual(Self.end)
        else { return nil }
        var position = head.count
        let publishedKey = Array("  \"published\" : ".utf8)
        if bytes[position...].starts(with: publishedKey) {
          guard let newline = bytes[position...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
          position = newline + 1
        }
        guard bytes[position...].starts(with: idsStart) else { return nil }
        let ids = UnsafeRawBufferPointer(
          rebasing: raw[(position + idsStart.count)..<(raw.count - Self.end.count)])
        guard !ids.isEmpty else { return finished(published: published) }
        return Self.document(
          published: published, ids: ids,
          more: entries.isEmpty ? [] : Self.nextEntry + entries.dropFirst(Self.firstEntry.count))
      }
    }

    private static let firstEntry = Array("\n    ".utf8)
    private static let nextEntry = Array(",\n    ".utf8)
    private static let end = Array("\n  }\n}".utf8)

    private static func document(published: Int?, ids: UnsafeRawBufferPointer, more: [UInt8]) -> Data {
      var head = Array("{\n  \"version\" : 1,\n".utf8)
      if let published { head.append(contentsOf: "  \"published\" : \(published),\n".utf8) }
      head.append(contentsOf: "  \"ids\" : {".utf8)
      var document = Data(capacity: head.count + ids.count + more.count + end.count)
      document.append(contentsOf: head)
      document.append(ids.assumingMemoryBound(to: UInt8.self))
      document.append(contentsOf: more)
      document.append(contentsOf: end)
      return document
    }

    /// `text` as a JSON string: quotes, backslashes and control characters escaped.
    private mutating func append(_ text: some Collection<UInt8>) {
      entries.append(UInt8(ascii: "\""))
      for byte in text {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"):
          entries.append(UInt8(ascii: "\\"))
          entries.append(byte)
        case 0..<0x20:
          let hex = Array("0123456789abcdef".utf8)
          entries.append(contentsOf: [
            UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)],
          ])
        default:
          entries.append(byte)
        }
      }
      entries.append(UInt8(ascii: "\""))
    }
  }

  /// What stands for the document as it is in the state now: the file's `stat`, or, in a
  /// shared state (where another runner may have changed it), the digest of its bytes.
  /// `written` is the document just written, when the caller has it.
  static func fingerprint(_ configuration: HeraldConfiguration, written: Data? = nil) -> String {
    guard configuration.sharedState != nil else {
      guard
        let signature = FileSignature.of(configuration.state.url.appendingPathComponent(fileName).path)
      else { return "none" }
      return
        "\(signature.device) \(signature.inode) \(signature.size) \(signature.modified) \(signature.changed)"
    }
    guard let data = written ?? (try? configuration.documents.read(fileName)) else { return "unread" }
    return PostReader.digest(data)
  }
}
