public import Foundation
public import HTTP
internal import Images
public import Social

/// Mastodon: `POST /api/v1/statuses` with the job's `Idempotency-Key`, so the server keeps
/// one status however often the request is repeated. The server builds the link card from the
/// page itself; with `attachImage`, the post's picture is uploaded first (`/api/v2/media`,
/// its alt text as `description`, waited for while the server processes it) and attached.
public struct MastodonClient: NetworkClient {
  /// The network.
  public let network = Network.mastodon
  /// The account posts go to: the server, spelled one way (and the account's name, for one
  /// of `social.accounts`).
  public let account: String
  /// The keys to check when the server refuses the token.
  public let credentialKeys: String
  /// Whether a repeated request is harmless.
  public let isIdempotent = true
  private let server: String
  private let token: String
  private let visibility: String
  private let attachImage: Bool

  /// A client for `server` with an access token (`write:statuses`, and `write:media` to
  /// attach pictures); `visibility` is `public` or `unlisted`. `name` and `keyPrefix` are the
  /// account's in `social.accounts`.
  public init(
    server: String, token: String, visibility: String = "public", attachImage: Bool = false,
    name: String? = nil, keyPrefix: String = "MASTODON"
  ) {
    self.attachImage = attachImage
    self.server = AccountIdentity.normalisedURL(server)
    self.token = token
    self.visibility = visibility
    account = AccountIdentity.make(self.server, name: name)
    credentialKeys = "\(keyPrefix)_TOKEN (for \(keyPrefix)_URL)"
  }

  private struct Body: Encodable {
    var status: String
    var visibility: String
    var language: String?
    var mediaIDs: [String]?

    enum CodingKeys: String, CodingKey {
      case status, visibility, language
      case mediaIDs = "media_ids"
    }
  }

  /// Mastodon's defaults: images up to 16 MB and 8.3 million pixels (2,880² fits); 8 MB is
  /// kind to smaller servers.
  public static func pictures(attach: Bool) -> PictureUse {
    attach ? .upload(ImageLimits(maxBytes: 8_000_000, maxSide: 2880)) : .none
  }
  /// How this client takes pictures: attached when `attachImage` says so.
  public var pictureUse: PictureUse { Self.pictures(attach: attachImage) }

  /// The steps of a post, told from `Job.progress`: with a picture to attach, its upload,
  /// then (while the server processes it) its status asked, then the status with it.
  private enum Step {
    case upload(PreparedPicture, file: String)
    case wait(media: String)
    case status(media: String?)

    init(_ job: Job) {
      let progress = job.progress ?? ""
      if progress.hasPrefix("processing:") {
        self = .wait(media: String(progress.dropFirst("processing:".count)))
      } else if progress.hasPrefix("media:") {
        self = .status(media: String(progress.dropFirst("media:".count)))
      } else if progress.isEmpty, let picture = job.picture, let file = picture.file {
        self = .upload(picture, file: file)
      } else {
        self = .status(media: nil)
      }
    }
  }

  /// Only the status makes the post: not the picture's upload, nor asking after it.
  public func mayPost(_ job: Job) -> Bool {
    let progress = job.progress ?? ""
    if progress.hasPrefix("processing:") { return false }
    return !progress.isEmpty || !attachImage || job.payload.image == nil
  }

  /// The request for the job's next step.
  public func request(for job: Job, now: Date) throws(DeliveryError) -> HTTPRequest {
    let authorization = HTTPHeader(name: "Authorization", value: "Bearer " + token)
    switch Step(job) {
    case .upload(let picture, let file):
      guard let bytes = FileManager.default.contents(atPath: file) else {
        throw DeliveryError("mastodon: the resized image \(file) is gone; it is made again at the next run")
      }
      var form = Multipart(seed: job.idempotencyKey)
      form.file("file", fileName: (file as NSString).lastPathComponent, type: picture.mediaType, bytes)
      // Mastodon takes up to 1,500 characters of description.
      if !picture.alt.isEmpty { form.field("description", String(picture.alt.prefix(1500))) }
      return HTTPRequest(
        method: "POST", url: server + "/api/v2/media",
        headers: [authorization, HTTPHeader(name: "Content-Type", value: form.contentType)],
        body: form.finished())
    case .wait(let media):
      return HTTPRequest(method: "GET", url: server + "/api/v1/media/" + media, headers: [authorization])
    case .status(let media):
      return HTTPRequest(
        method: "POST", url: server + "/api/v1/statuses",
        headers: [
          authorization,
          HTTPHeader(name: "Content-Type", value: "application/json"),
          HTTPHeader(name: "Idempotency-Key", value: job.idempotencyKey),
        ],
        body: try JSON.encode(
          Body(
            status: job.payload.text, visibility: visibility, language: job.payload.language,
            mediaIDs: media.map { [$0] })))
    }
  }

  /// `GET /api/v1/accounts/verify_credentials`: the account the token belongs to.
  public func verify(http: HTTPClient, now: Date) throws(DeliveryError) -> String? {
    let account = try verification(
      HTTPRequest(
        method: "GET", url: server + "/api/v1/accounts/verify_credentials",
        headers: [HTTPHeader(name: "Authorization", value: "Bearer " + token)]),
      network: network, http: http)
    return (account["acct"] as? String).map { "@" + $0 } ?? "the token's account"
  }

  /// What the answer to the job's step means.
  public func outcome(of response: HTTPResponse, for job: Job, now: Date) -> Outcome {
    let answer = JSON.object(response.body)
    switch Step(job) {
    case .upload:
      if (200..<300).contains(response.status), let id = answer?["id"] as? String {
        // 202: the server is still processing it; a status cannot carry it yet.
        let ready = response.status == 200 && answer?["url"] is String
        return .step(progress: (ready ? "media:" : "processing:") + id)
      }
      // A picture the server will not take is left out; the post still goes.
      if [413, 415, 422].contains(response.status) { return .step(progress: Job.noPicture) }
    case .wait(let media):
      if response.status == 200, answer?["url"] is String { return .step(progress: "media:" + media) }
      if response.status == 206 || response.status == 200 {
        return .retry(reason: "the server is still processing the image", after: now.addingTimeInterval(30))
      }
      if response.status == 404 { return .step(progress: "") }  // gone: upload it again
    case .status:
      break
    }
    guard (200..<300).contains(response.status) else {
      return .failure(response, now: now, message: JSON.message(response.body))
    }
    // A success without the status in it: sending again with the same key is harmless and
    // tells us its id.
    guard let id = answer?["id"] as? String else {
      return .retry(reason: "the server's answer had no status id", after: nil)
    }
    return .sent(remoteID: id, url: answer?["url"] as? String)
  }
}
