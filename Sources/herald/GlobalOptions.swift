import ArgumentParser
import Foundation
import HeraldCore
import Logging
import Posts

/// The options every command takes.
struct GlobalOptions: ParsableArguments {
  @Option(help: ArgumentHelp("The site's configuration file.", valueName: "path"))
  var config = "feeds/herald.yml"

  @Option(help: ArgumentHelp("An ISO 8601 instant that stands in for the clock.", valueName: "time"))
  var now: String?

  @Option(
    help: ArgumentHelp(
      "The credentials file (default: $HERALD_CREDENTIALS, else ./credentials).", valueName: "path"))
  var credentials: String?

  @Flag(help: "Say what is being done.")
  var verbose = false

  @Flag(help: "Print errors only.")
  var quiet = false

  @Option(help: "Colour: auto (a terminal without NO_COLOR), always or never.")
  var color: ColorChoice = .auto

  mutating func validate() throws {
    if verbose && quiet { throw ValidationError("--verbose and --quiet cannot be used together.") }
    if let now {
      do {
        _ = try Timestamp.parse(now, defaultZone: TimeZone(secondsFromGMT: 0)!)
      } catch {
        throw ValidationError("--now: \(error.reason)")
      }
    }
  }

  /// The instant this run treats as now: `--now`, else the moment the process started, read
  /// once so every part of a run (the build, the queue, the pacing) agrees on it.
  var instant: Date {
    guard let now, let date = try? Timestamp.parse(now, defaultZone: TimeZone(secondsFromGMT: 0)!)
    else { return Self.startedAt }
    return date
  }

  private static let startedAt = Date()

  /// What most commands start with: a console, the configuration and the credentials, the
  /// console told which values to scrub.
  func setUp(strict: Bool = false) throws -> (Console, HeraldConfiguration, Credentials) {
    var console = console()
    let configuration = try loadConfiguration(console: console, strict: strict)
    let credentials = try loadCredentials(console: console, accounts: configuration.social.accounts)
    console.secrets = credentials.secrets
    // An account with some keys but not all is off: say so, never silently (`check` says
    // it as an error of its own).
    if !strict {
      for row in AccountTable.rows(configuration, credentials: credentials) where row.isMisconfigured {
        console.report(Diagnostic(.warning, path: credentials.file ?? "credentials", row.problem))
      }
    }
    return (console, configuration, credentials)
  }

  /// Reads the configuration, printing its warnings; throws a diagnostic (exit 2) when unusable.
  func loadConfiguration(console: Console, strict: Bool = false) throws -> HeraldConfiguration {
    var warnings: [Diagnostic] = []
    defer { warnings.forEach(console.report) }
    var configuration = try HeraldConfiguration.load(path: config, strict: strict, warnings: &warnings)
    configuration.problemCount = warnings.filter { $0.severity == .error }.count
    return configuration
  }

  /// Reads the credentials, printing their warnings.
  func loadCredentials(console: Console, accounts: [HeraldConfiguration.Account] = []) throws -> Credentials {
    var warnings: [Diagnostic] = []
    defer { warnings.forEach(console.report) }
    return try Credentials.load(
      explicitPath: credentials, environment: ProcessInfo.processInfo.environment, accounts: accounts,
      warnings: &warnings)
  }

  /// Where messages go, coloured as asked.
  func console() -> Console {
    var console = Console.standardError
    console.useColor = color.enabled(isTerminal: isatty(STDERR_FILENO) == 1)
    console.quiet = quiet
    return console
  }

  /// A logger that prints to standard error at the level the flags ask for.
  func logger(console: Console) -> Logger {
    var logger = Logger(label: "herald") { _ in ConsoleLogHandler(console: console) }
    logger.logLevel = verbose ? .debug : (quiet ? .error : .notice)
    return logger
  }
}

/// `--color`.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
  case auto
  case always
  case never

  /// Whether to colour output going to a stream that is (or is not) a terminal.
  func enabled(isTerminal: Bool) -> Bool {
    switch self {
    case .always: true
    case .never: false
    case .auto:
      isTerminal && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }
  }
}
