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
    let sorted = ids.sorted { PostListing.precedes($0.key, $1.key) }
    try Self.save(Self.document(sorted, published: lastPublishedCount), to: documents)
  }

  /// Writes `data`, a document made by `document`, into the state.
  static func save(_ data: Data, to documents: KeptDocuments) throws(FeedsError) {
    do {
      try documents.write(data, name: Self.fileName)
    } catch {
      throw FeedsError(path: error.path ?? documents.displayPath(Self.fileName), error.message)
    }
  }

  /// The document for `ids` (path, id), in the order given, and the count of published posts.
  /// Written by hand rather than by `JSONEncoder`: a large archive has a hundred thousand ids,
  /// and a new post means writing them all again.
  static func document(_ ids: some Sequence<(String, String)>, published: Int?) -> Data {
    var bytes: [UInt8] = Array("{\n  \"ids\" : {".utf8)
    var first = true
    for (path, id) in ids {
      bytes.append(contentsOf: first ? Array("\n    ".utf8) : Array(",\n    ".utf8))
      first = false
      appendJSONString(path, to: &bytes)
      bytes.append(contentsOf: Array(" : ".utf8))
      appendJSONString(id, to: &bytes)
    }
    bytes.append(contentsOf: Array((first ? "\n" : "\n  ").utf8))
    bytes.append(contentsOf: Array("},\n".utf8))
    if let published { bytes.append(contentsOf: Array("  \"published\" : \(published),\n".utf8)) }
    bytes.append(contentsOf: Array("  \"version\" : 1\n}".utf8))
    return Data(bytes)
  }

  /// `text` as a JSON string: quotes, backslashes and control characters escaped.
  private static func appendJSONString(_ text: String, to bytes: inout [UInt8]) {
    bytes.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"):
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(byte)
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        bytes.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
      default:
        bytes.append(byte)
      }
    }
    bytes.append(UInt8(ascii: "\""))
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
