internal import Crypto

/// Lowercase hexadecimal, as digests are written.
public enum Hex {
  private static let digits = Array("0123456789abcdef".utf8)

  /// `bytes` as two hex digits each.
  public static func string(_ bytes: some Sequence<UInt8>) -> String {
    var hex: [UInt8] = []
    hex.reserveCapacity(64)
    for byte in bytes {
      hex.append(digits[Int(byte >> 4)])
      hex.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: hex, as: UTF8.self)
  }
}

/// A SHA-256 over a list of text fields, each ended by a byte UTF-8 text never holds, so no
/// two different lists hash alike: how caches tell whether a thing's inputs changed.
public struct FieldDigest {
  private var hasher = SHA256()

  /// An empty digest.
  public init() {}

  /// Adds `fields`.
  public mutating func add(_ fields: [String]) {
    for field in fields { add(field) }
  }

  /// Adds one field.
  public mutating func add(_ field: String) {
    var field = field
    field.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
    withUnsafeBytes(of: UInt8(0xFF)) { hasher.update(bufferPointer: $0) }
  }

  /// Adds raw bytes (another digest).
  public mutating func add(bytes: [UInt8]) {
    bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
  }

  /// Adds the bytes `buffer` points to.
  public mutating func add(contentsOf buffer: UnsafeRawBufferPointer) {
    hasher.update(bufferPointer: buffer)
  }

  /// Adds the bytes of `value` (a tuple of integers) as they are in memory.
  public mutating func add<T>(raw value: T) {
    withUnsafeBytes(of: value) { hasher.update(bufferPointer: $0) }
  }

  /// The digest's bytes.
  public var bytes: [UInt8] { Array(hasher.finalize()) }

  /// The digest in hex.
  public var hex: String { Hex.string(hasher.finalize()) }
}
