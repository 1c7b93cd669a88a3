internal import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A real PostgreSQL server (Debian's `postgresql`), made by `initdb` in a temporary folder
/// and listening on a free loopback port; stopped and removed when the value goes away.
/// PostgreSQL refuses to run as root: as root, it runs as the `postgres` user the package
/// creates.
public final class PostgresServer: @unchecked Sendable {
  /// The port it listens on.
  public let port: Int
  private let folder: URL
  private let binaries: String
  private var postmaster: Process?
  private var data: String { folder.appendingPathComponent("data").path }

  /// The server one test process shares: each test takes a database of its own
  /// (`makeDatabase`). Started on first use, stopped when the process exits.
  public static let shared: PostgresServer = {
    do {
      let server = try PostgresServer()
      atexit { PostgresServer.shared.stop() }
      return server
    } catch {
      fatalError("cannot start PostgreSQL for the tests: \(error)")
    }
  }()

  /// Where Debian installs the server's programs (`/usr/lib/postgresql/15/bin`), if it does.
  public static var installedBinaries: String? {
    let root = "/usr/lib/postgresql"
    let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
    return versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "\(root)/\($0)/bin" }.first {
      FileManager.default.isExecutableFile(atPath: $0 + "/initdb")
    }
  }

  /// Makes a cluster and starts it.
  public init() throws {
    guard let binaries = Self.installedBinaries else {
      throw ServerProcess.StartFailure(message: "PostgreSQL is not installed (make test-deps installs it)")
    }
    self.binaries = binaries
    port = try ServerProcess.freePort()
    folder = URL(fileURLWithPath: "/tmp/herald-postgres-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    if getuid() == 0 {
      try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: folder.path)
    }
    try run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])
    try start()
  }

  deinit {
    stop()
    try? FileManager.default.removeItem(at: folder)
  }

  /// Starts the server (again, after `stop`) and waits until it accepts connections. The
  /// postmaster runs in the foreground as this process's child, not through `pg_ctl start`:
  /// a daemon would inherit the socket Foundation's `Process` watches to see `pg_ctl` end, and
  /// `pg_ctl` would never seem to end.
  public func start() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: getuid() == 0 ? "/usr/bin/setpriv" : binaries + "/postgres")
    process.arguments =
      (getuid() == 0
        ? ["--reuid=postgres", "--regid=postgres", "--init-groups", binaries + "/postgres"] : [])
      + [
        "-D", data, "-p", String(port), "-k", folder.path, "-c", "listen_addresses=127.0.0.1", "-c",
        "fsync=off",
        "-c", "max_connections=200",
      ]
    let log = folder.appendingPathComponent("log")
    if !FileManager.default.fileExists(atPath: log.path) {
      _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    }
    let handle = try FileHandle(forWritingTo: log)
    handle.seekToEndOfFile()
    process.standardOutput = handle
    process.standardError = handle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    postmaster = process
    let deadline = Date().addingTimeInterval(30)
    while (try? psql("SELECT 1", database: "postgres")) == nil {
      guard process.isRunning, Date() < deadline else {
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        throw ServerProcess.StartFailure(message: "PostgreSQL did not start: \(output.suffix(2000))")
      }
      usleep(100_000)
    }
  }

  /// Stops the server at once (`SIGQUIT`: an immediate shutdown), as a crash or a lost host
  /// would: open connections break.
  public func stop() {
    guard let postmaster, postmaster.isRunning else { return }
    kill(postmaster.processIdentifier, SIGQUIT)
    let deadline = Date().addingTimeInterval(10)
    while postmaster.isRunning && Date() < deadline { usleep(50_000) }
    if postmaster.isRunning { kill(postmaster.processIdentifier, SIGKILL) }
    postmaster.waitUntilExit()
  }

  /// A new, empty database; its URL.
  public func makeDatabase() throws -> String {
    let name = "herald_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "_")
    _ = try psql("CREATE DATABASE \(name)", database: "postgres")
    return url(database: name)
  }

  /// The URL of `database`.
  public func url(database: String) -> String { "postgresql://postgres@127.0.0.1:\(port)/\(database)" }

  /// Runs `sql` in `database` (a name or a URL this server made) with `psql`; what it
  /// printed, one row per line, columns split by `|`.
  @discardableResult
  public func psql(_ sql: String, database: String) throws -> String {
    let name = database.split(separator: "/").last.map(String.init) ?? database
    let result = try Program.run(
      "/usr/bin/psql",
      [
        "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", name, "-At", "-v", "ON_ERROR_STOP=1",
        "-c", sql,
      ])
    guard result.status == 0 else {
      throw ServerProcess.StartFailure(message: "psql \(sql): \(result.errors)")
    }
    return result.output
  }

  @discardableResult
  private func run(_ program: String, _ arguments: [String]) throws -> String {
    let path = binaries + "/" + program
    let result =
      getuid() == 0
      // setpriv execs the program as `postgres`; runuser would fork and wait in a PAM session
      // of its own, and Foundation's `Process` never sees such a runuser end.
      ? try Program.run(
        "/usr/bin/setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", path] + arguments,
        in: folder)
      : try Program.run(path, arguments, in: folder)
    guard result.status == 0 else {
      throw ServerProcess.StartFailure(message: "\(program) failed: \(result.output)\(result.errors)")
    }
    return result.output
  }
}
