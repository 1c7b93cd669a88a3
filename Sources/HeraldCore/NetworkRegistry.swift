public import Delivery
internal import Foundation
internal import Posts
public import Social

/// Everything Herald knows of a network besides how it counts (Social's `NetworkProfile`) and
/// how it talks (its client in Delivery): its credential keys, which it cannot do without,
/// which are no secret, the profile an account's posts are measured with, and how an
/// account's client is made. Credentials, `check`, `preview`, the dry run's redaction and the
/// fuzz targets all follow from here: a new network is a profile, a client and an entry.
public struct NetworkEntry: Sendable {
  /// An account's keys, by their name without the account's prefix (`TOKEN`).
  public typealias Keys = @Sendable (String) -> String?

  /// What a client is made with besides its keys.
  public struct Context: Sendable {
    /// The configuration.
    public var configuration: HeraldConfiguration
    /// The account's name in `social.accounts`; nil for the network's default account.
    public var name: String?
    /// The prefix of its keys (`MASTODON`, `OPENSTACK_MASTODON`).
    public var prefix: String

    /// A context for the account `name` (nil: the default account) whose keys start with `prefix`.
    public init(configuration: HeraldConfiguration, name: String?, prefix: String) {
      self.configuration = configuration
      self.name = name
      self.prefix = prefix
    }
  }

  /// The network.
  public var network: Network
  /// Every credential key, without the account's prefix (`URL`, `TOKEN`).
  public var keys: [String]
  /// The keys an account cannot do without; the others have defaults.
  public var requiredKeys: [String]
  /// Keys whose value is no secret (a public API's URL, a handle, a version); every other
  /// value is scrubbed from all Herald prints and stores.
  public var publicKeys: [String] = ["URL"]
  /// How an account's posts are measured (a webhook's depends on its format).
  public var profile: @Sendable (_ keys: Keys, _ configuration: HeraldConfiguration) -> NetworkProfile
  /// The client of an account whose required keys are all present.
  public var client: @Sendable (_ keys: Keys, _ context: Context) -> any NetworkClient
  /// How its clients take a post's picture under `configuration` (what `preview` shows).
  public var pictureUse: @Sendable (_ configuration: HeraldConfiguration) -> PictureUse = { _ in .none }
  /// What becomes of the picture when the network takes none, for `preview`.
  public var withoutPicture = "not sent"
}

/// The networks Herald speaks, one entry each.
public enum NetworkRegistry {
  /// The entry of `network`.
  public static func entry(_ network: Network) -> NetworkEntry {
    switch network {
    case .mastodon: mastodon
    case .bluesky: bluesky
    case .x: x
    case .linkedin: linkedin
    case .webhook: webhook
    case .threads: threads
    }
  }

  /// Every entry, in `Network` order.
  public static var entries: [NetworkEntry] { Network.allCases.map(entry) }

  static let mastodon = NetworkEntry(
    network: .mastodon, keys: ["URL", "TOKEN"], requiredKeys: ["URL", "TOKEN"],
    profile: { _, configuration in .mastodon(limit: configuration.social.mastodonLimit) },
    client: { key, context in
      MastodonClient(
        server: key("URL")!, token: key("TOKEN")!,
        visibility: context.configuration.social.mastodonVisibility,
        attachImage: context.configuration.social.mastodonAttachImage, name: context.name,
        keyPrefix: context.prefix)
    },
    pictureUse: { MastodonClient.pictures(attach: $0.social.mastodonAttachImage) },
    withoutPicture:
      "not attached: the server makes the link card from the page (social.mastodon_attach_image)")

  static let bluesky = NetworkEntry(
    network: .bluesky, keys: ["URL", "HANDLE", "APP_PASSWORD"], requiredKeys: ["HANDLE", "APP_PASSWORD"],
    publicKeys: ["URL", "HANDLE"],
    profile: { _, _ in .bluesky },
    client: { key, context in
      let service = key("URL") ?? "https://bsky.social"
      return BlueskyClient(
        service: service, handle: key("HANDLE")!, appPassword: key("APP_PASSWORD")!,
        documents: context.configuration.documents,
        fingerprint: fingerprint("bluesky login", service, key("HANDLE")!, key("APP_PASSWORD")!),
        name: context.name, keyPrefix: context.prefix)
    },
    pictureUse: { _ in BlueskyClient.pictures })

  static let x = NetworkEntry(
    network: .x, keys: ["URL", "CONSUMER_KEY", "CONSUMER_SECRET", "ACCESS_TOKEN", "ACCESS_TOKEN_SECRET"],
    requiredKeys: ["CONSUMER_KEY", "CONSUMER_SECRET", "ACCESS_TOKEN", "ACCESS_TOKEN_SECRET"],
    profile: { _, _ in .x },
    client: { key, context in
      XClient(
        server: key("URL") ?? "https://api.x.com", consumerKey: key("CONSUMER_KEY")!,
        consumerSecret: key("CONSUMER_SECRET")!, token: key("ACCESS_TOKEN")!,
        tokenSecret: key("ACCESS_TOKEN_SECRET")!, attachImage: context.configuration.social.xAttachImage,
        name: context.name, keyPrefix: context.prefix)
    },
    pictureUse: { XClient.pictures(attach: $0.social.xAttachImage) },
    withoutPicture: "not attached: X makes the card from the page's meta tags (social.x_attach_image)")

  static let linkedin = NetworkEntry(
    network: .linkedin, keys: ["URL", "TOKEN", "AUTHOR", "VERSION"], requiredKeys: ["TOKEN", "AUTHOR"],
    publicKeys: ["URL", "VERSION"],
    profile: { _, _ in .linkedin },
    client: { key, context in
      LinkedInClient(
        server: key("URL") ?? "https://api.linkedin.com", token: key("TOKEN")!, author: key("AUTHOR")!,
        version: key("VERSION"), name: context.name, keyPrefix: context.prefix)
    },
    pictureUse: { _ in LinkedInClient.pictures })

  // A webhook's URL carries its token: no key of it is public.
  static let webhook = NetworkEntry(
    network: .webhook, keys: ["URL", "FORMAT"], requiredKeys: ["URL"], publicKeys: ["FORMAT"],
    profile: { key, _ in .webhook(WebhookFormat(rawValue: key("FORMAT") ?? "") ?? .json) },
    client: { key, context in
      WebhookClient(
        url: key("URL")!, format: key("FORMAT") ?? "json", name: context.name, keyPrefix: context.prefix)
    },
    withoutPicture: "not sent: a webhook carries the text and the link")

  static let threads = NetworkEntry(
    network: .threads, keys: ["URL", "USER_ID", "TOKEN"], requiredKeys: ["USER_ID", "TOKEN"],
    publicKeys: ["URL", "USER_ID"],
    profile: { _, _ in .threads },
    client: { key, context in
      ThreadsClient(
        server: key("URL") ?? "https://graph.threads.net", userID: key("USER_ID")!, token: key("TOKEN")!,
        name: context.name, keyPrefix: context.prefix)
    },
    pictureUse: { _ in ThreadsClient.pictures })

  /// Stands for credentials in the state (a refused login is not retried until they change)
  /// without being them.
  static func fingerprint(_ fields: String...) -> String {
    var digest = FieldDigest()
    digest.add(fields)
    return String(digest.hex.prefix(32))
  }
}
