public import Delivery
internal import Foundation
public import Posts
public import Social

/// One account social posts go to: a network's default account (its keys are the network's:
/// `MASTODON_TOKEN`) or one of `social.accounts` (its own prefix: `OPENSTACK_MASTODON_TOKEN`),
/// with the categories it announces and the client that sends to it.
public struct SocialAccount: Sendable {
  /// The network.
  public var network: Network
  /// The name in `social.accounts`; nil for the network's default account.
  public var name: String?
  /// The prefix of its credential keys (`MASTODON`, `OPENSTACK_MASTODON`).
  public var prefix: String
  /// The categories (lowercased labels or values) whose posts it announces; empty: all.
  public var categories: [String]
  /// The client that sends to it.
  public var client: any NetworkClient

  /// How people name it: `mastodon`, or `mastodon (openstack)`.
  public var label: String { name.map { "\(network.rawValue) (\($0))" } ?? network.rawValue }

  /// Whether `post` goes to this account: every post, or those in one of its categories.
  public func announces(_ post: Post) -> Bool {
    categories.isEmpty
      || post.categories.contains {
        categories.contains($0.label.lowercased()) || categories.contains($0.value.lowercased())
      }
  }

  /// The keys an account of `network` needs (`URL` and `TOKEN` for Mastodon), unprefixed;
  /// the others (`BLUESKY_URL`, `LINKEDIN_VERSION`…) have defaults.
  public static func requiredKeys(_ network: Network) -> [String] {
    switch network {
    case .mastodon: ["URL", "TOKEN"]
    case .bluesky: ["HANDLE", "APP_PASSWORD"]
    case .x: ["CONSUMER_KEY", "CONSUMER_SECRET", "ACCESS_TOKEN", "ACCESS_TOKEN_SECRET"]
    case .linkedin: ["TOKEN", "AUTHOR"]
    case .webhook: ["URL"]
    }
  }

  /// The accounts `credentials` turn on: each network's default account whose keys are all
  /// present, then each account of `social.accounts` whose keys are.
  public static func configured(
    _ configuration: HeraldConfiguration, credentials: Credentials
  ) -> [SocialAccount] {
    var accounts: [SocialAccount] = []
    for network in Network.allCases {
      let prefix = network.rawValue.uppercased()
      if let client = client(network, prefix: prefix, name: nil, configuration, credentials) {
        accounts.append(
          SocialAccount(network: network, name: nil, prefix: prefix, categories: [], client: client))
      }
    }
    for account in configuration.social.accounts {
      guard let network = Network(rawValue: account.network),
        let client = client(
          network, prefix: account.credentials, name: account.name, configuration, credentials)
      else { continue }
      accounts.append(
        SocialAccount(
          network: network, name: account.name, prefix: account.credentials, categories: account.categories,
          client: client))
    }
    return accounts
  }

  /// The keys an account with `prefix` lacks, in full (`OPENSTACK_MASTODON_TOKEN`).
  public static func missingKeys(_ network: Network, prefix: String, credentials: Credentials) -> [String] {
    requiredKeys(network).map { prefix + "_" + $0 }.filter { credentials[$0] == nil }
  }

  private static func client(
    _ network: Network, prefix: String, name: String?, _ configuration: HeraldConfiguration,
    _ credentials: Credentials
  ) -> (any NetworkClient)? {
    guard missingKeys(network, prefix: prefix, credentials: credentials).isEmpty else { return nil }
    let key = { (suffix: String) in credentials[prefix + "_" + suffix] }
    switch network {
    case .mastodon:
      return MastodonClient(
        server: key("URL")!, token: key("TOKEN")!, visibility: configuration.social.mastodonVisibility,
        name: name, keyPrefix: prefix)
    case .bluesky:
      let service = key("URL") ?? "https://bsky.social"
      // Stands for the credentials in the queue (a refused login is not retried until they
      // change) without being them.
      var fingerprint = FieldDigest()
      fingerprint.add(["herald bluesky login", service, key("HANDLE")!, key("APP_PASSWORD")!])
      return BlueskyClient(
        service: service, handle: key("HANDLE")!, appPassword: key("APP_PASSWORD")!,
        stateFolder: configuration.state.url, fingerprint: String(fingerprint.hex.prefix(32)), name: name,
        keyPrefix: prefix)
    case .x:
      return XClient(
        server: key("URL") ?? "https://api.x.com", consumerKey: key("CONSUMER_KEY")!,
        consumerSecret: key("CONSUMER_SECRET")!, token: key("ACCESS_TOKEN")!,
        tokenSecret: key("ACCESS_TOKEN_SECRET")!, name: name, keyPrefix: prefix)
    case .linkedin:
      return LinkedInClient(
        server: key("URL") ?? "https://api.linkedin.com", token: key("TOKEN")!, author: key("AUTHOR")!,
        version: key("VERSION"), name: name, keyPrefix: prefix)
    case .webhook:
      return WebhookClient(url: key("URL")!, format: key("FORMAT") ?? "json", name: name, keyPrefix: prefix)
    }
  }
}
