import Foundation
import HeraldCore
import Posts
import Social

/// A post with everything `preview` shows about it.
struct PostPreview {
  var post: Post
  var status: PostStatus
  var plans: [SocialPlan]
  /// The post's jobs in the queue, as the next publish will find them.
  var jobs: [Job] = []
  /// What becomes of the post's picture on each network.
  var pictures: [Network: PictureNote] = [:]
  /// The picture made small for `preview --html`; nil when there is none or no page is made.
  var thumbnail: PictureThumbnail? = nil

  /// The jobs of one network, one line each: where each stands in the queue.
  func queueLines(_ network: Network, zone: TimeZone) -> [String] {
    jobs.filter { $0.network == network }.map { Self.describe($0, zone: zone) }
  }

  /// One job's state as people read it.
  static func describe(_ job: Job, zone: TimeZone) -> String {
    let time = { (date: Date) in Timestamp.displayWithUTC(date, in: zone) }
    let state: String
    switch job.state {
    case .queued:
      state =
        job.failingSince == nil
        ? "waiting, due \(time(job.dueAt))"
        : "retrying after \(time(job.dueAt)) (\(job.lastError ?? "failed"))"
    case .sending: state = "sending (left under way; resolved at the next publish)"
    case .sent:
      state = "sent \(job.sentAt.map(time) ?? "")" + ((job.remoteURL ?? job.remoteID).map { ": \($0)" } ?? "")
    case .failed: state = "failed: \(job.lastError ?? "") (herald queue retry \(job.id))"
    case .cancelled: state = "cancelled"
    case .withdrawn: state = "withdrawn: \(job.lastError ?? "")"
    }
    return "queue: job \(job.id) for \(job.account): \(state)"
  }
}
