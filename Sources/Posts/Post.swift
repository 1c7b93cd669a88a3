public import Foundation

/// One blog post, read and checked: everything feeds and social posts are made from.
public struct Post: Sendable, Hashable {
  /// Where the post came from.
  public var source: Source
  /// The file's name without its extension: the last part of the default permalink.
  public var slug: String
  /// The headline (`title`).
  public var title: String
  /// When it was published (`date`).
  public var date: Date
  /// The last significant change (`updated`), if the author recorded one.
  public var updated: Date?
  /// The author's name (`author`).
  public var author: String?
  /// The categories (`category`), in the order the post lists them, without repeats.
  public var categories: [Category]
  /// Hidden from the site's blog roll (`hidePost`).
  public var isHidden: Bool
  /// Never published while true (`draft`).
  public var isDraft: Bool
  /// The site template (`templateKey`); only `blog-post` posts are feed entries.
  public var templateKey: String
  /// `seo.title`, when it differs from what the title says.
  public var seoTitle: String?
  /// The summary (`seo.description`).
  public var summary: String?
  /// The absolute permalink: `seo.url`, else the site's blog URL and the slug.
  public var permalink: String
  /// The entry id: the pinned `id`, else the id it was first published with, else the
  /// permalink. Unique among the posts of one run.
  public var id: String
  /// The id the author pinned (`id`), if any.
  public var pinnedID: String?
  /// The X account to credit (`seo.twitterUsername`), normalised to `@name`.
  public var twitterUsername: String?
  /// What the author asked of social posts (`syndication`).
  public var syndication: Syndication
  /// The SHA-256 of the file's bytes (hex): the body is rendered when a feed needs it, and
  /// caches key what they keep of a post by this.
  public var contentDigest: String
  /// Lines of interesting keys, for pointing diagnostics at them.
  public var lines: KeyLines
  /// The post's language (`lang`, a BCP 47 tag) when it names one; else the site's.
  public var language: String? = nil
  /// The post's picture: `image` (or `seo.image`) in the front matter, else the first image
  /// of the body; nil when there is none or `syndication.image` is false.
  public var image: PostImage? = nil

  /// The file a post was read from.
  public struct Source: Sendable, Hashable {
    /// The path as diagnostics print it.
    public var displayPath: String
    /// The path below the posts folder, with `/` separators: stable across machines.
    public var relativePath: String

    /// Creates a source.
    public init(displayPath: String, relativePath: String) {
      self.displayPath = displayPath
      self.relativePath = relativePath
    }
  }

  /// Where some front matter keys stand in the file, so warnings can name the line.
  public struct KeyLines: Sendable, Hashable {
    /// The line of `date`.
    public var date: Int?
    /// The line of `seo.url`, or of the front matter's start when it is absent.
    public var permalink: Int?
    /// The line of `id`.
    public var id: Int?
  }
}

/// A post category: an opaque `value` and the `label` people read.
public struct Category: Sendable, Hashable {
  /// The site's identifier (`category-h2Ztx9rpD`), or the label for plain-string categories.
  public var value: String
  /// The name shown to readers (`Community`).
  public var label: String

  /// Creates a category.
  public init(value: String, label: String) {
    self.value = value
    self.label = label
  }
}

/// The `syndication` front matter: what to do with a post's social posts.
public struct Syndication: Sendable, Hashable {
  /// `skip: true`: no social posts at all.
  public var skip: Bool = false
  /// `at:` the time social posts fall due, instead of the post's date.
  public var at: Date?
  /// Per network (`mastodon`, `bluesky`, `x`, `linkedin`, `webhook`): skip it or use this text.
  public var networks: [String: Override] = [:]
  /// Whether the post's picture goes with its social posts (`syndication.image: false`: no).
  public var image = true

  /// One network's override.
  public struct Override: Sendable, Hashable {
    /// Leave this network out.
    public var skip: Bool = false
    /// The exact text to post instead of the template's.
    public var text: String?
  }

  /// Creates an empty syndication block: every network, at the post's date.
  public init() {}
}

/// A post's picture, as the post names it: a site path (`/img/x.png`) or a URL, with the alt
/// text that describes it to people who cannot see it.
public struct PostImage: Sendable, Hashable {
  /// The path or URL, as written.
  public var reference: String
  /// The alt text; empty when the post gives none.
  public var alt: String
  /// The line it was found on, for diagnostics.
  public var line: Int?

  /// A picture.
  public init(reference: String, alt: String, line: Int? = nil) {
    self.reference = reference
    self.alt = alt
    self.line = line
  }

  /// The absolute http(s) URL the public sees it at, resolved against `permalink` as the
  /// post's other links are; nil when it has none.
  public func url(relativeTo permalink: String) -> String? {
    guard let url = URL(string: reference, relativeTo: URL(string: permalink))?.absoluteURL.absoluteString,
      url.hasPrefix("https://") || url.hasPrefix("http://")
    else { return nil }
    return url
  }
}
