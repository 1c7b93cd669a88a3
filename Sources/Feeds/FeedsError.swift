/// Why a feed could not be written.
public struct FeedsError: Error, Sendable, CustomStringConvertible {
  /// The file concerned, when there is one.
  public var path: String?
  /// What went wrong, for the user.
  public var message: String

  /// Creates an error about `path`.
  public init(path: String? = nil, _ message: String) {
    self.path = path
    self.message = message
  }

  /// `PATH: MESSAGE`, as Herald prints errors.
  public var description: String { path.map { "\($0): \(message)" } ?? message }
}
