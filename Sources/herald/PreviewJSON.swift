import Foundation
import HeraldCore
import Posts
import Social

/// `preview --json`: one document, `{"posts": [...]}`.
enum PreviewJSON {
  struct Document: Encodable {
    var posts: [PostEntry]
  }

  struct PostEntry: Encodable {
    var id: String
    var url: String
    var title: String
    var status: String
    var date: String
    var file: String
    var social: [SocialEntry]
  }

  /// SPEC's `{network, text, length, limit, send_at}`, each always present (null when there is
  /// none); `never` says why a post will not go out, `error` why it cannot be made.
  struct SocialEntry: Encodable {
    var network: String
    var text: String?
    var length: Int?
    var limit: Int?
    var sendAt: String?
    var never: String?
    var error: String?
    var facets: [Facet]?
    /// What becomes of the post's picture on the network.
    var image: String?
    /// Where this post's jobs for the network stand in the queue.
    var queue: [QueueEntry] = []

    enum CodingKeys: String, CodingKey {
      case network, text, length, limit, never, error, facets, queue, image
      case sendAt = "send_at"
    }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(network, forKey: .network)
      try container.encode(text, forKey: .text)
      try container.encode(length, forKey: .length)
      try container.encode(limit, forKey: .limit)
      try container.encode(sendAt, forKey: .sendAt)
      try container.encodeIfPresent(never, forKey: .never)
      try container.encodeIfPresent(error, forKey: .error)
      try container.encodeIfPresent(facets, forKey: .facets)
      try container.encodeIfPresent(image, forKey: .image)
      try container.encode(queue, forKey: .queue)
    }
  }

  /// One job: `{id, account, state, reason, due_at, sent_at, remote_id}`.
  struct QueueEntry: Encodable {
    var id: Int64
    var account: String
    var state: String
    var reason: String?
    var dueAt: String?
    var sentAt: String?
    var remoteID: String?
    var remoteURL: String?

    enum CodingKeys: String, CodingKey {
      case id, account, state, reason
      case dueAt = "due_at"
      case sentAt = "sent_at"
      case remoteID = "remote_id"
      case remoteURL = "remote_url"
    }

    init(_ job: Job) {
      id = job.id
      account = job.account
      state = job.state.rawValue
      reason = job.state == .sent ? nil : job.lastError
      dueAt = job.state == .queued ? Timestamp.rfc3339(job.dueAt) : nil
      sentAt = job.sentAt.map(Timestamp.rfc3339)
      remoteID = job.remoteID
      remoteURL = job.remoteURL
    }
  }

  static func render(_ previews: [PostPreview]) throws -> Data {
    let document = Document(
      posts: previews.map { preview in
        PostEntry(
          id: preview.post.id, url: preview.post.permalink, title: preview.post.title,
          status: preview.status.rawValue, date: Timestamp.rfc3339(preview.post.date),
          file: preview.post.source.displayPath,
          social: preview.plans.map { plan in
            var entry = SocialEntry(
              network: plan.network.rawValue, limit: plan.limit, image: preview.pictures[plan.network]?.line)
            entry.queue = preview.jobs.filter { $0.network == plan.network }.map(QueueEntry.init)
            switch plan.post {
            case .success(let composed):
              entry.text = composed.text
              entry.length = composed.length
              if !composed.facets.isEmpty { entry.facets = composed.facets }
            case .failure(let error):
              entry.error = error.description
            }
            switch plan.schedule {
            case .at(let date): entry.sendAt = Timestamp.rfc3339(date)
            case .never(let reason): entry.never = reason
            }
            return entry
          })
      })
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(document) + Data("\n".utf8)
  }
}
