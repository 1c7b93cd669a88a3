/// A problem found in an input file, printed as `PATH:LINE: error: MESSAGE`.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
  /// How serious a diagnostic is: errors make a post (or the run) fail, warnings do not.
  public enum Severity: String, Sendable, Hashable {
    case error
    case warning
  }

  /// Whether this stops the thing it is about from being used.
  public var severity: Severity
  /// The file as the user named it, relative to where Herald was started when possible.
  public var path: String
  /// The 1-based line in `path`, when one is known.
  public var line: Int?
  /// What is wrong, in words the user can act on.
  public var message: String

  /// Creates a diagnostic.
  public init(_ severity: Severity, path: String, line: Int? = nil, _ message: String) {
    self.severity = severity
    self.path = path
    self.line = line
    self.message = message
  }

  /// The one-line form every Herald command prints.
  public var description: String {
    let location = line.map { "\(path):\($0)" } ?? path
    return "\(location): \(severity.rawValue): \(message)"
  }
}
