#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A value that threads share, behind a lock: every read and write goes through `withLock`.
///
/// Not `Synchronization.Mutex`: on Linux that lock is built on futexes inside the Swift
/// runtime, where ThreadSanitizer cannot see it, so `make sanitize` would report every access
/// it guards as a race. This one is a pthread mutex, which ThreadSanitizer understands. The
/// value lives in its own allocation, apart from the lock, even when it has no size (a plain
/// lock is `Locked(())`).
public final class Locked<Value>: @unchecked Sendable {
  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let value = UnsafeMutablePointer<Value>.allocate(capacity: 1)

  /// `value`, behind a lock of its own.
  public init(_ value: Value) {
    self.value.initialize(to: value)
    pthread_mutex_init(mutex, nil)
  }

  deinit {
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
    value.deinitialize(count: 1)
    value.deallocate()
  }

  /// Runs `body` on the value while holding the lock.
  public func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result)
    throws(Failure)
    -> Result
  {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return try body(&value.pointee)
  }
}
