public import Foundation

/// One social post for one network and account: what is sent, under which key, and where it
/// stands. Its payload and idempotency key are frozen when it is queued.
public struct Job: Sendable, Equatable, Codable {
  /// The queue's id for it (`queue retry ID`).
  public var id: Int64
  /// The entry id of the post it announces.
  public var postID: String
  /// The post file, below the posts folder.
  public var postPath: String
  /// The network.
  public var network: Network
  /// Which account of the network: the server or handle, never a secret.
  public var account: String
  /// What is sent.
  public var payload: Payload
  /// The key that makes a repeated request the same request (Mastodon's Idempotency-Key).
  public var idempotencyKey: String
  /// Where it stands.
  public var state: State
  /// It is not sent before this (its due time, or the end of a back-off).
  public var dueAt: Date
  /// Attempts so far.
  public var attempts: Int
  /// The last failure, in the server's words when it gave some.
  public var lastError: String?
  /// The network's id for the post once sent (status id, `at://` URI, tweet id).
  public var remoteID: String?
  /// When it was queued.
  public var createdAt: Date
  /// When it was sent.
  public var sentAt: Date?
  /// When its post falls due (its date or `syndication.at`): `max_age` counts from here.
  public var postDueAt: Date
  /// Whether a request for it may have reached the server without an answer (a timeout, a
  /// 5xx, a crash while sending): such a job keeps its frozen request and key for good.
  public var mayHaveReachedServer: Bool = false
  /// When the failures worth retrying began; it fails for good `give_up_after` later.
  public var failingSince: Date?
  /// Where people see the sent post, when the network said.
  public var remoteURL: String?
  /// What the finished steps of a job of several steps left for the next (a Threads
  /// container's id), recorded before the next step's request is sent; its client's own words.
  public var progress: String?
  /// Which step of the current attempt is being sent (0 for its first); not stored.
  public var stepInAttempt = 0

  /// Creates a job (the queue makes them; a dry run pretends).
  public init(
    id: Int64, postID: String, postPath: String, network: Network, account: String, payload: Payload,
    idempotencyKey: String, state: State, dueAt: Date, attempts: Int, lastError: String?, remoteID: String?,
    createdAt: Date, sentAt: Date?, postDueAt: Date? = nil
  ) {
    self.postDueAt = postDueAt ?? dueAt
    self.id = id
    self.postID = postID
    self.postPath = postPath
    self.network = network
    self.account = account
    self.payload = payload
    self.idempotencyKey = idempotencyKey
    self.state = state
    self.dueAt = dueAt
    self.attempts = attempts
    self.lastError = lastError
    self.remoteID = remoteID
    self.createdAt = createdAt
    self.sentAt = sentAt
  }

  /// Where a job stands.
  public enum State: String, Sendable, Codable, CaseIterable {
    /// Waiting to be sent (maybe after a back-off).
    case queued
    /// Recorded as under way before the request went out; a crash leaves it here, and the
    /// next run resolves it with the same key.
    case sending
    /// The network has it.
    case sent
    /// Failed for good, until `queue retry` or `queue cancel`.
    case failed
    /// Cancelled by `queue cancel`.
    case cancelled
    /// Taken back because its post changed (gone, a draft, skipped, too old…); `lastError`
    /// says why. It comes back if the post is announced again.
    case withdrawn
  }

  /// Whether the network has not got it yet and Herald may still send it.
  public var isPending: Bool { state == .queued || state == .sending }

  /// Whether the blog may still change it (`Queue.unsettled` selects the same jobs): waiting,
  /// under way, withdrawn, or never composed.
  public var isUnsettled: Bool {
    state == .queued || state == .sending || state == .withdrawn || state == .failed && attempts == 0
  }

  /// Whether it is a post that could not be composed (recorded once, never sent): a fixed
  /// post composes it again.
  public var isUncomposed: Bool { state == .failed && attempts == 0 && payload.text.isEmpty }
}

/// The content of a social post, fixed when it is queued so a retry sends the same request.
public struct Payload: Sendable, Equatable, Codable {
  /// The text, as composed for the network.
  public var text: String
  /// The post's permalink.
  public var permalink: String
  /// The post's title, for link cards.
  public var title: String
  /// The post's summary, for link cards.
  public var summary: String?
  /// The content language (`en`).
  public var language: String?
  /// Bluesky's facets, as JSON objects exactly as the record carries them.
  public var facetsJSON: String?
  /// Bluesky's record key: the same key makes a repeated write a no-op.
  public var recordKey: String?
  /// The record's creation time (Bluesky `createdAt`), fixed at queueing.
  public var createdAt: String
  /// The post's main hashtag without `#` (a Threads topic tag), where a network takes one.
  public var topicTag: String?

  /// Creates a payload.
  public init(
    text: String, permalink: String, title: String, summary: String?, language: String?,
    facetsJSON: String?, recordKey: String?, createdAt: String, topicTag: String? = nil
  ) {
    self.topicTag = topicTag
    self.text = text
    self.permalink = permalink
    self.title = title
    self.summary = summary
    self.language = language
    self.facetsJSON = facetsJSON
    self.recordKey = recordKey
    self.createdAt = createdAt
  }
}
