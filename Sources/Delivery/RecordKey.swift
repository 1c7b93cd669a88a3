/// AT Protocol record keys in the TID format: 53 bits of microseconds since 1970 and a 10-bit
/// clock id, in sortable base32, 13 characters. The queue chooses them (`Queue.enqueue`) from a
/// clock that never repeats a value, so no two jobs share a key.
public enum RecordKey {
  private static let alphabet = Array("234567abcdefghijklmnopqrstuvwxyz")

  /// The TID for `microseconds` and `clockID` (its low 10 bits).
  public static func tid(microseconds: UInt64, clockID: UInt64) -> String {
    var value = ((microseconds & ((1 << 53) - 1)) << 10) | (clockID & 0x3FF)
    var characters = [Character](repeating: "2", count: 13)
    for index in stride(from: 12, through: 0, by: -1) {
      characters[index] = alphabet[Int(value & 31)]
      value >>= 5
    }
    return String(characters)
  }
}
