public import Foundation

/// What a delivery run did: the jobs it settled and the accounts it stopped.
public struct DeliveryReport: Sendable {
  /// Jobs the networks now have.
  public var sent: [Job] = []
  /// Jobs put back for later, with why.
  public var retrying: [(job: Job, reason: String)] = []
  /// Jobs that failed for good this run, with why.
  public var failed: [(job: Job, reason: String)] = []
  /// Jobs withdrawn this run (their post grew older than `max_age`), with why.
  public var withdrawn: [(job: Job, reason: String)] = []
  /// Networks a rate limit stopped for the rest of the run.
  public var rateLimited: Set<Network> = []
  /// Accounts whose credentials were refused: each stopped for the run, its jobs waiting.
  public var refused: [AccountProblem] = []
  /// Accounts whose network could not be reached: each stopped for the run.
  public var unreachable: [AccountProblem] = []
  /// Pictures left out of the posts sent (their posts went without them): the job, the
  /// picture as its post names it, and why.
  public var pictures: [(job: Job, image: String, reason: String)] = []

  /// An empty report.
  public init() {}
}

/// An account that stopped for the run: its credentials were refused, or its network could
/// not be reached. Its jobs wait.
public struct AccountProblem: Sendable {
  /// The network.
  public var network: Network
  /// The account's identity.
  public var account: String
  /// What happened, in the server's words where it gave some.
  public var reason: String
  /// The credential keys to check (for refused credentials).
  public var keys: String?
  /// When its jobs will be tried again (for an unreachable network).
  public var nextTry: Date?

  /// A problem of `account` on `network`.
  public init(network: Network, account: String, reason: String, keys: String? = nil, nextTry: Date? = nil) {
    self.network = network
    self.account = account
    self.reason = reason
    self.keys = keys
    self.nextTry = nextTry
  }
}
