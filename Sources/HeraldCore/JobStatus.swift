public import Delivery
public import Foundation
public import Social

/// A job as people read it: which of the situations a waiting job can be in, when something
/// happens next, what went wrong, and the command that fixes it. `queue list`, `publish`'s
/// summary and `preview` all say it the same way.
public struct JobStatus: Sendable {
  /// The job.
  public var job: Job
  /// Where it stands, in one word or two.
  public var situation: Situation
  /// When it is tried next (waiting jobs), or when it was sent.
  public var when: Date?
  /// Why it waits, failed or was withdrawn.
  public var detail: String?
  /// The command that fixes it, where one does.
  public var fix: String?

  /// The situations `queue list` tells apart.
  public enum Situation: String, Sendable, CaseIterable {
    /// Its post is not due yet (or it waits for a back-off that is no failure).
    case scheduled
    /// Due, and goes out at the next run the pacing allows.
    case due
    /// Failed in a way worth retrying; tried again after `when`.
    case retrying
    /// Its account is rate-limited until `when`.
    case rateLimited = "rate-limited"
    /// Its account's login was refused; it waits for the credentials to change.
    case refused
    /// Its account is not configured now; it waits for it.
    case noAccount = "no account"
    /// Under way when a run stopped; the next run resolves it.
    case sending
    /// The network has it.
    case sent
    /// Failed for good.
    case failed
    /// Cancelled with `queue cancel`.
    case cancelled
    /// Withdrawn: its post changed.
    case withdrawn
  }

  /// The status of every job in `jobs`, at `now`, for the accounts configured now.
  public static func of(
    _ jobs: [Job], queue: Queue?, configuration: HeraldConfiguration, accounts: [SocialAccount], now: Date
  ) throws -> [JobStatus] {
    var limits: [String: (lastSentAt: Date?, blockedUntil: Date?)] = [:]
    var refusals: [String: Date] = [:]
    let configured = Set(
      accounts.map { Queue.accountKey(network: $0.network, account: $0.client.account) })
    for job in jobs {
      let key = Queue.accountKey(job)
      guard limits[key] == nil else { continue }
      limits[key] = try queue?.accountState(network: job.network, account: job.account) ?? (nil, nil)
      if let refusal = try queue?.loginRefusal(network: job.network, account: job.account) {
        refusals[key] = refusal.at
      }
    }
    let minInterval = configuration.social.minInterval
    return jobs.map { job in
      let key = Queue.accountKey(job)
      var status = JobStatus(job: job, situation: .scheduled, when: nil, detail: job.lastError, fix: nil)
      switch job.state {
      case .sent:
        status.situation = .sent
        status.when = job.sentAt
        status.detail = nil
      case .failed:
        status.situation = .failed
        status.fix =
          job.isUncomposed
          ? "shorten the post's permalink or text; the next publish composes it again"
          : "herald queue retry \(job.id)   (or: herald queue cancel \(job.id))"
      case .cancelled:
        status.situation = .cancelled
        status.fix = "herald queue retry \(job.id)"
      case .withdrawn:
        status.situation = .withdrawn
      case .sending:
        status.situation = .sending
        status.detail = "under way when a run stopped; the next publish resolves it"
      case .queued:
        let limit = limits[key] ?? (nil, nil)
        let paced = limit.lastSentAt.map {
          $0.addingTimeInterval(minInterval - Queue.cronTolerance(minInterval))
        }
        if !configured.contains(key) {
          status.situation = .noAccount
          status.detail = "\(job.network) account \(job.account) is not configured now"
        } else if let refused = refusals[key], now.timeIntervalSince(refused) < Dispatcher.refusedLoginWait {
          status.situation = .refused
          status.when = refused.addingTimeInterval(Dispatcher.refusedLoginWait)
          status.fix = "fix the account's credentials; the next publish tries them"
        } else if let blocked = limit.blockedUntil, blocked > now {
          status.situation = .rateLimited
          status.when = max(blocked, job.dueAt)
        } else if job.failingSince != nil, job.dueAt > now {
          status.situation = .retrying
          status.when = job.dueAt
        } else if job.dueAt > now {
          status.situation = .scheduled
          status.when = job.dueAt
          status.detail = nil
        } else {
          status.situation = .due
          status.when = max(now, paced ?? now)
          if job.failingSince == nil { status.detail = nil }
        }
      }
      return status
    }
  }
}
