public import Foundation
public import HTTP
internal import OAuth1
public import Social

/// X: `POST /2/tweets` signed with OAuth 1.0a (HMAC-SHA1). X has no idempotency key; a
/// repeated tweet is refused as "duplicate content", which tells Herald the first went out.
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

  /// A client for `server` (`https://api.x.com`) with a user's OAuth 1.0a keys.
  public init(
    server: String, consumerKey: String, consumerSecret: String, token: String, tokenSecret: String,
    name: String? = nil, keyPrefix: String = "X"
  ) {
    self.server = AccountIdentity.normalisedURL(server)
    account = AccountIdentity.make(self.server, name: name)
    credentialKeys =
      "\(keyPrefix)_CONSUMER_KEY, \(keyPrefix)_CONSUMER_SECRET, \(keyPrefix)_ACCESS_TOKEN and \(keyPrefix)_ACCESS_TOKEN_SECRET"
    credentials = OAuth1Credentials(
      consumerKey: consumerKey, consumerSecret: consumerSecret, token: token, tokenSecret: tokenSecret)
  }

  private struct Body: Encodable {
    var text: String
  }

  /// The request for `job`.
  public func request(for job: Job, now: Date) throws(DeliveryError) -> HTTPRequest {
    let url = server + "/2/tweets"
    // The signature's timestamp is the real clock's: X refuses one more than minutes off.
    let authorization = OAuth1.authorizationHeader(
      method: "POST", url: url, credentials: credentials, nonce: Self.nonce(),
      timestamp: Int(Date().timeIntervalSince1970))
    return HTTPRequest(
      method: "POST", url: url,
      headers: [
        HTTPHeader(name: "Authorization", value: authorization),
        HTTPHeader(name: "Content-Type", value: "application/json"),
      ],
      body: try JSON.encode(Body(text: job.payload.text)))
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

  /// What the answer to `job`'s request means.
  public func outcome(of response: HTTPResponse, for job: Job, now: Date) -> Outcome {
    if (200..<300).contains(response.status) {
      let data = JSON.object(response.body)?["data"] as? [String: Any]
      let id = data?["id"] as? String
      return .sent(remoteID: id, url: id.map { "https://x.com/i/web/status/\($0)" })
    }
    let message = JSON.message(response.body)
    if response.status == 403, message?.lowercased().contains("duplicate") == true {
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
