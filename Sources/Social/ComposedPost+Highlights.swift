import Foundation

extension ComposedPost {
  /// The links and hashtags of `text` as the network draws them, in text order, none
  /// overlapping another.
  ///
  /// Bluesky's come from the facets exactly as they are sent: Bluesky draws nothing else. X
  /// links what twitter-text finds (the detection its counting uses); the others link the URLs
  /// with a scheme, as Mastodon's counting finds them, which is what each of them links; the
  /// permalink is a link everywhere. Elsewhere than Bluesky the tags are the ones the composer
  /// placed and those Bluesky's client would find, the detection these networks share but for
  /// corner cases.
  public var highlights: [TextHighlight] {
    if network == .bluesky || !facets.isEmpty { return Self.highlights(of: facets) }
    let offsets = BlueskyFacets.UTF8Offsets(text)
    var links: [TextHighlight]
    switch network {
    case .x:
      links = TwitterText.extractURLsWithIndices(text).map { entity in
        let url = entity.url.contains("://") ? entity.url : "https://" + entity.url
        return TextHighlight(
          bytes: offsets.bytes(
            NSRange(location: entity.utf16Range.lowerBound, length: entity.utf16Range.count)),
          kind: .link(url: url))
      }
    case .mastodon, .bluesky, .linkedin, .webhook, .threads:
      links = MastodonText.extractURLs(text).map { range in
        TextHighlight(bytes: offsets.bytes(NSRange(range, in: text)), kind: .link(url: String(text[range])))
      }
    }
    // The permalink is always a link, whatever a network's detection makes of its ends.
    let permalinkRange = (text as NSString).range(of: permalink)
    if !permalink.isEmpty, permalinkRange.location != NSNotFound {
      let bytes = offsets.bytes(permalinkRange)
      if !links.contains(where: { $0.bytes == bytes }) {
        links.removeAll { $0.bytes.overlaps(bytes) }
        links.append(TextHighlight(bytes: bytes, kind: .link(url: permalink)))
      }
    }
    var tags: [TextHighlight] = []
    for tag in hashtags {
      for range in Hashtags.standalone(tag, in: text) {
        tags.append(TextHighlight(bytes: offsets.bytes(range), kind: .tag(String(tag.dropFirst()))))
      }
    }
    tags += Self.highlights(of: BlueskyFacets.detect(in: text)).filter {
      if case .tag = $0.kind { true } else { false }
    }
    return Self.ordered(links + tags)
  }

  /// Bluesky's facets as highlights: a mention (which Herald never makes) is left plain.
  static func highlights(of facets: [Facet]) -> [TextHighlight] {
    ordered(
      facets.compactMap { facet in
        for feature in facet.features {
          switch feature {
          case .link(let uri): return TextHighlight(bytes: facet.index.range, kind: .link(url: uri))
          case .tag(let tag): return TextHighlight(bytes: facet.index.range, kind: .tag(tag))
          case .mention: continue
          }
        }
        return nil
      })
  }

  /// In text order; of two that overlap, the earlier (a link before a tag at the same place)
  /// is kept, as a network cannot draw one stretch two ways.
  private static func ordered(_ highlights: [TextHighlight]) -> [TextHighlight] {
    let sorted = highlights.enumerated().sorted {
      ($0.element.bytes.lowerBound, $0.offset) < ($1.element.bytes.lowerBound, $1.offset)
    }
    var kept: [TextHighlight] = []
    for (_, highlight) in sorted where !highlight.bytes.isEmpty {
      if let last = kept.last, last.bytes.upperBound > highlight.bytes.lowerBound { continue }
      kept.append(highlight)
    }
    return kept
  }
}
