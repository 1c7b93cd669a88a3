internal import CivilDate
public import Foundation

/// The instants servers write in headers, read by hand: these strings come from the network,
/// and ICU's date parser, behind Foundation's formatters, crashes (SIGFPE) on some of them,
/// such as a fraction of seconds a hundred digits long.
public enum HeaderDate {
  /// An HTTP date in the form RFC 9110 requires of senders: `Sun, 06 Nov 1994 08:49:37 GMT`.
  public static func imfFixdate(_ text: String) -> Date? {
    let bytes = Array(text.utf8)
    guard bytes.count == 29, bytes[3] == UInt8(ascii: ","), bytes[4] == 0x20, bytes[7] == 0x20,
      bytes[11] == 0x20, bytes[16] == 0x20, bytes[19] == UInt8(ascii: ":"), bytes[22] == UInt8(ascii: ":"),
      bytes[25] == 0x20, String(decoding: bytes[26...], as: UTF8.self) == "GMT",
      let day = number(bytes[5..<7]),
      let month = months.firstIndex(of: String(decoding: bytes[8..<11], as: UTF8.self)),
      let year = number(bytes[12..<16]), let hour = number(bytes[17..<19]),
      let minute = number(bytes[20..<22]), let second = number(bytes[23..<25])
    else { return nil }
    return instant(year: year, month: month + 1, day: day, hour: hour, minute: minute, second: second)
  }

  /// An RFC 3339 timestamp: `2025-06-01T10:00:00Z`, `2025-06-01T10:00:00.123+02:00`.
  public static func rfc3339(_ text: String) -> Date? {
    let bytes = Array(text.utf8)
    guard bytes.count >= 20, bytes.count <= 40, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
      bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"), bytes[13] == UInt8(ascii: ":"),
      bytes[16] == UInt8(ascii: ":"), let year = number(bytes[0..<4]), let month = number(bytes[5..<7]),
      let day = number(bytes[8..<10]), let hour = number(bytes[11..<13]), let minute = number(bytes[14..<16]),
      let second = number(bytes[17..<19])
    else { return nil }
    var index = 19
    var fraction = 0.0
    if bytes[index] == UInt8(ascii: ".") {
      let digits = bytes[(index + 1)...].prefix { (0x30...0x39).contains($0) }
      guard (1...9).contains(digits.count), let value = number(digits) else { return nil }
      fraction = Double(value) / pow(10, Double(digits.count))
      index += 1 + digits.count
    }
    var offset = 0
    switch bytes[index...].first {
    case UInt8(ascii: "Z"), UInt8(ascii: "z"):
      guard index + 1 == bytes.count else { return nil }
    case UInt8(ascii: "+"), UInt8(ascii: "-"):
      guard index + 6 == bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
        let hours = number(bytes[(index + 1)..<(index + 3)]),
        let minutes = number(bytes[(index + 4)..<(index + 6)]),
        hours < 24, minutes < 60
      else { return nil }
      offset = (hours * 60 + minutes) * 60 * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
    default:
      return nil
    }
    return instant(year: year, month: month, day: day, hour: hour, minute: minute, second: second)?
      .addingTimeInterval(fraction - Double(offset))
  }

  private static let months = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  ]

  /// Digits only, as a number.
  private static func number(_ digits: some Collection<UInt8>) -> Int? {
    guard !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
    return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
  }

  /// The UTC instant of a calendar date and time (days from the civil date, Howard
  /// Hinnant's algorithm); nil when a field is out of range.
  private static func instant(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date? {
    guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60 else {
      return nil
    }
    let days = CivilDate(year: year, month: month, day: day).daysSince1970
    return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3600 + minute * 60 + second))
  }
}
