internal import Delivery
public import Foundation
public import Posts
internal import Social

/// `herald.yml`: the site, its folders, its feeds and its social settings.
public struct HeraldConfiguration: Sendable {
  /// The configuration file as the user named it.
  public var path: String
  /// The site's identity and defaults.
  public var site: Site
  /// Where the posts are read from (`posts`).
  public var posts: Folder
  /// Where the feeds are written (`output`).
  public var output: Folder
  /// Where the queue and caches live (`state`). With a PostgreSQL state (`sharedState`), the
  /// caches only: the build cache and picture variants, which a fresh container rebuilds.
  public var state: Folder
  /// The PostgreSQL URL that holds the queue, entry ids and sessions (`state:
  /// postgresql://…`, or `$HERALD_STATE_URL`); nil for the SQLite state in `state`. It may
  /// hold a password: never print it (`stateDisplayName` is what messages show).
  public var sharedState: String?
  /// What to do with `hidePost` posts (`hidden_posts`).
  public var hiddenPosts: HiddenPostsPolicy
  /// Where `output` is served; self links point here (`feeds.url`), ending in `/`.
  public var feedsURL: String
  /// Entries per subscription feed; 0 means all (`feeds.limit`).
  public var feedLimit: Int
  /// Entries per RFC 5005 archive document (`feeds.archive_size`), or nil without archives
  /// (`feeds.archive`).
  public var feedArchiveSize: Int? = nil
  /// The social settings (`social`).
  public var social: Social
  /// How long failures worth retrying go on before a job fails for good
  /// (`delivery.give_up_after`).
  public var giveUpAfter: TimeInterval = 86_400
  /// The site's static files (`site.static`): a post's `/img/x.png` is read from here.
  public var staticFolder: Folder?
  /// The longest a request to a network may take (`http.timeout`).
  public var httpTimeout: TimeInterval = 30
  /// The longest connecting to a network may take (`http.connect_timeout`).
  public var httpConnectTimeout: TimeInterval = 10
  /// Errors found while reading that did not stop it (unknown keys, for `check`).
  public var problemCount = 0
  /// The digest of the configuration file's bytes: a run that finds it and everything
  /// else unchanged may reuse the last run's work.
  public var sourceDigest = ""

  /// The `site` block.
  public struct Site: Sendable {
    /// The site's name.
    public var title: String
    /// The site's root URL.
    public var url: String
    /// Where posts live under it, with leading and trailing `/`.
    public var blogPath: String
    /// What the site is about.
    public var description: String?
    /// The content language, as a BCP 47 tag.
    public var language: String?
    /// The zone for dates written without one.
    public var timeZone: TimeZone
    /// Who the feeds are by when a post names nobody.
    public var author: String
  }

  /// A folder named in the configuration, relative to the configuration file.
  public struct Folder: Sendable {
    /// The folder on disk.
    public var url: URL
    /// How messages name it.
    public var displayPath: String
  }

  /// The `social` block.
  public struct Social: Sendable {
    /// The hashtag every social post carries once.
    public var hashtag: String
    /// Posts published before this are never announced.
    public var announceSince: Date?
    /// Posts older than this when they fall due are never announced.
    public var maxAge: TimeInterval
    /// At most this many posts per network in one run.
    public var maxPerRun: Int
    /// At least this long between two posts on one network.
    public var minInterval: TimeInterval
    /// Templates by network name (`mastodon`, `x`…), replacing the network's default.
    public var templates: [String: String] = [:]
    /// Extra hashtags for posts in a category, by lowercased category label.
    public var categoryHashtags: [String: String] = [:]
    /// The Mastodon server's limit (instances differ).
    public var mastodonLimit: Int = 500
    /// Who sees Mastodon posts: `public` or `unlisted` (`mastodon_visibility`).
    public var mastodonVisibility = "public"
    /// Whether Mastodon posts carry the post's picture as an attachment
    /// (`mastodon_attach_image`); else the server builds the link card from the page.
    public var mastodonAttachImage = false
    /// Whether X posts carry the post's picture as media (`x_attach_image`); else X builds the
    /// card from the page's meta tags.
    public var xAttachImage = false
    /// More accounts than one per network (`accounts`), each routed by category.
    public var accounts: [Account] = []
  }

  /// An account named in `social.accounts`: its network, the prefix of its credential keys,
  /// and the categories whose posts it announces.
  public struct Account: Sendable, Equatable {
    /// The name the user chose (`openstack`).
    public var name: String
    /// The network (`mastodon`…).
    public var network: String
    /// The prefix its keys carry instead of the network's (`OPENSTACK_MASTODON` for
    /// `OPENSTACK_MASTODON_URL`).
    public var credentials: String
    /// The categories (labels or values, lowercased) whose posts go to it; empty: every post.
    public var categories: [String]
    /// The line of its name in the configuration.
    public var line: Int?
  }

  /// The settings `PostReader` needs.
  public var postSite: PostReader.Site {
    PostReader.Site(
      url: site.url, blogPath: site.blogPath, timeZone: site.timeZone,
      networks: Network.allCases.map(\.rawValue))
  }

  /// The blog's home page: `site.url` + `site.blog_path`.
  public var homeURL: String { URLText.join(site.url, site.blogPath) }
}

extension HeraldConfiguration {
  /// Reads the configuration at `path`; problems that do not stop Herald go to `warnings`.
  /// `strict` (`herald check`) reports unknown keys as errors there, not warnings.
  public static func load(path: String, strict: Bool = false, warnings: inout [Diagnostic]) throws(Diagnostic)
    -> Self
  {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw Diagnostic(.error, path: path, "cannot read the configuration file (use --config PATH)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw Diagnostic(.error, path: path, "the configuration file is not UTF-8")
    }
    var configuration = try parse(text, path: path, strict: strict, warnings: &warnings)
    configuration.sourceDigest = PostReader.digest(data)
    if let url = ProcessInfo.processInfo.environment["HERALD_STATE_URL"], !url.isEmpty {
      guard isPostgresURL(url) else {
        throw Diagnostic(
          .error, path: "HERALD_STATE_URL",
          "must be a postgresql:// URL (for a folder, set 'state' in \(path))")
      }
      configuration.sharedState = url
    }
    return configuration
  }

  /// Reads the configuration `text` of the file at `path` (folders are relative to it).
  public static func parse(_ text: String, path: String, strict: Bool = false, warnings: inout [Diagnostic])
    throws(Diagnostic) -> Self
  {
    let root = try YAMLMapping(parsing: text, path: path)
    warnings += ConfigurationSchema.unknownKeys(in: root).map { warning in
      var diagnostic = warning
      if strict { diagnostic.severity = .error }
      return diagnostic
    }
    let directory = (path as NSString).deletingLastPathComponent

    guard let siteFields = try root.mapping("site") else {
      throw Diagnostic(.error, path: path, line: root.line, "the configuration has no 'site' block")
    }
    let site = try readSite(siteFields)
    let feeds = try root.mapping("feeds")
    let feedsURL =
      try feeds?.string("url").map { raw throws(Diagnostic) in
        try absoluteURL(raw, key: "feeds.url", in: feeds!)
      } ?? URLText.join(site.url, "feeds/")
    let limit = try feeds?.int("limit") ?? 20
    guard limit >= 0 else {
      throw Diagnostic(
        .error, path: path, line: feeds?.line(of: "limit"), "'feeds.limit' must be 0 (all) or more")
    }
    let archiveSize = try readArchiveSize(feeds, limit: limit)
    let hiddenText = try root.string("hidden_posts") ?? HiddenPostsPolicy.include.rawValue
    guard let hiddenPosts = HiddenPostsPolicy(rawValue: hiddenText) else {
      throw Diagnostic(
        .error, path: path, line: root.line(of: "hidden_posts"),
        "'hidden_posts' must be include or exclude, not '\(hiddenText)'")
    }

    var configuration = HeraldConfiguration(
      path: path,
      site: site,
      posts: try folder(root, "posts", default: "posts", relativeTo: directory),
      output: try folder(root, "output", default: "public", relativeTo: directory),
      state: try folder(
        root, "state", default: "state", relativeTo: directory,
        unless: { Self.isPostgresURL($0) ? "state" : nil }),
      hiddenPosts: hiddenPosts,
      feedsURL: feedsURL.hasSuffix("/") ? feedsURL : feedsURL + "/",
      feedLimit: limit,
      feedArchiveSize: archiveSize,
      social: try readSocial(try root.mapping("social"), site: site, path: path))
    if let state = try root.string("state"), isPostgresURL(state) {
      configuration.sharedState = state
      if Queue.holdsPassword(state) {
        warnings.append(
          Diagnostic(
            .warning, path: path, line: root.line(of: "state"),
            "'state' holds a password: keep it out of herald.yml with $HERALD_STATE_URL or ~/.pgpass"))
      }
    }
    if try siteFields.string("static") != nil {
      let staticFolder = try folder(siteFields, "static", default: "", relativeTo: directory)
      configuration.staticFolder = staticFolder
      var isFolder: ObjCBool = false
      if !FileManager.default.fileExists(atPath: staticFolder.url.path, isDirectory: &isFolder)
        || !isFolder.boolValue
      {
        // Every picture would be named missing, one by one: say once where the trouble is.
        warnings.append(
          Diagnostic(
            strict ? .error : .warning, path: path, line: siteFields.line(of: "static"),
            "'site.static' (\(staticFolder.displayPath)) is not a folder: no post's picture can be read from it"
          ))
      }
    }
    if let http = try root.mapping("http") {
      if let timeout = try positiveDuration(http, "timeout", in: "http") {
        configuration.httpTimeout = timeout
      }
      if let connect = try positiveDuration(http, "connect_timeout", in: "http") {
        configuration.httpConnectTimeout = connect
      }
    }
    if let delivery = try root.mapping("delivery"),
      let giveUp = try positiveDuration(delivery, "give_up_after", in: "delivery")
    {
      configuration.giveUpAfter = giveUp
    }
    return configuration
  }

  /// `feeds.archive` and `feeds.archive_size`: entries per archive document, nil when off.
  private static func readArchiveSize(_ feeds: YAMLMapping?, limit: Int) throws(Diagnostic) -> Int? {
    guard let feeds else { return nil }
    let size = try feeds.int("archive_size") ?? 100
    guard size > 0 else {
      throw Diagnostic(
        .error, path: feeds.path, line: feeds.line(of: "archive_size"), "'feeds.archive_size' must be above 0"
      )
    }
    guard try feeds.bool("archive") == true else { return nil }
    guard limit > 0 else {
      throw Diagnostic(
        .error, path: feeds.path, line: feeds.line(of: "archive"),
        "'feeds.archive' needs 'feeds.limit' above 0: the subscription feeds hold the newest posts and "
          + "the archives the rest")
    }
    return size
  }

  private static func readSite(_ fields: YAMLMapping) throws(Diagnostic) -> Site {
    guard let title = try fields.string("title"), !title.isEmpty else {
      throw Diagnostic(.error, path: fields.path, line: fields.line, "'site.title' is required")
    }
    guard let rawURL = try fields.string("url") else {
      throw Diagnostic(.error, path: fields.path, line: fields.line, "'site.url' is required")
    }
    let url = try absoluteURL(rawURL, key: "site.url", in: fields)
    var blogPath = try fields.string("blog_path") ?? "/blog/"
    if !blogPath.hasPrefix("/") { blogPath = "/" + blogPath }
    if !blogPath.hasSuffix("/") { blogPath += "/" }
    let zoneName = try fields.string("timezone") ?? "UTC"
    guard let timeZone = TimeZone(identifier: zoneName) else {
      throw Diagnostic(
        .error, path: fields.path, line: fields.line(of: "timezone"),
        "'site.timezone' is not a time zone: '\(zoneName)' (try UTC or Europe/Paris)")
    }
    let language = try fields.string("language")
    if let language, !LanguageTag.isWellFormed(language) {
      throw Diagnostic(
        .error, path: fields.path, line: fields.line(of: "language"),
        "'site.language' is not a language tag: '\(language)' (try en or en-GB)")
    }
    return Site(
      title: title,
      url: url,
      blogPath: URLText.escapingUnsafe(blogPath),
      description: try fields.string("description").flatMap { $0.isEmpty ? nil : $0 },
      language: language,
      timeZone: timeZone,
      author: try fields.string("author").flatMap { $0.isEmpty ? nil : $0 } ?? title)
  }

  private static func readSocial(_ fields: YAMLMapping?, site: Site, path: String) throws(Diagnostic)
    -> Social
  {
    var social = Social(
      hashtag: "#WeAreOpenInfra", announceSince: nil, maxAge: 7 * 86_400, maxPerRun: 5,
      minInterval: 600)
    guard let fields else { return social }
    if let hashtag = try fields.string("hashtag") {
      let tag = hashtag.hasPrefix("#") ? hashtag : "#" + hashtag
      guard tag.count > 1, !tag.dropFirst().contains(where: { $0.isWhitespace || $0 == "#" }) else {
        throw Diagnostic(
          .error, path: path, line: fields.line(of: "hashtag"),
          "'social.hashtag' must be one tag like #WeAreOpenInfra, not '\(hashtag)'")
      }
      social.hashtag = tag
    }
    if let since = try fields.string("announce_since") {
      do {
        social.announceSince = try Timestamp.parse(since, defaultZone: site.timeZone)
      } catch {
        throw Diagnostic(
          .error, path: path, line: fields.line(of: "announce_since"),
          "'social.announce_since' is invalid: \(error.reason)")
      }
    }
    if let maxAge = try positiveDuration(fields, "max_age", in: "social") { social.maxAge = maxAge }
    if let interval = try duration(fields, "min_interval") { social.minInterval = interval }
    if let mastodonLimit = try fields.int("mastodon_limit") {
      guard mastodonLimit > 0 else {
        throw Diagnostic(
          .error, path: path, line: fields.line(of: "mastodon_limit"),
          "'social.mastodon_limit' must be above 0")
      }
      social.mastodonLimit = mastodonLimit
    }
    if let templates = try fields.mapping("templates") {
      for network in templates.keys {
        guard Network(rawValue: network) != nil else {
          throw Diagnostic(
            .error, path: path, line: templates.line(of: network),
            "'social.templates.\(network)' is not a network (\(Network.names))"
          )
        }
        social.templates[network] = try templates.string(network)
      }
    }
    if let tags = try fields.mapping("category_hashtags") {
      for label in tags.keys {
        guard let tag = try tags.string(label)?.trimmingCharacters(in: .whitespaces), !tag.isEmpty else {
          continue
        }
        social.categoryHashtags[label.lowercased()] = tag.hasPrefix("#") ? tag : "#" + tag
      }
    }
    if let visibility = try fields.string("mastodon_visibility") {
      guard ["public", "unlisted"].contains(visibility) else {
        throw Diagnostic(
          .error, path: path, line: fields.line(of: "mastodon_visibility"),
          "'social.mastodon_visibility' must be public or unlisted, not '\(visibility)'")
      }
      social.mastodonVisibility = visibility
    }
    if let attach = try fields.bool("mastodon_attach_image") { social.mastodonAttachImage = attach }
    if let attach = try fields.bool("x_attach_image") { social.xAttachImage = attach }
    if let accounts = try fields.mapping("accounts") { social.accounts = try readAccounts(accounts) }
    if let maxPerRun = try fields.int("max_per_run") {
      guard maxPerRun >= 0 else {
        throw Diagnostic(
          .error, path: path, line: fields.line(of: "max_per_run"), "'social.max_per_run' must be 0 or more")
      }
      social.maxPerRun = maxPerRun
    }
    return social
  }

  /// `social.accounts`: each a mapping with `network`, `credentials` and `categories`.
  private static func readAccounts(_ accounts: YAMLMapping) throws(Diagnostic) -> [Account] {
    var result: [Account] = []
    var prefixes: [String: String] = [:]
    for name in accounts.keys {
      let line = accounts.line(of: name)
      guard Self.isAccountName(name) else {
        throw Diagnostic(
          .error, path: accounts.path, line: line,
          "'social.accounts.\(name)': an account name is letters, digits, '-' and '_'")
      }
      guard let fields = try accounts.mapping(name) else { continue }
      guard let network = try fields.string("network") else {
        throw Diagnostic(
          .error, path: accounts.path, line: line, "'social.accounts.\(name)' needs a 'network'")
      }
      guard Network(rawValue: network) != nil else {
        throw Diagnostic(
          .error, path: accounts.path, line: fields.line(of: "network"),
          "'social.accounts.\(name).network' is not a network (\(Network.names))"
        )
      }
      let credentials =
        try fields.string("credentials")
        ?? (name.uppercased().replacingOccurrences(of: "-", with: "_") + "_" + network.uppercased())
      guard Self.isKeyPrefix(credentials) else {
        throw Diagnostic(
          .error, path: accounts.path, line: fields.line(of: "credentials"),
          "'social.accounts.\(name).credentials' must be a key prefix like OPENSTACK_MASTODON, not '\(credentials)'"
        )
      }
      guard credentials != network.uppercased() else {
        throw Diagnostic(
          .error, path: accounts.path, line: fields.line(of: "credentials"),
          "'social.accounts.\(name).credentials' is the default account's prefix; choose another")
      }
      if let other = prefixes[credentials] {
        throw Diagnostic(
          .error, path: accounts.path, line: fields.line(of: "credentials"),
          "'social.accounts.\(name).credentials' is already the prefix of account '\(other)'")
      }
      prefixes[credentials] = name
      let categories = try fields.strings("categories") ?? []
      result.append(
        Account(
          name: name, network: network, credentials: credentials,
          categories: categories.map { $0.lowercased() }, line: line))
    }
    return result
  }

  /// `[A-Za-z0-9][A-Za-z0-9_-]{0,40}`: an account's name, as it appears in keys and paths.
  /// Checked by hand, as the others here: a regular expression is compiled on every run.
  private static func isAccountName(_ name: String) -> Bool {
    let bytes = Array(name.utf8)
    guard let first = bytes.first, isLetterOrDigit(first), bytes.count <= 41 else { return false }
    return bytes.dropFirst().allSatisfy {
      isLetterOrDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
    }
  }

  /// `[A-Z][A-Z0-9_]*`: a prefix of credentials keys.
  private static func isKeyPrefix(_ prefix: String) -> Bool {
    let bytes = Array(prefix.utf8)
    guard let first = bytes.first, (0x41...0x5A).contains(first) else { return false }
    return bytes.allSatisfy {
      (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "_")
    }
  }

  private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
    (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
  }

  /// A duration that must be longer than zero (a timeout, an age).
  static func positiveDuration(_ fields: YAMLMapping, _ key: String, in block: String) throws(Diagnostic)
    -> TimeInterval?
  {
    guard let value = try duration(fields, key) else { return nil }
    guard value > 0 else {
      throw Diagnostic(
        .error, path: fields.path, line: fields.line(of: key), "'\(block).\(key)' must be longer than 0s")
    }
    return value
  }

  /// `90s`, `10m`, `12h`, `7d`, `2w`: a number and its unit. A bare number is an error, not
  /// seconds: `max_age: 7` meaning seven seconds would be nobody's intent.
  static func duration(_ fields: YAMLMapping, _ key: String) throws(Diagnostic) -> TimeInterval? {
    guard let text = try fields.string(key)?.trimmingCharacters(in: .whitespaces) else { return nil }
    let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
    guard let unit = text.last.flatMap({ units[$0] }) else {
      let hint =
        Double(text).map { _ in " (add a unit: \(text)s, \(text)m, \(text)h, \(text)d or \(text)w)" } ?? ""
      throw Diagnostic(
        .error, path: fields.path, line: fields.line(of: key),
        "'\(key)' must be a duration like 30s, 10m, 12h or 7d, not '\(text)'\(hint)")
    }
    guard let value = Double(text.dropLast()), value >= 0, value.isFinite else {
      throw Diagnostic(
        .error, path: fields.path, line: fields.line(of: key),
        "'\(key)' must be a duration like 30s, 10m, 12h or 7d, not '\(text)'")
    }
    return value * unit
  }

  private static func absoluteURL(_ raw: String, key: String, in fields: YAMLMapping) throws(Diagnostic)
    -> String
  {
    let url = URLText.escapingUnsafe(raw.trimmingCharacters(in: .whitespaces))
    guard URLText.host(of: url) != nil else {
      throw Diagnostic(
        .error, path: fields.path, line: fields.line(of: String(key.split(separator: ".").last!)),
        "'\(key)' must be an absolute http(s) URL, not '\(raw)'")
    }
    return url
  }

  /// Whether `text` names a PostgreSQL database rather than a folder.
  public static func isPostgresURL(_ text: String) -> Bool {
    text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
  }

  /// What messages show of the state: the folder, or the database without its password.
  public var stateDisplayName: String {
    sharedState.map { Queue.displayName($0) } ?? state.displayPath
  }

  /// The name a site's rows carry in a shared PostgreSQL state: its home page.
  public var stateSite: String { homeURL }

  private static func folder(
    _ root: YAMLMapping, _ key: String, default name: String, relativeTo directory: String,
    unless replacement: (String) -> String? = { _ in nil }
  ) throws(Diagnostic) -> Folder {
    let given = try root.string(key)
    let value = given.flatMap(replacement) ?? given ?? name
    let path = value.hasPrefix("/") || directory.isEmpty ? value : directory + "/" + value
    return Folder(url: URL(fileURLWithPath: path).standardizedFileURL, displayPath: path)
  }
}
