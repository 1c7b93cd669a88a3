internal import Delivery
public import Foundation

/// `check --online`: each account's credentials tried with a read-only call to its network.
public enum AccountCheck {
  /// What one account's check found.
  public struct Finding: Sendable {
    /// The account, as `check` names it (`mastodon`, `mastodon (openstack)`).
    public var label: String
    /// Who the network says the credentials belong to; nil when the check failed, or for a
    /// webhook, which cannot be checked without posting.
    public var identity: String?
    /// Why the check failed, in the network's words where it gave some.
    public var failure: String?
    /// The credential keys to check, when the network refused them.
    public var keysToCheck: String?
  }

  /// Checks each of `accounts` in turn.
  public static func run(_ accounts: [SocialAccount], configuration: HeraldConfiguration, now: Date)
    -> [Finding]
  {
    let http = Publisher.httpClient(configuration)
    return accounts.map { account in
      do throws(DeliveryError) {
        let identity = try account.client.verify(http: http, now: now)
        return Finding(label: account.label, identity: identity)
      } catch {
        return Finding(
          label: account.label, failure: error.message,
          keysToCheck: error.isRefusedLogin ? account.client.credentialKeys : nil)
      }
    }
  }
}
