/// One header line of a request or a response, kept in order because order can matter.
public struct HTTPHeader: Sendable, Equatable, Hashable {
  /// The field name; responses give it in lowercase.
  public var name: String
  /// The field value, without surrounding whitespace.
  public var value: String

  /// Makes a header from its name and value.
  public init(name: String, value: String) {
    self.name = name
    self.value = value
  }
}
