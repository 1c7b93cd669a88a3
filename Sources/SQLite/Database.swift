internal import CSQLite
public import Foundation
public import SQL

/// One SQLite connection, owned here and closed on deinit; nothing outside sees a C type.
/// The queue and the build cache use it, each with its own error type: `Failure` is made from
/// an `SQLFailure` by the closure the connection was opened with.
public final class Database<Failure: Error>: SQLConnection {
  private let handle: OpaquePointer
  /// The file, as messages name it.
  public let path: String
  /// What the database is, as messages name it: `queue`, `build cache`.
  private let subject: String
  private let makeFailure: (SQLFailure) -> Failure
  /// Statements prepared once and kept, by their SQL: a run that writes thousands of rows
  /// with one statement parses it once. One in use is taken out, so nested use prepares anew.
  private var prepared: [String: OpaquePointer] = [:]

  /// Opens (or creates, unless `readOnly`) the database at `url`; its failures become
  /// `Failure`s through `failure`.
  public init(
    url: URL, displayPath: String, subject: String, readOnly: Bool = false,
    failure: @escaping (SQLFailure) -> Failure
  ) throws(Failure) {
    path = displayPath
    self.subject = subject
    makeFailure = failure
    var connection: OpaquePointer?
    let flags =
      (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
    let status = sqlite3_open_v2(url.path, &connection, flags, nil)
    guard status == SQLITE_OK, let connection else {
      let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      sqlite3_close_v2(connection)
      throw failure(
        SQLFailure(path: displayPath, subject: subject, kind: .cannotOpen, message: message))
    }
    handle = connection
    // Another process (a second publish, or `queue retry`) may hold the write lock briefly.
    sqlite3_busy_timeout(handle, 5_000)
  }

  /// Leaves the write-ahead log as it is when the connection closes, for SQLite to fold
  /// into the database when it grows (every thousand pages) rather than at every close.
  public func keepLogOnClose() {
    _ = csqlite_no_checkpoint_on_close(handle)
  }

  deinit {
    for statement in prepared.values { sqlite3_finalize(statement) }
    sqlite3_close_v2(handle)
  }

  /// Runs SQL with no results (several statements allowed).
  public func execute(_ sql: String) throws(Failure) {
    var error: UnsafeMutablePointer<CChar>?
    let status = sqlite3_exec(handle, sql, nil, nil, &error)
    if status != SQLITE_OK {
      let message = error.map { String(cString: $0) } ?? "error \(status)"
      sqlite3_free(error)
      throw failure(message, status: status)
    }
  }

  /// Runs one statement with `bindings`, returning every row.
  @discardableResult
  public func query(_ sql: String, _ bindings: [SQLValue]) throws(Failure) -> [SQLRow] {
    var rows: [SQLRow] = []
    try forEachRow(sql, bindings) { columns in
      var row = SQLRow()
      for column in 0..<columns.count { row.values[columns.name(column)] = columns.value(column) }
      rows.append(row)
    }
    return rows
  }

  /// Runs one statement with `bindings`, handing each row to `body` as it is read: for
  /// reading many rows without building a dictionary for each.
  public func forEachRow(
    _ sql: String, _ bindings: [SQLValue] = [], _ body: (SQLiteColumns) throws(Failure) -> Void
  ) throws(Failure) {
    let statement = try statement(sql)
    defer {
      sqlite3_reset(statement)
      sqlite3_clear_bindings(statement)
      if let other = prepared.updateValue(statement, forKey: sql) { sqlite3_finalize(other) }
    }
    for (index, value) in bindings.enumerated() {
      let position = Int32(index + 1)
      switch value {
      case .null: sqlite3_bind_null(statement, position)
      case .integer(let number): sqlite3_bind_int64(statement, position, number)
      case .real(let number): sqlite3_bind_double(statement, position, number)
      case .text(let text): sqlite3_bind_text(statement, position, text, -1, csqlite_transient())
      case .blob(let bytes):
        bytes.withUnsafeBytes { buffer in
          _ = sqlite3_bind_blob(
            statement, position, buffer.baseAddress, Int32(buffer.count), csqlite_transient())
        }
      }
    }
    let columns = SQLiteColumns(statement: statement)
    while true {
      let status = sqlite3_step(statement)
      if status == SQLITE_DONE { break }
      guard status == SQLITE_ROW else {
        throw failure(String(cString: sqlite3_errmsg(handle)), status: status)
      }
      try body(columns)
    }
  }

  /// The statement for `sql`: the kept one, or a new one.
  private func statement(_ sql: String) throws(Failure) -> OpaquePointer {
    if let kept = prepared.removeValue(forKey: sql) { return kept }
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
      throw failure(String(cString: sqlite3_errmsg(handle)), status: sqlite3_errcode(handle))
    }
    return statement
  }

  /// SQLite.
  public var dialect: SQLDialect { .sqlite }

  /// The rowid of the last insert.
  public var lastInsertID: Int64 { sqlite3_last_insert_rowid(handle) }
  /// Rows the last statement changed.
  public var changes: Int { Int(sqlite3_changes(handle)) }

  private func failure(_ message: String, status: Int32) -> Failure {
    let kind: SQLFailure.Kind =
      switch status & 0xFF {
      case SQLITE_CORRUPT, SQLITE_NOTADB: .damaged
      case SQLITE_BUSY, SQLITE_LOCKED: .locked
      case SQLITE_FULL: .diskFull
      case SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM: .readOnly
      default: .other
      }
    return makeFailure(SQLFailure(path: path, subject: subject, kind: kind, message: message))
  }
}

/// The current row of a statement, by column position.
public struct SQLiteColumns {
  fileprivate let statement: OpaquePointer

  /// How many columns there are.
  public var count: Int { Int(sqlite3_column_count(statement)) }

  /// The name of column `index`.
  public func name(_ index: Int) -> String {
    String(cString: sqlite3_column_name(statement, Int32(index)))
  }

  /// Column `index` as a value.
  public func value(_ index: Int) -> SQLValue {
    let column = Int32(index)
    switch sqlite3_column_type(statement, column) {
    case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, column))
    case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, column))
    case SQLITE_TEXT: return .text(text(index) ?? "")
    case SQLITE_BLOB: return .blob(blob(index))
    default: return .null
    }
  }

  /// Column `index` as an integer (0 for NULL).
  public func integer(_ index: Int) -> Int64 { sqlite3_column_int64(statement, Int32(index)) }

  /// Column `index` as a floating-point number (0 for NULL).
  public func real(_ index: Int) -> Double { sqlite3_column_double(statement, Int32(index)) }

  /// Whether column `index` is NULL.
  public func isNull(_ index: Int) -> Bool { sqlite3_column_type(statement, Int32(index)) == SQLITE_NULL }

  /// Column `index` as text; nil for NULL.
  public func text(_ index: Int) -> String? {
    guard let text = sqlite3_column_text(statement, Int32(index)) else { return nil }
    let count = Int(sqlite3_column_bytes(statement, Int32(index)))
    return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
  }

  /// Column `index`'s text as UTF-8 bytes, lent to `body` without making a String (nil for
  /// NULL): for comparing many rows.
  public func withText<T>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T? {
    guard let text = sqlite3_column_text(statement, Int32(index)) else { return nil }
    return try body(
      UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, Int32(index)))))
  }

  /// Column `index` as bytes.
  public func blob(_ index: Int) -> [UInt8] {
    let count = Int(sqlite3_column_bytes(statement, Int32(index)))
    guard count > 0, let bytes = sqlite3_column_blob(statement, Int32(index)) else { return [] }
    return Array(UnsafeRawBufferPointer(start: bytes, count: count))
  }
}
