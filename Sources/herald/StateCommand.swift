import ArgumentParser
import Foundation
import HeraldCore

/// `herald state migrate --to TARGET`: the state moved between SQLite and PostgreSQL.
struct StateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "state",
    abstract: "Move the state (queue, entry ids, sessions) between a folder and PostgreSQL.",
    subcommands: [Migrate.self])

  struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "migrate",
      abstract: "Copy the state to a PostgreSQL database or a state folder, and check the copy.",
      discussion: """
        Copies the queue, the entry ids and the Bluesky sessions of the configured state (the \
        'state' folder, or $HERALD_STATE_URL) to TARGET, which must hold nothing for this site yet, \
        then counts both sides. The source is only read. Stop cron while it runs, then point \
        'state' (or $HERALD_STATE_URL) at TARGET.
        """)

    @OptionGroup var options: GlobalOptions

    @Option(
      help: ArgumentHelp(
        "A postgresql:// URL, or a folder for a SQLite state. Put a password in ~/.pgpass, not here.",
        valueName: "target"))
    var to: String

    func run() throws {
      let (console, configuration, _) = try options.setUp()
      let report: StateMigration.Report
      do {
        report = try StateMigration.run(configuration, to: to)
      } catch {
        console.write(error.description)
        throw CommandOutcome.partialFailure
      }
      console.say(
        "Copied the state from \(report.source) to \(report.target): \(StateMigration.describe(report.counts)), "
          + "\(report.documents.count) documents (\(report.documents.joined(separator: ", "))); both sides counted "
          + "the same. The source is unchanged: point 'state' (or $HERALD_STATE_URL) at \(report.target) to use it."
      )
    }
  }
}
