internal import Delivery
internal import Foundation

/// `herald state migrate --to TARGET`: copies a site's state (the queue, the entry ids, the
/// Bluesky sessions) from where the configuration keeps it to a PostgreSQL database or a
/// state folder. The source is only read; the target must hold nothing for the site yet.
/// The copy is checked by counting both sides.
public enum StateMigration {
  /// What was copied.
  public struct Report: Sendable {
    /// Where from and where to, as messages name them.
    public var source: String
    /// See `source`.
    public var target: String
    /// Rows per table, as counted in the target after the copy.
    public var counts: [String: Int]
    /// The documents copied (entry ids, sessions), by name.
    public var documents: [String]
  }

  /// Copies the state of `configuration` to `target`: a `postgresql://` URL, or a folder
  /// (relative to the current folder).
  public static func run(_ configuration: HeraldConfiguration, to target: String) throws(HeraldError)
    -> Report
  {
    // No build or publish may change the source while it is read: a job sent after the copy was
    // taken would be copied as still waiting, and sent again from the target.
    let lock: PublishLock
    do {
      lock = try PublishLock(configuration)
    } catch let held as PublishLock.Held {
      throw HeraldError(
        path: held.path, "a build or publish is running; stop cron, then copy the state when it has ended")
    } catch let error as HeraldError {
      throw error
    } catch {
      throw HeraldError(path: configuration.stateDisplayName, "cannot take the publish lock: \(error)")
    }
    defer { withExtendedLifetime(lock) {} }
    do {
      return try copy(configuration, to: target)
    } catch {
      throw HeraldError(error, in: configuration)
    }
  }

  private static func copy(_ configuration: HeraldConfiguration, to target: String) throws(DeliveryError)
    -> Report
  {
    guard let source = try configuration.existingQueue() else {
      throw DeliveryError(
        path: configuration.stateDisplayName, "there is no state to copy yet (no publish has run)")
    }
    let destination = Destination(target, site: configuration.stateSite)
    guard !destination.isSource(configuration) else {
      throw DeliveryError(path: destination.displayName, "is the state in use already; name another one")
    }
    let snapshot = try source.snapshot()
    let documents = try configuration.documents.all()

    let targetDocuments = destination.documents
    for name in documents.keys.sorted() where try targetDocuments.read(name) != nil {
      throw DeliveryError(
        path: targetDocuments.displayPath(name), "already holds a state for this site; nothing was copied")
    }
    let queue = try destination.openQueue()
    try queue.restore(snapshot)
    for (name, data) in documents.sorted(by: { $0.key < $1.key }) {
      try targetDocuments.write(data, name: name)
    }

    let counts = try queue.counts()
    guard counts == snapshot.counts else {
      throw DeliveryError(
        path: destination.displayName,
        "the copy does not match its source (\(describe(snapshot.counts)) read, \(describe(counts)) written)")
    }
    for (name, data) in documents where try targetDocuments.read(name) != data {
      throw DeliveryError(path: targetDocuments.displayPath(name), "the copy does not match its source")
    }
    return Report(
      source: configuration.stateDisplayName, target: destination.displayName, counts: counts,
      documents: documents.keys.sorted())
  }

  /// Row counts in words: `3 jobs, 1 accounts, 1 meta`.
  public static func describe(_ counts: [String: Int]) -> String {
    counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
  }

  /// Where the copy goes.
  private struct Destination {
    var target: String
    var site: String

    init(_ target: String, site: String) {
      self.target = target
      self.site = site
    }

    var isPostgres: Bool { HeraldConfiguration.isPostgresURL(target) }
    var folder: URL { URL(fileURLWithPath: target).standardizedFileURL }
    var displayName: String { isPostgres ? Queue.displayName(target) : target }

    /// Whether it is the state `configuration` uses already.
    func isSource(_ configuration: HeraldConfiguration) -> Bool {
      guard let source = configuration.sharedState else {
        return !isPostgres && folder == configuration.state.url
      }
      return isPostgres && displayName == Queue.displayName(source)
    }

    func openQueue() throws(DeliveryError) -> Queue {
      if isPostgres {
        return try Queue(postgresURL: target, site: site)
      }
      return try Queue(folder: folder, displayPath: target)
    }

    var documents: KeptDocuments {
      isPostgres
        ? KeptDocuments(postgresURL: target, site: site) : KeptDocuments(folder: folder, displayPath: target)
    }
  }
}
