internal import Delivery
internal import Foundation

/// Where a site's state lives, opened the one way each command needs it: the SQLite files in
/// the `state` folder, or the site's rows in a PostgreSQL database (`sharedState`).
extension HeraldConfiguration {
  /// The queue, created if need be (`publish`, `state migrate`'s target).
  func openQueue() throws(DeliveryError) -> Queue {
    if let url = sharedState { return try Queue(postgresURL: url, site: stateSite) }
    return try Queue(folder: state.url, displayPath: state.displayPath)
  }

  /// The queue if there is one, opened to read only (`--dry-run`, `preview`, `queue list`).
  func existingQueue() throws(DeliveryError) -> Queue? {
    if let url = sharedState { return try Queue.existing(postgresURL: url, site: stateSite) }
    return try Queue.existing(folder: state.url, displayPath: state.displayPath)
  }

  /// The queue if there is one, opened to change jobs (`queue retry`, `queue cancel`).
  func existingWritableQueue() throws(DeliveryError) -> Queue? {
    // Its tables exist and are up to date, and the connection may write.
    if let url = sharedState { return try Queue.existing(postgresURL: url, site: stateSite) }
    return try Queue.existingWritable(folder: state.url, displayPath: state.displayPath)
  }

  /// Where the entry ids and the Bluesky sessions are kept.
  var documents: KeptDocuments {
    if let url = sharedState { return KeptDocuments.shared(postgresURL: url, site: stateSite) }
    return KeptDocuments(folder: state.url, displayPath: state.displayPath)
  }
}
