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
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data: Data
    do {
      data = try encoder.encode(File(ids: ids, published: lastPublishedCount))
    } catch {
      throw FeedsError(path: documents.displayPath(Self.fileName), "cannot encode the entry ids")
    }
    do {
      try documents.write(data, name: Self.fileName)
    } catch {
      throw FeedsError(path: error.path ?? documents.displayPath(Self.fileName), error.message)
    }
  }
}
