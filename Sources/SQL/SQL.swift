/// What the two engines Herald keeps state in (SQLite, PostgreSQL) have in common: values,
/// rows, failures, and a connection the queue can run its statements on.
///
/// Statements are written once, in the SQL both engines speak, with `?` placeholders;
/// where the engines differ (locking rows, `max` of two values) the queue asks the
/// connection's `dialect`.

/// A connection to a database: SQLite's file or a PostgreSQL server.
public protocol SQLConnection<Failure>: AnyObject {
  /// What a failure becomes for the connection's owner.
  associatedtype Failure: Error

  /// Which engine it is.
  var dialect: SQLDialect { get }
  /// The database as messages name it: a file, or a server URL without its password.
  var path: String { get }
  /// Rows the last statement changed.
  var changes: Int { get }

  /// Runs SQL with no results and no bindings (several statements allowed).
  func execute(_ sql: String) throws(Failure)
  /// Runs one statement with `bindings` for its `?` placeholders, returning every row.
  @discardableResult
  func query(_ sql: String, _ bindings: [SQLValue]) throws(Failure) -> [SQLRow]
}

extension SQLConnection {
  /// Runs `body` in a transaction that writes: committed when it returns, rolled back when
  /// it throws.
  public func transaction<T>(_ body: () throws(Failure) -> T) throws(Failure) -> T {
    try execute(dialect.beginTransaction)
    do {
      let result = try body()
      try execute("COMMIT")
      return result
    } catch {
      try? execute("ROLLBACK")
      throw error
    }
  }

  /// Runs one statement without bindings.
  @discardableResult
  public func query(_ sql: String) throws(Failure) -> [SQLRow] { try query(sql, []) }
}

/// Which engine a connection talks to, for the few statements they spell differently.
public enum SQLDialect: Sendable {
  /// SQLite: one writer at a time (`BEGIN IMMEDIATE`), so rows need no lock of their own.
  case sqlite
  /// PostgreSQL: many writers; rows being claimed are locked and skipped by the others.
  case postgresql

  /// Appended to a `SELECT` whose rows the transaction will claim: other transactions skip
  /// them instead of waiting (`FOR UPDATE SKIP LOCKED`); nothing for SQLite, which has one
  /// writer at a time.
  public var claimingRows: String {
    switch self {
    case .sqlite: ""
    case .postgresql: " FOR UPDATE SKIP LOCKED"
    }
  }

  /// How a transaction that writes begins. SQLite takes the write lock at once (`BEGIN
  /// IMMEDIATE`), so two processes never both read a job as queued and both send it;
  /// PostgreSQL locks the rows a transaction claims instead (`claimingRows`).
  public var beginTransaction: String {
    switch self {
    case .sqlite: "BEGIN IMMEDIATE"
    case .postgresql: "BEGIN"
    }
  }

  /// The function that gives the larger of two values.
  public var greatest: String {
    switch self {
    case .sqlite: "max"
    case .postgresql: "GREATEST"
    }
  }
}

/// A value bound to or read from SQL.
public enum SQLValue: Equatable, Sendable {
  /// NULL.
  case null
  /// An integer.
  case integer(Int64)
  /// A floating-point number.
  case real(Double)
  /// UTF-8 text.
  case text(String)
  /// Bytes.
  case blob([UInt8])
}

/// One result row, by column name.
public struct SQLRow: Sendable {
  /// The row's values by column name.
  public var values: [String: SQLValue] = [:]

  /// An empty row.
  public init() {}

  /// A text column; nil for NULL or another type.
  public func text(_ column: String) -> String? {
    if case .text(let text) = values[column] { return text }
    return nil
  }

  /// An integer column (a real one truncated); nil for NULL or text.
  public func integer(_ column: String) -> Int64? {
    switch values[column] {
    case .integer(let number): number
    case .real(let number): Int64(number)
    default: nil
    }
  }

  /// A number column; nil for NULL or text.
  public func real(_ column: String) -> Double? {
    switch values[column] {
    case .real(let number): number
    case .integer(let number): Double(number)
    default: nil
    }
  }
}

/// Why a database failed, for the connection's owner to put in its own words.
public struct SQLFailure: Error, Sendable {
  /// What kind of failure it was.
  public enum Kind: Sendable {
    /// The database could not be opened or reached at all.
    case cannotOpen
    /// The file is not a database, or a damaged one.
    case damaged
    /// Another program holds the lock.
    case locked
    /// The disk is full.
    case diskFull
    /// The file or its folder cannot be written.
    case readOnly
    /// The server went away mid-run (stopped, restarted, the network cut).
    case connectionLost
    /// Anything else.
    case other
  }

  /// The database, as messages name it.
  public var path: String
  /// What the database is (`queue`, `build cache`).
  public var subject: String
  /// What kind of failure.
  public var kind: Kind
  /// The engine's own words.
  public var message: String

  /// A failure of the database at `path`.
  public init(path: String, subject: String, kind: Kind, message: String) {
    self.path = path
    self.subject = subject
    self.kind = kind
    self.message = message
  }

  /// The failure in words a user can act on.
  public var description: String {
    switch kind {
    case .cannotOpen: "cannot open the \(subject): \(message)"
    case .damaged: "the \(subject) database is damaged (\(message))"
    case .locked: "the \(subject) database is locked by another program (\(message))"
    case .diskFull: "the disk is full: the \(subject) could not be written (\(message))"
    case .readOnly: "the \(subject) database cannot be written (\(message))"
    case .connectionLost:
      "lost the connection to the \(subject) database (\(message)); the run stopped there, and the next run "
        + "goes on where it stopped"
    case .other: "\(subject) database error: \(message)"
    }
  }
}
