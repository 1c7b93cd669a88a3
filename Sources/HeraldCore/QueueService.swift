internal import Delivery
public import Foundation
public import Social

/// The delivery queue as `herald queue` uses it: its jobs, where each stands, and the two
/// changes a person may make (retry, cancel). Errors name the queue's file.
public struct QueueService {
  private let queue: Queue
  private let configuration: HeraldConfiguration

  private init(queue: Queue, configuration: HeraldConfiguration) {
    self.queue = queue
    self.configuration = configuration
  }

  /// The queue in `configuration`'s state folder, opened for changes; nil when no run has
  /// made one yet.
  public static func open(_ configuration: HeraldConfiguration) throws(HeraldError) -> QueueService? {
    let queue = try translated(configuration) { () throws(DeliveryError) in
      try configuration.existingWritableQueue()
    }
    return queue.map { QueueService(queue: $0, configuration: configuration) }
  }

  /// Which state is in use, in words for `herald check`, and why it cannot be read (nil when
  /// it can). Opens it to read only: nothing is created or changed.
  public static func describeState(_ configuration: HeraldConfiguration) -> (
    description: String, failure: String?
  ) {
    let description =
      configuration.sharedState == nil
      ? "SQLite in \(configuration.state.displayPath)"
      : "PostgreSQL at \(configuration.stateDisplayName), site \(configuration.stateSite) "
        + "(caches in \(configuration.state.displayPath))"
    do {
      guard let queue = try configuration.existingQueue() else {
        return (description + "; no queue yet", nil)
      }
      let jobs = try queue.counts()["jobs"] ?? 0
      return (description + "; \(jobs) job\(jobs == 1 ? "" : "s") in the queue", nil)
    } catch {
      return (description, error.description)
    }
  }

  /// Every job, newest first.
  public func jobs() throws(HeraldError) -> [Job] {
    try Self.translated(configuration) { () throws(DeliveryError) in try queue.all() }
  }

  /// Where each of `jobs` stands for `accounts` at `now`, and when it is tried next.
  public func statuses(of jobs: [Job], accounts: [SocialAccount], now: Date) throws -> [JobStatus] {
    try HeraldError.translating(configuration) {
      try JobStatus.of(jobs, queue: queue, configuration: configuration, accounts: accounts, now: now)
    }
  }

  /// Job `id` is sent again at the next publish, checked against its post first.
  public func retry(_ id: Int64, now: Date) throws(HeraldError) -> Job {
    try Self.translated(configuration) { () throws(DeliveryError) in try queue.retry(id, now: now) }
  }

  /// Job `id` is never sent.
  public func cancel(_ id: Int64, now: Date) throws(HeraldError) -> Job {
    try Self.translated(configuration) { () throws(DeliveryError) in try queue.cancel(id, now: now) }
  }

  private static func translated<T>(
    _ configuration: HeraldConfiguration, _ body: () throws(DeliveryError) -> T
  ) throws(HeraldError) -> T {
    do {
      return try body()
    } catch {
      throw HeraldError(error, in: configuration)
    }
  }
}
