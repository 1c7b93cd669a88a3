internal import Delivery
internal import Feeds

/// An error a command prints as `PATH: error: MESSAGE`: the queue's and the feed writer's
/// errors as HeraldCore hands them to the executable, with the file they concern always
/// named.
public struct HeraldError: Error, Sendable, CustomStringConvertible {
  /// The file concerned: the one the error named, else the folder it happened in.
  public var path: String
  /// What went wrong, in words the user can act on. Never holds a secret.
  public var message: String

  /// An error about `path`.
  public init(path: String, _ message: String) {
    self.path = path
    self.message = message
  }

  /// `PATH: error: MESSAGE`.
  public var description: String { "\(path): error: \(message)" }

  /// A queue's error: about the state folder unless it names a file.
  init(_ error: DeliveryError, in configuration: HeraldConfiguration) {
    self.init(path: error.path ?? configuration.state.displayPath, error.message)
  }

  /// A feed writer's error: about the output folder unless it names a file.
  init(_ error: FeedsError, in configuration: HeraldConfiguration) {
    self.init(path: error.path ?? configuration.output.displayPath, error.message)
  }

  /// Runs `body`, turning the errors of Delivery (about the state folder) and Feeds (about
  /// the output folder) into `HeraldError`s; other errors pass unchanged.
  static func translating<T>(_ configuration: HeraldConfiguration, _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as DeliveryError {
      throw HeraldError(error, in: configuration)
    } catch let error as FeedsError {
      throw HeraldError(error, in: configuration)
    }
  }
}
