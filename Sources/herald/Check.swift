import ArgumentParser
import HeraldCore
import Posts

/// `herald check`: reports every problem with the posts and configuration; writes nothing.
struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Report every problem in the posts and configuration; write nothing.")

  @OptionGroup var options: GlobalOptions

  func run() throws {
    let (console, configuration, _) = try options.setUp()
    let workspace = try Workspace.load(configuration, logger: options.logger(console: console))
    workspace.diagnostics.forEach(console.report)
    let now = options.instant
    let counts = Dictionary(grouping: workspace.posts) {
      $0.status(at: now, hiddenPosts: configuration.hiddenPosts)
    }.mapValues(\.count)
    let summary = PostStatus.allCases.map { "\(counts[$0, default: 0]) \($0.rawValue)" }
      .joined(separator: ", ")
    console.say(
      "Checked \(workspace.posts.count + workspace.invalidCount) posts: \(workspace.invalidCount) invalid; \(summary)."
    )
    if workspace.invalidCount > 0 { throw ExitCode(ExitStatus.partialFailure) }
  }
}
