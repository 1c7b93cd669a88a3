internal import SQL
internal import SQLite

/// Why delivery could not go on: the queue, a credential, a network's answer.
public struct DeliveryError: Error, Sendable, CustomStringConvertible {
  /// The file concerned (the queue database), when there is one.
  public var path: String?
  /// What went wrong, in words the user can act on. Never holds a secret.
  public var message: String
  /// Whether a network refused the credentials (a login answered 401), rather than failing
  /// in a way that may pass.
  public var isRefusedLogin = false

  /// Creates an error.
  public init(path: String? = nil, _ message: String, isRefusedLogin: Bool = false) {
    self.path = path
    self.message = message
    self.isRefusedLogin = isRefusedLogin
  }

  /// A failure of the queue's database, with what to do about a damaged one.
  init(queue failure: SQLFailure) {
    let advice =
      failure.kind == .damaged
      ? "; nothing was sent. Move it aside to start a new queue, or restore it from a backup" : ""
    self.init(path: failure.path, failure.description + advice)
  }

  /// `PATH: MESSAGE`.
  public var description: String { path.map { "\($0): \(message)" } ?? message }
}
