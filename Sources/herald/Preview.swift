import ArgumentParser
import Foundation
import HeraldCore
import Posts
import Social

/// `herald preview`: each post's feed entry and social posts, before anything is sent.
struct Preview: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "preview",
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

  @Flag(help: "Print one JSON document instead of text.")
  var json = false

  @Option(
    name: .customLong("html"),
    help: ArgumentHelp(
      "Write one self-contained HTML page for review in a browser instead of printing text.",
      valueName: "file"))
  var htmlFile: String?

  func validate() throws {
    for name in networkNames where Network(rawValue: name) == nil {
      throw ValidationError(
        "unknown network '\(name)'; choose from \(Network.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    if json, htmlFile != nil { throw ValidationError("--json and --html cannot be used together.") }
    if htmlFile?.isEmpty == true { throw ValidationError("--html needs a file to write.") }
  }

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
    // The review page is made offline: a picture that is not in site.static is named, not fetched.
    let pictures = PicturePreview(configuration: configuration, fetches: htmlFile == nil)
    let previews = selected.map { post in
      let plans = planner.plans(for: post, networks: shown, now: now)
      // Pictures are read for posts that will go out, or that were asked for by name.
      let check = !posts.isEmpty || plans.contains { $0.schedule.date != nil }
      return PostPreview(
        post: post, status: post.status(at: now, hiddenPosts: configuration.hiddenPosts), plans: plans,
        jobs: jobsByPost[post.id] ?? [], pictures: pictures.describe(post, networks: shown, check: check),
        thumbnail: htmlFile == nil ? nil : pictures.thumbnail(post))
    }
    if let htmlFile {
      let page = PreviewPage(
        siteTitle: configuration.site.title, language: configuration.site.language ?? "en",
        zone: configuration.site.timeZone, now: now)
      // A stored page is held to what printed output is: no secret, whatever a queue line says.
      try PreviewPage.write(console.redactedHTML(page.render(previews)), to: htmlFile)
      let going = previews.reduce(0) { total, preview in
        total
          + preview.plans.filter { plan in plan.schedule.date != nil && (try? plan.post.get()) != nil }.count
      }
      console.say("Wrote \(htmlFile): \(previews.count) posts, \(going) social posts that go out.")
    } else if json {
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
