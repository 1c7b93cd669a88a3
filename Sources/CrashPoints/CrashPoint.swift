internal import Locking

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The named steps of `herald publish` at which the fault tests kill Herald with SIGKILL, to
/// show that a kill at that instant loses nothing and repeats nothing. A test sets
/// `HERALD_CRASH_AT=step` (or `step#N` for the Nth time the step is reached); without it,
/// each step costs one comparison.
public enum CrashPoint: String, CaseIterable, Sendable {
  /// A feed file is written in full beside the old one, not yet renamed over it.
  case feedWritten = "feed-written"
  /// Every feed is in place; nothing is queued yet.
  case feedsBuilt = "feeds-built"
  /// The new jobs are queued; nothing is sent yet.
  case queued
  /// A job is marked as under way; its request is not sent yet.
  case claimed
  /// The network answered that it has the post; the queue does not know yet.
  case answered
  /// The queue records the job as sent.
  case recorded
  /// One step of a job of several steps (a Threads container) was answered; the queue does
  /// not know yet.
  case stepAnswered = "step-answered"
  /// The queue records the step; the next step's request is not sent yet.
  case stepRecorded = "step-recorded"

  /// Kills the process here if a test asked for this step (this time).
  public func reached() {
    guard let target = Self.target, target.step == self else { return }
    let count = Self.counter.withLock { count in
      count += 1
      return count
    }
    if count == target.occurrence { kill(getpid(), SIGKILL) }
  }

  private static let target: (step: CrashPoint, occurrence: Int)? = {
    guard let raw = getenv("HERALD_CRASH_AT").map({ String(cString: $0) }) else { return nil }
    let parts = raw.split(separator: "#", maxSplits: 1)
    guard let step = parts.first.flatMap({ CrashPoint(rawValue: String($0)) }) else { return nil }
    return (step, parts.count > 1 ? Int(parts[1]) ?? 1 : 1)
  }()

  /// How many times the target step was reached.
  private static let counter = Locked(0)
}
