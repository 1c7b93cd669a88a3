public import Foundation
public import HTTP
public import Social

/// Mastodon: `POST /api/v1/statuses` with the job's `Idempotency-Key`, so the server keeps
/// one status however often the request is repeated.
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

  /// A client for `server` with an access token (`write:statuses`); `visibility` is `public`
  /// or `unlisted`. `name` and `keyPrefix` are the account's in `social.accounts`.
  public init(
    server: String, token: String, visibility: String = "public", name: String? = nil,
    keyPrefix: String = "MASTODON"
  ) {
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
  }

  /// The request for `job`.
  public func request(for job: Job, now: Date) throws(DeliveryError) -> HTTPRequest {
    HTTPRequest(
      method: "POST", url: server + "/api/v1/statuses",
      headers: [
        HTTPHeader(name: "Authorization", value: "Bearer " + token),
        HTTPHeader(name: "Content-Type", value: "application/json"),
        HTTPHeader(name: "Idempotency-Key", value: job.idempotencyKey),
      ],
      body: try JSON.encode(
        Body(status: job.payload.text, visibility: visibility, language: job.payload.language)))
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

  /// What the answer to `job`'s request means.
  public func outcome(of response: HTTPResponse, for job: Job, now: Date) -> Outcome {
    guard (200..<300).contains(response.status) else {
      return .failure(response, now: now, message: JSON.message(response.body))
    }
    // A success without the status in it: sending again with the same key is harmless and
    // tells us its id.
    let status = JSON.object(response.body)
    guard let id = status?["id"] as? String else {
      return .retry(reason: "the server's answer had no status id", after: nil)
    }
    return .sent(remoteID: id, url: status?["url"] as? String)
  }
}
