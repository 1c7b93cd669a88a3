public import Foundation
public import HTTP
public import Social

/// A webhook: Slack (`{"text"}`), Discord (`{"content"}`) or Herald's own JSON.
public struct WebhookClient: NetworkClient {
  /// The network.
  public let network = Network.webhook
  /// The account posts go to: the webhook's host only, since its URL is a secret (and the
  /// account's name, for one of `social.accounts`, since two hooks may share a host).
  public let account: String
  /// The key to check when the hook refuses the message.
  public let credentialKeys: String
  /// Whether a repeated request is harmless.
  public let isIdempotent = false
  private let url: String
  private let format: String

  /// A client for the webhook at `url` (itself a secret: `account` holds only its host).
  public init(url: String, format: String, name: String? = nil, keyPrefix: String = "WEBHOOK") {
    self.url = url
    self.format = format
    let normalised = AccountIdentity.normalisedURL(url)
    let authority = normalised.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first
    account = AccountIdentity.make("webhook:" + (authority.map(String.init) ?? "unknown"), name: name)
    credentialKeys = "\(keyPrefix)_URL"
  }

  /// The request for `job`.
  public func request(for job: Job, now: Date) throws(DeliveryError) -> HTTPRequest {
    let body: [String: Any]
    switch format {
    case "slack": body = ["text": Self.slackEscaped(job.payload.text), "unfurl_links": true]
    case "discord": body = ["content": job.payload.text, "allowed_mentions": ["parse": []]]
    default:
      body = [
        "text": job.payload.text,
        "post": [
          "id": job.postID, "url": job.payload.permalink, "title": job.payload.title,
          "summary": job.payload.summary ?? "",
        ],
      ]
    }
    guard
      let data = try? JSONSerialization.data(
        withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
    else { throw DeliveryError("webhook: cannot encode the message") }
    return HTTPRequest(
      method: "POST", url: url, headers: [HTTPHeader(name: "Content-Type", value: "application/json")],
      body: data)
  }

  /// Slack reads `<…>` as commands (`<!channel>` notifies everyone) and links with a label of
  /// the sender's choosing; a post's words are text, so `&`, `<` and `>` are escaped as Slack
  /// documents, and nothing else.
  static func slackEscaped(_ text: String) -> String {
    var result = ""
    for character in text {
      switch character {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      default: result.append(character)
      }
    }
    return result
  }

  /// What the answer to `job`'s request means.
  public func outcome(of response: HTTPResponse, for job: Job, now: Date) -> Outcome {
    if (200..<300).contains(response.status) { return .sent(remoteID: nil) }
    return .failure(response, now: now, message: JSON.message(response.body))
  }
}
