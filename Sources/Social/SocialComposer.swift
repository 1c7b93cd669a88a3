import Foundation

/// Fits a post's parts into one network's template and limit.
///
/// Promises: the hashtag appears exactly once; the permalink appears whole, exactly once; the
/// text is within the network's limit by the network's own count. To get there it cuts the
/// summary (at a word, with "…"), then drops it, then cuts the title, then drops extra
/// hashtags, and throws when the link, hashtag and credit alone do not fit.
public struct SocialComposer: Sendable {
  /// The network's measure.
  public let profile: NetworkProfile
  /// The template in use (the profile's default unless one was given).
  public let template: String
  private let parsed: PostTemplate

  /// A composer for `profile`, with `template` or the profile's default.
  public init(profile: NetworkProfile, template: String? = nil) throws(SocialError) {
    self.profile = profile
    self.template = template ?? profile.defaultTemplate
    self.parsed = try PostTemplate(self.template)
  }

  /// The post for this network, or an error saying why there can be none.
  public func compose(_ parts: PostParts) throws(SocialError) -> ComposedPost {
    let permalink = parts.permalink.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !permalink.isEmpty, !permalink.unicodeScalars.contains(where: \.properties.isWhitespace)
    else { throw .invalidPermalink(parts.permalink) }
    guard let hashtag = Hashtags.normalize(parts.hashtag) else {
      throw .invalidHashtag(parts.hashtag)
    }
    let tagPattern = Hashtags.pattern(for: hashtag)

    let title = Self.clean(parts.title, removing: tagPattern, permalink: permalink)
    let summary = Self.clean(parts.summary, removing: tagPattern, permalink: permalink)
    var extras: [String] = []
    var seen: Set<String> = [hashtag.lowercased()]
    for raw in parts.extraHashtags {
      guard let tag = Hashtags.normalize(raw), seen.insert(tag.lowercased()).inserted else {
        continue
      }
      extras.append(tag)
    }
    if let most = profile.maxHashtags { extras = Array(extras.prefix(max(0, most - 1))) }
    let via = parts.via.flatMap(Self.credit)

    let context = Context(
      composer: self, permalink: permalink, hashtag: hashtag, tagPattern: tagPattern, via: via)
    var best: Draft?
    // More extras never make a post shorter, so find how many fit beside the mandatory parts
    // alone before trying titles with them.
    var most = extras.count
    if most > 0 {
      func bareFits(_ kept: Int) -> Bool {
        let bare = context.draft(
          title: "", summary: "", extras: Array(extras.prefix(kept)), shortening: .titleDropped)
        return context.acceptable(bare.text)
      }
      if !bareFits(most) {
        var low = 0  // assumed to fit; checked again below
        var high = most  // known not to fit
        while high - low > 1 {
          let mid = (low + high) / 2
          if bareFits(mid) { low = mid } else { high = mid }
        }
        most = low
      }
    }
    for kept in stride(from: most, through: 0, by: -1) {
      if let draft = context.fit(title: title, summary: summary, extras: Array(extras.prefix(kept))) {
        best = draft
        if kept < extras.count { best?.shortening = max(draft.shortening, .extraHashtagsDropped) }
        break
      }
    }
    if best == nil {
      let bare = context.draft(title: "", summary: "", extras: [], shortening: .titleDropped)
      if context.acceptable(bare.text) {
        best = bare
      } else if context.mandatoryPartsRepeat(bare.text) {
        throw .templateRepeatsMandatoryPart(network: profile.name, text: bare.text)
      } else {
        throw .mandatoryPartsTooLong(
          network: profile.name, text: bare.text, length: profile.length(of: bare.text),
          limit: profile.limit ?? 0)
      }
    }
    guard let draft = best else { preconditionFailure("unreachable: a draft was chosen above") }
    let facets =
      profile.hasFacets
      ? Self.facets(for: draft, permalink: permalink) : []
    return ComposedPost(
      network: profile.network, text: draft.text, length: profile.length(of: draft.text),
      limit: profile.limit, facets: facets, permalink: permalink, title: draft.title, summary: draft.summary,
      hashtags: draft.hashtags, shortening: draft.shortening)
  }

  /// Title or summary made ready to place: one line, single-spaced, without the site's
  /// hashtag (the template places it) and without the permalink (the template places that too).
  static func clean(_ text: String, removing tagPattern: ICUPattern, permalink: String) -> String {
    var scalars = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if scalar.properties.isWhitespace {
        scalars.append(" ")
      } else if scalar.properties.generalCategory == .control || isNoncharacterBOM(scalar) {
        continue
      } else {
        scalars.append(scalar)
      }
    }
    var cleaned = String(scalars)
    let ns = cleaned as NSString
    var kept = ""
    var cursor = 0
    for match in tagPattern.matches(in: ns) {
      kept += ns.substring(with: NSRange(location: cursor, length: match.range.location - cursor))
      kept += " "
      cursor = NSMaxRange(match.range)
    }
    kept += ns.substring(from: cursor)
    cleaned = kept
    let words = cleaned.split(separator: " ").filter { !$0.contains(permalink) }
    return words.joined(separator: " ")
  }

  /// X refuses these three; nobody means to post them.
  private static func isNoncharacterBOM(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value == 0xFFFE || scalar.value == 0xFEFF || scalar.value == 0xFFFF
  }

  /// "via @account" from "@account", "account" or a full "via @account".
  private static func credit(_ raw: String) -> String? {
    var account = raw.trimmingCharacters(in: .whitespacesAndNewlines)
    if account.lowercased().hasPrefix("via ") {
      account = String(account.dropFirst(4)).trimmingCharacters(in: .whitespaces)
    }
    guard !account.isEmpty else { return nil }
    if !account.hasPrefix("@") { account = "@" + account }
    return "via " + account
  }

  /// Bluesky's facets for the final text, making sure the permalink and each hashtag
  /// placed by the template are covered exactly, whatever the client's heuristics make of them.
  static func facets(for draft: Draft, permalink: String) -> [Facet] {
    let text = draft.text
    var facets = BlueskyFacets.detect(in: text)
    let offsets = BlueskyFacets.UTF8Offsets(text)
    func bytes(_ range: NSRange) -> Facet.ByteSlice { offsets.slice(range) }
    func ensure(_ slice: Facet.ByteSlice, _ feature: Facet.Feature, isLink: Bool) {
      let sameKind: (Facet) -> Bool = { facet in
        facet.features.contains { feature in
          if case .link = feature { return isLink }
          if case .tag = feature { return !isLink }
          return false
        }
      }
      if facets.contains(where: { $0.index == slice && sameKind($0) }) { return }
      facets.removeAll { sameKind($0) && $0.index.range.overlaps(slice.range) }
      facets.append(Facet(index: slice, features: [feature]))
    }
    let ns = text as NSString
    let link = ns.range(of: permalink)
    if link.location != NSNotFound {
      ensure(bytes(link), .link(uri: permalink), isLink: true)
    }
    for tag in draft.hashtags {
      for range in Hashtags.standalone(tag, in: text) {
        ensure(bytes(range), .tag(String(tag.dropFirst())), isLink: false)
      }
    }
    // The client's order: links, then tags, each by position.
    func isLink(_ facet: Facet) -> Bool {
      facet.features.contains { if case .link = $0 { true } else { false } }
    }
    return facets.filter(isLink).sorted { $0.index.byteStart < $1.index.byteStart }
      + facets.filter { !isLink($0) }.sorted { $0.index.byteStart < $1.index.byteStart }
  }
}

extension SocialComposer {
  /// One rendering of the post and what went into it.
  struct Draft {
    var text: String
    var title: String
    var summary: String
    var hashtags: [String]
    var shortening: ComposedPost.Shortening
  }

  /// The fixed parts of one composition, and the search for the longest text that fits.
  struct Context {
    let composer: SocialComposer
    let permalink: String
    let hashtag: String
    let tagPattern: ICUPattern
    let via: String?

    func draft(
      title: String, summary: String, extras: [String], shortening: ComposedPost.Shortening
    ) -> Draft {
      // An extra tag already in the title or summary is not repeated at the end.
      let shownExtras = extras.filter { tag in
        let pattern = Hashtags.pattern(for: tag)
        return Hashtags.occurrences(of: pattern, in: title).isEmpty
          && Hashtags.occurrences(of: pattern, in: summary).isEmpty
      }
      let hashtags = [hashtag] + shownExtras
      let text = composer.parsed.render([
        .title: title, .summary: summary, .url: permalink,
        .hashtags: hashtags.joined(separator: " "), .via: via ?? "",
      ])
      return Draft(
        text: text, title: title, summary: summary, hashtags: hashtags, shortening: shortening)
    }

    /// Within the limit, and still one hashtag and one permalink: a cut can make a new
    /// `#Tag…` or `https://…`, so every candidate is checked on its final text.
    func acceptable(_ text: String) -> Bool {
      !mandatoryPartsRepeat(text) && composer.profile.fits(text)
    }

    func mandatoryPartsRepeat(_ text: String) -> Bool {
      Hashtags.occurrences(of: tagPattern, in: text).count != 1
        || text.components(separatedBy: permalink).count != 2
    }

    /// The longest acceptable draft with these extras, or nil when even the shortest title
    /// does not fit.
    func fit(title: String, summary: String, extras: [String]) -> Draft? {
      let full = draft(title: title, summary: summary, extras: extras, shortening: .none)
      if acceptable(full.text) { return full }

      if !summary.isEmpty {
        let noSummary = draft(
          title: title, summary: "", extras: extras, shortening: .summaryDropped)
        if acceptable(noSummary.text) {
          let cutter = TextCutter(summary)
          return longest(cutter, fallback: noSummary) { cut in
            draft(title: title, summary: cut, extras: extras, shortening: .summaryShortened)
          }
        }
      }

      let cutter = TextCutter(title)
      return longest(cutter, fallback: nil) { cut in
        draft(title: cut, summary: "", extras: extras, shortening: .titleShortened)
      }
    }

    /// Binary search over the cuts, longest first: the result is always a draft that was
    /// checked, even where counts are not monotonic (a cut URL may count more or less).
    private func longest(
      _ cutter: TextCutter, fallback: Draft?, make: (String) -> Draft
    ) -> Draft? {
      var drafts: [Int: Draft?] = [:]
      func accepted(_ position: Int) -> Draft? {
        if let cached = drafts[position] { return cached }
        let result = cutter.candidate(position).map(make).flatMap {
          acceptable($0.text) ? $0 : nil
        }
        drafts[position] = result
        return result
      }
      guard cutter.count > 0 else { return fallback }
      // Find the smallest position that fits; positions past it are shorter.
      var low = -1  // known not to fit (the whole text)
      var high = cutter.count - 1
      guard accepted(high) != nil else {
        // The shortest cut trims to nothing ("(" + …) or forges a second hashtag or link:
        // look at longer ones until one is simply too long, as every longer one will be.
        for position in stride(from: cutter.count - 1, through: 0, by: -1) {
          if let draft = accepted(position) { return draft }
          if let cut = cutter.candidate(position), !composer.profile.fits(make(cut).text) {
            break
          }
        }
        return fallback
      }
      while high - low > 1 {
        let mid = (low + high) / 2
        if accepted(mid) != nil { high = mid } else { low = mid }
      }
      return accepted(high) ?? fallback
    }
  }
}
