// libFuzzer target: any bytes as a title and a summary, composed for every network. A text
// that does not fit, repeats the hashtag, or loses the permalink is a finding.
import Foundation
import FuzzSupport
import Social

private let permalink = "https://openinfra.org/blog/fuzzing-herald"
// Every network's profile (a new network is fuzzed from its first day), and each webhook format.
private let profiles: [NetworkProfile] =
  Network.allCases.map(NetworkProfile.standard(for:)) + WebhookFormat.allCases.map(NetworkProfile.webhook)

func fuzzOne(_ data: Data) {
  let text = String(decoding: data, as: UTF8.self)
  let parts = text.split(separator: "\u{0}", maxSplits: 1, omittingEmptySubsequences: false)
  let post = PostParts(
    title: String(parts.first ?? ""), summary: parts.count > 1 ? String(parts[1]) : "", permalink: permalink,
    hashtag: "#WeAreOpenInfra", extraHashtags: ["#OpenStack"], via: "@openinfradev")
  for profile in profiles {
    guard let composed = try? SocialComposer(profile: profile).compose(post) else { continue }
    guard profile.fits(composed.text) else { fatalError("\(profile.name): does not fit: \(composed.text)") }
    guard composed.length == profile.length(of: composed.text) else {
      fatalError("\(profile.name): wrong length")
    }
    guard composed.text.components(separatedBy: permalink).count == 2 else {
      fatalError("\(profile.name): the permalink is not there exactly once: \(composed.text)")
    }
    let tags = composed.text.lowercased().components(separatedBy: "#weareopeninfra").count - 1
    guard tags >= 1 else { fatalError("\(profile.name): no hashtag: \(composed.text)") }
    let bytes = Array(composed.text.utf8)
    for facet in composed.facets {
      guard facet.index.byteStart >= 0, facet.index.byteStart < facet.index.byteEnd,
        facet.index.byteEnd <= bytes.count,
        String(bytes: bytes[facet.index.range], encoding: .utf8) != nil
      else { fatalError("\(profile.name): a facet is out of the text: \(facet)") }
    }
  }
}

@main enum Main {
  static func main() { FuzzTarget.run(fuzzOne) }
}
