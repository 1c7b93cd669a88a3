import ArgumentParser
import Foundation
import HeraldCore
import Posts
import Social

/// `herald queue [list | retry ID | cancel ID] [--json]`: the delivery queue.
struct QueueCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "queue",
    abstract: "Show the delivery queue, or retry or cancel a job.",
    subcommands: [List.self, Retry.self, Cancel.self],
    defaultSubcommand: List.self)

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list",
      abstract: "Show the jobs, newest first: where each stands, when it is tried next, what fixes it.")
    @OptionGroup var options: GlobalOptions
    @Option(
      help: ArgumentHelp(
        "Only jobs in this state (\(JobStatus.Situation.allCases.map(\.rawValue).joined(separator: ", ")), or queued).",
        valueName: "state"))
    var state: String?
    @Option(help: ArgumentHelp("Only jobs for this network.", valueName: "network")) var network: String?
    @Option(help: ArgumentHelp("Only jobs for this post (a file path or a slug).", valueName: "post"))
    var post: String?
    @Flag(help: "Print one JSON document.") var json = false

    func validate() throws {
      if let state, JobStatus.Situation(rawValue: state) == nil, Job.State(rawValue: state) == nil {
        throw ValidationError(
          "unknown state '\(state)'; choose from \(JobStatus.Situation.allCases.map(\.rawValue).joined(separator: ", "))"
        )
      }
    }

    func run() throws {
      let (console, configuration, credentials) = try options.setUp()
      let now = options.instant
      let statuses = try withQueue(configuration) { queue -> [JobStatus] in
        guard let queue else { return [] }
        let jobs = try queue.jobs().filter(JobFilter(network: network, post: post).matches)
        return try queue.statuses(
          of: jobs, accounts: SocialAccount.configured(configuration, credentials: credentials), now: now)
      }.filter { status in
        guard let state else { return true }
        return status.situation.rawValue == state || status.job.state.rawValue == state
      }
      if json {
        FileHandle.standardOutput.write(try QueueJSON.render(statuses))
        return
      }
      guard !statuses.isEmpty else {
        console.say(state == nil && network == nil && post == nil ? "The queue is empty." : "No job matches.")
        return
      }
      let table = QueueTable(zone: configuration.site.timeZone)
      FileHandle.standardOutput.write(Data(table.render(statuses).utf8))
    }
  }

  struct Retry: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "retry",
      abstract: "Send failed, cancelled or withdrawn jobs again at the next publish.",
      discussion: """
        The next publish checks each job against its post first, and composes it again from the \
        post as it is now unless a request for it may already have reached the network.
        """)
    @OptionGroup var options: GlobalOptions
    @OptionGroup var selection: JobSelection
    @Flag(help: "Print the jobs as JSON.") var json = false

    func validate() throws { try selection.validate() }

    func run() throws {
      try changeJobs(
        selection, options: options, json: json, done: "will be sent at the next publish",
        appliesTo: { $0.state != .sent && $0.state != .sending }
      ) { try $0.retry($1, now: options.instant) }
    }
  }

  struct Cancel: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Never send these jobs.")
    @OptionGroup var options: GlobalOptions
    @OptionGroup var selection: JobSelection
    @Flag(help: "Print the jobs as JSON.") var json = false

    func validate() throws { try selection.validate() }

    func run() throws {
      try changeJobs(
        selection, options: options, json: json, done: "is cancelled",
        appliesTo: { $0.state == .queued || $0.state == .failed || $0.state == .withdrawn }
      ) { try $0.cancel($1, now: options.instant) }
    }
  }
}

/// Which jobs `queue retry` and `queue cancel` change: ids, or every job that matches the
/// filters (all of them together).
struct JobSelection: ParsableArguments {
  @Argument(help: "Job ids (see: herald queue list).") var ids: [Int64] = []
  @Flag(help: "Every job that failed for good.") var failed = false
  @Option(help: ArgumentHelp("Only jobs for this network.", valueName: "network")) var network: String?
  @Option(help: ArgumentHelp("Only jobs for this post (a file path or a slug).", valueName: "post")) var post:
    String?

  func validate() throws {
    if ids.isEmpty && !failed && network == nil && post == nil {
      throw ValidationError("Name job ids, or choose jobs with --failed, --network or --post.")
    }
  }

  /// Whether `job` is one of those chosen.
  func matches(_ job: Job) -> Bool {
    if !ids.isEmpty && !ids.contains(job.id) { return false }
    if failed && job.state != .failed { return false }
    return JobFilter(network: network, post: post).matches(job)
  }
}

/// `--network` and `--post`, as `queue` reads them.
struct JobFilter {
  var network: String?
  var post: String?

  func matches(_ job: Job) -> Bool {
    if let network, job.network.rawValue != network.lowercased() { return false }
    if let post {
      let slug = ((job.postPath as NSString).lastPathComponent as NSString).deletingPathExtension
      let path = post.hasPrefix("./") ? String(post.dropFirst(2)) : post
      let bare = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
      guard job.postPath == path || path.hasSuffix("/" + job.postPath) || slug == bare || job.postID == post
      else { return false }
    }
    return true
  }
}

/// `queue retry` and `queue cancel`: change each chosen job, then show them. A job that
/// cannot be changed so (a sent job cannot be cancelled) is reported, and the others still are.
private func changeJobs(
  _ selection: JobSelection, options: GlobalOptions, json: Bool, done: String,
  appliesTo applies: (Job) -> Bool, _ change: (QueueService, Int64) throws -> Job
) throws {
  let console = options.console()
  let configuration = try options.loadConfiguration(console: console)
  var changed: [Job] = []
  var problems = 0
  try withQueue(configuration) { queue in
    guard let queue else {
      throw HeraldError(path: configuration.state.displayPath, "there is no queue yet")
    }
    let matching = try queue.jobs().filter(selection.matches)
    for id in selection.ids where !matching.contains(where: { $0.id == id }) {
      console.write(
        "\(configuration.state.displayPath): error: there is no job \(id) that matches (see: herald queue list)"
      )
      problems += 1
    }
    // Filters choose only the jobs the change applies to; a job named by its id that it
    // does not apply to is reported by the queue.
    let chosen = matching.filter { !selection.ids.isEmpty || applies($0) }.map(\.id).sorted()
    for id in chosen {
      do {
        changed.append(try change(queue, id))
      } catch let error as HeraldError {
        console.write(error.description)
        problems += 1
      }
    }
  }
  if json {
    FileHandle.standardOutput.write(try QueueJSON.render(changed))
  } else {
    if changed.isEmpty && problems == 0 { console.say("No job matches.") }
    for job in changed { console.say("Job \(job.id) (\(job.network), \(job.payload.permalink)) \(done).") }
  }
  // Nothing done is a usage error, as for one id; some done, some refused, a partial failure.
  if problems > 0 { throw changed.isEmpty ? CommandOutcome.usage : CommandOutcome.partialFailure }
}

/// Opens the queue (nil: there is none yet) for `body`, turning its errors into exit code 2
/// with the file named.
private func withQueue<T>(_ configuration: HeraldConfiguration, _ body: (QueueService?) throws -> T) throws
  -> T
{
  do {
    return try body(try QueueService.open(configuration))
  } catch let error as HeraldError {
    throw Diagnostic(.error, path: error.path, error.message)
  }
}

/// `queue --json`: `{"jobs": [...]}`, each field described in the README.
enum QueueJSON {
  struct Document: Encodable {
    var jobs: [Entry]
  }

  struct Entry: Encodable {
    var id: Int64
    var post: String
    var file: String
    var title: String
    var url: String
    var network: String
    var account: String
    var state: String
    var situation: String?
    var text: String
    var dueAt: String
    var nextAt: String?
    var attempts: Int
    var lastError: String?
    var remoteID: String?
    var remoteURL: String?
    var sentAt: String?
    var fix: String?

    enum CodingKeys: String, CodingKey {
      case id, post, file, title, url, network, account, state, situation, text, attempts, fix
      case dueAt = "due_at"
      case nextAt = "next_at"
      case lastError = "last_error"
      case remoteID = "remote_id"
      case remoteURL = "remote_url"
      case sentAt = "sent_at"
    }

    init(_ job: Job, status: JobStatus?) {
      id = job.id
      post = job.postID
      file = job.postPath
      title = job.payload.title
      url = job.payload.permalink
      network = job.network.rawValue
      account = job.account
      state = job.state.rawValue
      situation = status?.situation.rawValue
      text = job.payload.text
      dueAt = Timestamp.rfc3339(job.dueAt)
      nextAt = job.state == .queued ? status?.when.map(Timestamp.rfc3339) : nil
      attempts = job.attempts
      lastError = job.lastError
      remoteID = job.remoteID
      remoteURL = job.remoteURL
      sentAt = job.sentAt.map(Timestamp.rfc3339)
      fix = status?.fix
    }
  }

  static func render(_ statuses: [JobStatus]) throws -> Data {
    try encode(statuses.map { Entry($0.job, status: $0) })
  }

  static func render(_ jobs: [Job]) throws -> Data {
    try encode(jobs.map { Entry($0, status: nil) })
  }

  private static func encode(_ entries: [Entry]) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(Document(jobs: entries)) + Data("\n".utf8)
  }
}
