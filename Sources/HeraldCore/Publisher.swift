internal import CrashPoints
public import Delivery
internal import Feeds
public import Foundation
public import HTTP
public import Logging
public import Posts
internal import Social

/// `herald publish`: build the feeds, queue the social posts that are due, send what is due,
/// and ping the WebSub hub. `dryRun` does all the deciding and none of the doing.
public struct Publisher {
  private let workspace: Workspace
  private let credentials: Credentials
  private let now: Date
  private let logger: Logger
  private let http: HTTPClient
  private var configuration: HeraldConfiguration { workspace.configuration }

  /// What a run did (or, dry, would do).
  public struct Report {
    /// The feed build.
    public var build: BuildReport?
    /// Feed files a dry run would write.
    public var feedsToWrite: [String] = []
    /// Jobs queued this run (dry: that would be).
    public var queued: [Queue.NewJob] = []
    /// Posts whose social post cannot be made, one diagnostic each.
    public var problems: [Diagnostic] = []
    /// The delivery.
    public var delivery = Dispatcher.Report()
    /// Requests a dry run would send, in order.
    public var requests: [HTTPRequest] = []
    /// Feeds the hub was told about.
    public var pinged: [String] = []
  }

  /// A publisher for `workspace` at `now`.
  public init(workspace: Workspace, credentials: Credentials, now: Date, logger: Logger) {
    self.workspace = workspace
    self.credentials = credentials
    self.now = now
    self.logger = logger
    let configuration = workspace.configuration
    self.http = HTTPClient(
      configuration: .init(
        connectTimeout: .milliseconds(Int(configuration.httpConnectTimeout * 1000)),
        totalTimeout: .milliseconds(Int(configuration.httpTimeout * 1000)),
        userAgent: "Herald/\(HeraldVersion.current)"))
  }

  /// The clients of the networks that are on.
  public func clients() -> [any NetworkClient] {
    Self.clients(configuration, credentials: credentials)
  }

  /// The clients of the networks `credentials` turn on.
  static func clients(_ configuration: HeraldConfiguration, credentials: Credentials) -> [any NetworkClient] {
    let planner = SocialPlanner(configuration: configuration, credentials: credentials)
    return planner.enabledNetworks.compactMap { network -> (any NetworkClient)? in
      switch network {
      case .mastodon:
        MastodonClient(server: credentials["MASTODON_URL"]!, token: credentials["MASTODON_TOKEN"]!)
      case .bluesky:
        BlueskyClient(
          service: credentials["BLUESKY_URL"] ?? "https://bsky.social",
          handle: credentials["BLUESKY_HANDLE"]!,
          appPassword: credentials["BLUESKY_APP_PASSWORD"]!, stateFolder: configuration.state.url)
      case .x:
        XClient(
          server: credentials["X_URL"] ?? "https://api.x.com", consumerKey: credentials["X_CONSUMER_KEY"]!,
          consumerSecret: credentials["X_CONSUMER_SECRET"]!, token: credentials["X_ACCESS_TOKEN"]!,
          tokenSecret: credentials["X_ACCESS_TOKEN_SECRET"]!)
      case .linkedin:
        LinkedInClient(
          server: credentials["LINKEDIN_URL"] ?? "https://api.linkedin.com",
          token: credentials["LINKEDIN_TOKEN"]!,
          author: credentials["LINKEDIN_AUTHOR"]!)
      case .webhook:
        WebhookClient(url: credentials["WEBHOOK_URL"]!, format: credentials["WEBHOOK_FORMAT"] ?? "json")
      }
    }
  }

  /// Publishes for real: the caller holds the `PublishLock`. With a `session`, the run is
  /// stamped so that the next one, finding nothing changed, only sends what is due.
  public func run(session: BuildSession? = nil) throws -> Report {
    var report = Report()
    let build = try FeedBuild.run(
      workspace, credentials: credentials, now: now, logger: logger, session: session)
    report.build = build
    CrashPoint.feedsBuilt.reached()
    let clients = clients()
    let queue = try Queue(folder: configuration.state.url, displayPath: configuration.state.displayPath)
    var quietUntil = Double.greatestFiniteMagnitude
    for job in newJobs(clients: clients, queue: queue, problems: &report.problems, quietUntil: &quietUntil) {
      if try queue.enqueue(job, now: now) {
        report.queued.append(job)
        logger.info("queued \(job.network) post for \(job.payload.permalink)")
      }
    }
    CrashPoint.queued.reached()
    if let session {
      session.stamp(
        "publish", extra: Self.socialInputs(configuration, credentials: credentials, clients: clients),
        workspace: workspace, report: build, problems: report.problems, until: quietUntil)
    }
    report.delivery = try deliver(queue: queue, clients: clients)
    if let hub = credentials["WEBSUB_HUB"], let written = report.build?.outcome.written {
      report.pinged = ping(hub: hub, changed: written)
    }
    return report
  }

  /// A publish run when nothing changed since the last one and no post fell due since:
  /// what it reported then, and the queue's due jobs sent. Nil when a whole run is needed.
  public static func quietRun(session: BuildSession) throws -> Report? {
    let configuration = session.configuration
    let clients = clients(configuration, credentials: session.credentials)
    guard
      let stamp = session.reusableStamp(
        "publish", extra: socialInputs(configuration, credentials: session.credentials, clients: clients))
    else { return nil }
    let queue = try Queue(folder: configuration.state.url, displayPath: configuration.state.displayPath)
    var report = Report()
    report.build = stamp.report.build
    report.problems = stamp.report.socialProblems
    let publisher = Publisher(
      workspace: Workspace(
        configuration: configuration, posts: [], diagnostics: [], registry: EntryIDRegistry()),
      credentials: session.credentials, now: session.now, logger: session.logger)
    report.delivery = try publisher.deliver(queue: queue, clients: clients)
    return report
  }

  /// What a publish run depends on beyond a build: which accounts posts go to, and which
  /// queue remembers what was queued (a queue moved aside means a new one).
  private static func socialInputs(
    _ configuration: HeraldConfiguration, credentials: Credentials, clients: [any NetworkClient]
  ) -> [String] {
    let queue = FileSignature.of(configuration.state.url.appendingPathComponent(Queue.fileName).path)
    return clients.map { "\($0.network) \($0.account)" } + [
      queue.map { "\($0.device) \($0.inode)" } ?? "no queue"
    ]
  }

  /// Sends the queue's due jobs.
  private func deliver(queue: Queue, clients: [any NetworkClient]) throws -> Dispatcher.Report {
    let social = configuration.social
    var jitter = SystemRandomNumberGenerator()
    return try Dispatcher(
      queue: queue, clients: clients, http: http,
      settings: .init(maxPerRun: social.maxPerRun, minInterval: social.minInterval), now: now,
      jitter: { Double.random(in: 0..<1, using: &jitter) }, logger: logger, secrets: credentials.secrets
    ).run()
  }

  /// Decides everything a run would do, and changes nothing: no file, no queue, no request.
  public func dryRun() throws -> Report {
    var report = Report()
    let published = workspace.published(at: now)
    let site = FeedBuild.site(configuration, credentials: credentials)
    let plan = FeedPlanner.plan(published.map(FeedEntry.init), site: site)
    let cache = BuildCache.open(
      state: configuration.state, settings: Workspace.cacheSettings(configuration), readOnly: true,
      logger: logger)
    let stale = FeedBuild.staleFeeds(
      plan, output: configuration.output, remembered: cache?.rememberedOutputs() ?? [:])
    report.feedsToWrite = try FeedOutput(
      folder: configuration.output.url, displayPath: configuration.output.displayPath
    ).changes(
      stale, of: plan, site: site, content: ContentSource(workspace: workspace, published: published).content)

    let clients = clients()
    let queue = try Queue.existing(
      folder: configuration.state.url, displayPath: configuration.state.displayPath)
    var quietUntil = Double.greatestFiniteMagnitude
    report.queued = newJobs(
      clients: clients, queue: queue, problems: &report.problems, quietUntil: &quietUntil)
    // What a real run would claim: jobs already due in the queue (and any a crash left under
    // way), then the new ones, under the same pacing rules.
    let waiting =
      try queue?.all().filter { $0.state == .sending || $0.state == .queued && $0.dueAt <= now } ?? []
    let new = report.queued.enumerated().map { index, job in
      Job(
        id: -Int64(index + 1), postID: job.postID, postPath: job.postPath, network: job.network,
        account: job.account,
        payload: job.payload, idempotencyKey: "(chosen when queued)", state: .queued, dueAt: job.dueAt,
        attempts: 0,
        lastError: nil, remoteID: nil, createdAt: now, sentAt: nil)
    }
    let social = configuration.social
    var claimed: [String: Int] = [:]
    for job in waiting.sorted(by: { $0.dueAt < $1.dueAt }) + new {
      guard let client = clients.first(where: { $0.network == job.network && $0.account == job.account })
      else {
        continue
      }
      let limits = try queue?.accountState(network: job.network, account: job.account)
      let key = Queue.accountKey(job)
      guard
        job.state == .sending
          || Queue.mayClaim(
            job, lastSentAt: limits?.lastSentAt, blockedUntil: limits?.blockedUntil,
            claimedThisRun: claimed[key, default: 0], now: now, maxPerRun: social.maxPerRun,
            minInterval: social.minInterval)
      else { continue }
      claimed[key, default: 0] += 1
      report.requests.append(try client.request(for: job, now: now))
    }
    if let hub = credentials["WEBSUB_HUB"], !report.feedsToWrite.isEmpty {
      report.requests += pingRequests(hub: hub, changed: report.feedsToWrite)
    }
    return report
  }

  /// The jobs due now that were never queued, each composed and frozen. `quietUntil` is
  /// lowered to the first instant a job falls due after now.
  private func newJobs(
    clients: [any NetworkClient], queue: Queue?, problems: inout [Diagnostic], quietUntil: inout Double
  ) -> [Queue.NewJob] {
    let planner = SocialPlanner(configuration: configuration, credentials: credentials)
    var jobs: [Queue.NewJob] = []
    var generator = SystemRandomNumberGenerator()
    for post in workspace.posts {
      for client in clients {
        guard let network = Network(rawValue: client.network),
          case .at(let due) = planner.schedule(post, network: network, now: now)
        else { continue }
        guard due <= now else {
          quietUntil = min(quietUntil, due.timeIntervalSince1970)
          continue
        }
        if (try? queue?.contains(postID: post.id, network: client.network, account: client.account)) == true {
          continue
        }
        guard let plan = planner.plans(for: post, networks: [network], now: now).first else { continue }
        switch plan.post {
        case .failure(let error):
          problems.append(Diagnostic(.error, path: post.source.displayPath, "\(plan.networkName): \(error)"))
        case .success(let composed):
          let payload = Payload(
            text: composed.text, permalink: post.permalink, title: post.title, summary: post.summary,
            language: configuration.site.language,
            facetsJSON: network == .bluesky ? Self.facetsJSON(composed) : nil,
            recordKey: network == .bluesky
              ? BlueskyClient.recordKey(at: now, clockID: UInt64.random(in: 0..<1024, using: &generator))
              : nil,
            createdAt: Timestamp.rfc3339(now))
          jobs.append(
            Queue.NewJob(
              postID: post.id, postPath: post.source.relativePath, network: client.network,
              account: client.account, payload: payload, dueAt: due))
        }
      }
    }
    return jobs
  }

  private static func facetsJSON(_ composed: ComposedPost) -> String? {
    composed.facets.isEmpty ? nil : Facet.jsonString(composed.facets)
  }

  /// Tells the hub which feeds changed (WebSub `hub.mode=publish`); a failure is a warning.
  private func ping(hub: String, changed: [String]) -> [String] {
    var pinged: [String] = []
    for request in pingRequests(hub: hub, changed: changed) {
      do {
        let response = try http.send(request)
        if (200..<300).contains(response.status) {
          pinged.append(request.url)
        } else {
          logger.warning("the WebSub hub answered \(response.status)")
        }
      } catch {
        logger.warning("cannot reach the WebSub hub: \(error)")
      }
    }
    return pinged
  }

  private func pingRequests(hub: String, changed: [String]) -> [HTTPRequest] {
    let feeds = changed.filter { $0.hasSuffix(".xml") || $0.hasSuffix(".json") }.map {
      configuration.feedsURL + $0
    }
    guard !feeds.isEmpty else { return [] }
    let form = (["hub.mode=publish"] + feeds.map { "hub.url=" + Self.formEncode($0) }).joined(separator: "&")
    return [
      HTTPRequest(
        method: "POST", url: hub,
        headers: [HTTPHeader(name: "Content-Type", value: "application/x-www-form-urlencoded")],
        body: Data(form.utf8))
    ]
  }

  private static func formEncode(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
  }
}
