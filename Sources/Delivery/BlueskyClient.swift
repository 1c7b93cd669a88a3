public import Foundation
public import HTTP
internal import Images
internal import Locking
public import Social

#if canImport(Glibc)
  import Glibc
#endif

/// Bluesky: the post written with `com.atproto.repo.putRecord` under the record key chosen
/// when it was queued, so writing it twice leaves one post; with its link and tag facets
/// and a link card.
///
/// One session is kept in the state folder (mode 0600) and refreshed with its refresh token;
/// Herald logs in with the app password only when there is no session or refreshing fails,
/// because Bluesky locks accounts that log in too often.
public final class BlueskyClient: NetworkClient {
  /// The network.
  public let network = Network.bluesky
  /// The account posts go to: the handle, spelled one way (and the account's name, for one
  /// of `social.accounts`).
  public let account: String
  /// The keys to check when the login is refused.
  public let credentialKeys: String
  /// A fingerprint of the service, handle and app password: a refused login is not tried
  /// again until it changes.
  public let loginFingerprint: String?
  /// Whether a repeated request is harmless.
  public let isIdempotent = true
  private let service: String
  private let handle: String
  private let password: String
  private let documents: KeptDocuments
  private let sessionName: String
  private let session = Locked<Session?>(nil)

  /// The session file's name in the state folder.
  public static let sessionFileName = "bluesky-session.json"

  struct Session: Codable, Equatable {
    var did: String
    var handle: String
    var accessJwt: String
    var refreshJwt: String
  }

  /// A client for `handle` on `service` (a PDS or `https://bsky.social`). `fingerprint` stands
  /// for the credentials (never the password itself); `name` and `keyPrefix` are the
  /// account's in `social.accounts`, whose session is kept in a document of its own.
  public init(
    service: String, handle: String, appPassword: String, documents: KeptDocuments, fingerprint: String,
    name: String? = nil, keyPrefix: String = "BLUESKY"
  ) {
    self.service = AccountIdentity.normalisedURL(service)
    self.handle = AccountIdentity.normalisedHandle(handle)
    self.password = appPassword
    let fileName = name.map {
      "bluesky-session-\($0.filter { $0.isLetter || $0.isNumber || $0 == "-" }).json"
    }
    self.documents = documents
    sessionName = fileName ?? Self.sessionFileName
    account = AccountIdentity.make(self.handle, name: name)
    credentialKeys = "\(keyPrefix)_APP_PASSWORD (for \(keyPrefix)_HANDLE)"
    loginFingerprint = fingerprint
  }

  /// Gets a session: the cached one, else a login.
  public func prepare(http: HTTPClient, now: Date) throws(DeliveryError) {
    if session.withLock({ $0 }) != nil { return }
    if let data = try documents.read(sessionName),
      let cached = try? JSONDecoder().decode(Session.self, from: data),
      cached.handle.lowercased() == handle.lowercased()
    {
      session.withLock { $0 = cached }
      return
    }
    try login(http: http)
  }

  /// Gets a fresh session: refresh first, log in only when that fails.
  func renew(http: HTTPClient) throws(DeliveryError) {
    if let refreshToken = session.withLock({ $0?.refreshJwt }) {
      let request = HTTPRequest(
        method: "POST", url: service + "/xrpc/com.atproto.server.refreshSession",
        headers: [HTTPHeader(name: "Authorization", value: "Bearer " + refreshToken)])
      if let response = try? http.send(request), response.status == 200,
        let refreshed = parseSession(response.body)
      {
        try store(refreshed)
        return
      }
    }
    try login(http: http)
  }

  private func login(http: HTTPClient) throws(DeliveryError) {
    struct Body: Encodable {
      var identifier: String
      var password: String
    }
    let request = HTTPRequest(
      method: "POST", url: service + "/xrpc/com.atproto.server.createSession",
      headers: [HTTPHeader(name: "Content-Type", value: "application/json")],
      body: try JSON.encode(Body(identifier: handle, password: password)))
    let response: HTTPResponse
    do {
      response = try http.send(request)
    } catch {
      throw DeliveryError("bluesky: cannot log in: \(error)")
    }
    guard response.status == 200, let created = parseSession(response.body) else {
      let reason = JSON.message(response.body) ?? "HTTP \(response.status)"
      // 401 (AuthenticationRequired: a wrong password; AccountTakedown) will not pass by
      // itself; a 429 or 5xx may.
      let error = JSON.object(response.body)?["error"] as? String
      let refused =
        response.status == 401 || response.status == 403
        || (response.status == 400 && ["AuthenticationRequired", "AccountTakedown"].contains(error ?? ""))
      throw DeliveryError(
        "bluesky refused to log in as \(handle): \(reason)", isRefusedLogin: refused)
    }
    try store(created)
  }

  private func parseSession(_ data: Data) -> Session? {
    guard let object = JSON.object(data), let did = object["did"] as? String,
      let access = object["accessJwt"] as? String, let refresh = object["refreshJwt"] as? String
    else { return nil }
    return Session(
      did: did, handle: (object["handle"] as? String) ?? handle, accessJwt: access, refreshJwt: refresh)
  }

  private func store(_ new: Session) throws(DeliveryError) {
    session.withLock { $0 = new }
    guard let data = try? JSONEncoder().encode(new) else { return }
    try documents.write(data, name: sessionName)
  }

  /// The cached session's `getSession`, else a login (`createSession`) that is not kept:
  /// checking changes nothing, not even the session file.
  public func verify(http: HTTPClient, now: Date) throws(DeliveryError) -> String? {
    if let data = try? documents.read(sessionName),
      let cached = try? JSONDecoder().decode(Session.self, from: data),
      cached.handle.lowercased() == handle.lowercased(),
      let answer = try? verification(
        HTTPRequest(
          method: "GET", url: service + "/xrpc/com.atproto.server.getSession",
          headers: [HTTPHeader(name: "Authorization", value: "Bearer " + cached.accessJwt)]),
        network: network, http: http)
    {
      return "@" + ((answer["handle"] as? String) ?? handle) + " (the saved session)"
    }
    struct Body: Encodable {
      var identifier: String
      var password: String
    }
    let created = try verification(
      HTTPRequest(
        method: "POST", url: service + "/xrpc/com.atproto.server.createSession",
        headers: [HTTPHeader(name: "Content-Type", value: "application/json")],
        body: try JSON.encode(Body(identifier: handle, password: password))),
      network: network, http: http)
    return "@" + ((created["handle"] as? String) ?? handle)
      + ((created["did"] as? String).map { " (\($0))" } ?? "")
  }

  /// Bluesky's link card thumbnail: at most 1,000,000 bytes, JPEG or PNG; 2,000 px is as large
  /// as a card is ever shown.
  public static let pictures = PictureUse.upload(ImageLimits(maxBytes: 1_000_000, maxSide: 2000))
  /// How this client takes pictures: `pictures`.
  public var pictureUse: PictureUse { Self.pictures }

  /// A post is written under the record key chosen when it was queued.
  public var needsRecordKey: Bool { true }

  /// The steps of a post, told from what the finished ones recorded (`Job.progress`): the
  /// picture's blob uploaded first (when there is one), then the record that shows it.
  private enum Step {
    /// Upload the picture (`com.atproto.repo.uploadBlob`).
    case upload(file: String, mediaType: String)
    /// Write the record, with the uploaded blob as the card's thumbnail if there is one.
    case record(thumb: Blob?)

    init(_ job: Job) {
      if let progress = job.progress, !progress.isEmpty {
        self = .record(thumb: try? JSONDecoder().decode(Blob.self, from: Data(progress.utf8)))
      } else if let picture = job.picture, let file = picture.file {
        self = .upload(file: file, mediaType: picture.mediaType)
      } else {
        self = .record(thumb: nil)
      }
    }
  }

  /// A blob reference, as `uploadBlob` answers it and a record carries it.
  struct Blob: Codable, Equatable {
    struct Link: Codable, Equatable {
      var link: String
      enum CodingKeys: String, CodingKey { case link = "$link" }
    }
    var type = "blob"
    var ref: Link
    var mimeType: String
    var size: Int
    enum CodingKeys: String, CodingKey {
      case type = "$type"
      case ref, mimeType, size
    }
  }

  /// `com.atproto.repo.putRecord`'s body: an `app.bsky.feed.post` with its link card.
  private struct PutRecord: Encodable {
    struct Post: Encodable {
      var type = "app.bsky.feed.post"
      var text: String
      var createdAt: String
      var embed: Embed
      var langs: [String]?
      var facets: [Facet]?
      enum CodingKeys: String, CodingKey {
        case type = "$type"
        case text, createdAt, embed, langs, facets
      }
    }
    struct Embed: Encodable {
      var type = "app.bsky.embed.external"
      var external: External
      enum CodingKeys: String, CodingKey {
        case type = "$type"
        case external
      }
    }
    struct External: Encodable {
      var uri: String
      var title: String
      var description: String
      var thumb: Blob?
    }
    var repo: String
    var collection = "app.bsky.feed.post"
    var rkey: String
    var record: Post
  }

  /// Only the record makes the post: a job with a picture and no recorded step is uploading
  /// it (a picture left out is recorded before the record goes).
  public func mayPost(_ job: Job) -> Bool {
    !(job.progress ?? "").isEmpty || job.payload.image == nil
  }

  /// The request for the job's next step.
  public func request(for job: Job, now: Date) throws(DeliveryError) -> HTTPRequest {
    let current = session.withLock { $0 }
    let authorization = HTTPHeader(name: "Authorization", value: "Bearer " + (current?.accessJwt ?? ""))
    switch Step(job) {
    case .upload(let file, let mediaType):
      guard let bytes = FileManager.default.contents(atPath: file) else {
        throw DeliveryError("bluesky: the resized image \(file) is gone; it is made again at the next run")
      }
      return HTTPRequest(
        method: "POST", url: service + "/xrpc/com.atproto.repo.uploadBlob",
        headers: [authorization, HTTPHeader(name: "Content-Type", value: mediaType)], body: bytes)
    case .record(let thumb):
      let payload = job.payload
      let body = PutRecord(
        repo: current?.did ?? handle, rkey: payload.recordKey ?? "",
        record: .init(
          text: payload.text, createdAt: payload.createdAt,
          embed: .init(
            external: .init(
              uri: payload.permalink, title: payload.title, description: payload.summary ?? "", thumb: thumb)),
          langs: payload.language.map { [$0] }, facets: payload.facets.isEmpty ? nil : payload.facets))
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
      guard let data = try? encoder.encode(body) else {
        throw DeliveryError("bluesky: cannot encode the record")
      }
      return HTTPRequest(
        method: "POST", url: service + "/xrpc/com.atproto.repo.putRecord",
        headers: [authorization, HTTPHeader(name: "Content-Type", value: "application/json")], body: data)
    }
  }

  /// What the answer to the job's step means.
  public func outcome(of response: HTTPResponse, for job: Job, now: Date) -> Outcome {
    if case .upload = Step(job) {
      if (200..<300).contains(response.status) {
        guard let blob = JSON.object(response.body)?["blob"],
          let data = try? JSONSerialization.data(withJSONObject: blob),
          let parsed = try? JSONDecoder().decode(Blob.self, from: data),
          let progress = try? JSONEncoder().encode(parsed)
        else { return .retry(reason: "the server's answer to the image upload had no blob", after: nil) }
        return .step(progress: String(decoding: progress, as: UTF8.self))
      }
      // A picture the server will not take is left out; the post still goes.
      if [400, 413, 415].contains(response.status) { return .step(progress: Job.noPicture) }
    }
    guard (200..<300).contains(response.status) else {
      return .failure(response, now: now, message: JSON.message(response.body))
    }
    guard let uri = JSON.object(response.body)?["uri"] as? String else {
      // putRecord under the same key is a no-op the second time: ask again for the URI.
      return .retry(reason: "the server's answer had no record URI", after: nil)
    }
    return .sent(remoteID: uri, url: Self.webURL(of: uri))
  }

  /// An expired access token is renewed once and the request sent again.
  public func renewedSession(after response: HTTPResponse, http: HTTPClient) throws(DeliveryError) -> Bool {
    guard needsNewSession(response) else { return false }
    try renew(http: http)
    return true
  }

  /// Where people see the post of an `at://DID/app.bsky.feed.post/RKEY` record.
  static func webURL(of uri: String) -> String? {
    let parts = uri.dropFirst("at://".count).split(separator: "/")
    guard uri.hasPrefix("at://"), parts.count == 3, parts[1] == "app.bsky.feed.post" else { return nil }
    return "https://bsky.app/profile/\(parts[0])/post/\(parts[2])"
  }

  /// Whether the answer says the access token expired, so a renewed session should resend.
  func needsNewSession(_ response: HTTPResponse) -> Bool {
    guard response.status == 400 || response.status == 401 else { return false }
    let error = JSON.object(response.body)?["error"] as? String
    return ["ExpiredToken", "InvalidToken", "AuthenticationRequired", "AuthMissing"].contains(error ?? "")
  }
}
