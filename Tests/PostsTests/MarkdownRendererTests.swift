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
