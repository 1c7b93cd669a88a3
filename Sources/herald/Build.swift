import ArgumentParser
import HeraldCore
import Posts

/// `herald build`: writes every feed into the output folder.
struct Build: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "build",
    abstract: "Write every feed into the output folder.")

  @OptionGroup var options: GlobalOptions

  @Flag(help: "Write the feeds even when the posts folder is empty or lost more than half its posts.")
  var allowShrink = false

  func run() throws {
    let (console, configuration, credentials) = try options.setUp()
    let logger = options.logger(console: console)
    // Taken before anything is read: a second run would otherwise plan from the first one's
    // half-updated cache and remove its temporary files mid-write.
    let lock = try options.lockSite(configuration, console: console)
    defer { withExtendedLifetime(lock) {} }

    let session = try BuildSession(
      configuration, credentials: credentials, now: options.instant, cache: .update, logger: logger)
    var report: BuildReport
    if let reused = session.reusedBuild() {
      report = reused
    } else {
      let inputs = try session.feedInputs()
      do {
        report = try FeedBuild.run(
          inputs, credentials: credentials, now: options.instant, logger: logger, session: session,
          allowShrink: allowShrink)
      } catch {
        inputs.diagnostics.forEach(console.report)
        console.write(error.description)
        throw CommandOutcome.partialFailure
      }
    }
    report.diagnostics.forEach(console.report)
    let changed = report.written.count
    console.say(
      "Built \(report.feedCount) feeds"
        + (report.archiveCount > 0 ? " and \(report.archiveCount) archive documents" : "")
        + " from \(report.publishedCount) published posts "
        + "(\(report.postCount) read, \(report.invalidCount) invalid) in \(configuration.output.displayPath): "
        + "\(changed) file\(changed == 1 ? "" : "s") written, \(report.unchanged.count) unchanged.")
    if report.invalidCount > 0 { throw CommandOutcome.partialFailure }
  }
}
