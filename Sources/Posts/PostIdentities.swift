/// Gives every post an entry id that is unique and, once published, stable.
public enum PostIdentities {
  /// Assigns ids: a pinned `id` first, then the id `remembered` from earlier runs (keyed by
  /// the post's relative path), then the permalink. When two posts claim one id, both stay,
  /// a warning names both files, and the later claimant gets an id of its own. `alsoTaken`
  /// says which other ids are claimed by posts not given, when only the claimants are.
  public static func resolve(
    _ posts: [Post], remembered: [String: String], site: PostReader.Site,
    alsoTaken: (String) -> Bool = { _ in false }
  ) -> (posts: [Post], diagnostics: [Diagnostic]) {
    var posts = posts
    for index in posts.indices where posts[index].pinnedID == nil {
      if let id = remembered[posts[index].source.relativePath] { posts[index].id = id }
    }

    // Who keeps a contested id: the post that was published with it, then the pinned
    // one, then the oldest, then the shortest slug (`post` before its copy `post-1`).
    func keeps(_ a: Int, before b: Int) -> Bool {
      let xKept = remembered[posts[a].source.relativePath] == posts[a].id || posts[a].pinnedID != nil
      let yKept = remembered[posts[b].source.relativePath] == posts[b].id || posts[b].pinnedID != nil
      if xKept != yKept { return xKept }
      if posts[a].date != posts[b].date { return posts[a].date < posts[b].date }
      if posts[a].slug.count != posts[b].slug.count { return posts[a].slug.count < posts[b].slug.count }
      return posts[a].source.relativePath < posts[b].source.relativePath
    }
    var claimants: [String: [Int]] = [:]
    for index in posts.indices { claimants[posts[index].id, default: []].append(index) }
    // Contested ids are rare: only their claimants need ordering, and in a stable way.
    var owners: [String: Int] = [:]
    var losers: [Int] = []
    for group in claimants.values where group.count > 1 {
      let ordered = group.sorted(by: keeps)
      owners[posts[ordered[0]].id] = ordered[0]
      losers += ordered.dropFirst()
    }
    // Every id some post will keep, so a new id never takes one of theirs.
    var taken = Set(claimants.keys)
    var diagnostics: [Diagnostic] = []
    for index in losers.sorted(by: keeps) {
      let id = posts[index].id
      guard let owner = owners[id] else { continue }
      let newID = freshID(for: posts[index], site: site) { taken.contains($0) || alsoTaken($0) }
      taken.insert(newID)
      posts[index].id = newID
      let claimed = posts[owner].permalink == posts[index].permalink ? "permalink" : "id"
      diagnostics.append(
        Diagnostic(
          .warning, path: posts[index].source.displayPath,
          line: claimed == "id" ? posts[index].lines.id : posts[index].lines.permalink,
          "\(claimed) \(claimed == "id" ? id : posts[index].permalink) is also claimed by \(posts[owner].source.displayPath); both are published, this one with id \(newID)"
        ))
    }
    return (posts, diagnostics)
  }

  private static func freshID(for post: Post, site: PostReader.Site, taken: (String) -> Bool) -> String {
    let candidates = [
      site.defaultPermalink(slug: post.slug),
      post.permalink + "#" + URLText.escapingPathSegment(post.slug),
    ]
    if let free = candidates.first(where: { !taken($0) }) { return free }
    var number = 2
    while taken(candidates[1] + "-\(number)") { number += 1 }
    return candidates[1] + "-\(number)"
  }
}
