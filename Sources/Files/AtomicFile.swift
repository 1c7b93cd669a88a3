public import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Writes a file so that a reader sees the old bytes or the new ones, never a part of either:
/// a temporary file beside it, written whole (short writes continued, interrupted ones
/// retried), synced to disk, then renamed over it. The one writer Herald's files go through
/// (feeds' small companions, the entry ids, the Bluesky session).
public enum AtomicFile {
  /// Why a file could not be written: the system's reason.
  public struct Failure: Error, Sendable, CustomStringConvertible {
    /// `errno` of the call that failed.
    public var code: Int32
    /// The system's words for it.
    public var description: String { String(cString: strerror(code)) }
  }

  /// Replaces the file at `url` with `data`, readable as `mode` says (0600 for secrets).
  public static func write(_ data: Data, to url: URL, mode: mode_t = 0o644) throws(Failure) {
    let temporary = url.deletingLastPathComponent().appendingPathComponent(
      ".\(url.lastPathComponent).\(getpid()).tmp")
    let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard descriptor >= 0 else { throw Failure(code: errno) }
    // The mode given to open() is filtered by the umask; a secret's must be exact.
    var failure: Int32 = fchmod(descriptor, mode) == 0 ? 0 : errno
    data.withUnsafeBytes { bytes in
      var offset = 0
      while failure == 0, offset < bytes.count {
        let count = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if count < 0 {
          if errno == EINTR { continue }
          failure = errno
        } else {
          offset += count
        }
      }
    }
    if failure == 0, fsync(descriptor) != 0 { failure = errno }
    close(descriptor)
    if failure == 0, rename(temporary.path, url.path) != 0 { failure = errno }
    if failure != 0 {
      unlink(temporary.path)
      throw Failure(code: failure)
    }
  }
}
