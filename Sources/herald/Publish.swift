import ArgumentParser
import Foundation
import HeraldCore
import Posts
import Social

/// `herald publish`: the cron job.
struct Publish: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "publish",
    abstract: "Build the feeds, queue the social posts that are due, send what is due, ping the hub.")

  @OptionGroup var options: GlobalOptions

  @Flag(help: "Send nothing and change nothing; print each request that would be sent.")
  var dryRun = false

  @Flag(help: "Write the feeds even when the posts folder is empty or lost more than half its posts.")
  var allowShrink = false

  func run() throws {
    let (console, configuration, credentials) = try options.setUp()
    let logger = options.logger(console: console)

    // Taken before anything is read, so two runs never interleave; a dry run changes
    // nothing and needs no lock.
    let lock = dryRun ? nil : try options.lockSite(configuration, console: console)
    defer { withExtendedLifetime(lock) {} }

    if SocialAccount.configured(configuration, credentials: credentials).isEmpty {
      console.report(
        Diagnostic(
          .warning, path: credentials.file ?? options.credentials ?? "credentials",
          credentials.file == nil
            ? "no credentials file was found in \(FileManager.default.currentDirectoryPath) (use --credentials PATH "
              + "or $HERALD_CREDENTIALS): feeds are built, nothing is announced"
            : "no network is on (no account has all its keys): feeds are built, nothing is announced"))
    }

    let session = try BuildSession(
      configuration, credentials: credentials, now: options.instant, cache: dryRun ? .readOnly : .update,
      logger: logger)
    let report: Publisher.Report
    let diagnostics: [Diagnostic]
    do {
      if !dryRun, let quiet = try Publisher.quietRun(session: session) {
        report = quiet
        diagnostics = quiet.build?.diagnostics ?? []
        diagnostics.forEach(console.report)
      } else {
        let workspace = try session.workspace()
        diagnostics = workspace.diagnostics
        diagnostics.forEach(console.report)
        let publisher = Publisher(
          workspace: workspace, credentials: credentials, now: options.instant, logger: logger,
          allowShrink: allowShrink)
        report = dryRun ? try publisher.dryRun() : try publisher.run(session: session)
      }
    } catch let error as HeraldError {
      console.write(error.description)
      throw CommandOutcome.partialFailure
    }
    report.problems.forEach(console.report)
    for (job, reason) in report.delivery.failed {
      console.write("\(job.postPath): error: \(job.network) job \(job.id) failed: \(reason)")
    }
    let delivery = report.delivery
    for problem in delivery.refused {
      // Printed even with --quiet: nothing goes to this account until the user acts.
      console.write(
        "\(options.credentials ?? "credentials"): error: \(problem.network) (\(problem.account)) refused: "
          + "\(problem.reason); check \(problem.keys ?? "its keys"). Its posts wait in the queue.")
    }
    for problem in delivery.unreachable {
      console.report(
        Diagnostic(
          .warning, path: configuration.state.displayPath,
          "\(problem.network) (\(problem.account)) cannot be reached: \(problem.reason); its posts wait, next try "
            + "after \(problem.nextTry.map { Timestamp.display($0, in: configuration.site.timeZone) } ?? "the next run")"
        ))
    }
    report.pictureWarnings(dryRun: dryRun, postsFolder: configuration.posts.displayPath).forEach(
      console.report)
    for (job, note) in report.reconciled + delivery.withdrawn.map({ ($0.job, "withdrawn: " + $0.reason) }) {
      console.say(
        (dryRun ? "Would change job " : "Job ") + "\(job.id) (\(job.network), \(job.postPath)): \(note)")
    }

    if dryRun {
      console.say("Dry run: nothing was sent and nothing was changed.")
      console.say(
        "Feeds that would change: \(report.feedsToWrite.isEmpty ? "none" : report.feedsToWrite.joined(separator: ", "))"
      )
      console.say("Social posts that would be queued: \(report.queued.count)")
      for request in report.describedRequests(secrets: credentials.secrets) {
        console.say("")
        console.say(request)
      }
    } else {
      console.say(Self.summary(report, zone: configuration.site.timeZone))
    }
    let invalid =
      diagnostics.contains { $0.severity == .error } || !report.problems.isEmpty
      || !report.delivery.failed.isEmpty || !report.delivery.refused.isEmpty
    if invalid { throw CommandOutcome.partialFailure }
  }
}

extension Publish {
  /// What a run did and what waits, in a line: "Published: 2 feed files written; 1 social
  /// post queued; 1 sent, 5 waiting (next: mastodon at 2025-06-01 10:20 CEST)."
  static func summary(_ report: Publisher.Report, zone: TimeZone) -> String {
    let delivery = report.delivery
    var parts = [
      "\(counted(report.build?.written.count ?? 0, "feed file")) written",
      "\(counted(report.queued.count, "social post")) queued",
    ]
    var sending = "\(delivery.sent.count) sent"
    let waiting = report.waiting.filter { $0.job.state == .queued || $0.job.state == .sending }
    if !waiting.isEmpty {
      sending += ", \(waiting.count) waiting"
      if let next = waiting.filter({ $0.when != nil }).min(by: { $0.when! < $1.when! }), let when = next.when
      {
        sending += " (next: \(next.job.network) at \(Timestamp.display(when, in: zone)))"
      }
    }
    parts.append(sending)
    if !delivery.failed.isEmpty { parts.append("\(delivery.failed.count) failed") }
    if !delivery.withdrawn.isEmpty || !report.reconciled.isEmpty {
      let withdrawn =
        delivery.withdrawn.count + report.reconciled.filter { $0.job.state == .withdrawn }.count
      if withdrawn > 0 { parts.append("\(withdrawn) withdrawn") }
    }
    if !delivery.rateLimited.isEmpty {
      parts.append("rate-limited: \(delivery.rateLimited.map(\.rawValue).sorted().joined(separator: ", "))")
    }
    if !report.pinged.isEmpty { parts.append("hub pinged") }
    return "Published: " + parts.joined(separator: "; ") + "."
  }

  /// `1 feed file`, `2 feed files`.
  static func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
  }
}
