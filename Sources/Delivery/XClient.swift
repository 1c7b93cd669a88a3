public import Foundation
public import HTTP
internal import Images
internal import OAuth1
public import Social

/// X: `POST /2/tweets` signed with OAuth 1.0a (HMAC-SHA1). X has no idempotency key; a
/// repeated tweet is refused as "duplicate content", which tells Herald the first went out.
/// X builds the link card from the page's meta tags; with `attachImage`, the post's picture is
/// uploaded first (`POST /2/media/upload`, its alt text set with `/2/media/metadata`) and
/// attached.
public struct XClient: NetworkClient {
  /// The network.
  public let network = Network.x
  /// The account posts go to: the server, spelled one way (and the account's name, for one
  /// of `social.accounts`).
  public let account: String
  /// The keys to check when X refuses them.
  public let credentialKeys: String
  /// Whether a repeated request is harmless.
  public let isIdempotent = true
  private let server: String
  private let credentials: OAuth1Credentials
  private let attachImage: Bool

  /// A client for `server` (`https://api.x.com`) with a user's OAuth 1.0a keys.
  public init(
    server: String, consumerKey: String, consumerSecret: String, token: String, tokenSecret: String,
    attachImage: Bool = false, name: String? = nil, keyPrefix: String = "X"
  ) {
    self.attachImage = attachImage
    self.server = AccountIdentity.normalisedURL(server)
    account = AccountIdentity.make(self.server, name: name)
    credentialKeys =
      "\(keyPrefix)_CONSUMER_KEY, \(keyPrefix)_CONSUMER_SECRET, \(keyPrefix)_ACCESS_TOKEN and \(keyPrefix)_ACCESS_TOKEN_SECRET"
    credentials = OAuth1Credentials(
      consumerKey: consumerKey, consumerSecret: consumerSecret, token: token, tokenSecret: tokenSecret)
  }

  private struct Body: Encodable {
    struct Media: Encodable {
      var mediaIDs: [String]
      enum CodingKeys: String, CodingKey { case mediaIDs = "media_ids" }
    }
    var text: String
    var media: Media?
  }

  private struct AltText: Encodable {
    struct Metadata: Encodable {
      struct Text: Encodable { var text: String }
      var altText: Text
      enum CodingKeys: String, CodingKey { case altText = "alt_text" }
    }
    var id: String
    var metadata: Metadata
  }

  /// X takes images up to 5 MB; 4,096 px is the most it shows.
  public static func pictures(attach: Bool) -> PictureUse {
    attach ? .upload(ImageLimits(maxBytes: 5_000_000, maxSide: 4096)) : .none
  }
  /// How this client takes pictures: attached when `attachImage` says so.
  public var pictureUse: PictureUse { Self.pictures(attach: attachImage) }

  /// The steps of a post, told from `Job.progress`: with a picture to attach, its upload, its
  /// alt text, then the tweet that carries it.
  private enum Step {
    case upload(PreparedPicture, file: String)
    case altText(media: String, alt: String)
    case tweet(media: String?)

    init(_ job: Job) {
      let progress = job.progress ?? ""
      if progress.hasPrefix("alt:") {
        self = .altText(
          media: String(progress.dropFirst(4)), alt: job.picture?.alt ?? job.payload.image?.alt ?? "")
      } else if progress.hasPrefix("media:") {
        self = .tweet(media: String(progress.dropFirst(6)))
      } else if progress.isEmpty, let picture = job.picture, let file = picture.file {
        self = .upload(picture, file: file)
      } else {
        self = .tweet(media: nil)
      }
    }
  }

  /// Only the tweet makes the post: not the picture's upload, nor its alt text.
  public func mayPost(_ job: Job) -> Bool {
    let progress = job.progress ?? ""
    if progress.hasPrefix("alt:") { return false }
    return !progress.isEmpty || !attachImage || job.payload.image == nil
  }

  /// The request for the job's next step.
  public func request(for job: Job, now: Date) throws(DeliveryError) -> HTTPRequest {
    switch Step(job) {
    case .upload(let picture, let file):
      guard let bytes = FileManager.default.contents(atPath: file) else {
        throw DeliveryError("x: the resized image \(file) is gone; it is made again at the next run")
      }
      var form = Multipart(seed: job.idempotencyKey)
      form.field("media_category", "tweet_image")
      form.file("media", fileName: (file as NSString).lastPathComponent, type: picture.mediaType, bytes)
      // A multipart body is not part of the OAuth signature (only form-encoded bodies are).
      return signed("POST", server + "/2/media/upload", contentType: form.contentType, body: form.finished())
    case .altText(let media, let alt):
      return signed(
        "POST", server + "/2/media/metadata", contentType: "application/json",
        body: try JSON.encode(
          AltText(id: media, metadata: .init(altText: .init(text: String(alt.prefix(1000)))))))
    case .tweet(let media):
      return signed(
        "POST", server + "/2/tweets", contentType: "application/json",
        body: try JSON.encode(Body(text: job.payload.text, media: media.map { .init(mediaIDs: [$0]) })))
    }
  }

  /// A request signed with OAuth 1.0a. The signature's timestamp is the real clock's: X
  /// refuses one more than minutes off.
  private func signed(_ method: String, _ url: String, contentType: String, body: Data) -> HTTPRequest {
    let authorization = OAuth1.authorizationHeader(
      method: method, url: url, credentials: credentials, nonce: Self.nonce(),
      timestamp: Int(Date().timeIntervalSince1970))
    return HTTPRequest(
      method: method, url: url,
      headers: [
        HTTPHeader(name: "Authorization", value: authorization),
        HTTPHeader(name: "Content-Type", value: contentType),
      ],
      body: body)
  }

  /// `GET /2/users/me`, signed: the user the keys act for.
  public func verify(http: HTTPClient, now: Date) throws(DeliveryError) -> String? {
    let url = server + "/2/users/me"
    let authorization = OAuth1.authorizationHeader(
      method: "GET", url: url, credentials: credentials, nonce: Self.nonce(),
      timestamp: Int(Date().timeIntervalSince1970))
    let answer = try verification(
      HTTPRequest(
        method: "GET", url: url, headers: [HTTPHeader(name: "Authorization", value: authorization)]),
      network: network, http: http)
    let user = answer["data"] as? [String: Any]
    return (user?["username"] as? String).map { "@" + $0 } ?? "the keys' user"
  }

  /// What the answer to the job's step means.
  public func outcome(of response: HTTPResponse, for job: Job, now: Date) -> Outcome {
    let ok = (200..<300).contains(response.status)
    let data = JSON.object(response.body)?["data"] as? [String: Any]
    switch Step(job) {
    case .upload(let picture, _):
      if ok, let id = data?["id"] as? String {
        return .step(progress: (picture.alt.isEmpty ? "media:" : "alt:") + id)
      }
      // A picture X will not take is left out; the post still goes.
      if [400, 413, 415, 422].contains(response.status) { return .step(progress: Job.noPicture) }
    case .altText(let media, _):
      // Alt text refused is no reason to hold the post back.
      if ok || [400, 422].contains(response.status) { return .step(progress: "media:" + media) }
    case .tweet:
      if ok {
        let id = data?["id"] as? String
        return .sent(remoteID: id, url: id.map { "https://x.com/i/web/status/\($0)" })
      }
    }
    let message = JSON.message(response.body)
    if case .tweet = Step(job), response.status == 403, message?.lowercased().contains("duplicate") == true {
      return .sent(remoteID: nil)
    }
    return .failure(response, now: now, message: message)
  }

  private static func nonce() -> String {
    let characters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    var generator = SystemRandomNumberGenerator()
    return String((0..<32).map { _ in characters[Int(generator.next() % UInt64(characters.count))] })
  }
}
