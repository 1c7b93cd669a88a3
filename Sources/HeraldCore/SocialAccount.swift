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
    NetworkRegistry.entry(network).requiredKeys.map { prefix + "_" + $0 }.filter { credentials[$0] == nil }
  }

  private static func client(
    _ network: Network, prefix: String, name: String?, _ configuration: HeraldConfiguration,
    _ credentials: Credentials
  ) -> (any NetworkClient)? {
    guard missingKeys(network, prefix: prefix, credentials: credentials).isEmpty else { return nil }
    let keys = credentials.keys(prefix: prefix)
    return NetworkRegistry.entry(network).client(
      keys, NetworkEntry.Context(configuration: configuration, name: name, prefix: prefix))
  }
}
