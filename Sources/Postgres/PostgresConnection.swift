internal import CPostgres
internal import Foundation
public import SQL

/// One libpq connection to a PostgreSQL server, owned here and closed on deinit; nothing
/// outside sees a C type. Statements use `?` placeholders, as SQLite's do; values go to the
/// server as text, each as a parameter, never spliced into the SQL.
///
/// A connection that breaks (the server stopped or restarted, the network cut) is not
/// reopened: every statement after it fails as `connectionLost`, so a run stops where it
/// was instead of carrying on with half its state.
public final class PostgresConnection<Failure: Error>: SQLConnection {
  private let handle: OpaquePointer
  /// The server and database as messages name them: the URL without its password or options.
  public let path: String
  private let subject: String
  private let makeFailure: (SQLFailure) -> Failure
  /// Rows the last statement changed.
  public private(set) var changes = 0

  /// Connects to `url` (`postgresql://user:password@host:port/database?sslmode=…`). The
  /// connection gives up after 10 seconds and notices a dead server within about a minute
  /// (TCP keepalives), unless the URL says otherwise.
  public init(url: String, subject: String, failure: @escaping (SQLFailure) -> Failure) throws(Failure) {
    path = Self.displayName(url)
    self.subject = subject
    makeFailure = failure
    if let reason = cpostgres_load_error() {
      throw failure(
        SQLFailure(path: path, subject: subject, kind: .cannotOpen, message: String(cString: reason)))
    }
    // libpq's own words about a URL it cannot parse may quote the password: say it in ours.
    guard let parsed = Self.parse(url) else {
      throw failure(
        SQLFailure(
          path: path, subject: subject, kind: .cannotOpen,
          message: "the URL is malformed (a reserved character in the password must be percent-encoded)"))
    }
    let password = parsed["password"] ?? ""
    // Earlier keywords are defaults: the URL (expanded from `dbname`) overrides them.
    let settings: [(String, String)] = [
      ("connect_timeout", "10"), ("keepalives_idle", "30"), ("keepalives_interval", "10"),
      ("keepalives_count", "3"), ("tcp_user_timeout", "60000"), ("application_name", "herald"),
      ("dbname", url),
    ]
    let connection = Self.withCStrings(settings.map(\.0)) { keywords in
      Self.withCStrings(settings.map(\.1)) { values in
        cpostgres_connectdbParams(keywords, values, 1)
      }
    }
    guard let connection else {
      throw failure(SQLFailure(path: path, subject: subject, kind: .cannotOpen, message: "out of memory"))
    }
    guard cpostgres_status(connection) == CONNECTION_OK else {
      var message = Self.firstLine(cpostgres_errorMessage(connection))
      // libpq does not quote passwords in connection errors; should it ever, they stay hidden.
      if password.count >= 4 { message = message.replacingOccurrences(of: password, with: "***") }
      cpostgres_finish(connection)
      throw failure(SQLFailure(path: path, subject: subject, kind: .cannotOpen, message: message))
    }
    handle = connection
    cpostgres_silence_notices(handle)
    // Every digit of a double, whatever the server's default (older servers round to 15, and
    // the record-key clock needs 16).
    try execute("SET extra_float_digits = 3")
  }

  deinit { cpostgres_finish(handle) }

  /// PostgreSQL.
  public var dialect: SQLDialect { .postgresql }

  /// Runs SQL with no results (several statements allowed).
  public func execute(_ sql: String) throws(Failure) {
    let result = cpostgres_exec(handle, sql)
    defer { cpostgres_clear(result) }
    try check(result)
  }

  /// Runs one statement with `bindings`, returning every row.
  @discardableResult
  public func query(_ sql: String, _ bindings: [SQLValue]) throws(Failure) -> [SQLRow] {
    let texts: [String?] = bindings.map(Self.text(of:))
    let result = Self.withOptionalCStrings(texts) { values in
      cpostgres_execParams(handle, Self.numbered(sql), Int32(texts.count), nil, values, nil, nil, 0)
    }
    defer { cpostgres_clear(result) }
    try check(result)
    changes = Int(String(cString: cpostgres_cmdTuples(result))) ?? 0
    var rows: [SQLRow] = []
    let columns = cpostgres_nfields(result)
    for row in 0..<cpostgres_ntuples(result) {
      var values = SQLRow()
      for column in 0..<columns {
        let name = String(cString: cpostgres_fname(result, column))
        values.values[name] = Self.value(result, row: row, column: column)
      }
      rows.append(values)
    }
    return rows
  }

  /// Takes the session-level advisory lock `key` if no other session holds it; the server
  /// drops it when this connection ends, however the process ends.
  public func tryAdvisoryLock(_ key: Int64) throws(Failure) -> Bool {
    try query("SELECT pg_try_advisory_lock(?) AS taken", [.integer(key)]).first?.integer("taken") == 1
  }

  // MARK: - Values

  private static func text(of value: SQLValue) -> String? {
    switch value {
    case .null: nil
    case .integer(let number): String(number)
    case .real(let number): "\(number)"
    // PostgreSQL text cannot hold NUL.
    case .text(let text): text.contains("\0") ? text.replacingOccurrences(of: "\0", with: "") : text
    case .blob(let bytes):
      "\\x" + bytes.map { String(format: "%02x", $0) }.joined()
    }
  }

  private static func value(_ result: OpaquePointer?, row: Int32, column: Int32) -> SQLValue {
    guard cpostgres_getisnull(result, row, column) == 0, let bytes = cpostgres_getvalue(result, row, column)
    else {
      return .null
    }
    let text = String(cString: bytes)
    switch cpostgres_ftype(result, column) {
    case 16: return .integer(text == "t" ? 1 : 0)  // bool
    case 20, 21, 23: return Int64(text).map(SQLValue.integer) ?? .text(text)  // int8, int2, int4
    case 700, 701, 1700: return Double(text).map(SQLValue.real) ?? .text(text)  // float4, float8, numeric
    default: return .text(text)
    }
  }

  /// `?` placeholders as PostgreSQL numbers them (`$1`, `$2`…), outside quoted text.
  static func numbered(_ sql: String) -> String {
    var output = ""
    var count = 0
    var quoted = false
    for character in sql {
      if character == "'" { quoted.toggle() }
      if character == "?" && !quoted {
        count += 1
        output += "$\(count)"
      } else {
        output.append(character)
      }
    }
    return output
  }

  // MARK: - Failures

  private func check(_ result: OpaquePointer?) throws(Failure) {
    let status = result.map(cpostgres_resultStatus) ?? PGRES_FATAL_ERROR
    guard status != PGRES_COMMAND_OK, status != PGRES_TUPLES_OK else { return }
    var message = Self.firstLine(result.flatMap { cpostgres_resultErrorMessage($0) })
    if message.isEmpty || message == "unknown error" {
      message = Self.firstLine(cpostgres_errorMessage(handle))
    }
    var state = ""
    if let result, let field = cpostgres_resultErrorField(result, Int32(UInt8(ascii: "C"))) {
      state = String(cString: field)
    }
    let kind: SQLFailure.Kind
    if cpostgres_status(handle) != CONNECTION_OK || state.hasPrefix("08") || state.hasPrefix("57P") {
      kind = .connectionLost
    } else if state == "53100" {
      kind = .diskFull
    } else if state == "25006" || state.hasPrefix("42501") {
      kind = .readOnly
    } else {
      kind = .other
    }
    changes = 0
    throw makeFailure(SQLFailure(path: path, subject: subject, kind: kind, message: message))
  }

  private static func firstLine(_ message: UnsafePointer<CChar>?) -> String {
    guard let message else { return "unknown error" }
    return firstLine(String(cString: message))
  }

  private static func firstLine(_ message: String) -> String {
    message.split(whereSeparator: \.isNewline).first.map { String($0).trimmingSpaces } ?? ""
  }

  /// `postgresql://user@host:port/database`: what messages may show of a URL, rebuilt from
  /// what libpq reads in it. The password and the options (which may hold one) are left out.
  public static func displayName(_ url: String) -> String {
    guard let parsed = parse(url) else { return "PostgreSQL (a malformed state URL)" }
    let user = parsed["user"].map { $0 + "@" } ?? ""
    let host = parsed["host"] ?? parsed["hostaddr"] ?? "localhost"
    let port = parsed["port"].map { ":" + $0 } ?? ""
    return "postgresql://" + user + host + port + "/" + (parsed["dbname"] ?? "")
  }

  /// Whether `url` spells out a password (in its user part or as `password=`).
  public static func holdsPassword(_ url: String) -> Bool {
    !(parse(url)?["password"] ?? "").isEmpty
  }

  /// The settings libpq reads in `url`, by keyword; nil when it cannot parse it, or when an
  /// `@` left unencoded in the password would make libpq read the rest of it as the host (and
  /// messages show it).
  private static func parse(_ url: String) -> [String: String]? {
    if let start = url.range(of: "://")?.upperBound,
      url[start...].prefix(while: { $0 != "/" }).filter({ $0 == "@" }).count > 1
    {
      return nil
    }
    var error: UnsafeMutablePointer<CChar>?
    guard let options = cpostgres_conninfoParse(url, &error) else {
      if let error { cpostgres_freemem(error) }
      return nil
    }
    defer { cpostgres_conninfoFree(options) }
    var settings: [String: String] = [:]
    var option = options
    while let keyword = option.pointee.keyword {
      if let value = option.pointee.val { settings[String(cString: keyword)] = String(cString: value) }
      option += 1
    }
    return settings
  }

  // MARK: - C strings

  private static func withCStrings<T>(
    _ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> T
  ) -> T {
    withOptionalCStrings(strings) { pointers in body(pointers + [nil]) }
  }

  private static func withOptionalCStrings<T>(
    _ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> T
  ) -> T {
    let copies = strings.map { $0.map { strdup($0) } ?? nil }
    defer { copies.forEach { free($0) } }
    return body(copies.map { $0.map { UnsafePointer($0) } })
  }
}

extension String {
  fileprivate var trimmingSpaces: String {
    var text = Substring(self)
    while text.first?.isWhitespace == true { text = text.dropFirst() }
    while text.last?.isWhitespace == true { text = text.dropLast() }
    return String(text)
  }
}
