internal import Delivery
internal import Foundation
internal import Posts
internal import Social

/// The queue follows the blog: each job that has not reached its network is checked against
/// its post as it is now, before anything is sent.
///
/// - A post gone, made a draft, excluded, skipped (all networks or this one), moved out of
///   the account's categories, dated before `announce_since` or too old: the job is
///   withdrawn, with the reason. A withdrawn job comes back when its post does.
/// - A post dated later: the job waits for the new date.
/// - A post edited (text, permalink, card, language): the job is composed again, unless a
///   request for it may already have reached the server; then it keeps its frozen request
///   and key, so sending it again cannot make a second post.
struct QueueReconciler {
  /// One decision: the job as it was, as it is to be, and what changed, in words.
  struct Change {
    var before: Job
    var after: Job
    var note: String
  }

  let configuration: HeraldConfiguration
  let planner: SocialPlanner
  let accounts: [SocialAccount]
  let now: Date

  /// What to change in `jobs`, given the posts of this run.
  func review(_ jobs: [Job], posts: [Post]) -> [Change] {
    let byID = Dictionary(posts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    return jobs.compactMap { job in
      // Jobs of an account that is not configured now wait as they are: nothing here can
      // say what that account would be sent.
      guard
        let account = accounts.first(where: {
          $0.network == job.network && $0.client.account == job.account
        })
      else { return nil }
      return review(job, post: byID[job.postID], account: account)
    }
  }

  private func review(_ job: Job, post: Post?, account: SocialAccount) -> Change? {
    var after = job
    guard let post else {
      return withdraw(job, "its post is gone (no file has its id any more)")
    }
    let plan = planner.plan(for: post, account: account, now: now)
    switch plan.schedule {
    case .never(let reason):
      return withdraw(job, reason)
    case .at(let due):
      if job.state == .sending { return nil }
      after.postDueAt = due
      if job.state == .withdrawn {
        after.state = .queued
        after.lastError = nil
        after.dueAt = due
      } else if due > now || job.dueAt > now && job.failingSince == nil {
        // Rescheduled (later, or back to now): a back-off after a failure stays as it is.
        after.dueAt = due
      }
    }
    var notes: [String] = []
    if job.state == .withdrawn { notes.append("announced again") }
    if after.dueAt > now, after.dueAt != job.dueAt {
      notes.append("now due \(Timestamp.rfc3339(after.dueAt))")
    }
    if !job.mayHaveReachedServer {
      switch plan.post {
      case .failure:
        after.state = .failed
        after.lastError = plan.compositionError
        after.payload.text = ""
        if job.lastError != after.lastError {
          notes.append("cannot be composed: " + (plan.compositionError ?? ""))
        }
      case .success(let composed):
        let fresh = Self.payload(
          post: post, network: account.network, composed: composed, configuration: configuration,
          keeping: job.payload)
        if fresh != job.payload {
          after.payload = fresh
          // Steps made for the old text (a Threads container) are not published: start over.
          after.progress = nil
          notes.append("composed again from the edited post")
        }
        if job.isUncomposed {
          after.state = .queued
          after.lastError = nil
        }
      }
    }
    guard after != job else { return nil }
    return Change(before: job, after: after, note: notes.isEmpty ? "updated" : notes.joined(separator: "; "))
  }

  private func withdraw(_ job: Job, _ reason: String) -> Change? {
    var after = job
    after.state = .withdrawn
    after.lastError =
      reason
      + (job.state == .sending || job.mayHaveReachedServer
        ? " (an earlier request may have reached \(job.network): check the account)" : "")
    guard after != job else { return nil }
    return Change(before: job, after: after, note: "withdrawn: " + reason)
  }

  /// The payload a job of `post` carries on `network`: composed now, keeping what must stay
  /// the same across compositions (the record key, the creation time) from `previous`.
  static func payload(
    post: Post, network: Network, composed: ComposedPost, configuration: HeraldConfiguration,
    keeping previous: Payload? = nil, createdAt: String? = nil
  ) -> Payload {
    Payload(
      text: composed.text, permalink: post.permalink, title: post.title, summary: post.summary,
      language: post.language ?? configuration.site.language,
      facets: composed.facets, recordKey: previous?.recordKey,
      createdAt: previous?.createdAt ?? createdAt ?? "",
      topicTag: String(configuration.social.hashtag.dropFirst()),
      image: post.image.map { PayloadImage($0, permalink: post.permalink) })
  }
}

extension PayloadImage {
  /// A post's picture as its social posts carry it: its URL resolved against the permalink,
  /// as the feeds resolve the post's links.
  init(_ image: PostImage, permalink: String) {
    self.init(reference: image.reference, url: image.url(relativeTo: permalink), alt: image.alt)
  }
}
