internal import Files
public import Foundation
internal import Locking

/// Small documents that must outlast a run besides the queue: the entry ids and the Bluesky
/// sessions. With a state folder they are files in it (sessions readable by their owner
/// only); with PostgreSQL, rows of its `documents` table, so a fresh container finds them.
public final class KeptDocuments: Sendable {
  private enum Place {
    case folder(URL, displayPath: String)
    case postgres(url: String, site: String)
  }

  private let place: Place
  /// The PostgreSQL connection, opened on first use and shared by every reader.
  private let queue = Locked<Queue?>(nil)

  /// Documents kept as files in `folder`.
  public init(folder: URL, displayPath: String) {
    place = .folder(folder, displayPath: displayPath)
  }

  /// Documents kept in the PostgreSQL state at `url`, for `site`.
  public init(postgresURL url: String, site: String) {
    place = .postgres(url: url, site: site)
  }

  /// The documents of `site` in the PostgreSQL state at `url`, one instance (and so one
  /// connection) per process however many readers ask: the entry ids, the run stamp and each
  /// Bluesky account.
  public static func shared(postgresURL url: String, site: String) -> KeptDocuments {
    opened.withLock { opened in
      let key = url + "\n" + site
      if let known = opened[key] { return known }
      let documents = KeptDocuments(postgresURL: url, site: site)
      opened[key] = documents
      return documents
    }
  }

  private static let opened = Locked([String: KeptDocuments]())

  /// The document `name` as messages name it.
  public func displayPath(_ name: String) -> String {
    switch place {
    case .folder(_, let displayPath): displayPath + "/" + name
    case .postgres(let url, _): Queue.displayName(url) + " (\(name))"
    }
  }

  /// The document `name`; nil when there is none (or, as a file, it cannot be read). A
  /// database that cannot be reached is an error: a missing document would be taken for a
  /// first run.
  public func read(_ name: String) throws(DeliveryError) -> Data? {
    switch place {
    case .folder(let folder, _):
      return try? Data(contentsOf: folder.appendingPathComponent(name))
    case .postgres:
      return try withQueue(create: false) { queue throws(DeliveryError) in try queue?.document(name) }
    }
  }

  /// Keeps `data` as the document `name`: a file replaced atomically (mode 0600), or a row.
  public func write(_ data: Data, name: String) throws(DeliveryError) {
    switch place {
    case .folder(let folder, _):
      try SecureFile.write(data, to: folder.appendingPathComponent(name))
    case .postgres:
      try withQueue(create: true) { queue throws(DeliveryError) in try queue?.keep(data, document: name) }
    }
  }

  /// Every document kept, by name (`herald state migrate`).
  public func all() throws(DeliveryError) -> [String: Data] {
    var documents: [String: Data] = [:]
    switch place {
    case .folder(let folder, _):
      let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
      for name in names where Self.isDocument(name) {
        documents[name] = try read(name)
      }
    case .postgres:
      let names =
        try withQueue(create: false) { queue throws(DeliveryError) in try queue?.documentNames() } ?? []
      for name in names { documents[name] = try read(name) }
    }
    return documents
  }

  /// Whether a file of the state folder is a document (not the queue, a cache or the lock).
  static func isDocument(_ name: String) -> Bool {
    name.hasSuffix(".json") && (name == "entry-ids.json" || name.hasPrefix("bluesky-session"))
  }

  /// Runs `body` with the shared queue; nil when it has no tables yet and `create` is false
  /// (reading creates nothing: `check` and `--dry-run` change nothing).
  private func withQueue<T>(create: Bool, _ body: (Queue?) throws(DeliveryError) -> T) throws(DeliveryError)
    -> T
  {
    guard case .postgres(let url, let site) = place else { preconditionFailure("documents in a folder") }
    let result: Result<T, DeliveryError> = queue.withLock { held in
      do throws(DeliveryError) {
        if held == nil {
          held =
            create
            ? try Queue(postgresURL: url, site: site) : try Queue.existing(postgresURL: url, site: site)
        }
        return .success(try body(held))
      } catch {
        return .failure(error)
      }
    }
    return try result.get()
  }
}

/// Files that hold tokens: written atomically, readable by their owner only.
enum SecureFile {
  static func write(_ data: Data, to url: URL) throws(DeliveryError) {
    do {
      try AtomicFile.write(data, to: url, mode: 0o600)
    } catch {
      throw DeliveryError(path: url.path, "cannot write the file: \(error)")
    }
  }
}
