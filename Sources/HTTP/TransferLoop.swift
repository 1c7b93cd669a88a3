import CCurl
import Foundation
import Locking

/// The client's I/O thread: one libcurl multi handle, driven by one dedicated thread.
///
/// Blocking callers hand transfers over through `submit`; the thread adds them to the multi
/// handle, runs them all together and completes each when libcurl reports it done. It is
/// `@unchecked Sendable` because the multi handle is used by that thread alone, apart from
/// `curl_multi_wakeup`, which libcurl documents as callable from any thread.
final class TransferLoop: @unchecked Sendable {
  private struct Inbox {
    var pending: [Transfer] = []
    var stopping = false
  }

  /// The multi handle (a `CURLM *`), owned by this object.
  private let multi: UnsafeMutableRawPointer
  private let inbox = Locked(Inbox())

  /// Makes the multi handle and starts the thread that drives it.
  init() {
    // libcurl must be set up before its first handle; a failure there is reported by `send`.
    _ = LibCurl.initialize()
    guard let multi = ccurl_multi_init() else {
      fatalError("libcurl could not allocate a multi handle: out of memory")
    }
    self.multi = multi
    // The thread keeps the loop alive until `stop` lets it finish; then deinit frees the handle.
    let thread = Thread { [self] in
      Self.nameCurrentThread()
      run()
    }
    thread.name = Self.threadName
    thread.start()
  }

  deinit {
    ccurl_multi_cleanup(multi)
  }

  /// Queues a configured transfer and wakes the thread to start it.
  func submit(_ transfer: Transfer) {
    inbox.withLock { $0.pending.append(transfer) }
    ccurl_multi_wakeup(multi)
  }

  /// Asks the thread to finish; the client calls this when it is released.
  func stop() {
    inbox.withLock { $0.stopping = true }
    ccurl_multi_wakeup(multi)
  }

  /// How the thread shows up in debuggers, `top -H` and /proc (at most 15 bytes on Linux).
  static let threadName = "HTTPClient I/O"

  /// Foundation's `Thread.name` reaches the OS only if it wins a race with the thread's start,
  /// so the thread names itself.
  private static func nameCurrentThread() {
    ccurl_name_current_thread(threadName)
  }

  private func run() {
    // Keyed by easy handle, which is what libcurl reports back when a transfer is done.
    var active: [UnsafeMutableRawPointer: Transfer] = [:]
    while true {
      let (incoming, stopping) = inbox.withLock { inbox in
        defer { inbox.pending.removeAll() }
        return (inbox.pending, inbox.stopping)
      }
      for transfer in incoming {
        let code = ccurl_multi_add_handle(multi, transfer.easy)
        if code == CURLM_OK {
          active[transfer.easy] = transfer
        } else {
          transfer.fail(
            HTTPError(
              kind: .transport, url: transfer.target.redacted,
              message: "libcurl could not start the transfer: \(String(cString: ccurl_multi_strerror(code)))")
          )
        }
      }
      // A client is only released when no `send` is running, so nothing is left in flight here.
      if stopping && active.isEmpty {
        return
      }
      var running: Int32 = 0
      _ = ccurl_multi_perform(multi, &running)
      var queued: Int32 = 0
      while let message = ccurl_multi_info_read(multi, &queued) {
        guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
        // Read the result before removing the handle: that frees the message.
        let code = message.pointee.data.result
        ccurl_multi_remove_handle(multi, easy)
        active.removeValue(forKey: easy)?.complete(code)
      }
      // Sleeps until a socket is ready, libcurl's next timeout, or a wakeup from `submit`.
      _ = ccurl_multi_poll(multi, nil, 0, 10_000, nil)
    }
  }
}
