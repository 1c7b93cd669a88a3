import ArgumentParser
import Foundation
import HeraldCore
import Posts

/// The `herald` command: the feeds and social posts of a Markdown blog, from cron.
@main
struct Herald: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "herald",
    abstract: "Publishes a Markdown blog's feeds and announces its posts.",
    discussion: """
      Cron runs `herald publish --quiet` every ten minutes; `herald check` says what is wrong and \
      which accounts are on; `herald preview` shows every social post before it is sent; \
      `herald queue list` shows what waits, and until when.

      Exit codes: 0 all well; 1 some posts were invalid or some deliveries failed for good (the \
      rest was done); 2 a usage or configuration error (nothing was done); 75 another publish \
      holds the lock.

      Files: feeds/herald.yml (the configuration), ./credentials or $HERALD_CREDENTIALS (KEY=value, \
      mode 600), the state folder (the queue, caches, the publish lock), or with \
      $HERALD_STATE_URL a PostgreSQL database shared by runners on several hosts.
      """,
    version: HeraldVersion.description,
    subcommands: [Build.self, Check.self, Preview.self, Publish.self, QueueCommand.self, StateCommand.self])

  /// Runs the command line and turns every outcome into SPEC's exit codes, here and nowhere
  /// else: 0 all well, 1 some posts or deliveries failed, 2 usage or configuration, 75 locked.
  static func main() {
    // Past a file size limit, write() should fail (and be reported, the old file kept) rather
    // than the process die mid-file.
    signal(SIGXFSZ, SIG_IGN)
    let status: Int32
    do {
      var command = try parseAsRoot()
      try command.run()
      status = 0
    } catch let outcome as CommandOutcome {
      status = outcome.exitStatus
    } catch let exit as ExitCode {
      status = exit.rawValue
    } catch let diagnostic as Diagnostic {
      Console.standardError.report(diagnostic)
      status = ExitStatus.usage
    } catch {
      if exitCode(for: error) == .success {
        print(fullMessage(for: error))
        status = 0
      } else {
        Console.standardError.write(fullMessage(for: error))
        status = ExitStatus.usage
      }
    }
    Foundation.exit(status)
  }
}

/// Herald's exit codes (SPEC: Commands).
/// How a command ended short of "all well". Commands throw it; `Herald.main` turns it into
/// an exit code (`exitStatus`), here and nowhere else.
enum CommandOutcome: Error {
  /// Some posts were invalid or some deliveries failed for good; the rest was done.
  case partialFailure
  /// A usage or configuration error: nothing was done.
  case usage
  /// Another `build` or `publish` holds the lock.
  case locked

  /// SPEC's exit code for it.
  var exitStatus: Int32 {
    switch self {
    case .partialFailure: ExitStatus.partialFailure
    case .usage: ExitStatus.usage
    case .locked: ExitStatus.locked
    }
  }
}

enum ExitStatus {
  /// Some posts were invalid or some deliveries failed for good; the rest was done.
  static let partialFailure: Int32 = 1
  /// A usage or configuration error: nothing was done.
  static let usage: Int32 = 2
  /// Another `build` or `publish` holds the lock.
  static let locked: Int32 = 75
}
