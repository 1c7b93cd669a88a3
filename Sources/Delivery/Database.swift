internal import CSQLite
internal import Foundation

/// One SQLite connection, owned here and closed on deinit; nothing outside sees a C type.
final class Database {
  private let handle: OpaquePointer
  /// The file, as messages name it.
  let path: String

  /// Opens (or creates, unless `readOnly`) the database at `url`.
  init(url: URL, displayPath: String, readOnly: Bool = false) throws(DeliveryError) {
    path = displayPath
    var connection: OpaquePointer?
    let flags =
      (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
    let status = sqlite3_open_v2(url.path, &connection, flags, nil)
    guard status == SQLITE_OK, let connection else {
      let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      sqlite3_close_v2(connection)
      throw DeliveryError(path: displayPath, "cannot open the queue: \(message)")
    }
    handle = connection
    // Another process (a second publish, or `queue retry`) may hold the write lock briefly.
    sqlite3_busy_timeout(handle, 5_000)
  }

  deinit { sqlite3_close_v2(handle) }

  /// Runs SQL with no results (several statements allowed).
  func execute(_ sql: String) throws(DeliveryError) {
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
  func query(_ sql: String, _ bindings: [Value] = []) throws(DeliveryError) -> [Row] {
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
      }
    }
    var rows: [Row] = []
    while true {
      let status = sqlite3_step(statement)
      if status == SQLITE_DONE { break }
      guard status == SQLITE_ROW else {
        throw failure(String(cString: sqlite3_errmsg(handle)), status: status)
      }
      var row = Row()
      for column in 0..<sqlite3_column_count(statement) {
        let name = String(cString: sqlite3_column_name(statement, column))
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: row.values[name] = .integer(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: row.values[name] = .real(sqlite3_column_double(statement, column))
        case SQLITE_TEXT: row.values[name] = .text(String(cString: sqlite3_column_text(statement, column)))
        default: row.values[name] = .null
        }
      }
      rows.append(row)
    }
    return rows
  }

  /// Runs `body` in a write transaction that takes the lock at once (`BEGIN IMMEDIATE`), so
  /// two processes never both read a job as queued and both send it.
  func transaction<T>(_ body: () throws(DeliveryError) -> T) throws(DeliveryError) -> T {
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
  var lastInsertID: Int64 { sqlite3_last_insert_rowid(handle) }
  /// Rows the last statement changed.
  var changes: Int { Int(sqlite3_changes(handle)) }

  private func failure(_ message: String, status: Int32) -> DeliveryError {
    switch status & 0xFF {
    case SQLITE_CORRUPT, SQLITE_NOTADB:
      DeliveryError(
        path: path,
        "the queue database is damaged (\(message)); nothing was sent. Move it aside to start a new queue, "
          + "or restore it from a backup")
    case SQLITE_BUSY, SQLITE_LOCKED:
      DeliveryError(path: path, "the queue database is locked by another program (\(message))")
    case SQLITE_FULL:
      DeliveryError(path: path, "the disk is full: the queue could not be written (\(message))")
    case SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM:
      DeliveryError(path: path, "the queue database cannot be written (\(message))")
    default:
      DeliveryError(path: path, "queue database error: \(message)")
    }
  }

  /// A value bound to or read from SQL.
  enum Value: Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
  }

  /// One result row, by column name.
  struct Row {
    var values: [String: Value] = [:]

    func text(_ column: String) -> String? {
      if case .text(let text) = values[column] { return text }
      return nil
    }

    func integer(_ column: String) -> Int64? {
      switch values[column] {
      case .integer(let number): number
      case .real(let number): Int64(number)
      default: nil
      }
    }

    func real(_ column: String) -> Double? {
      switch values[column] {
      case .real(let number): number
      case .integer(let number): Double(number)
      default: nil
      }
    }
  }
}
