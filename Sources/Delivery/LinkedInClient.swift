public import Foundation
public import HTTP
public import Social

/// LinkedIn: `POST /rest/posts` with an article card for the permalink. LinkedIn has no
/// idempotency key, so a job a crash left under way is not sent again blindly.
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
        HTTPHeader(name: "LinkedIn-Version", value: version),
        HTTPHeader(name: "X-Restli-Protocol-Version", value: "2.0.0"),
      ],
      body: data)
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

  /// What the answer to `job`'s request means.
  public func outcome(of response: HTTPResponse, for job: Job, now: Date) -> Outcome {
    if (200..<300).contains(response.status) {
      let urn = response.header("x-restli-id")
      return .sent(remoteID: urn, url: urn.map { "https://www.linkedin.com/feed/update/\($0)" })
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
