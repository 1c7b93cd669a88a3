import ArgumentParser
import Delivery
import Foundation
import HeraldCore
import Posts

/// `herald queue [list | retry ID | cancel ID] [--json]`: the delivery queue.
struct QueueCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "queue",
    abstract: "Show the delivery queue, or retry or cancel a job.",
    subcommands: [List.self, Retry.self, Cancel.self],
    defaultSubcommand: List.self)

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show every job, newest first.")
    @OptionGroup var options: GlobalOptions
    @Flag(help: "Print one JSON document.") var json = false

    func run() throws {
      let console = options.console()
      let configuration = try options.loadConfiguration(console: console)
      let jobs = try withQueue(configuration, create: false) { try $0?.all() ?? [] }
      if json {
        FileHandle.standardOutput.write(try QueueJSON.render(jobs))
        return
      }
      if jobs.isEmpty {
        console.say("The queue is empty.")
        return
      }
      for job in jobs {
        var line =
          "\(job.id)  \(job.state.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(job.network.padding(toLength: 9, withPad: " ", startingAt: 0)) \(job.payload.permalink)"
        switch job.state {
        case .queued: line += "  due \(Timestamp.rfc3339(job.dueAt))"
        case .sent: line += job.remoteID.map { "  \($0)" } ?? ""
        default: break
        }
        console.say(line)
        if let error = job.lastError, job.state != .sent { console.say("      \(error)") }
      }
    }
  }

  struct Retry: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Send a failed or cancelled job again at the next publish.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The job's id (see: herald queue list).") var id: Int64
    @Flag(help: "Print the job as JSON.") var json = false

    func run() throws {
      try changeJob(id, options: options, json: json, done: "will be sent at the next publish") {
        try $0.retry(id, now: options.instant)
      }
    }
  }

  struct Cancel: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Never send a job.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The job's id (see: herald queue list).") var id: Int64
    @Flag(help: "Print the job as JSON.") var json = false

    func run() throws {
      try changeJob(id, options: options, json: json, done: "is cancelled") {
        try $0.cancel(id, now: options.instant)
      }
    }
  }
}

/// `queue retry` and `queue cancel`: change one job, then show it.
private func changeJob(
  _ id: Int64, options: GlobalOptions, json: Bool, done: String, _ change: (Queue) throws -> Job
) throws {
  let console = options.console()
  let configuration = try options.loadConfiguration(console: console)
  let job = try withQueue(configuration, create: false) { queue in
    guard let queue else {
      throw DeliveryError(path: configuration.state.displayPath, "there is no queue yet")
    }
    return try change(queue)
  }
  if json {
    FileHandle.standardOutput.write(try QueueJSON.render([job]))
  } else {
    console.say("Job \(job.id) (\(job.network), \(job.payload.permalink)) \(done).")
  }
}

/// Opens the queue for `body`, turning queue errors into exit code 2 with the file named.
private func withQueue<T>(
  _ configuration: HeraldConfiguration, create: Bool, _ body: (Queue?) throws -> T
) throws -> T {
  do {
    let queue =
      create
      ? try Queue(folder: configuration.state.url, displayPath: configuration.state.displayPath)
      : try Queue.existingWritable(
        folder: configuration.state.url, displayPath: configuration.state.displayPath)
    return try body(queue)
  } catch let error as DeliveryError {
    throw Diagnostic(.error, path: error.path ?? configuration.state.displayPath, error.message)
  }
}

/// `queue --json`: `{"jobs": [...]}`.
enum QueueJSON {
  struct Document: Encodable {
    var jobs: [Entry]
  }

  struct Entry: Encodable {
    var id: Int64
    var post: String
    var file: String
    var network: String
    var account: String
    var state: String
    var text: String
    var dueAt: String
    var attempts: Int
    var lastError: String?
    var remoteID: String?
    var sentAt: String?

    enum CodingKeys: String, CodingKey {
      case id, post, file, network, account, state, text, attempts
      case dueAt = "due_at"
      case lastError = "last_error"
      case remoteID = "remote_id"
      case sentAt = "sent_at"
    }
  }

  static func render(_ jobs: [Job]) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let document = Document(
      jobs: jobs.map { job in
        Entry(
          id: job.id, post: job.postID, file: job.postPath, network: job.network, account: job.account,
          state: job.state.rawValue, text: job.payload.text, dueAt: Timestamp.rfc3339(job.dueAt),
          attempts: job.attempts, lastError: job.lastError, remoteID: job.remoteID,
          sentAt: job.sentAt.map(Timestamp.rfc3339))
      })
    return try encoder.encode(document) + Data("\n".utf8)
  }
}
