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
  /// The picture made for this attempt (the dispatcher prepares it before the first step);
  /// nil when the post has none, the network takes none, or it was left out.
  public var picture: PreparedPicture? = nil

  /// The progress a job records when its picture is left out, before its first request: a
  /// resumed job then knows the post went (or goes) without one.
  public static let noPicture = "-"

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
  /// Rich-text facets for `text` (Bluesky); empty for networks without them.
  public var facets: [Facet]
  /// Bluesky's record key: the same key makes a repeated write a no-op.
  public var recordKey: String?
  /// The record's creation time (Bluesky `createdAt`), fixed at queueing.
  public var createdAt: String
  /// The post's main hashtag without `#` (a Threads topic tag), where a network takes one.
  public var topicTag: String?
  /// The post's picture, for networks that show one.
  public var image: PayloadImage?

  /// Creates a payload.
  public init(
    text: String, permalink: String, title: String, summary: String?, language: String?,
    facets: [Facet] = [], recordKey: String?, createdAt: String, topicTag: String? = nil,
    image: PayloadImage? = nil
  ) {
    self.topicTag = topicTag
    self.text = text
    self.permalink = permalink
    self.title = title
    self.summary = summary
    self.language = language
    self.facets = facets
    self.recordKey = recordKey
    self.createdAt = createdAt
    self.image = image
  }

  private enum CodingKeys: String, CodingKey {
    case text, permalink, title, summary, language, facets, recordKey, createdAt, topicTag, image
    /// How earlier versions kept facets in the queue: one JSON string.
    case facetsJSON
  }

  /// Reads a payload as the queue keeps it, including those queued when facets were a JSON
  /// string.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    text = try container.decode(String.self, forKey: .text)
    permalink = try container.decode(String.self, forKey: .permalink)
    title = try container.decode(String.self, forKey: .title)
    summary = try container.decodeIfPresent(String.self, forKey: .summary)
    language = try container.decodeIfPresent(String.self, forKey: .language)
    if let facets = try container.decodeIfPresent([Facet].self, forKey: .facets) {
      self.facets = facets
    } else if let legacy = try container.decodeIfPresent(String.self, forKey: .facetsJSON) {
      facets = try JSONDecoder().decode([Facet].self, from: Data(legacy.utf8))
    } else {
      facets = []
    }
    recordKey = try container.decodeIfPresent(String.self, forKey: .recordKey)
    createdAt = try container.decode(String.self, forKey: .createdAt)
    topicTag = try container.decodeIfPresent(String.self, forKey: .topicTag)
    image = try container.decodeIfPresent(PayloadImage.self, forKey: .image)
  }

  /// Writes a payload; no facets and no picture are left out.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(text, forKey: .text)
    try container.encode(permalink, forKey: .permalink)
    try container.encode(title, forKey: .title)
    try container.encodeIfPresent(summary, forKey: .summary)
    try container.encodeIfPresent(language, forKey: .language)
    if !facets.isEmpty { try container.encode(facets, forKey: .facets) }
    try container.encodeIfPresent(recordKey, forKey: .recordKey)
    try container.encode(createdAt, forKey: .createdAt)
    try container.encodeIfPresent(topicTag, forKey: .topicTag)
    try container.encodeIfPresent(image, forKey: .image)
  }
}

/// A post's picture as a social post carries it: where it is, where the public sees it, and
/// its alt text.
public struct PayloadImage: Sendable, Equatable, Codable {
  /// The path or URL the post gives (`/img/x.png`).
  public var reference: String
  /// The absolute URL the public sees it at, when there is one.
  public var url: String?
  /// The alt text; empty when the post gives none.
  public var alt: String

  /// Where the picture is read: a site path or a URL as the post wrote it; a relative path by
  /// its URL (resolved against the permalink).
  public var location: String {
    reference.hasPrefix("/") || reference.contains("://") ? reference : url ?? reference
  }

  /// A picture.
  public init(reference: String, url: String?, alt: String) {
    self.reference = reference
    self.url = url
    self.alt = alt
  }
}

/// A picture ready for one network: the variant made to its limits (or, for a network that
/// fetches pictures itself, the original checked against them).
public struct PreparedPicture: Sendable, Equatable, Codable {
  /// The variant's file, for networks pictures are uploaded to.
  public var file: String?
  /// The URL the network fetches it from, for networks that fetch.
  public var url: String?
  /// `image/jpeg`, `image/png`.
  public var mediaType: String
  /// Its size in pixels.
  public var width: Int
  /// Its height in pixels.
  public var height: Int
  /// Its size in bytes.
  public var byteCount: Int
  /// The alt text.
  public var alt: String

  /// A prepared picture.
  public init(
    file: String?, url: String?, mediaType: String, width: Int, height: Int, byteCount: Int, alt: String
  ) {
    self.file = file
    self.url = url
    self.mediaType = mediaType
    self.width = width
    self.height = height
    self.byteCount = byteCount
    self.alt = alt
  }
}
