internal import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The lock that lets one `publish` run at a time. The kernel drops it when the process
/// ends, however it ends (kill -9 included), so a crash never leaves the site locked.
public final class PublishLock {
  private let descriptor: Int32

  /// The lock file's name in the state folder.
  public static let fileName = "publish.lock"

  /// Another run holds the lock.
  public struct Held: Error, Sendable {}

  /// Takes the lock in `folder` at once, or throws `Held`.
  public init(folder: HeraldConfiguration.Folder) throws {
    try FileManager.default.createDirectory(at: folder.url, withIntermediateDirectories: true)
    let path = folder.url.appendingPathComponent(Self.fileName).path
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
    }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      close(descriptor)
      throw Held()
    }
    self.descriptor = descriptor
  }

  deinit { close(descriptor) }
}
