/// What the feeds say wrote them.
public struct Generator: Sendable {
  /// The program's name.
  public var name: String
  /// Its version.
  public var version: String
  /// Where to learn about it.
  public var url: String?

  /// Creates generator details.
  public init(name: String, version: String, url: String?) {
    self.name = name
    self.version = version
    self.url = url
  }
}
