// libFuzzer target: any bytes as a title and a summary, composed for every network. A text
// that does not fit, repeats the hashtag, or loses the permalink is a finding.
import Foundation
import Social

private let permalink = "https://openinfra.org/blog/fuzzing-herald"
private let profiles: [NetworkProfile] = [.x, .bluesky, .mastodon(), .linkedin, .webhook(.discord)]

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

#if FUZZING
  // libFuzzer's own driver, started from this target's main (SwiftPM names the entry point).
  @_silgen_name("LLVMFuzzerRunDriver")
  func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
  ) -> CInt

  // libFuzzer's archive carries its own main (never run: SwiftPM's --defsym main=<Target>_main
  // wins), which still needs this symbol to link.
  @_cdecl("LLVMFuzzerTestOneInput")
  func fuzzerTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    fuzzOne(bytes.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
  }
#endif

@main enum Main {
  static func main() {
    #if FUZZING
      var argc = CommandLine.argc
      var argv = CommandLine.unsafeArgv
      exit(runFuzzerDriver(&argc, &argv, fuzzerTestOneInput))
    #else
      // Replay: the files named on the command line, as the regression tests run them.
      for path in CommandLine.arguments.dropFirst() {
        guard let data = FileManager.default.contents(atPath: path) else { continue }
        fuzzOne(data)
      }
    #endif
  }
}
