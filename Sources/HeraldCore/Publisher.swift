internal import CrashPoints
public import Delivery
internal import Feeds
public import Foundation
public import HTTP
internal import Images
public import Logging
public import Posts
public import Social

/// `herald publish`: build the feeds, queue the social posts that are due, send what is due,
/// and ping the WebSub hub. `dryRun` does all the deciding and none of the doing.
public struct Publisher {
  private let workspace: Workspace
  private let credentials: Credentials
  private let now: Date
  private let logger: Logger
  private let http: HTTPClient
  private let allowShrink: Bool
  private var configuration: HeraldConfiguration { workspace.configuration }

  /// What a run did (or, dry, would do).
  public struct Report {
    /// The feed build.
    public var build: BuildReport?
    /// Feed files a dry run would write.
    public var feedsToWrite: [String] = []
    /// Jobs queued this run (dry: that would be).
    public var queued: [Queue.NewJob] = []
    /// Posts whose social post cannot be made, one diagnostic each (once: the run that
    /// records it in the queue).
    public var problems: [Diagnostic] = []
    /// Waiting jobs the blog changed under: withdrawn, rescheduled, composed again.
    public var reconciled: [(job: Job, note: String)] = []
    /// The delivery.
    public var delivery = DeliveryReport()
    /// Requests a dry run would send, in order.
    public var requests: [HTTPRequest] = []

    /// One warning per post and picture left out anywhere (the feeds, any network), naming
    /// where it was left out and why; `dryRun` says "would be".
    public func pictureWarnings(dryRun: Bool, postsFolder: String) -> [Diagnostic] {
      struct Key: Hashable {
        var path: String
        var image: String
      }
      var places: [Key: (line: Int?, where: [String], reasons: [String])] = [:]
      var order: [Key] = []
      func add(_ key: Key, line: Int?, place: String, reason: String) {
        if places[key] == nil { order.append(key) }
        var entry = places[key] ?? (line, [], [])
        entry.line = entry.line ?? line
        if !entry.where.contains(place) { entry.where.append(place) }
        if !entry.reasons.contains(reason) { entry.reasons.append(reason) }
        places[key] = entry
      }
      for picture in build?.leftOutPictures ?? [] {
        add(
          Key(path: picture.path, image: picture.image), line: picture.line, place: "the feeds",
          reason: picture.reason)
      }
      for (job, image, reason) in delivery.pictures {
        add(
          Key(path: postsFolder + "/" + job.postPath, image: image), line: nil, place: job.network.rawValue,
          reason: reason)
      }
      return order.compactMap { key in
        guard let entry = places[key] else { return nil }
        return Diagnostic(
          .warning, path: key.path, line: entry.line,
          "the image \(key.image) \(dryRun ? "would be" : "is") left out of \(entry.where.joined(separator: ", ")): "
            + entry.reasons.joined(separator: "; "))
      }
    }

    /// The requests a dry run would send, each as `--dry-run` prints it, credentials
    /// redacted.
    public func describedRequests(secrets: [String]) -> [String] {
      requests.map { RequestPrinter.describe($0, secrets: secrets) }
    }
    /// Feeds the hub was told about.
    public var pinged: [String] = []
    /// The jobs still waiting after the run, each with where it stands and when it is next
    /// tried.
    public var waiting: [JobStatus] = []
  }

  /// A publisher for `workspace` at `now`; `allowShrink` lets the feeds lose more than half
  /// their posts (`--allow-shrink`).
  public init(
    workspace: Workspace, credentials: Credentials, now: Date, logger: Logger, allowShrink: Bool = false
  ) {
    self.allowShrink = allowShrink
    self.workspace = workspace
    self.credentials = credentials
    self.now = now
    self.logger = logger
    self.http = Self.httpClient(workspace.configuration)
  }

  /// The client every request of a run goes through, with the configured timeouts.
  static func httpClient(_ configuration: HeraldConfiguration) -> HTTPClient {
    HTTPClient(
      configuration: .init(
        connectTimeout: .milliseconds(Int(configuration.httpConnectTimeout * 1000)),
        totalTimeout: .milliseconds(Int(configuration.httpTimeout * 1000)),
        userAgent: "Herald/\(HeraldVersion.current)"))
  }

  /// The accounts that are on, each with its client.
  public func accounts() -> [SocialAccount] {
    SocialAccount.configured(configuration, credentials: credentials)
  }

  /// Publishes for real: the caller holds the `PublishLock`. With a `session`, the run is
  /// stamped so that the next one, finding nothing changed, only sends what is due.
  public func run(session: BuildSession? = nil) throws -> Report {
    try HeraldError.translating(configuration) {
      var report = Report()
      let inputs = workspace.feedInputs(at: now)
      let build = try FeedBuild.run(
        inputs, credentials: credentials, now: now, logger: logger, session: session,
        allowShrink: allowShrink)
      report.build = build
      CrashPoint.feedsBuilt.reached()
      let accounts = accounts()
      let clients = accounts.map(\.client)
      let queue = try configuration.openQueue()
      let changes = reconciler(accounts).review(try queue.unsettled(), posts: workspace.posts)
      try queue.save(changes.map { ($0.before, $0.after) }, now: now)
      for change in changes {
        report.reconciled.append((change.after, change.note))
        logger.notice("\(change.after.network): job \(change.after.id) \(change.note)")
      }
      var quietUntil = Double.greatestFiniteMagnitude
      let clockID = UInt64.random(in: 0..<1024)
      for job in newJobs(accounts: accounts, queue: queue, quietUntil: &quietUntil) {
        if try queue.enqueue(job, now: now, clockID: clockID) {
          if let error = job.compositionError {
            report.problems.append(Diagnostic(.error, path: displayPath(job), error))
          } else {
            report.queued.append(job)
            logger.info("queued \(job.network) post for \(job.payload.permalink)")
          }
        }
      }
      CrashPoint.queued.reached()
      if let session {
        session.stamp(
          "publish", extra: try Self.socialInputs(configuration, clients: clients, queue: queue),
          span: inputs.span, report: build, until: quietUntil)
      }
      report.delivery = try deliver(queue: queue, clients: clients)
      report.waiting = try waiting(queue, accounts: accounts)
      if let hub = credentials["WEBSUB_HUB"], let written = report.build?.outcome.written {
        report.pinged = ping(hub: hub, changed: written)
      }
      return report
    }
  }

  /// A publish run when nothing changed since the last one and no post fell due since:
  /// what it reported then, and the queue's due jobs sent. Nil when a whole run is needed.
  public static func quietRun(session: BuildSession) throws -> Report? {
    try HeraldError.translating(session.configuration) {
      let configuration = session.configuration
      let accounts = SocialAccount.configured(configuration, credentials: session.credentials)
      let clients = accounts.map(\.client)
      // A shared queue is part of what the stamp stands for: it must be open to ask.
      let shared = configuration.sharedState != nil ? try configuration.openQueue() : nil
      guard
        let stamp = session.reusableStamp(
          "publish", extra: try socialInputs(configuration, clients: clients, queue: shared))
      else { return nil }
      let queue = try shared ?? configuration.openQueue()
      // `queue retry` asked for a job to be checked against its post: that needs the posts.
      guard !(try queue.needsRecheck()) else { return nil }
      var report = Report()
      report.build = stamp.report.build
      let publisher = Publisher(
        workspace: Workspace(
          configuration: configuration, posts: [], diagnostics: [], registry: EntryIDRegistry()),
        credentials: session.credentials, now: session.now, logger: session.logger)
      report.delivery = try publisher.deliver(queue: queue, clients: clients)
      report.waiting = try publisher.waiting(queue, accounts: accounts)
      return report
    }
  }

  /// What a publish run depends on beyond a build: which accounts posts go to, and which
  /// queue remembers what was queued (a queue moved aside, or a database made anew, means
  /// a new one). `queue` is the shared queue, when the state is in PostgreSQL.
  private static func socialInputs(
    _ configuration: HeraldConfiguration, clients: [any NetworkClient], queue: Queue?
  ) throws -> [String] {
    let identity: String
    if configuration.sharedState != nil {
      identity = try queue?.identity() ?? "no queue"
    } else {
      let file = FileSignature.of(configuration.state.url.appendingPathComponent(Queue.fileName).path)
      identity = file.map { "\($0.device) \($0.inode)" } ?? "no queue"
    }
    return clients.map { "\($0.network) \($0.account)" } + [identity]
  }

  /// Sends the queue's due jobs.
  private func deliver(queue: Queue, clients: [any NetworkClient]) throws -> DeliveryReport {
    var jitter = SystemRandomNumberGenerator()
    return try Dispatcher(
      queue: queue, clients: clients, http: http, settings: Self.dispatchSettings(configuration), now: now,
      jitter: { Double.random(in: 0..<1, using: &jitter) }, logger: logger, secrets: credentials.secrets,
      pictures: pictures(cached: true)
    ).run()
  }

  /// Where posts' pictures are read (`site.static`, else the site) and, when `cached`, where
  /// their variants are kept (the state folder; a dry run keeps them in a temporary folder).
  private func pictures(cached: Bool) -> ImageStore {
    ImageStore(
      staticFolder: configuration.staticFolder?.url, siteURL: configuration.site.url,
      cacheFolder: cached ? configuration.state.url.appendingPathComponent("images") : nil,
      connectTimeout: .seconds(configuration.httpConnectTimeout), timeout: .seconds(configuration.httpTimeout)
    )
  }

  /// The jobs that still wait, and when each is next tried.
  private func waiting(_ queue: Queue, accounts: [SocialAccount]) throws -> [JobStatus] {
    try JobStatus.of(
      queue.pending(), queue: queue, configuration: configuration, accounts: accounts, now: now)
  }

  private static func dispatchSettings(_ configuration: HeraldConfiguration) -> Dispatcher.Settings {
    let social = configuration.social
    var settings = Dispatcher.Settings(maxPerRun: social.maxPerRun, minInterval: social.minInterval)
    settings.maxAge = social.maxAge
    settings.maxAgeText = SocialPlanner.describe(social.maxAge)
    settings.giveUpAfter = configuration.giveUpAfter
    return settings
  }

  private func reconciler(_ accounts: [SocialAccount]) -> QueueReconciler {
    QueueReconciler(
      configuration: configuration,
      planner: SocialPlanner(configuration: configuration, credentials: credentials),
      accounts: accounts, now: now)
  }

  /// Decides everything a run would do, and changes nothing: no file, no queue, no request.
  public func dryRun() throws -> Report {
    try HeraldError.translating(configuration) {
      var report = Report()
      let inputs = workspace.feedInputs(at: now)
      let published = inputs.published
      if !allowShrink { try FeedBuild.guardAgainstShrinking(inputs) }
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
        stale, of: plan, site: site,
        content: ContentSource(folder: configuration.posts.url, published: published).content)

      let accounts = accounts()
      let queue = try configuration.existingQueue()
      let (jobs, changes) = try reviewed(queue: queue, accounts: accounts)
      report.reconciled = changes.map { ($0.after, $0.note) }
      var quietUntil = Double.greatestFiniteMagnitude
      let new = newJobs(accounts: accounts, queue: queue, quietUntil: &quietUntil)
      report.queued = new.filter { $0.compositionError == nil }
      report.problems = new.compactMap { job in
        job.compositionError.map { Diagnostic(.error, path: displayPath(job), $0) }
      }
      // What a real run would claim: jobs already due in the queue (and any a crash left under
      // way), then the new ones, under the same pacing rules.
      let social = configuration.social
      let waiting = jobs.filter {
        $0.state == .sending
          || $0.state == .queued && $0.dueAt <= now && now.timeIntervalSince($0.postDueAt) <= social.maxAge
      }
      let fresh = report.queued.enumerated().map { index, job in
        Job(
          id: -Int64(index + 1), postID: job.postID, postPath: job.postPath, network: job.network,
          account: job.account, payload: job.payload, idempotencyKey: "(chosen when queued)", state: .queued,
          dueAt: job.dueAt, attempts: 0, lastError: nil, remoteID: nil, createdAt: now, sentAt: nil)
      }
      var claimed: [String: Int] = [:]
      let dryRunPictures = pictures(cached: false)
      for job in waiting.sorted(by: { $0.dueAt < $1.dueAt }) + fresh {
        guard
          let client = accounts.first(where: {
            $0.network == job.network && $0.client.account == job.account
          })?
          .client
        else { continue }
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
        var shown = job
        if client.needsRecordKey, shown.payload.recordKey == nil {
          shown.payload.recordKey = "(chosen when queued)"
        }
        if let image = shown.payload.image {
          do throws(ImageFailure) {
            shown.picture = try PictureMaker(store: dryRunPictures).picture(
              image, for: client.pictureUse, network: shown.network)
          } catch {
            report.delivery.pictures.append((shown, image.reference, error.message))
          }
        }
        report.requests.append(try client.request(for: shown, now: now))
      }
      if let hub = credentials["WEBSUB_HUB"], !report.feedsToWrite.isEmpty {
        report.requests += pingRequests(hub: hub, changed: report.feedsToWrite)
      }
      return report
    }
  }

  /// The queue's jobs as the next run will find them once it has checked them against the
  /// posts (withdrawn, rescheduled, composed again), without changing the queue: what
  /// `preview` and `--dry-run` show.
  public func queueAsNextRunSeesIt() throws -> [Job] {
    try HeraldError.translating(configuration) {
      let queue = try configuration.existingQueue()
      return try reviewed(queue: queue, accounts: accounts()).jobs
    }
  }

  private func reviewed(queue: Queue?, accounts: [SocialAccount]) throws -> (
    jobs: [Job], changes: [QueueReconciler.Change]
  ) {
    let jobs = try queue?.all() ?? []
    let changes = reconciler(accounts).review(jobs.filter(\.isUnsettled), posts: workspace.posts)
    let changed = Dictionary(changes.map { ($0.after.id, $0.after) }, uniquingKeysWith: { first, _ in first })
    return (jobs.map { changed[$0.id] ?? $0 }, changes)
  }

  /// A job's post file as diagnostics name it.
  private func displayPath(_ job: Queue.NewJob) -> String {
    configuration.posts.displayPath + "/" + job.postPath
  }

  /// The jobs due now that were never queued, each composed and frozen; a post that cannot
  /// be composed for an account becomes a job that records why (once). `quietUntil` is
  /// lowered to the first instant a job falls due after now.
  private func newJobs(
    accounts: [SocialAccount], queue: Queue?, quietUntil: inout Double
  ) -> [Queue.NewJob] {
    let planner = SocialPlanner(configuration: configuration, credentials: credentials)
    var jobs: [Queue.NewJob] = []
    for post in workspace.posts {
      for account in accounts where account.announces(post) {
        guard case .at(let due) = planner.schedule(post, network: account.network, now: now) else { continue }
        guard due <= now else {
          quietUntil = min(quietUntil, due.timeIntervalSince1970)
          continue
        }
        let network = account.network
        if (try? queue?.contains(postID: post.id, network: network, account: account.client.account)) == true
        {
          continue
        }
        let plan = planner.plan(for: post, account: account, now: now)
        var job = Queue.NewJob(
          postID: post.id, postPath: post.source.relativePath, network: network,
          account: account.client.account,
          payload: Payload(
            text: "", permalink: post.permalink, title: post.title, summary: post.summary, language: nil,
            recordKey: nil, createdAt: Timestamp.rfc3339(now)),
          dueAt: due, needsRecordKey: account.client.needsRecordKey)
        switch plan.post {
        case .failure:
          job.compositionError = plan.compositionError
        case .success(let composed):
          job.payload = QueueReconciler.payload(
            post: post, network: account.network, composed: composed, configuration: configuration,
            createdAt: Timestamp.rfc3339(now))
        }
        jobs.append(job)
      }
    }
    return jobs
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
    // Readers subscribe to the subscription feeds; archives are fetched once, by following links.
    let feeds = changed.filter {
      ($0.hasSuffix(".xml") || $0.hasSuffix(".json")) && !FeedPlanner.isArchivePath($0)
    }.map {
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
