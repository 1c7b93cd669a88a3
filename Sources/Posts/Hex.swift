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
