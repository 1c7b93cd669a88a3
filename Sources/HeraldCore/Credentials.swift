internal import Foundation
internal import HTTP
public import Posts
public import Social

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The secrets and endpoints for the networks: a `KEY=value` file, overridden by the
/// environment. Values are never printed: `description` names the keys only.
public struct Credentials: Sendable, CustomStringConvertible {
  /// The keys of the account whose keys start with `prefix` on `network`: the default
  /// account's carry the network's name (`MASTODON_TOKEN`), an account of `social.accounts` its
  /// own prefix (`OPENSTACK_MASTODON_TOKEN`).
  public static func keys(network: Network, prefix: String) -> [String] {
    NetworkRegistry.entry(network).keys.map { prefix + "_" + $0 }
  }

  /// The prefix of a network's default account (`MASTODON`).
  public static func defaultPrefix(_ network: Network) -> String { network.rawValue.uppercased() }

  /// Every key of the default accounts, and the hub.
  public static let knownKeys: [String] =
    Network.allCases.flatMap { keys(network: $0, prefix: defaultPrefix($0)) } + ["WEBSUB_HUB"]

  private var values: [String: String]
  /// The credentials file read, as named; nil when there was none (environment only).
  public private(set) var file: String?
  /// Keys whose values are no secret (`MASTODON_URL`, `BLUESKY_HANDLE`), from the registry.
  private var publicKeys: Set<String> = Set(
    Network.allCases.flatMap { network in
      NetworkRegistry.entry(network).publicKeys.map { defaultPrefix(network) + "_" + $0 }
    })

  /// Credentials from a dictionary (tests, or keys already read).
  public init(_ values: [String: String] = [:]) {
    self.values = values.filter { !$0.value.isEmpty }
  }

  /// The value of `key`, if set.
  public subscript(_ key: String) -> String? { values[key] }

  /// An account's keys by their name without `prefix` (`TOKEN` for `MASTODON_TOKEN`).
  public func keys(prefix: String) -> NetworkEntry.Keys {
    let values = values
    return { values[prefix + "_" + $0] }
  }

  /// The keys that are set, sorted: safe to print.
  public var description: String { "Credentials(\(values.keys.sorted().joined(separator: ", ")))" }

  /// Every secret value, for scrubbing out of anything Herald prints. A webhook's URL is a
  /// secret too (Slack's and Discord's carry their token in the path).
  public var secrets: [String] {
    var secrets = values.filter { key, _ in !publicKeys.contains(key) && key != "WEBSUB_HUB" }.map(\.value)
    // A secret URL's path is its secret part (Slack's and Discord's hooks carry the token).
    for (key, value) in values where key.hasSuffix("_URL") && !publicKeys.contains(key) {
      if let path = URL(string: value)?.path, path.count > 1 { secrets.append(path) }
    }
    // Longest first, so a value that contains another is scrubbed whole.
    return secrets.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
  }

  /// Reads `--credentials PATH`, else `$HERALD_CREDENTIALS`, else `./credentials` (which may
  /// be absent), then applies environment variables of the same names. `accounts` are the
  /// accounts of `social.accounts`, whose prefixed keys are read too.
  public static func load(
    explicitPath: String?, environment: [String: String], accounts: [HeraldConfiguration.Account] = [],
    warnings: inout [Diagnostic]
  ) throws(Diagnostic) -> Credentials {
    let named = explicitPath ?? environment["HERALD_CREDENTIALS"].flatMap { $0.isEmpty ? nil : $0 }
    let path = named ?? "credentials"
    let known =
      knownKeys
      + accounts.flatMap { account in
        Network(rawValue: account.network).map { keys(network: $0, prefix: account.credentials) } ?? []
      }
    var values: [String: String] = [:]
    if FileManager.default.fileExists(atPath: path) {
      values = try readFile(path, known: Set(known), warnings: &warnings)
    } else if named != nil {
      throw Diagnostic(.error, path: path, "the credentials file does not exist")
    }
    for key in known {
      if let value = environment[key], !value.isEmpty { values[key] = value }
    }
    var credentials = Credentials(values)
    credentials.file = FileManager.default.fileExists(atPath: path) ? path : nil
    for account in accounts {
      guard let network = Network(rawValue: account.network) else { continue }
      for key in NetworkRegistry.entry(network).publicKeys {
        credentials.publicKeys.insert(account.credentials + "_" + key)
      }
    }
    try credentials.validateURLs(source: path)
    return credentials
  }

  private static func readFile(_ path: String, known: Set<String>, warnings: inout [Diagnostic])
    throws(Diagnostic) -> [String: String]
  {
    var status = stat()
    guard stat(path, &status) == 0 else {
      throw Diagnostic(.error, path: path, "cannot read the credentials file")
    }
    if status.st_mode & 0o077 != 0 {
      let mode = String(status.st_mode & 0o777, radix: 8)
      throw Diagnostic(
        .error, path: path,
        "the credentials file can be read by others (mode \(mode)); run: chmod 600 \(path)")
    }
    guard let data = FileManager.default.contents(atPath: path),
      let text = String(data: data, encoding: .utf8)
    else {
      throw Diagnostic(.error, path: path, "cannot read the credentials file as UTF-8 text")
    }
    return try parse(text, path: path, known: known, warnings: &warnings)
  }

  /// The `KEY=value` pairs of a credentials file's text (`export`, quotes and comments allowed).
  public static func parse(
    _ text: String, path: String, known: Set<String> = Set(knownKeys), warnings: inout [Diagnostic]
  ) throws(Diagnostic) -> [String: String] {
    var values: [String: String] = [:]
    for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      var line = rawLine.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
      if line.isEmpty || line.hasPrefix("#") { continue }
      if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
      // Never echo the line: it may hold a secret.
      guard let equals = line.firstIndex(of: "=") else {
        throw Diagnostic(.error, path: path, line: index + 1, "expected KEY=value")
      }
      let key = line[..<equals].trimmingCharacters(in: .whitespaces)
      var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
      if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
        value = String(value.dropFirst().dropLast())
      }
      guard known.contains(key) else {
        warnings.append(Diagnostic(.warning, path: path, line: index + 1, "unknown key '\(key)' is ignored"))
        continue
      }
      values[key] = value
    }
    return values
  }

  /// Every `*_URL` and the hub must be `https://`, except on a loopback host.
  private func validateURLs(source: String) throws(Diagnostic) {
    for (key, value) in values.sorted(by: { $0.key < $1.key })
    where key.hasSuffix("_URL") || key == "WEBSUB_HUB" {
      do {
        try URLPolicy.check(value)
      } catch  where error.kind == .invalidURL || error.kind == .insecureURL {
        throw Diagnostic(
          .error, path: source,
          "\(key) must be an https:// URL (http:// is allowed only for 127.0.0.1, ::1 or localhost)")
      } catch {
        // libcurl, whose parser reads every URL, could not be loaded: that is what to mend.
        throw Diagnostic(.error, path: source, "\(key) cannot be checked: \(error.message)")
      }
    }
  }
}
