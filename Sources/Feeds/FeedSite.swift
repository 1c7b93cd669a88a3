public import Foundation
internal import Posts

/// Everything the feeds say about the site, from `herald.yml` and the credentials.
public struct FeedSite: Sendable {
  /// The site's name (`site.title`).
  public var title: String
  /// What it is about (`site.description`).
  public var description: String?
  /// The blog's home page: `site.url` + `site.blog_path`.
  public var homeURL: String
  /// Where the output folder is served (`feeds.url`), ending in `/`.
  public var feedsURL: String
  /// The language tag (`site.language`).
  public var language: String?
  /// Who the feed is by when a post names nobody (`site.author`).
  public var author: String
  /// The WebSub hub (`WEBSUB_HUB`), if any.
  public var hub: String?
  /// Entries per feed; 0 means all (`feeds.limit`).
  public var limit: Int
  /// Entries per RFC 5005 archive document (`feeds.archive_size`); nil when there are no
  /// archives (`feeds.archive: false`).
  public var archiveSize: Int?
  /// What wrote the feeds.
  public var generator: Generator

  /// Creates the site's feed settings.
  public init(
    title: String, description: String?, homeURL: String, feedsURL: String, language: String?,
    author: String, hub: String?, limit: Int, archiveSize: Int? = nil, generator: Generator
  ) {
    self.title = title
    self.description = description
    self.homeURL = homeURL
    self.feedsURL = feedsURL.hasSuffix("/") ? feedsURL : feedsURL + "/"
    self.language = language
    self.author = author
    self.hub = hub
    self.limit = limit
    self.archiveSize = archiveSize
    self.generator = generator
  }
}

/// One file of the output folder, in memory.
public struct FeedFile: Sendable, Equatable {
  /// The path below the output folder, e.g. `categories/openstack/atom.xml`.
  public var path: String
  /// The bytes.
  public var data: Data
}

/// Which feeds exist and what goes in each: the site-wide set, one set per category.
public struct FeedPlan: Sendable {
  /// The published entries some feed holds, newest first.
  public var entries: [FeedEntry]
  /// The digest of everything each of `entries` is made of (`FeedEntry.digest`), in order.
  public var entryDigests: [[UInt8]]
  /// The feeds, site-wide first, then the categories by slug; each one's archives (oldest
  /// first) come before it, so they are written before it links them.
  public var feeds: [PlannedFeed]

  /// The path of every feed file the plan makes.
  public var feedPaths: [String] { feeds.flatMap(\.paths) }

  /// The path of every file the plan makes, the stylesheet and the index page included.
  public var paths: [String] { feedPaths + FeedPlanner.pageNames }

  /// The entries worth keeping as written (`EntryFragmentStore`), by position in `entries`:
  /// the newest of each subscription feed (not an archive), which a new post makes a run
  /// write again. At most `keptPerFeed` of each, so that what is kept stays the size of a few
  /// feeds, whatever `feeds.limit` (0 puts every post in the site's feed).
  public var entriesWorthKeeping: Set<Int> {
    Set(feeds.filter { !$0.isArchive }.flatMap { $0.members.prefix(Self.keptPerFeed) })
  }

  /// How many of each subscription feed's newest entries are kept as written.
  public static let keptPerFeed = 50
}

/// One feed, in every format: its folder, its header and which entries it holds.
public struct PlannedFeed: Sendable {
  /// The folder below the output folder: empty, or `categories/<slug>/`.
  public var folder: String
  /// Everything but the entries.
  public var document: FeedDocument
  /// Its entries, as positions in `FeedPlan.entries` (so newest first).
  public var members: [Int]
  /// The formats it is written in: all for a subscription feed, Atom and RSS for an archive.
  public var formats: [FeedFormat]
  /// A digest of everything the feed's files are made of (the header, each entry's fields
  /// and content digest, the generator): equal digests mean equal bytes.
  public var digest: String

  /// The path of the feed's file in `format`.
  public func path(_ format: FeedFormat) -> String { folder + format.fileName }

  /// The paths of all its files, in the order of `formats`.
  public var paths: [String] { formats.map(path) }

  /// Whether it is an RFC 5005 archive document.
  public var isArchive: Bool { document.history?.isArchive ?? false }
}

/// Decides which feeds exist and what each holds, and writes them.
public enum FeedPlanner {
  /// The folder below the output folder that holds the per-category feeds.
  public static let categoriesFolder = "categories"
  /// The folder below a feed's folder that holds its archives, one numbered folder each.
  public static let archiveFolder = "archive"
  /// The stylesheet's file name.
  public static let stylesheetName = "feed.css"
  /// The page listing every feed.
  public static let indexName = "index.html"
  /// The files of the output folder that are not feeds.
  public static let pageNames = [stylesheetName, indexName]
  /// Bumped when the way feeds are written changes, so digests of older files never match.
  static let layoutVersion = "2"

  /// The plan for `entries` (in any order). Only the entries some feed holds are kept, and
  /// only theirs are digested: with `limit` set and no archives, a few dozen of any number.
  public static func plan(_ entries: [FeedEntry], site: FeedSite) -> FeedPlan {
    // Sorting positions moves a word per swap where sorting entries would move whole entries.
    let order = entries.indices.sorted { a, b in
      entries[a].published != entries[b].published
        ? entries[a].published > entries[b].published : entries[a].id < entries[b].id
    }
    var planning = Planning(entries: entries, order: order, site: site)
    planning.add(
      folder: "", title: site.title, subtitle: site.description, folderURL: site.feedsURL,
      members: Array(order.indices))
    var byCategory: [String: (label: String, members: [Int])] = [:]
    for (index, entry) in order.lazy.map({ entries[$0] }).enumerated() {
      for category in entry.categories {
        let slug = categorySlug(category.label)
        // Two labels of one post can share a slug (`C++` and `C`): the post is listed once.
        if byCategory[slug]?.members.last == index { continue }
        byCategory[slug, default: (category.label, [])].members.append(index)
      }
    }
    for (slug, category) in byCategory.sorted(by: { $0.key < $1.key }) {
      planning.add(
        folder: categoriesFolder + "/" + slug + "/", title: "\(site.title): \(category.label)",
        subtitle: site.description.map { "\($0) (\(category.label))" },
        folderURL: site.feedsURL + URLText.escapingPathSegment(categoriesFolder) + "/"
          + URLText.escapingPathSegment(slug) + "/",
        members: category.members)
    }
    return planning.plan()
  }

  /// Every file of the output folder for `entries`, in memory; `content` gives each entry's
  /// content. For tests and small sites: `FeedWriter` streams big ones to disk.
  public static func files(
    for entries: [FeedEntry], site: FeedSite, content: @Sendable (FeedEntry) -> EntryContent
  ) throws(FeedsError) -> [FeedFile] {
    let plan = plan(entries, site: site)
    var sinks: [String: MemorySink] = [:]
    try FeedWriter(plan: plan, site: site).write(plan.feeds, content: content) { path throws(FeedsError) in
      let sink = MemorySink()
      sinks[path] = sink
      return sink
    }
    return plan.paths.map { path in
      FeedFile(path: path, data: sinks[path]?.data ?? FeedPages.data(path, plan: plan, site: site))
    }
  }

  /// Whether `path` (below the output folder) is an archive document, `…/archive/N/FILE`.
  public static func isArchivePath(_ path: String) -> Bool {
    let parts = path.split(separator: "/")
    return parts.count >= 3 && parts[parts.count - 3] == archiveFolder && Int(parts[parts.count - 2]) != nil
  }

  /// A file-system- and URL-friendly name for a category: lowercase letters and digits
  /// joined by `-` (`News & Announcements` → `news-announcements`).
  public static func categorySlug(_ label: String) -> String {
    var slug = ""
    var pendingDash = false
    for character in label.lowercased() {
      if character.isLetter || character.isNumber {
        if pendingDash, !slug.isEmpty { slug.append("-") }
        slug.append(character)
        pendingDash = false
      } else {
        pendingDash = true
      }
    }
    return slug.isEmpty ? "category" : String(slug.prefix(80))
  }

}

/// Builds the plan's feeds one logical feed at a time: the subscription feed, then its
/// archives from the oldest.
private struct Planning {
  /// The entries, in the caller's order.
  let entries: [FeedEntry]
  /// Their positions, newest first: members are indices into this.
  let order: [Int]
  let site: FeedSite
  var feeds: [PlannedFeed] = []
  /// Each member's digest, made once however many feeds hold it.
  private var digests: [Int: [UInt8]] = [:]

  init(entries: [FeedEntry], order: [Int], site: FeedSite) {
    self.entries = entries
    self.order = order
    self.site = site
  }

  /// The entry at `member`, the newest being 0.
  private func entry(_ member: Int) -> FeedEntry { entries[order[member]] }

  /// The plan: the entries the feeds hold, newest first, and the feeds pointing into them.
  func plan() -> FeedPlan {
    let held = Set(feeds.flatMap(\.members)).sorted()
    let position = Dictionary(uniqueKeysWithValues: held.enumerated().map { ($1, $0) })
    return FeedPlan(
      entries: held.map(entry), entryDigests: held.map { digests[$0]! },
      feeds: feeds.map { feed in
        var feed = feed
        feed.members = feed.members.map { position[$0]! }
        return feed
      })
  }

  /// Adds the feed of `members` (newest first): the newest `limit` in the subscription
  /// feed, and with archives on, the rest in archives of `archiveSize` entries paged from the
  /// oldest, so that only the newest archive is ever partial and older ones never change when
  /// posts are added. When the newest archive fills up, the next one is written empty at
  /// once: the full one can then link it as `next-archive` and never be written again.
  mutating func add(folder: String, title: String, subtitle: String?, folderURL: String, members: [Int]) {
    let current = site.limit > 0 ? Array(members.prefix(site.limit)) : members
    guard let size = site.archiveSize, current.count < members.count else {
      feeds.append(
        planned(
          folder: folder, title: title, subtitle: subtitle, folderURL: folderURL, members: current,
          formats: FeedFormat.allCases, history: site.archiveSize == nil ? nil : FeedHistory(isArchive: false)
        ))
      return
    }
    let archived = Array(members[current.count...].reversed())
    let count = archived.count / size + 1
    let pageURL = { (page: Int) in folderURL + FeedPlanner.archiveFolder + "/\(page)/" }
    // Archives first: a new archive is on disk before the subscription feed links it.
    for page in 1...count {
      let pageMembers = Array(archived[((page - 1) * size)..<min(page * size, archived.count)].reversed())
      // An empty newest archive is dated by the newest post before it, which no edit changes,
      // so that it is not written again when that post is edited.
      let updated = pageMembers.isEmpty ? archived.last.map { entry($0).published } : nil
      feeds.append(
        planned(
          folder: folder + FeedPlanner.archiveFolder + "/\(page)/", title: "\(title) (archive \(page))",
          subtitle: subtitle, folderURL: pageURL(page), members: pageMembers, formats: FeedFormat.archived,
          history: FeedHistory(
            isArchive: true, current: folderURL, previous: page > 1 ? pageURL(page - 1) : nil,
            next: page < count ? pageURL(page + 1) : nil),
          updated: updated))
    }
    feeds.append(
      planned(
        folder: folder, title: title, subtitle: subtitle, folderURL: folderURL, members: current,
        formats: FeedFormat.allCases, history: FeedHistory(isArchive: false, previous: pageURL(count))))
  }

  private mutating func planned(
    folder: String, title: String, subtitle: String?, folderURL: String, members: [Int],
    formats: [FeedFormat],
    history: FeedHistory?, updated: Date? = nil
  ) -> PlannedFeed {
    let depth = folder.filter { $0 == "/" }.count
    let document = FeedDocument(
      title: title, subtitle: subtitle, homeURL: site.homeURL, folderURL: folderURL,
      stylesheetHref: String(repeating: "../", count: depth) + FeedPlanner.stylesheetName,
      // Nobody subscribes to an archive, and the hub never hears of one: no hub link.
      language: site.language, author: site.author, hub: history?.isArchive == true ? nil : site.hub,
      updated: updated ?? members.map { entry($0).updated }.max() ?? Date(timeIntervalSince1970: 0),
      isEmpty: members.isEmpty, history: history)
    var digest = FieldDigest()
    digest.add(
      [FeedPlanner.layoutVersion, site.generator.name, site.generator.version, site.generator.url ?? "\u{0}"]
        + formats.map(\.rawValue) + document.fields)
    for member in members {
      if digests[member] == nil { digests[member] = entry(member).digest }
      digest.add(bytes: digests[member]!)
    }
    return PlannedFeed(
      folder: folder, document: document, members: members, formats: formats, digest: digest.hex)
  }
}
