public import Foundation
public import HTTP

/// LinkedIn: `POST /rest/posts` with an article card for the permalink. LinkedIn has no
/// idempotency key, so a job a crash left under way is not sent again blindly.
public struct LinkedInClient: NetworkClient {
  /// The network, as jobs name it.
  public let network = "linkedin"
  /// The account posts go to.
  public var account: String { author }
  /// Whether a repeated request is harmless.
  public let isIdempotent = false
  private let server: String
  private let token: String
  private let author: String

  /// The API version Herald speaks (`LinkedIn-Version`).
  public static let apiVersion = "202505"

  /// A client posting as `author` (`urn:li:organization:…` or `urn:li:person:…`).
  public init(server: String, token: String, author: String) {
    self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
    self.token = token
    self.author = author
  }

  /// The request for `job`.
  public func request(for job: Job, now: Date) throws(DeliveryError) -> HTTPRequest {
    let body: [String: Any] = [
      "author": author,
      "commentary": Self.littleText(job.payload.text),
      "visibility": "PUBLIC",
      "distribution": [
        "feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": [],
      ],
      "content": [
        "article": [
          "source": job.payload.permalink, "title": job.payload.title,
          "description": job.payload.summary ?? "",
        ]
      ],
      "lifecycleState": "PUBLISHED",
      "isReshareDisabledByAuthor": false,
    ]
    guard
      let data = try? JSONSerialization.data(
        withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
    else { throw DeliveryError("linkedin: cannot encode the post") }
    return HTTPRequest(
      method: "POST", url: server + "/rest/posts",
      headers: [
        HTTPHeader(name: "Authorization", value: "Bearer " + token),
        HTTPHeader(name: "Content-Type", value: "application/json"),
        HTTPHeader(name: "LinkedIn-Version", value: Self.apiVersion),
        HTTPHeader(name: "X-Restli-Protocol-Version", value: "2.0.0"),
      ],
      body: data)
  }

  /// What the answer to `job`'s request means.
  public func outcome(of response: HTTPResponse, for job: Job, now: Date) -> Outcome {
    if (200..<300).contains(response.status) { return .sent(remoteID: response.header("x-restli-id")) }
    return .failure(response, now: now, message: JSON.message(response.body))
  }

  /// LinkedIn's "little text" format reserves these characters; escaped, they show as typed.
  static func littleText(_ text: String) -> String {
    var result = ""
    for character in text {
      if "\\|{}@[]()<>#*_~".contains(character) { result.append("\\") }
      result.append(character)
    }
    return result
  }
}
