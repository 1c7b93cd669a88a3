public import Foundation
public import Posts
public import Social

/// One post's social post for one network: the text, or why there is none, and when it goes.
public struct SocialPlan: Sendable {
  /// The network.
  public var network: Network
  /// The network's name for people ("X", "Discord webhook").
  public var networkName: String
  /// The limit, nil where there is none.
  public var limit: Int?
  /// The composed post, or why the text cannot be made.
  public var post: Result<ComposedPost, SocialError>
  /// When it goes out.
  public var schedule: Schedule

  /// Why no text fits, in words that name the network once.
  public var compositionError: String? {
    guard case .failure(let error) = post else { return nil }
    let text = error.description
    return text.hasPrefix(networkName + ":") ? text : "\(networkName): \(text)"
  }

  /// When a social post goes out.
  public enum Schedule: Sendable, Equatable {
    /// At this instant (or at the first run after it).
    case at(Date)
    /// Never, for this reason.
    case never(String)

    /// The instant, when there is one.
    public var date: Date? {
      if case .at(let date) = self { return date }
      return nil
    }
  }
}

/// Decides each post's social posts: the networks, their texts (through `Social`), and when
/// they fall due under the configuration's rules.
public struct SocialPlanner: Sendable {
  private let configuration: HeraldConfiguration
  private let credentials: Credentials

  /// A planner for a site and its credentials.
  public init(configuration: HeraldConfiguration, credentials: Credentials) {
    self.configuration = configuration
    self.credentials = credentials
  }

  /// The networks with at least one account whose credentials are present.
  public var enabledNetworks: [Network] {
    let on = Set(SocialAccount.configured(configuration, credentials: credentials).map(\.network))
    return Network.allCases.filter(on.contains)
  }

  /// How `network` counts, as configured; a webhook's format is its account's (`prefix`).
  public func profile(for network: Network, prefix: String? = nil) -> NetworkProfile {
    NetworkRegistry.entry(network).profile(
      credentials.keys(prefix: prefix ?? Credentials.defaultPrefix(network)), configuration)
  }

  /// The social post of `post` for one account, as it stands at `now`.
  public func plan(for post: Post, account: SocialAccount, now: Date) -> SocialPlan {
    let profile = profile(for: account.network, prefix: account.prefix)
    let schedule: SocialPlan.Schedule =
      account.announces(post)
      ? schedule(post, network: account.network, now: now)
      : .never("not in the categories of \(account.label)")
    return SocialPlan(
      network: account.network, networkName: profile.name, limit: profile.limit,
      post: compose(post, profile: profile), schedule: schedule)
  }

  /// The social posts of `post` on `networks`, as they stand at `now`.
  public func plans(for post: Post, networks: [Network], now: Date) -> [SocialPlan] {
    networks.map { network in
      let profile = profile(for: network)
      return SocialPlan(
        network: network, networkName: profile.name, limit: profile.limit,
        post: compose(post, profile: profile), schedule: schedule(post, network: network, now: now))
    }
  }

  private func compose(_ post: Post, profile: NetworkProfile) -> Result<ComposedPost, SocialError> {
    let override = post.syndication.networks[profile.network.rawValue]
    let social = configuration.social
    let extraTags = post.categories.compactMap { social.categoryHashtags[$0.label.lowercased()] }
    // A post's own text stands in for its title and summary; the link and hashtag are still
    // added, so the promises hold for hand-written text too.
    let parts = PostParts(
      title: override?.text ?? post.title,
      summary: override?.text == nil ? post.summary ?? "" : "",
      permalink: post.permalink,
      hashtag: social.hashtag,
      extraHashtags: extraTags,
      via: post.twitterUsername)
    return Result { () throws(SocialError) in
      try SocialComposer(profile: profile, template: social.templates[profile.network.rawValue])
        .compose(parts)
    }
  }

  /// When `post` goes to `network`: at its date (or `syndication.at`), unless a rule says never.
  public func schedule(_ post: Post, network: Network, now: Date) -> SocialPlan.Schedule {
    let social = configuration.social
    switch post.status(at: now, hiddenPosts: configuration.hiddenPosts) {
    case .draft: return .never("a draft")
    case .excluded:
      return .never(post.isHidden ? "hidden, and hidden_posts is exclude" : "template \(post.templateKey)")
    case .published, .scheduled: break
    }
    if post.syndication.skip { return .never("syndication: skip") }
    if post.syndication.networks[network.rawValue]?.skip == true {
      return .never("syndication.\(network.rawValue).skip")
    }
    if let since = social.announceSince, post.date < since {
      return .never("published before announce_since (\(Timestamp.rfc3339(since)))")
    }
    let due = post.syndication.at ?? post.date
    if now.timeIntervalSince(due) > social.maxAge {
      return .never("more than \(Self.describe(social.maxAge)) old (max_age)")
    }
    return .at(due)
  }

  /// `7d`, `10m`, `90s`: durations as the configuration writes them.
  public static func describe(_ interval: TimeInterval) -> String {
    for (unit, seconds) in [("d", 86_400.0), ("h", 3600), ("m", 60)]
    where interval >= seconds && interval.truncatingRemainder(dividingBy: seconds) == 0 {
      return "\(Int(interval / seconds))\(unit)"
    }
    return "\(Int(interval))s"
  }
}
