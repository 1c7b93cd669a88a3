internal import CivilDate
public import Foundation

/// Reads the dates posts and configuration carry: YAML timestamps and ISO 8601 strings.
///
/// Accepted: `2025-11-03`, `2025-11-03T18:17:17Z`, `2025-11-03 18:17:17.012 +02:00`,
/// `2025-11-03t18:17`, `2001-12-14 21:59:43.10 -5`. A date or time without a zone is read in
/// the zone given, as SPEC says (`site.timezone`).
public enum Timestamp {
  /// Why a string is not a date, in words for an error message.
  public struct Invalid: Error, Sendable, Equatable {
    /// The reason, e.g. "February 2025 has no day 30".
    public var reason: String

    /// Creates an error with its reason.
    public init(reason: String) { self.reason = reason }
  }

  /// Parses `text` as a timestamp; `zone` applies when the text names none.
  public static func parse(_ text: String, defaultZone zone: TimeZone) throws(Invalid) -> Date {
    var scanner = Scanner(text.trimmingWhitespace())
    // YAML's timestamp allows one-digit months and days (`2020-11-6`); real posts use them.
    guard let year = scanner.digits(exactly: 4), scanner.take("-"),
      let month = scanner.digits(from: 1, to: 2), scanner.take("-"),
      let day = scanner.digits(from: 1, to: 2)
    else {
      throw Invalid(reason: "'\(text)' is not a date; write it as 2025-11-03 or 2025-11-03T18:17:17Z")
    }
    guard (1...9999).contains(year) else { throw Invalid(reason: "year \(year) is out of range") }
    guard (1...12).contains(month) else { throw Invalid(reason: "there is no month \(month)") }
    guard (1...CivilDate.daysIn(month: month, year: year)).contains(day) else {
      throw Invalid(reason: "\(monthNames[month - 1]) \(year) has no day \(day)")
    }

    var hour = 0
    var minute = 0
    var second = 0
    var nanosecond = 0
    var offset: Int?
    if scanner.take("T") || scanner.take("t") || scanner.take(" ") {
      scanner.skipSpaces()
      guard let h = scanner.digits(from: 1, to: 2), scanner.take(":"),
        let m = scanner.digits(exactly: 2)
      else {
        throw Invalid(reason: "'\(text)' has a date but no time in the form HH:MM[:SS]")
      }
      hour = h
      minute = m
      if scanner.take(":") {
        guard let s = scanner.digits(exactly: 2) else {
          throw Invalid(reason: "'\(text)' has malformed seconds")
        }
        second = s
        if scanner.take(".") || scanner.take(",") {
          guard let fraction = scanner.fraction() else {
            throw Invalid(reason: "'\(text)' has malformed fractional seconds")
          }
          nanosecond = fraction
        }
      }
      guard hour < 24 else { throw Invalid(reason: "there is no hour \(hour)") }
      guard minute < 60 else { throw Invalid(reason: "there is no minute \(minute)") }
      // A leap second is read as the last second of its minute.
      guard second <= 60 else { throw Invalid(reason: "there is no second \(second)") }
      second = min(second, 59)
      scanner.skipSpaces()
      offset = try scanner.zoneOffset(in: text)
    }
    scanner.skipSpaces()
    guard scanner.isAtEnd else {
      throw Invalid(reason: "'\(text)' has unexpected text after the date")
    }

    var components = DateComponents()
    components.year = year
    components.month = month
    components.day = day
    components.hour = hour
    components.minute = minute
    components.second = second
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = offset.flatMap { TimeZone(secondsFromGMT: $0) } ?? zone
    guard let whole = calendar.date(from: components) else {
      throw Invalid(reason: "'\(text)' is not a date the calendar knows")
    }
    return whole.addingTimeInterval(Double(nanosecond) / 1_000_000_000)
  }

  /// RFC 3339 in UTC, with milliseconds only when there are some: what Atom and JSON Feed carry.
  public static func rfc3339(_ date: Date) -> String {
    let parts = UTCParts(date)
    var text =
      pad(parts.year, 4) + "-" + pad(parts.month, 2) + "-" + pad(parts.day, 2) + "T" + pad(parts.hour, 2)
      + ":" + pad(parts.minute, 2) + ":" + pad(parts.second, 2)
    if parts.millisecond > 0 { text += "." + pad(parts.millisecond, 3) }
    return text + "Z"
  }

  /// A time for people, to the minute, in `zone`: `2025-06-01 12:20 CEST`; in UTC, `… UTC`.
  public static func display(_ date: Date, in zone: TimeZone) -> String {
    let offset = zone.secondsFromGMT(for: date)
    let parts = UTCParts(date.addingTimeInterval(Double(offset)))
    let text =
      pad(parts.year, 4) + "-" + pad(parts.month, 2) + "-" + pad(parts.day, 2) + " " + pad(parts.hour, 2)
      + ":"
      + pad(parts.minute, 2)
    guard offset != 0 || zone.identifier != "UTC" && zone.identifier != "GMT" else { return text + " UTC" }
    let name = zone.abbreviation(for: date) ?? zone.identifier
    return text + " " + name
  }

  /// A time for people in `zone`, with UTC beside it when the zone is another:
  /// `2025-06-01 12:20 CEST (10:20 UTC)`.
  public static func displayWithUTC(_ date: Date, in zone: TimeZone) -> String {
    let local = display(date, in: zone)
    guard !local.hasSuffix(" UTC") else { return local }
    let utc = display(date, in: TimeZone(identifier: "UTC")!)
    return local + " (" + utc.dropFirst(11) + ")"
  }

  /// RFC 822 as RSS 2.0 carries it, in UTC: `Mon, 03 Nov 2025 18:17:17 +0000`.
  public static func rfc822(_ date: Date) -> String {
    let parts = UTCParts(date)
    return weekdayNames[parts.weekday] + ", " + pad(parts.day, 2) + " "
      + String(monthNames[parts.month - 1].prefix(3))
      + " " + pad(parts.year, 4) + " " + pad(parts.hour, 2) + ":" + pad(parts.minute, 2) + ":"
      + pad(parts.second, 2)
      + " +0000"
  }

  /// `value` in decimal, zero-padded to `width` digits.
  private static func pad(_ value: Int, _ width: Int) -> String {
    if value < 0 { return "-" + pad(-value, width - 1) }
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
  }

  /// A date's UTC calendar fields, by arithmetic (feeds print thousands of dates, and
  /// `Calendar` is slow): the proleptic Gregorian calendar, as RFC 3339 uses.
  private struct UTCParts {
    var year, month, day, hour, minute, second, millisecond: Int
    /// 0 for Sunday.
    var weekday: Int

    init(_ date: Date) {
      // Whole milliseconds, so a date read from `.012Z` prints back as `.012Z` every time.
      let total = (date.timeIntervalSince1970 * 1000).rounded()
      let milliseconds = total.isFinite ? Int64(max(-9e15, min(9e15, total))) : 0
      millisecond = Int(((milliseconds % 1000) + 1000) % 1000)
      let seconds = (milliseconds - Int64(millisecond)) / 1000
      let days = Int((seconds >= 0 ? seconds : seconds - 86_399) / 86_400)
      let secondOfDay = Int(seconds - Int64(days) * 86_400)
      (hour, minute, second) = (secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60)
      weekday = ((days + 4) % 7 + 7) % 7
      let civil = CivilDate(daysSince1970: days)
      (year, month, day) = (civil.year, civil.month, civil.day)
    }
  }

  private static let monthNames = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
  ]
  private static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

  /// A cursor over the timestamp's characters; every date part is ASCII.
  private struct Scanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    var isAtEnd: Bool { index == bytes.count }

    mutating func take(_ character: Character) -> Bool {
      guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
      index += 1
      return true
    }

    mutating func skipSpaces() {
      while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
    }

    mutating func digits(exactly count: Int) -> Int? { digits(from: count, to: count) }

    mutating func digits(from least: Int, to most: Int) -> Int? {
      var value = 0
      var taken = 0
      while taken < most, index < bytes.count, (0x30...0x39).contains(bytes[index]) {
        value = value * 10 + Int(bytes[index] - 0x30)
        index += 1
        taken += 1
      }
      return taken >= least ? value : nil
    }

    /// Fractional seconds as nanoseconds; digits past the ninth are read and ignored.
    mutating func fraction() -> Int? {
      var nanoseconds = 0
      var taken = 0
      while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
        if taken < 9 { nanoseconds = nanoseconds * 10 + Int(bytes[index] - 0x30) }
        index += 1
        taken += 1
      }
      guard taken > 0 else { return nil }
      for _ in taken..<max(taken, 9) { nanoseconds *= 10 }
      return nanoseconds
    }

    /// `Z`, `+02:00`, `+0200`, `+02` or `-5`, as seconds east of UTC; nil when absent.
    mutating func zoneOffset(in text: String) throws(Invalid) -> Int? {
      if take("Z") || take("z") { return 0 }
      let sign: Int
      if take("+") {
        sign = 1
      } else if take("-") {
        sign = -1
      } else {
        return nil
      }
      guard let hours = digits(from: 1, to: 2) else {
        throw Invalid(reason: "'\(text)' has a malformed time zone offset")
      }
      var minutes = 0
      if take(":") {
        guard let m = digits(exactly: 2) else {
          throw Invalid(reason: "'\(text)' has a malformed time zone offset")
        }
        minutes = m
      } else if let m = digits(exactly: 2) {
        minutes = m
      }
      guard hours <= 18, minutes < 60 else {
        throw Invalid(reason: "'\(text)' has a time zone offset out of range")
      }
      return sign * (hours * 3600 + minutes * 60)
    }
  }
}
