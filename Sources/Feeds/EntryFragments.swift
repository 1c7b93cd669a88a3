internal import Posts

/// One entry as written in every format: the bytes each feed file holding it carries.
public struct EntryFragments: Sendable, Equatable {
  /// The Atom `entry` element.
  public var atom: [UInt8]
  /// The RSS `item` element.
  public var rss: [UInt8]
  /// The JSON Feed item object.
  public var json: [UInt8]

  /// The entry's bytes in each format.
  public init(atom: [UInt8], rss: [UInt8], json: [UInt8]) {
    self.atom = atom
    self.rss = rss
    self.json = json
  }
}

/// Entries as written, kept between runs: a subscription feed that gains one entry renders
/// that one and takes the others from here, rather than reading and rendering every post it
/// holds again. Entries are found by a key naming everything their bytes come from
/// (`EntryFragmentKeys`), so a kept entry is never one that would now come out differently.
public protocol EntryFragmentStore: AnyObject {
  /// What the key of every entry must also name: the build of the program rendering them.
  var renderer: String { get }
  /// The entries kept under `keys`, in order; nil where none is.
  func fragments(_ keys: [[UInt8]]) -> [EntryFragments?]
  /// Keeps each entry under its key.
  func keep(_ entries: [(key: [UInt8], fragments: EntryFragments)])
}

/// The keys entries are kept under: an entry's digest (`FeedEntry.digest`: its fields and its
/// file's bytes) with the program and the libraries that render it.
public struct EntryFragmentKeys: Sendable {
  private let renderer: [UInt8]

  /// Keys for entries rendered by `renderer` (Herald's build), with today's cmark-gfm and libxml2.
  public init(renderer: String) {
    var digest = FieldDigest()
    digest.add([renderer, MarkdownRenderer.libraryVersion, XMLWriter.libraryVersion])
    self.renderer = digest.bytes
  }

  /// The key of the entry whose digest is `entryDigest`.
  public func key(_ entryDigest: [UInt8]) -> [UInt8] {
    var digest = FieldDigest()
    digest.add(bytes: renderer)
    digest.add(bytes: entryDigest)
    return digest.bytes
  }
}
