public import Foundation
public import HTTP
internal import Images
public import Social

/// Threads (Meta): a post is two steps, each recorded before the next is sent: a container
/// (`POST /{user-id}/threads`: a text post with the permalink as its link preview, or an image
/// post of the post's picture by its URL; the hashtag as its topic), then
/// `POST /{user-id}/threads_publish` of that container.
///
/// A crash after the container was made resumes by publishing that container, never by
/// making a second one. An attempt that resumes a job whose container exists first asks the
/// container's status: one already published is the post, sent.
public struct ThreadsClient: NetworkClient {
  /// The network.
  public let network = Network.threads
  /// The account posts go to: the server and the Threads user id (and the account's name, for
  /// one of `social.accounts`).
  public let account: String
  /// The keys to check when Threads refuses the token.
  public let credentialKeys: String
  /// Whether a repeated request is harmless: the steps resume where they stopped, and a
  /// published container is never published again.
  public let isIdempotent = true
  private let server: String
  private let userID: String
  private let token: String

  /// Threads fetches a picture from its URL itself: JPEG or PNG, at most 8 MB (it scales the
  /// width to 320–1,440 px on its own).
  public static let pictures = PictureUse.link(
    ImageLimits(maxBytes: 8_000_000, maxSide: 16_384, formats: [.jpeg, .png]))
  /// How this client takes pictures: `pictures`.
  public var pictureUse: PictureUse { Self.pictures }

  /// The Graph API version Herald speaks.
  static let version = "v1.0"

  /// A client posting as the Threads user `userID` with a token (`threads_content_publish`).
  public init(
    server: String, userID: String, token: String, name: String? = nil, keyPrefix: String = "THREADS"
  ) {
    self.server = AccountIdentity.normalisedURL(server)
    self.userID = userID
    self.token = token
    account = AccountIdentity.make(self.server + "/" + userID, name: name)
    credentialKeys = "\(keyPrefix)_TOKEN (for \(keyPrefix)_USER_ID)"
  }

  /// The steps of a post, told from what the finished ones recorded (`Job.progress`).
  private enum Step {
    /// Make the text container.
    case create
    /// Ask whether the container was published by an attempt whose answer was lost.
    case check(container: String)
    /// Publish the container.
    case publish(container: String)

    init(_ job: Job) {
      guard let container = job.progress.flatMap({ $0.isEmpty || $0 == Job.noPicture ? nil : $0 }) else {
        self = .create
        return
      }
      // A later attempt that starts from a container may follow one whose publish arrived.
      self =
        job.attempts > 1 && job.stepInAttempt == 0
        ? .check(container: container) : .publish(container: container)
    }
  }

  /// Making a container posts nothing; once one is recorded, its publish may be under way.
  public func mayPost(_ job: Job) -> Bool {
    guard let progress = job.progress else { return false }
    return !progress.isEmpty && progress != Job.noPicture
  }

  /// The request for the job's next step.
  public func request(for job: Job, now: Date) throws(DeliveryError) -> HTTPRequest {
    let base = server + "/" + Self.version + "/"
    switch Step(job) {
    case .create:
      // With a picture, an image post (Meta fetches the picture from its URL); else a text
      // post whose link preview is the permalink.
      var fields =
        if let picture = job.picture, let url = picture.url {
          [("media_type", "IMAGE"), ("image_url", url), ("text", job.payload.text)]
            + (picture.alt.isEmpty ? [] : [("alt_text", picture.alt)])
        } else {
          [("media_type", "TEXT"), ("text", job.payload.text), ("link_attachment", job.payload.permalink)]
        }
      if let tag = job.payload.topicTag, Self.isTopicTag(tag) { fields.append(("topic_tag", tag)) }
      return form(base + userID + "/threads", fields)
    case .check(let container):
      return HTTPRequest(
        method: "GET", url: base + container + "?fields=id,status", headers: [authorization])
    case .publish(let container):
      return form(base + userID + "/threads_publish", [("creation_id", container)])
    }
  }

  /// What the answer to the job's step means.
  public func outcome(of response: HTTPResponse, for job: Job, now: Date) -> Outcome {
    let answer = JSON.object(response.body) ?? [:]
    let error = answer["error"] as? [String: Any]
    let code = error?["code"] as? Int
    let message =
      (error?["message"] as? String).map { "\(response.status): \($0)" } ?? "HTTP \(response.status)"
    let step = Step(job)
    if (200..<300).contains(response.status) {
      switch step {
      case .create:
        guard let id = answer["id"] as? String, !id.isEmpty else {
          return .retry(reason: "Threads made no container id", after: nil)
        }
        return .step(progress: id)
      case .check(let container):
        switch answer["status"] as? String {
        case "PUBLISHED": return .sent(remoteID: nil)
        case "FINISHED", "IN_PROGRESS": return .step(progress: container)
        default: return .step(progress: "")  // expired or broken: make a new one
        }
      case .publish:
        guard let id = answer["id"] as? String else {
          return .retry(reason: "Threads' answer had no post id", after: nil)
        }
        return .sent(remoteID: id)
      }
    }
    // Graph errors are 400s with a code: 190, 102 and 104 are the token; 4, 9, 17, 32 and 613
    // limits (250 posts a day); 24 a container that is gone; 10 one already published.
    switch code {
    case 190, 102, 104: return .unauthorized(reason: message)
    case 4, 9, 17, 32, 613: return .rateLimited(until: now.addingTimeInterval(3600), reason: message)
    case 24 where { if case .publish = step { true } else { false } }():
      return .step(progress: "")
    case 10 where message.lowercased().contains("already"):
      return .sent(remoteID: nil)
    default: return .failure(response, now: now, message: error?["message"] as? String)
    }
  }

  /// `GET /me`: the user the token belongs to.
  public func verify(http: HTTPClient, now: Date) throws(DeliveryError) -> String? {
    let user = try verification(
      HTTPRequest(
        method: "GET", url: server + "/" + Self.version + "/me?fields=id,username", headers: [authorization]),
      network: network, http: http)
    return (user["username"] as? String).map { "@" + $0 } ?? "user \(userID)"
  }

  private var authorization: HTTPHeader { HTTPHeader(name: "Authorization", value: "Bearer " + token) }

  private func form(_ url: String, _ fields: [(String, String)]) -> HTTPRequest {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    let body = fields.map { name, value in
      name + "=" + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
    }.joined(separator: "&")
    return HTTPRequest(
      method: "POST", url: url,
      headers: [authorization, HTTPHeader(name: "Content-Type", value: "application/x-www-form-urlencoded")],
      body: Data(body.utf8))
  }

  /// A topic tag Threads takes: 1 to 50 characters, no `.` or `&`.
  static func isTopicTag(_ tag: String) -> Bool {
    (1...50).contains(tag.count) && !tag.contains(".") && !tag.contains("&")
  }
}
