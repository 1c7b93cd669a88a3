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
    // Earlier keywords are defaults: the URL (expanded from `dbname`) overrides them.
    let settings: [(String, String)] = [
      ("connect_timeout", "10"), ("keepalives_idle", "30"), ("keepalives_interval", "10"),
      ("keepalives_count", "3"), ("tcp_user_timeout", "60000"), ("application_name", "herald"),
      ("dbname", url),
    ]
    let connection = Self.withCStrings(settings.map(\.0)) { keywords in
      Self.withCStrings(settings.map(\.1)) { values in
        PQconnectdbParams(keywords, values, 1)
      }
    }
    guard let connection else {
      throw failure(SQLFailure(path: path, subject: subject, kind: .cannotOpen, message: "out of memory"))
    }
    guard PQstatus(connection) == CONNECTION_OK else {
      let message = Self.firstLine(PQerrorMessage(connection))
      PQfinish(connection)
      throw failure(SQLFailure(path: path, subject: subject, kind: .cannotOpen, message: message))
    }
    handle = connection
    cpostgres_silence_notices(handle)
  }

  deinit { PQfinish(handle) }

  /// PostgreSQL.
  public var dialect: SQLDialect { .postgresql }

  /// Runs SQL with no results (several statements allowed).
  public func execute(_ sql: String) throws(Failure) {
    let result = PQexec(handle, sql)
    defer { PQclear(result) }
    try check(result)
  }

  /// Runs one statement with `bindings`, returning every row.
  @discardableResult
  public func query(_ sql: String, _ bindings: [SQLValue]) throws(Failure) -> [SQLRow] {
    let texts: [String?] = bindings.map(Self.text(of:))
    let result = Self.withOptionalCStrings(texts) { values in
      PQexecParams(handle, Self.numbered(sql), Int32(texts.count), nil, values, nil, nil, 0)
    }
    defer { PQclear(result) }
    try check(result)
    changes = Int(String(cString: PQcmdTuples(result))) ?? 0
    var rows: [SQLRow] = []
    let columns = PQnfields(result)
    for row in 0..<PQntuples(result) {
      var values = SQLRow()
      for column in 0..<columns {
        let name = String(cString: PQfname(result, column))
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
    guard PQgetisnull(result, row, column) == 0, let bytes = PQgetvalue(result, row, column) else {
      return .null
    }
    let text = String(cString: bytes)
    switch PQftype(result, column) {
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
    let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
    guard status != PGRES_COMMAND_OK, status != PGRES_TUPLES_OK else { return }
    var message = Self.firstLine(result.flatMap { PQresultErrorMessage($0) })
    if message.isEmpty || message == "unknown error" { message = Self.firstLine(PQerrorMessage(handle)) }
    var state = ""
    if let result, let field = PQresultErrorField(result, Int32(UInt8(ascii: "C"))) {
      state = String(cString: field)
    }
    let kind: SQLFailure.Kind
    if PQstatus(handle) != CONNECTION_OK || state.hasPrefix("08") || state.hasPrefix("57P") {
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

  /// `postgresql://user@host:port/database`: what messages may show of a URL. The password
  /// and the options (which may hold one) are left out.
  public static func displayName(_ url: String) -> String {
    guard let schemeEnd = url.range(of: "://") else { return "PostgreSQL" }
    var rest = url[schemeEnd.upperBound...]
    if let query = rest.firstIndex(of: "?") { rest = rest[..<query] }
    if let at = rest.lastIndex(of: "@") {
      let userInfo = rest[..<at]
      let user = userInfo.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
      rest = Substring(user + "@" + rest[rest.index(after: at)...])
    }
    return String(url[..<schemeEnd.upperBound]) + rest
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
