import ArgumentParser
import HeraldCore
import Posts

/// `herald check`: reports every problem with the posts and configuration; writes nothing.
struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Report every problem in the posts and configuration; write nothing.")

  @OptionGroup var options: GlobalOptions

  func run() throws {
    let (console, configuration, credentials) = try options.setUp()
    let workspace = try Workspace.load(configuration, logger: options.logger(console: console))
    workspace.diagnostics.forEach(console.report)
    let now = options.instant
    // Posts an account will announce but no text fits: publish reports each once.
    let planner = SocialPlanner(configuration: configuration, credentials: credentials)
    var uncomposable = 0
    let accounts = SocialAccount.configured(configuration, credentials: credentials)
    for post in workspace.posts {
      for account in accounts {
        let plan = planner.plan(for: post, account: account, now: now)
        guard plan.schedule.date != nil, let error = plan.compositionError else { continue }
        console.report(Diagnostic(.error, path: post.source.displayPath, error))
        uncomposable += 1
      }
    }
    let counts = Dictionary(grouping: workspace.posts) {
      $0.status(at: now, hiddenPosts: configuration.hiddenPosts)
    }.mapValues(\.count)
    let summary = PostStatus.allCases.map { "\(counts[$0, default: 0]) \($0.rawValue)" }
      .joined(separator: ", ")
    console.say(
      "Checked \(workspace.posts.count + workspace.invalidCount) posts: \(workspace.invalidCount) invalid; \(summary)."
    )
    if workspace.invalidCount > 0 || uncomposable > 0 { throw ExitCode(ExitStatus.partialFailure) }
  }
}
