public import Foundation
public import HTTP
internal import Images
public import Social

/// LinkedIn: `POST /rest/posts` with an article card for the permalink, its thumbnail the
/// post's picture uploaded through the Images API first. LinkedIn has no idempotency key, so
/// a post a crash left under way is not sent again blindly (the upload steps may be).
public struct LinkedInClient: NetworkClient {
  /// The network.
  public let network = Network.linkedin
  /// The account posts go to: the author URN (and the account's name, for one of
  /// `social.accounts`).
  public let account: String
  /// The keys to check when LinkedIn refuses the token.
  public let credentialKeys: String
  /// Whether a repeated request is harmless.
  public let isIdempotent = false
  private let server: String
  private let token: String
  private let author: String
  private let version: String
  private let versionKey: String

  /// The API version Herald speaks unless `LINKEDIN_VERSION` says otherwise. LinkedIn
  /// sunsets each monthly version about a year after its release and then answers 426.
  public static let defaultVersion = "202607"

  /// A client posting as `author` (`urn:li:organization:…` or `urn:li:person:…`) with the
  /// API `version` (`YYYYMM`).
  public init(
    server: String, token: String, author: String, version: String? = nil, name: String? = nil,
    keyPrefix: String = "LINKEDIN"
  ) {
    self.server = AccountIdentity.normalisedURL(server)
    self.token = token
    self.author = author
    self.version = version ?? Self.defaultVersion
    versionKey = "\(keyPrefix)_VERSION"
    account = AccountIdentity.make(author, name: name)
    credentialKeys = "\(keyPrefix)_TOKEN (for \(keyPrefix)_AUTHOR)"
  }

  /// LinkedIn's Images API takes JPEG, PNG and GIF up to about 36 million pixels; an article
  /// thumbnail is shown at most 1,200 px wide, so 2,000 px and 5 MB are plenty.
  public static let pictures = PictureUse.upload(ImageLimits(maxBytes: 5_000_000, maxSide: 2000))
  /// How this client takes pictures: `pictures`.
  public var pictureUse: PictureUse { Self.pictures }

  /// The steps of a post, told from what the finished ones recorded (`Job.progress`): with a
  /// picture, its upload is initialised, then its bytes sent; then the post, with the image
  /// as the article's thumbnail.
  private enum Step {
    case initialize(file: String)
    case upload(Upload, file: String)
    case post(thumbnail: String?)

    init(_ job: Job) {
      let progress = job.progress ?? ""
      if progress.isEmpty {
        self = job.picture?.file.map { .initialize(file: $0) } ?? .post(thumbnail: nil)
      } else if let upload = try? JSONDecoder().decode(Upload.self, from: Data(progress.utf8)) {
        if upload.uploaded != true, let file = job.picture?.file {
          self = .upload(upload, file: file)
        } else {
          self = .post(thumbnail: upload.uploaded == true ? upload.image : nil)
        }
      } else {
        self = .post(thumbnail: nil)
      }
    }
  }

  /// An image upload in progress, as recorded between steps.
  struct Upload: Codable, Equatable {
    var image: String
    var uploadUrl: String
    var uploaded: Bool?
  }

  /// Only `/rest/posts` makes the post: a job with a picture and no recorded step is
  /// initialising its upload (a picture left out is recorded before the post goes), and one
  /// whose upload has not finished is uploading. So a job a crash left under way is sent
  /// again only during those steps.
  public func mayPost(_ job: Job) -> Bool {
    let progress = job.progress ?? ""
    if progress.isEmpty { return job.payload.image == nil }
    guard let upload = try? JSONDecoder().decode(Upload.self, from: Data(progress.utf8)) else { return true }
    return upload.uploaded == true
  }

  /// The request for the job's next step.
  public func request(for job: Job, now: Date) throws(DeliveryError) -> HTTPRequest {
    switch Step(job) {
    case .initialize:
      return try json(
        server + "/rest/images?action=initializeUpload", ["initializeUploadRequest": ["owner": author]])
    case .upload(let upload, let file):
      guard let bytes = FileManager.default.contents(atPath: file) else {
        throw DeliveryError("linkedin: the resized image \(file) is gone; it is made again at the next run")
      }
      // The token goes only to LinkedIn's own upload host, never to a host an answer names.
      var headers = [
        HTTPHeader(name: "Content-Type", value: job.picture?.mediaType ?? "application/octet-stream")
      ]
      if Self.isLinkedInHost(upload.uploadUrl, server: server) {
        headers.insert(HTTPHeader(name: "Authorization", value: "Bearer " + token), at: 0)
      }
      return HTTPRequest(method: "PUT", url: upload.uploadUrl, headers: headers, body: bytes)
    case .post(let thumbnail):
      var article: [String: Any] = [
        "source": job.payload.permalink, "title": job.payload.title, "description": job.payload.summary ?? "",
      ]
      if let thumbnail {
        article["thumbnail"] = thumbnail
        if let alt = job.picture?.alt ?? job.payload.image?.alt, !alt.isEmpty {
          article["thumbnailAltText"] = alt
        }
      }
      return try json(
        server + "/rest/posts",
        [
          "author": author,
          "commentary": Self.littleText(job.payload.text),
          "visibility": "PUBLIC",
          "distribution": [
            "feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": [],
          ],
          "content": ["article": article],
          "lifecycleState": "PUBLISHED",
          "isReshareDisabledByAuthor": false,
        ])
    }
  }

  private func json(_ url: String, _ body: [String: Any]) throws(DeliveryError) -> HTTPRequest {
    guard
      let data = try? JSONSerialization.data(
        withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
    else { throw DeliveryError("linkedin: cannot encode the request") }
    return HTTPRequest(
      method: "POST", url: url,
      headers: [
        HTTPHeader(name: "Authorization", value: "Bearer " + token),
        HTTPHeader(name: "Content-Type", value: "application/json"),
        HTTPHeader(name: "LinkedIn-Version", value: version),
        HTTPHeader(name: "X-Restli-Protocol-Version", value: "2.0.0"),
      ],
      body: data)
  }

  /// Whether `url` is on LinkedIn (or on the configured server, as in tests).
  static func isLinkedInHost(_ url: String, server: String) -> Bool {
    guard let host = URL(string: url)?.host?.lowercased() else { return false }
    return host == URL(string: server)?.host?.lowercased() || host == "linkedin.com"
      || host.hasSuffix(".linkedin.com")
  }

  /// `GET /v2/userinfo`: the member the token belongs to (posts go to `author`).
  public func verify(http: HTTPClient, now: Date) throws(DeliveryError) -> String? {
    let member = try verification(
      HTTPRequest(
        method: "GET", url: server + "/v2/userinfo",
        headers: [HTTPHeader(name: "Authorization", value: "Bearer " + token)]),
      network: network, http: http)
    let who = (member["name"] as? String) ?? (member["sub"] as? String) ?? "the token's member"
    return "\(who), posting as \(author)"
  }

  /// What the answer to the job's step means.
  public func outcome(of response: HTTPResponse, for job: Job, now: Date) -> Outcome {
    let ok = (200..<300).contains(response.status)
    switch Step(job) {
    case .initialize:
      if ok {
        let value = JSON.object(response.body)?["value"] as? [String: Any]
        guard let image = value?["image"] as? String, let url = value?["uploadUrl"] as? String,
          let progress = try? JSONEncoder().encode(Upload(image: image, uploadUrl: url))
        else { return .retry(reason: "LinkedIn's answer to initializeUpload had no upload URL", after: nil) }
        return .step(progress: String(decoding: progress, as: UTF8.self))
      }
      if [400, 413, 415, 422].contains(response.status) { return .step(progress: Job.noPicture) }
    case .upload(var upload, _):
      if ok {
        upload.uploaded = true
        guard let progress = try? JSONEncoder().encode(upload) else {
          return .step(progress: Job.noPicture)
        }
        return .step(progress: String(decoding: progress, as: UTF8.self))
      }
      if [400, 404, 413, 415, 422].contains(response.status) { return .step(progress: Job.noPicture) }
    case .post:
      if ok {
        let urn = response.header("x-restli-id")
        return .sent(remoteID: urn, url: urn.map { "https://www.linkedin.com/feed/update/\($0)" })
      }
    }
    if response.status == 426 {
      // Every post would be refused the same way until the setting changes: the account
      // stops and its posts wait, as for a refused token.
      return .unauthorized(
        reason: "426: LinkedIn no longer accepts LinkedIn-Version \(version)"
          + (JSON.message(response.body).map { " (\($0))" } ?? "") + "; set a current YYYYMM",
        keys: versionKey)
    }
    return .failure(response, now: now, message: JSON.message(response.body))
  }

  /// LinkedIn's "little text" format: its reserved characters are escaped so they show as
  /// typed, and each hashtag (a `#` that starts a word) is written as
  /// `{hashtag|\#|Tag}` so LinkedIn shows it as a live hashtag, not text.
  static func littleText(_ text: String) -> String {
    var result = ""
    let characters = Array(text)
    var index = 0
    while index < characters.count {
      let character = characters[index]
      let startsWord =
        index == 0 || characters[index - 1].isWhitespace || "([".contains(characters[index - 1])
      if character == "#", startsWord {
        var end = index + 1
        while end < characters.count, Self.isTagCharacter(characters[end]) { end += 1 }
        if end > index + 1 {
          result += "{hashtag|\\#|" + String(characters[(index + 1)..<end]) + "}"
          index = end
          continue
        }
      }
      if reserved.contains(character) { result.append("\\") }
      result.append(character)
      index += 1
    }
    return result
  }

  /// The characters LinkedIn's little text format reserves.
  private static let reserved: Set<Character> = Set("\\|{}@[]()<>#*_~")

  /// Letters, digits and marks make a hashtag; `_` would need escaping inside the tag, so a
  /// tag ends there.
  private static func isTagCharacter(_ character: Character) -> Bool {
    character.isLetter || character.isNumber
      || character.unicodeScalars.allSatisfy { $0.properties.generalCategory == .nonspacingMark }
  }
}
