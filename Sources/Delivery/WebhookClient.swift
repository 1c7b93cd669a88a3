public import Foundation
public import HTTP

/// A webhook: Slack (`{"text"}`), Discord (`{"content"}`) or Herald's own JSON.
public struct WebhookClient: NetworkClient {
  /// The network, as jobs name it.
  public let network = "webhook"
  /// The account posts go to: the webhook's host only, since its URL is a secret.
  public let account: String
  /// Whether a repeated request is harmless.
  public let isIdempotent = false
  private let url: String
  private let format: String

  /// A client for the webhook at `url` (itself a secret: `account` holds only its host).
  public init(url: String, format: String) {
    self.url = url
    self.format = format
    let parsed = URL(string: url)
    account = "webhook:" + (parsed?.host ?? "unknown") + (parsed?.port.map { ":\($0)" } ?? "")
  }

  /// The request for `job`.
  public func request(for job: Job, now: Date) throws(DeliveryError) -> HTTPRequest {
    let body: [String: Any]
    switch format {
    case "slack": body = ["text": job.payload.text, "unfurl_links": true]
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

  /// What the answer to `job`'s request means.
  public func outcome(of response: HTTPResponse, for job: Job, now: Date) -> Outcome {
    if (200..<300).contains(response.status) { return .sent(remoteID: nil) }
    return .failure(response, now: now, message: JSON.message(response.body))
  }
}
