import Foundation
import Locking
import Posts
import Testing

@Suite struct MarkdownRendererTests {
  @Test func rendersGitHubFlavouredMarkdown() {
    let html = MarkdownRenderer.html(
      from: """
        | a | b |
        |---|:-:|
        | 1 | 2 |

        ~~old~~ and https://openinfra.org and **bold**
        """)
    #expect(html.contains("<table>"))
    #expect(html.contains("<th align=\"center\">b</th>"))
    #expect(html.contains("<del>old</del>"))
    #expect(html.contains("<a href=\"https://openinfra.org\">https://openinfra.org</a>"))
    #expect(html.contains("<strong>bold</strong>"))
  }

  @Test func keepsRawHTML() {
    let html = MarkdownRenderer.html(
      from: "Line<br>break\n\n<details><summary>More</summary>Hidden</details>\n")
    #expect(html.contains("Line<br>break"))
    #expect(html.contains("<details><summary>More</summary>Hidden</details>"))
    #expect(!html.contains("raw HTML omitted"))
  }
}

@Suite struct SummaryTests {
  @Test func markdownLinksInDescriptionsBecomeText() throws {
    let reader = PostReader(
      site: .init(url: "https://openinfra.org", blogPath: "/blog/", timeZone: TimeZone(secondsFromGMT: 0)!))
    var warnings: [Diagnostic] = []
    let post = try reader.read(
      Data(
        "---\ntitle: T\ndate: 2025-01-01\nseo:\n  description: \"Two new members of its [Associate Member\n    category](https://openinfra.dev/members/): the PSF.\"\n---\n"
          .utf8),
      source: .init(displayPath: "p.md", relativePath: "p.md"), warnings: &warnings)
    #expect(post.summary == "Two new members of its Associate Member category: the PSF.")
  }
}

@Suite struct MarkdownConcurrencyTests {
  @Test func autolinksSurviveRenderingOnManyThreads() {
    let results = Locked([String](repeating: "", count: 400))
    DispatchQueue.concurrentPerform(iterations: 400) { index in
      let html = MarkdownRenderer.html(from: "Post \(index): see https://zuul-ci.org/\(index) and ~~old~~.\n")
      results.withLock { $0[index] = html }
    }
    for (index, html) in results.withLock({ $0 }).enumerated() {
      #expect(html.contains("<a href=\"https://zuul-ci.org/\(index)\">"), "\(html)")
      #expect(html.contains("<del>old</del>"))
    }
  }
}
