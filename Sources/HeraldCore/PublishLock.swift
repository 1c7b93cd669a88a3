internal import Delivery
internal import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The lock that lets one `build` or `publish` per site run at a time. With a state folder, an `flock`
/// on a file in it (one host); with PostgreSQL, an advisory lock held by a connection of
/// its own (any host). Either way it goes when the process ends, however it ends (kill -9
/// included): the kernel closes the file, the server sees the connection close. A crash
/// never leaves the site locked.
public final class PublishLock {
  private enum Holder {
    case file(Int32)
    case database(Queue)
  }

  private let holder: Holder

  /// The lock file's name in the state folder.
  public static let fileName = "publish.lock"

  /// Another run holds the lock.
  public struct Held: Error, Sendable {
    /// The lock, as the message names it: the file, or the database.
    public var path: String
  }

  /// Takes the lock of `configuration`'s site at once, or throws `Held`; any other error
  /// means the lock could not be asked for at all.
  public init(_ configuration: HeraldConfiguration) throws {
    if configuration.sharedState != nil {
      let taken: Queue?
      do {
        let queue = try configuration.openQueue()
        taken = try queue.tryLock() ? queue : nil
      } catch {
        throw HeraldError(error, in: configuration)
      }
      guard let taken else { throw Held(path: configuration.stateDisplayName) }
      holder = .database(taken)
      return
    }
    let folder = configuration.state
    try FileManager.default.createDirectory(at: folder.url, withIntermediateDirectories: true)
    let path = folder.url.appendingPathComponent(Self.fileName).path
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
    }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      close(descriptor)
      throw Held(path: folder.displayPath + "/" + Self.fileName)
    }
    holder = .file(descriptor)
  }

  deinit {
    if case .file(let descriptor) = holder { close(descriptor) }
  }
}
