internal import CSQLite
package import Foundation

/// One SQLite connection, owned here and closed on deinit; nothing outside sees a C type.
/// The queue uses it, and so does the build cache elsewhere in the package.
package final class Database {
  private let handle: OpaquePointer
  /// The file, as messages name it.
  package let path: String
  /// What the database is, as messages name it: `queue`, `build cache`.
  private let subject: String

  /// Opens (or creates, unless `readOnly`) the database at `url`.
  package init(url: URL, displayPath: String, subject: String = "queue", readOnly: Bool = false)
    throws(DeliveryError)
  {
    path = displayPath
    self.subject = subject
    var connection: OpaquePointer?
    let flags =
      (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
    let status = sqlite3_open_v2(url.path, &connection, flags, nil)
    guard status == SQLITE_OK, let connection else {
      let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      sqlite3_close_v2(connection)
      throw DeliveryError(path: displayPath, "cannot open the \(subject): \(message)")
    }
    handle = connection
    // Another process (a second publish, or `queue retry`) may hold the write lock briefly.
    sqlite3_busy_timeout(handle, 5_000)
  }

  deinit { sqlite3_close_v2(handle) }

  /// Runs SQL with no results (several statements allowed).
  package func execute(_ sql: String) throws(DeliveryError) {
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
  package func query(_ sql: String, _ bindings: [Value] = []) throws(DeliveryError) -> [Row] {
    var rows: [Row] = []
    try forEachRow(sql, bindings) { columns in
      var row = Row()
      for column in 0..<columns.count { row.values[columns.name(column)] = columns.value(column) }
      rows.append(row)
    }
    return rows
  }

  /// Runs one statement with `bindings`, handing each row to `body` as it is read: for
  /// reading many rows without building a dictionary for each.
  package func forEachRow(
    _ sql: String, _ bindings: [Value] = [], _ body: (Columns) throws(DeliveryError) -> Void
  ) throws(DeliveryError) {
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
      throw failure(String(cString: sqlite3_errmsg(handle)), status: sqlite3_errcode(handle))
    }
    defer { sqlite3_finalize(statement) }
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
    let columns = Columns(statement: statement)
    while true {
      let status = sqlite3_step(statement)
      if status == SQLITE_DONE { break }
      guard status == SQLITE_ROW else {
        throw failure(String(cString: sqlite3_errmsg(handle)), status: status)
      }
      try body(columns)
    }
  }

  /// The current row of a statement, by column position.
  package struct Columns {
    fileprivate let statement: OpaquePointer

    /// How many columns there are.
    package var count: Int { Int(sqlite3_column_count(statement)) }

    /// The name of column `index`.
    package func name(_ index: Int) -> String {
      String(cString: sqlite3_column_name(statement, Int32(index)))
    }

    /// Column `index` as a value.
    package func value(_ index: Int) -> Value {
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
    package func integer(_ index: Int) -> Int64 { sqlite3_column_int64(statement, Int32(index)) }

    /// Column `index` as text; nil for NULL.
    package func text(_ index: Int) -> String? {
      guard let text = sqlite3_column_text(statement, Int32(index)) else { return nil }
      let count = Int(sqlite3_column_bytes(statement, Int32(index)))
      return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// Column `index` as bytes.
    package func blob(_ index: Int) -> [UInt8] {
      let count = Int(sqlite3_column_bytes(statement, Int32(index)))
      guard count > 0, let bytes = sqlite3_column_blob(statement, Int32(index)) else { return [] }
      return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }
  }

  /// Runs `body` in a write transaction that takes the lock at once (`BEGIN IMMEDIATE`), so
  /// two processes never both read a job as queued and both send it.
  package func transaction<T>(_ body: () throws(DeliveryError) -> T) throws(DeliveryError) -> T {
    try execute("BEGIN IMMEDIATE")
    do {
      let result = try body()
      try execute("COMMIT")
      return result
    } catch {
      try? execute("ROLLBACK")
      throw error
    }
  }

  /// The rowid of the last insert.
  package var lastInsertID: Int64 { sqlite3_last_insert_rowid(handle) }
  /// Rows the last statement changed.
  package var changes: Int { Int(sqlite3_changes(handle)) }

  private func failure(_ message: String, status: Int32) -> DeliveryError {
    switch status & 0xFF {
    case SQLITE_CORRUPT, SQLITE_NOTADB:
      DeliveryError(
        path: path,
        "the \(subject) database is damaged (\(message))"
          + (subject == "queue"
            ? "; nothing was sent. Move it aside to start a new queue, or restore it from a backup" : ""))
    case SQLITE_BUSY, SQLITE_LOCKED:
      DeliveryError(path: path, "the \(subject) database is locked by another program (\(message))")
    case SQLITE_FULL:
      DeliveryError(path: path, "the disk is full: the \(subject) could not be written (\(message))")
    case SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM:
      DeliveryError(path: path, "the \(subject) database cannot be written (\(message))")
    default:
      DeliveryError(path: path, "\(subject) database error: \(message)")
    }
  }

  /// A value bound to or read from SQL.
  package enum Value: Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
  }

  /// One result row, by column name.
  package struct Row {
    package var values: [String: Value] = [:]

    package func text(_ column: String) -> String? {
      if case .text(let text) = values[column] { return text }
      return nil
    }

    package func integer(_ column: String) -> Int64? {
      switch values[column] {
      case .integer(let number): number
      case .real(let number): Int64(number)
      default: nil
      }
    }

    package func real(_ column: String) -> Double? {
      switch values[column] {
      case .real(let number): number
      case .integer(let number): Double(number)
      default: nil
      }
    }
  }
}
