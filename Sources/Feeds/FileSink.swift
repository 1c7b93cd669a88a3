internal import CrashPoints
internal import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a file in step with bytes that may equal it, to tell whether they do.
private struct Comparison {
  private var descriptor: Int32
  private var buffer: [UInt8] = []
  /// False once a byte differed or the old file ended early.
  private(set) var same: Bool

  init(_ url: URL) {
    descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
    same = descriptor >= 0
  }

  mutating func compare(_ bytes: UnsafeRawBufferPointer) {
    guard same else { return }
    if buffer.count < bytes.count { buffer = [UInt8](repeating: 0, count: bytes.count) }
    let matched = buffer.withUnsafeMutableBytes { target in
      var offset = 0
      while offset < bytes.count {
        let count = read(descriptor, target.baseAddress! + offset, bytes.count - offset)
        if count < 0, errno == EINTR { continue }
        guard count > 0 else { return false }
        offset += count
      }
      return memcmp(target.baseAddress!, bytes.baseAddress!, bytes.count) == 0
    }
    if !matched { stop() }
  }

  /// Whether the old file ended where the new bytes did.
  mutating func finish() -> Bool {
    var extra: UInt8 = 0
    let ended = same && read(descriptor, &extra, 1) == 0
    stop()
    return ended
  }

  /// Stops comparing and closes the old file.
  mutating func stop() {
    same = false
    if descriptor >= 0 { close(descriptor) }
    descriptor = -1
  }
}

/// A feed file written beside the old one and renamed over it when finished, so a reader
/// sees the old file or the new one, never half of one. When the new bytes equal the old,
/// the old file is kept (with its modification time) and the new one dropped.
///
/// Not flushed to the disk with `fsync`: a killed run leaves the old file, and the rename
/// only happens once every byte is written; after a power cut the next run sees the file
/// differ from what it recorded and writes it again. Feeds are made again from the posts at
/// any time, unlike the queue, which is synced.
final class FileSink: FeedSink {
  private let url: URL
  private let temporary: URL
  private let displayPath: String
  private var descriptor: Int32
  private var buffer: [UInt8] = []
  private var comparison: Comparison
  /// Whether the file's bytes changed (known after `finish`).
  private(set) var changed = true

  /// Bytes gathered before each `write` call.
  private static let bufferSize = 1 << 20

  init(url: URL, displayPath: String) throws(FeedsError) {
    self.url = url
    self.displayPath = displayPath
    let directory = url.deletingLastPathComponent()
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw FeedsError(path: displayPath, "cannot create the folder: \(error.localizedDescription)")
    }
    temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
    descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw FeedsError(path: displayPath, "cannot write: \(String(cString: strerror(errno)))")
    }
    comparison = Comparison(url)
    buffer.reserveCapacity(Self.bufferSize)
  }

  deinit { abandon() }

  func append(_ bytes: [UInt8]) throws(FeedsError) {
    buffer.append(contentsOf: bytes)
    if buffer.count >= Self.bufferSize { try flush() }
  }

  func finish() throws(FeedsError) {
    try flush()
    close(descriptor)
    descriptor = -1
    if comparison.finish() {
      changed = false
      unlink(temporary.path)
      return
    }
    CrashPoint.feedWritten.reached()
    if rename(temporary.path, url.path) != 0 {
      let failure = errno
      unlink(temporary.path)
      throw FeedsError(path: displayPath, "cannot write: \(String(cString: strerror(failure)))")
    }
  }

  /// Removes the temporary file of a write that did not finish.
  func abandon() {
    comparison.stop()
    guard descriptor >= 0 else { return }
    close(descriptor)
    descriptor = -1
    unlink(temporary.path)
  }

  private func flush() throws(FeedsError) {
    var failure: Int32 = 0
    buffer.withUnsafeBytes { bytes in
      comparison.compare(bytes)
      var offset = 0
      while offset < bytes.count {
        let count = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if count < 0 {
          if errno == EINTR { continue }
          failure = errno
          return
        }
        offset += count
      }
    }
    buffer.removeAll(keepingCapacity: true)
    if failure != 0 {
      abandon()
      throw FeedsError(path: displayPath, "cannot write: \(String(cString: strerror(failure)))")
    }
  }
}

/// Compares a feed's new bytes with its file and writes nothing: what a dry run needs.
final class ComparingSink: FeedSink {
  private var comparison: Comparison
  private var buffer: [UInt8] = []
  /// Whether the bytes differ from the file's (known after `finish`).
  private(set) var changed = true

  init(existing url: URL) {
    comparison = Comparison(url)
  }

  deinit { comparison.stop() }

  func append(_ bytes: [UInt8]) {
    buffer.append(contentsOf: bytes)
    if buffer.count >= 1 << 20 { flush() }
  }

  func finish() {
    flush()
    changed = !comparison.finish()
  }

  private func flush() {
    buffer.withUnsafeBytes { comparison.compare($0) }
    buffer.removeAll(keepingCapacity: true)
  }
}
