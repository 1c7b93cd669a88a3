public import Foundation

/// Where a post stands at a given instant: what `preview` shows and feeds obey.
public enum PostStatus: String, Sendable, Codable, CaseIterable {
  /// In the feeds (and, when due, in social posts).
  case published
  /// Dated after now: it appears when its date comes.
  case scheduled
  /// `draft: true`: never published while it says so.
  case draft
  /// Left out by configuration (`hidden_posts: exclude`) or by its template.
  case excluded
}

/// What to do with posts marked `hidePost` (`hidden_posts` in `herald.yml`).
public enum HiddenPostsPolicy: String, Sendable, CaseIterable {
  /// Publish them like any other post: hidden only from the site's blog roll.
  case include
  /// Leave them out of feeds and social posts.
  case exclude
}

extension Post {
  /// The template key of posts that are feed entries.
  public static let blogPostTemplate = "blog-post"

  /// Where this post stands at `now`.
  public func status(at now: Date, hiddenPosts: HiddenPostsPolicy) -> PostStatus {
    if isDraft { return .draft }
    if templateKey != Self.blogPostTemplate { return .excluded }
    if isHidden, hiddenPosts == .exclude { return .excluded }
    if date > now { return .scheduled }
    return .published
  }
}
