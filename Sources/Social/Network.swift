/// A social network Herald announces posts on.
public enum Network: String, CaseIterable, Sendable, Codable {
  /// Mastodon and compatible servers.
  case mastodon
  /// Bluesky (AT Protocol).
  case bluesky
  /// X, formerly Twitter.
  case x
  /// LinkedIn.
  case linkedin
  /// An incoming webhook: Slack, Discord or plain JSON.
  case webhook
  /// Threads, by Meta.
  case threads

  /// Every network's name, for messages: `mastodon, bluesky, …`.
  public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// The body a webhook expects, which decides its length limit.
public enum WebhookFormat: String, CaseIterable, Sendable, Codable {
  /// Slack's incoming webhooks (`text`, 40,000 characters).
  case slack
  /// Discord's webhooks (`content`, 2,000 characters).
  case discord
  /// Herald's own JSON document, with no limit.
  case json
}
