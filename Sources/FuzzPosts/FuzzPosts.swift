// libFuzzer target: any bytes as a post file, through the reader, Markdown, the HTML
// rewriter and every feed writer. A crash, a hang, or a feed that is not well-formed XML
// is a finding. The regression tests replay the seeds and past findings through it.
import Feeds
import Foundation
import FoundationXML
import FuzzSupport
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
  guard let markdown = try? PostReader.markdown(in: data, path: "fuzz.md") else {
    fatalError("the body of a readable post could not be found")
  }
  let content = EntryContent(markdown: markdown, base: post.permalink, withText: true)
  guard
    let files = try? FeedPlanner.files(for: [FeedEntry(post: post)], site: site, content: { _ in content })
  else {
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

@main enum Main {
  static func main() { FuzzTarget.run(fuzzOne) }
}
