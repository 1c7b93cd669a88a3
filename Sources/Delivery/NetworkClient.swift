public import Foundation
public import HTTP
public import Images
public import Social

/// One network's side of delivery: the request a job becomes, and what the answer means.
public protocol NetworkClient: Sendable {
  /// The network.
  var network: Network { get }
  /// The account posts go to, as an identity (`AccountIdentity`): a server or handle, never a
  /// secret, spelled one way however the configuration spells it.
  var account: String { get }
  /// The credential keys a refused login or token points the user to (`MASTODON_TOKEN`).
  var credentialKeys: String { get }
  /// A fingerprint of the credentials a login uses, for clients that log in (Bluesky): a
  /// refused login is not tried again until it changes. Nil for clients without a login.
  var loginFingerprint: String? { get }
  /// Whether sending the same job twice is harmless (the network dedupes by key), so a job a
  /// crash left under way can simply be sent again.
  var isIdempotent: Bool { get }
  /// Gets ready to send (a login, say); called once per run before the first request.
  func prepare(http: HTTPClient, now: Date) throws(DeliveryError)
  /// The request for `job`.
  func request(for job: Job, now: Date) throws(DeliveryError) -> HTTPRequest
  /// What the network's answer means.
  func outcome(of response: HTTPResponse, for job: Job, now: Date) -> Outcome
  /// Checks the credentials with a read-only call (`check --online`), sending nothing:
  /// the account as the network names it, or nil where no call can tell without posting.
  /// A refused credential throws with `isRefusedLogin`.
  func verify(http: HTTPClient, now: Date) throws(DeliveryError) -> String?
  /// How the network takes a post's picture.
  var pictureUse: PictureUse { get }
  /// Whether the job's request, at the step its recorded progress says, may make the post
  /// itself rather than a step towards it (an upload, a container): a failure then may have
  /// posted, so the job's request is frozen. When in doubt, true.
  func mayPost(_ job: Job) -> Bool
  /// Whether a job a crash left under way may be sent again: always when the network dedupes
  /// (`isIdempotent`), else only while its next step cannot make a post.
  func mayResend(_ job: Job) -> Bool
  /// Whether a job needs a record key chosen when it is queued (Bluesky's `rkey`).
  var needsRecordKey: Bool { get }
  /// After `response`, whether the session was renewed so the same request should be sent
  /// again (an expired access token); clients without sessions never renew.
  func renewedSession(after response: HTTPResponse, http: HTTPClient) throws(DeliveryError) -> Bool
}

/// How a network takes a post's picture.
public enum PictureUse: Sendable, Equatable {
  /// It shows none, or builds its card from the page itself.
  case none
  /// It is uploaded with the post: a variant made to these limits.
  case upload(ImageLimits)
  /// The network fetches it from its public URL: the original must already meet these limits.
  case link(ImageLimits)
}

extension NetworkClient {
  /// Nothing to prepare.
  public func prepare(http: HTTPClient, now: Date) throws(DeliveryError) {}
  /// No login.
  public var loginFingerprint: String? { nil }
  /// Nothing to check without posting.
  public func verify(http: HTTPClient, now: Date) throws(DeliveryError) -> String? { nil }
  /// No picture.
  public var pictureUse: PictureUse { .none }
  /// A post of one request: every request may make it.
  public func mayPost(_ job: Job) -> Bool { true }
  /// A network that dedupes is sent a job again; another only before its posting step.
  public func mayResend(_ job: Job) -> Bool { isIdempotent || !mayPost(job) }
  /// No record key.
  public var needsRecordKey: Bool { false }
  /// No session to renew.
  public func renewedSession(after response: HTTPResponse, http: HTTPClient) throws(DeliveryError) -> Bool {
    false
  }
}

/// A read-only request for `check --online`: the answer's JSON object when it is a success;
/// a refused credential (401, 403) or any other failure thrown in the network's words.
func verification(
  _ request: HTTPRequest, network: Network, http: HTTPClient
) throws(DeliveryError) -> [String: Any] {
  let response: HTTPResponse
  do {
    response = try http.send(request)
  } catch {
    throw DeliveryError("\(network): cannot check the account: \(error)")
  }
  let message = JSON.message(response.body).map { "\(response.status): \($0)" } ?? "HTTP \(response.status)"
  guard (200..<300).contains(response.status) else {
    throw DeliveryError(
      "\(network) refused the credentials: \(message)", isRefusedLogin: [401, 403].contains(response.status))
  }
  return JSON.object(response.body) ?? [:]
}

/// What became of one request.
public enum Outcome: Sendable, Equatable {
  /// The network has the post: its id there, and where people see it.
  case sent(remoteID: String?, url: String? = nil)
  /// One step of several is done (a Threads container made): `progress` is recorded, then the
  /// next step's request is sent.
  case step(progress: String)
  /// Try again later (after `after` if the server said when).
  case retry(reason: String, after: Date?)
  /// The network refuses; only `queue retry` or `queue cancel` changes that.
  case failed(reason: String)
  /// Rate-limited: this account waits until `until`; the job is tried again then.
  case rateLimited(until: Date, reason: String)
  /// The credentials (or a setting, `keys`) were refused (401, 403): the account stops for
  /// the run and its jobs wait for the fix, instead of failing one by one.
  case unauthorized(reason: String, keys: String? = nil)

  /// The usual meaning of an HTTP status that is not a success, as `RetryPolicy` decides,
  /// with the server's own message.
  static func failure(_ response: HTTPResponse, now: Date, message: String?) -> Outcome {
    let detail = message.map { "\(response.status): \($0)" } ?? "HTTP \(response.status)"
    switch RetryPolicy.decision(forStatus: response.status) {
    case .stopAccount:
      return .unauthorized(reason: detail)
    case .waitForLimit:
      return .rateLimited(
        until: RateLimit.resetDate(response, now: now) ?? now.addingTimeInterval(900), reason: detail)
    case .job, .network:
      return .retry(reason: detail, after: RateLimit.retryAfter(response, now: now))
    case .fail:
      return .failed(reason: detail)
    }
  }
}

/// Reading the rate-limit headers each network sends.
public enum RateLimit {
  /// The longest Herald waits on a server's word: no network's limits reset later than a
  /// day ahead, and a value past that (or not a number at all, such as `1e999`) would stop
  /// a network for good.
  public static let longestWait: TimeInterval = 86_400

  /// `Retry-After` as seconds or an HTTP date.
  public static func retryAfter(_ response: HTTPResponse, now: Date) -> Date? {
    guard let value = response.header("retry-after")?.trimmingCharacters(in: .whitespaces) else { return nil }
    if let seconds = Double(value), seconds >= 0, seconds < 7 * 86_400 {
      return bounded(now.addingTimeInterval(seconds), now: now)
    }
    return HeaderDate.imfFixdate(value).flatMap { bounded($0, now: now) }
  }

  /// `date`, no later than `longestWait` from now; nil when it is no instant at all.
  static func bounded(_ date: Date, now: Date) -> Date? {
    guard date.timeIntervalSince1970.isFinite else { return nil }
    return min(date, now.addingTimeInterval(longestWait))
  }

  /// When the limit resets: `Retry-After`, else `X-RateLimit-Reset` / `ratelimit-reset` /
  /// `x-rate-limit-reset` as ISO 8601 (Mastodon) or epoch seconds (Bluesky, X, mastodon-mock).
  public static func resetDate(_ response: HTTPResponse, now: Date) -> Date? {
    if let after = retryAfter(response, now: now) { return after }
    for name in ["x-ratelimit-reset", "ratelimit-reset", "x-rate-limit-reset"] {
      guard let value = response.header(name)?.trimmingCharacters(in: .whitespaces) else { continue }
      if let number = Double(value) {
        guard number.isFinite, number >= 0 else { continue }
        let date =
          number > 1_000_000_000 ? Date(timeIntervalSince1970: number) : now.addingTimeInterval(number)
        return bounded(date, now: now)
      }
      if let date = HeaderDate.rfc3339(value) { return bounded(date, now: now) }
    }
    return nil
  }

  /// Whether the answer says no requests are left (`X-RateLimit-Remaining: 0`).
  public static func exhausted(_ response: HTTPResponse) -> Bool {
    for name in ["x-ratelimit-remaining", "ratelimit-remaining", "x-rate-limit-remaining"] {
      if let value = response.header(name), Int(value.trimmingCharacters(in: .whitespaces)) == 0 {
        return true
      }
    }
    return false
  }
}

/// Small JSON helpers for requests and answers.
enum JSON {
  /// `value` as compact JSON with sorted keys (the same job gives the same bytes).
  static func encode(_ value: some Encodable) throws(DeliveryError) -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    do { return try encoder.encode(value) } catch { throw DeliveryError("cannot encode a request: \(error)") }
  }

  /// The top-level object of a JSON answer, if it is one.
  static func object(_ data: Data) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
  }

  /// The server's own words for an error: `error`, `message`, `detail`, `error_description`.
  static func message(_ data: Data) -> String? {
    guard let object = object(data) else {
      let text = String(decoding: data.prefix(300), as: UTF8.self).trimmingCharacters(
        in: .whitespacesAndNewlines)
      return text.isEmpty || text.hasPrefix("<") ? nil : text
    }
    let parts = ["error", "message", "detail", "error_description", "title"].compactMap {
      object[$0] as? String
    }
    var seen = Set<String>()
    let unique = parts.filter { seen.insert($0).inserted }
    return unique.isEmpty ? nil : unique.joined(separator: ": ")
  }
}
