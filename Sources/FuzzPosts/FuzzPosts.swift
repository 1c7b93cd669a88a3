// libFuzzer target: any bytes as a post file, through the reader, Markdown, the HTML
// rewriter and every feed writer. A crash, a hang, or a feed that is not well-formed XML
// is a finding. The regression tests replay the seeds and past findings through it.
import Feeds
import Foundation
import FoundationXML
import Posts

private let reader = PostReader(
  site: .init(url: "https://openinfra.org", blogPath: "/blog/", timeZone: TimeZone(secondsFromGMT: 0)!))
private let site = FeedSite(
  title: "Fuzz", description: "d", homeURL: "https://openinfra.org/blog/",
  feedsURL: "https://openinfra.org/feeds/",
  language: "en", author: "A", hub: nil, limit: 0,
  generator: Generator(name: "Herald", version: "fuzz", url: nil))

func fuzzOne(_ data: Data) {
  var warnings: [Diagnostic] = []
  guard
    let post = try? reader.read(
      data, source: .init(displayPath: "fuzz.md", relativePath: "fuzz.md"), warnings: &warnings)
  else { return }
  guard let files = try? FeedPlanner.files(for: [FeedEntry(post: post)], site: site) else {
    fatalError("feeds could not be written for a readable post")
  }
  for file in files where file.path.hasSuffix(".xml") {
    let parser = XMLParser(data: file.data)
    guard parser.parse() else {
      fatalError("\(file.path) is not well-formed: \(String(describing: parser.parserError))")
    }
  }
  for file in files where file.path.hasSuffix(".json") {
    guard (try? JSONSerialization.jsonObject(with: file.data)) != nil else {
      fatalError("\(file.path) is not JSON")
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
