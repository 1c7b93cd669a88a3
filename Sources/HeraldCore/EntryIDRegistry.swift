public import Feeds
internal import Foundation
public import Posts

/// The ids posts were first published with, kept in the state folder so a published
/// entry's id never changes on its own (say, when its `seo.url` is edited).
public struct EntryIDRegistry: Sendable, Equatable {
  /// Entry ids by the post's path below the posts folder.
  public private(set) var ids: [String: String]
  /// How many posts the last build published: the shrink guard's measure.
  public private(set) var lastPublishedCount: Int?

  /// The file, below the state folder.
  public static let fileName = "entry-ids.json"

  private struct File: Codable {
    var version = 1
    var ids: [String: String]
    var published: Int?
  }

  /// An empty registry.
  public init() { ids = [:] }

  /// Reads the registry from `folder`; a missing file is an empty registry, an unreadable
  /// one is reported as a warning and treated as empty (ids then come from permalinks).
  public static func load(from folder: HeraldConfiguration.Folder, warnings: inout [Diagnostic]) -> Self {
    let url = folder.url.appendingPathComponent(fileName)
    guard let data = try? Data(contentsOf: url) else { return Self() }
    guard let file = try? JSONDecoder().decode(File.self, from: data) else {
      warnings.append(
        Diagnostic(
          .warning, path: folder.displayPath + "/" + fileName,
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

  /// Writes the registry into `folder` atomically.
  public func save(to folder: HeraldConfiguration.Folder) throws(FeedsError) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data: Data
    do {
      data = try encoder.encode(File(ids: ids, published: lastPublishedCount))
    } catch {
      throw FeedsError(path: folder.displayPath, "cannot encode the entry ids")
    }
    try FeedOutput.replace(
      folder.url.appendingPathComponent(Self.fileName), with: data,
      displayPath: folder.displayPath + "/" + Self.fileName)
  }
}
