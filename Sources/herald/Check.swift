import ArgumentParser
import Foundation
import HeraldCore
import Posts
import Social

/// `herald check`: reports every problem `build`, `preview` and `publish` would meet, then
/// which networks and accounts are on; writes nothing, sends nothing.
struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Report every problem in the posts, configuration and credentials, and which accounts are on.",
    discussion: "Writes nothing and sends nothing; --online checks each account with a read-only call.")

  @OptionGroup var options: GlobalOptions

  @Flag(help: "Check each account's credentials with a read-only call to its network.")
  var online = false

  func run() throws {
    let (console, configuration, credentials) = try options.setUp(strict: true)
    let logger = options.logger(console: console)
    let workspace = try Workspace.load(configuration, logger: logger)
    workspace.diagnostics.forEach(console.report)
    let now = options.instant
    var problems = configuration.problemCount

    // Posts an account will announce but no text fits: publish reports each once.
    let planner = SocialPlanner(configuration: configuration, credentials: credentials)
    let accounts = SocialAccount.configured(configuration, credentials: credentials)
    for post in workspace.posts {
      for account in accounts {
        let plan = planner.plan(for: post, account: account, now: now)
        guard plan.schedule.date != nil, let error = plan.compositionError else { continue }
        console.report(Diagnostic(.error, path: post.source.displayPath, error))
        problems += 1
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

    let table = AccountTable.rows(configuration, credentials: credentials)
    for row in table where row.isMisconfigured {
      console.report(Diagnostic(.error, path: credentials.file ?? "credentials", row.problem))
      problems += 1
    }
    var verified: [String: AccountCheck.Finding] = [:]
    if online {
      for finding in AccountCheck.run(accounts, configuration: configuration, now: now) {
        if let failure = finding.failure {
          console.report(
            Diagnostic(
              .error, path: credentials.file ?? "credentials",
              "\(finding.label): \(failure)\(finding.keysToCheck.map { "; check \($0)" } ?? "")"))
          problems += 1
        }
        verified[finding.label] = finding
      }
    }
    let state = QueueService.describeState(configuration)
    if let failure = state.failure {
      console.write("\(configuration.stateDisplayName): error: cannot read the state: \(failure)")
      problems += 1
    }
    console.say("State: \(state.description).")
    console.say("")
    console.say(AccountTable.render(table, verified: online ? verified : nil))
    if table.allSatisfy({ !$0.isOn }) {
      console.say(
        credentials.file == nil
          ? "No network is on: no credentials file was found (\(options.credentials ?? "$HERALD_CREDENTIALS, else ./credentials")); feeds only."
          : "No network is on: no account in \(credentials.file ?? "the credentials") has all its keys; feeds only."
      )
    }
    if workspace.invalidCount > 0 || problems > 0 { throw CommandOutcome.partialFailure }
  }
}

/// Which networks and accounts are on, off (a key missing) or skipped (no key at all).
enum AccountTable {
  struct Row {
    var network: Network
    var name: String?
    var missing: [String]
    var present: [String]
    var isOn: Bool { missing.isEmpty }
    /// Some keys set and others not: almost certainly a mistake.
    var isMisconfigured: Bool { !missing.isEmpty && !present.isEmpty }
    var label: String { name.map { "\(network.rawValue) (\($0))" } ?? network.rawValue }
    var problem: String {
      "\(label) is off: \(missing.joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") missing "
        + "(\(present.joined(separator: ", ")) \(present.count == 1 ? "is" : "are") set)"
    }
  }

  static func rows(_ configuration: HeraldConfiguration, credentials: Credentials) -> [Row] {
    var rows: [Row] = []
    func row(_ network: Network, name: String?, prefix: String) -> Row {
      let keys = Credentials.keys(network: network, prefix: prefix)
      return Row(
        network: network, name: name,
        missing: SocialAccount.missingKeys(network, prefix: prefix, credentials: credentials),
        present: keys.filter { credentials[$0] != nil })
    }
    for network in Network.allCases {
      rows.append(row(network, name: nil, prefix: network.rawValue.uppercased()))
    }
    for account in configuration.social.accounts {
      guard let network = Network(rawValue: account.network) else { continue }
      rows.append(row(network, name: account.name, prefix: account.credentials))
    }
    return rows
  }

  /// The table, with `verified` results of `--online` when there are some.
  static func render(_ rows: [Row], verified: [String: AccountCheck.Finding]?) -> String {
    let width = max(8, rows.map(\.label.count).max() ?? 8)
    var lines = ["Networks and accounts:"]
    for row in rows {
      var state: String
      if row.isOn {
        state = "on"
        if let finding = verified?[row.label] {
          if let failure = finding.failure {
            state += ", but the check failed: \(failure)"
          } else if let who = finding.identity {
            state += ", checked: \(who)"
          } else {
            state += " (a webhook cannot be checked without posting)"
          }
        }
      } else if row.present.isEmpty {
        state = "skipped (no keys)"
      } else {
        state = "off: \(row.missing.joined(separator: ", ")) missing"
      }
      lines.append("  " + row.label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + state)
    }
    return lines.joined(separator: "\n")
  }
}
