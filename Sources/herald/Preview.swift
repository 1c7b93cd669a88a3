import ArgumentParser
import Foundation
import HeraldCore
import Posts
import Social

/// `herald preview`: each post's feed entry and social posts, before anything is sent.
struct Preview: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show each post's feed entry and social posts, with lengths and send times.")

  @OptionGroup var options: GlobalOptions

  @Argument(help: ArgumentHelp("Posts to show, by file path or slug (default: all).", valueName: "post"))
  var posts: [String] = []

  @Option(
    name: .customLong("network"),
    help: ArgumentHelp(
      "A network to show (\(Network.allCases.map(\.rawValue).joined(separator: ", "))); repeatable.",
      valueName: "network"))
  var networkNames: [String] = []

  /// The networks asked for with `--network`.
  var networks: [Network] { networkNames.compactMap(Network.init(rawValue:)) }

  func validate() throws {
    for name in networkNames where Network(rawValue: name) == nil {
      throw ValidationError(
        "unknown network '\(name)'; choose from \(Network.allCases.map(\.rawValue).joined(separator: ", "))")
    }
  }

  @Flag(help: "Print one JSON document instead of text.")
  var json = false

  func run() throws {
    let (console, configuration, credentials) = try options.setUp()
    let workspace = try Workspace.load(configuration, logger: options.logger(console: console))
    let now = options.instant
    let planner = SocialPlanner(configuration: configuration, credentials: credentials)
    // Asked-for networks whatever the credentials; else those that are on; else all.
    let shown =
      !networks.isEmpty
      ? Network.allCases.filter(networks.contains)
      : planner.enabledNetworks.isEmpty ? Network.allCases : planner.enabledNetworks

    let (selected, problems) = try select(workspace)
    problems.forEach(console.report)
    // The queue as the next publish will see it, so what preview says is what will happen.
    let jobs: [Job]
    do {
      jobs = try Publisher(
        workspace: workspace, credentials: credentials, now: now, logger: options.logger(console: console)
      )
      .queueAsNextRunSeesIt()
    } catch let error as HeraldError {
      console.report(Diagnostic(.warning, path: error.path, error.message))
      jobs = []
    }
    let jobsByPost = Dictionary(grouping: jobs, by: \.postID)
    let pictures = PicturePreview(configuration: configuration)
    let previews = selected.map { post in
      let plans = planner.plans(for: post, networks: shown, now: now)
      // Pictures are read for posts that will go out, or that were asked for by name.
      let check = !posts.isEmpty || plans.contains { $0.schedule.date != nil }
      return PostPreview(
        post: post, status: post.status(at: now, hiddenPosts: configuration.hiddenPosts), plans: plans,
        jobs: jobsByPost[post.id] ?? [], pictures: pictures.describe(post, networks: shown, check: check))
    }
    if json {
      FileHandle.standardOutput.write(try PreviewJSON.render(previews))
    } else {
      let isTerminal = isatty(STDOUT_FILENO) == 1
      var renderer = PreviewRenderer(
        width: isTerminal ? Terminal.columns() : 80,
        useColor: options.color.enabled(isTerminal: isTerminal), zone: configuration.site.timeZone)
      FileHandle.standardOutput.write(Data(renderer.render(previews).utf8))
    }
    if !problems.filter({ $0.severity == .error }).isEmpty { throw CommandOutcome.partialFailure }
  }

  /// The posts named on the command line (all, newest first, when none is), and the reading
  /// errors of the files asked for.
  private func select(_ workspace: Workspace) throws -> ([Post], [Diagnostic]) {
    let newestFirst = workspace.posts.sorted { $0.date > $1.date }
    guard !posts.isEmpty else { return (newestFirst, workspace.diagnostics) }
    var chosen: [Post] = []
    var problems: [Diagnostic] = []
    for name in posts {
      let wanted = (name as NSString).standardizingPath
      let matches = newestFirst.filter { post in
        post.slug == name || post.source.relativePath == name
          || (post.source.displayPath as NSString).standardizingPath == wanted
          || URL(fileURLWithPath: post.source.displayPath).standardizedFileURL.path
            == URL(fileURLWithPath: name).standardizedFileURL.path
      }
      if matches.isEmpty {
        let unreadable = workspace.diagnostics.filter {
          $0.severity == .error && ($0.path as NSString).standardizingPath == wanted
        }
        guard !unreadable.isEmpty else {
          throw ValidationError("no post matches '\(name)' (give a file path or a slug)")
        }
        problems += unreadable
      }
      chosen += matches.filter { match in !chosen.contains { $0.source == match.source } }
    }
    return (chosen, problems)
  }
}

/// A post with everything `preview` shows about it.
struct PostPreview {
  var post: Post
  var status: PostStatus
  var plans: [SocialPlan]
  /// The post's jobs in the queue, as the next publish will find them.
  var jobs: [Job] = []
  /// What becomes of the post's picture on each network.
  var pictures: [Network: String] = [:]

  /// The jobs of one network, one line each: where each stands in the queue.
  func queueLines(_ network: Network, zone: TimeZone) -> [String] {
    jobs.filter { $0.network == network }.map { Self.describe($0, zone: zone) }
  }

  /// One job's state as people read it.
  static func describe(_ job: Job, zone: TimeZone) -> String {
    let time = { (date: Date) in Timestamp.displayWithUTC(date, in: zone) }
    let state: String
    switch job.state {
    case .queued:
      state =
        job.failingSince == nil
        ? "waiting, due \(time(job.dueAt))"
        : "retrying after \(time(job.dueAt)) (\(job.lastError ?? "failed"))"
    case .sending: state = "sending (left under way; resolved at the next publish)"
    case .sent:
      state = "sent \(job.sentAt.map(time) ?? "")" + ((job.remoteURL ?? job.remoteID).map { ": \($0)" } ?? "")
    case .failed: state = "failed: \(job.lastError ?? "") (herald queue retry \(job.id))"
    case .cancelled: state = "cancelled"
    case .withdrawn: state = "withdrawn: \(job.lastError ?? "")"
    }
    return "queue: job \(job.id) for \(job.account): \(state)"
  }
}

/// `preview --json`: one document, `{"posts": [...]}`.
enum PreviewJSON {
  struct Document: Encodable {
    var posts: [PostEntry]
  }

  struct PostEntry: Encodable {
    var id: String
    var url: String
    var title: String
    var status: String
    var date: String
    var file: String
    var social: [SocialEntry]
  }

  /// SPEC's `{network, text, length, limit, send_at}`, each always present (null when there is
  /// none); `never` says why a post will not go out, `error` why it cannot be made.
  struct SocialEntry: Encodable {
    var network: String
    var text: String?
    var length: Int?
    var limit: Int?
    var sendAt: String?
    var never: String?
    var error: String?
    var facets: [Facet]?
    /// What becomes of the post's picture on the network.
    var image: String?
    /// Where this post's jobs for the network stand in the queue.
    var queue: [QueueEntry] = []

    enum CodingKeys: String, CodingKey {
      case network, text, length, limit, never, error, facets, queue, image
      case sendAt = "send_at"
    }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(network, forKey: .network)
      try container.encode(text, forKey: .text)
      try container.encode(length, forKey: .length)
      try container.encode(limit, forKey: .limit)
      try container.encode(sendAt, forKey: .sendAt)
      try container.encodeIfPresent(never, forKey: .never)
      try container.encodeIfPresent(error, forKey: .error)
      try container.encodeIfPresent(facets, forKey: .facets)
      try container.encodeIfPresent(image, forKey: .image)
      try container.encode(queue, forKey: .queue)
    }
  }

  /// One job: `{id, account, state, reason, due_at, sent_at, remote_id}`.
  struct QueueEntry: Encodable {
    var id: Int64
    var account: String
    var state: String
    var reason: String?
    var dueAt: String?
    var sentAt: String?
    var remoteID: String?
    var remoteURL: String?

    enum CodingKeys: String, CodingKey {
      case id, account, state, reason
      case dueAt = "due_at"
      case sentAt = "sent_at"
      case remoteID = "remote_id"
      case remoteURL = "remote_url"
    }

    init(_ job: Job) {
      id = job.id
      account = job.account
      state = job.state.rawValue
      reason = job.state == .sent ? nil : job.lastError
      dueAt = job.state == .queued ? Timestamp.rfc3339(job.dueAt) : nil
      sentAt = job.sentAt.map(Timestamp.rfc3339)
      remoteID = job.remoteID
      remoteURL = job.remoteURL
    }
  }

  static func render(_ previews: [PostPreview]) throws -> Data {
    let document = Document(
      posts: previews.map { preview in
        PostEntry(
          id: preview.post.id, url: preview.post.permalink, title: preview.post.title,
          status: preview.status.rawValue, date: Timestamp.rfc3339(preview.post.date),
          file: preview.post.source.displayPath,
          social: preview.plans.map { plan in
            var entry = SocialEntry(
              network: plan.network.rawValue, limit: plan.limit, image: preview.pictures[plan.network])
            entry.queue = preview.jobs.filter { $0.network == plan.network }.map(QueueEntry.init)
            switch plan.post {
            case .success(let composed):
              entry.text = composed.text
              entry.length = composed.length
              if !composed.facets.isEmpty { entry.facets = composed.facets }
            case .failure(let error):
              entry.error = error.description
            }
            switch plan.schedule {
            case .at(let date): entry.sendAt = Timestamp.rfc3339(date)
            case .never(let reason): entry.never = reason
            }
            return entry
          })
      })
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(document) + Data("\n".utf8)
  }
}
