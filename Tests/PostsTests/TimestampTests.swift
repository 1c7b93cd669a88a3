import Foundation
import Posts
import Testing

@Suite struct TimestampTests {
  let utc = TimeZone(secondsFromGMT: 0)!
  let paris = TimeZone(identifier: "Europe/Paris")!

  @Test(arguments: [
    ("2025-11-03T18:17:17.012Z", "2025-11-03T18:17:17.012Z"),
    ("2025-11-03T18:17:17Z", "2025-11-03T18:17:17Z"),
    ("2025-11-03 18:17:17 +02:00", "2025-11-03T16:17:17Z"),
    ("2025-11-03t18:17:17+0200", "2025-11-03T16:17:17Z"),
    ("2001-12-14 21:59:43.10 -5", "2001-12-15T02:59:43.100Z"),
    ("2025-11-03T18:17Z", "2025-11-03T18:17:00Z"),
    ("2020-11-6T13:30:56.289Z", "2020-11-06T13:30:56.289Z"),
    ("2024-02-29", "2024-02-29T00:00:00Z"),
    ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z"),
  ])
  func readsTimestampsWithZones(text: String, expected: String) throws {
    #expect(Timestamp.rfc3339(try Timestamp.parse(text, defaultZone: utc)) == expected)
  }

  @Test func datesWithoutAZoneAreInTheSiteZone() throws {
    #expect(
      Timestamp.rfc3339(try Timestamp.parse("2025-06-01 10:30:00", defaultZone: paris))
        == "2025-06-01T08:30:00Z")
    #expect(
      Timestamp.rfc3339(try Timestamp.parse("2025-01-01", defaultZone: paris)) == "2024-12-31T23:00:00Z")
    #expect(Timestamp.rfc3339(try Timestamp.parse("2025-01-01", defaultZone: utc)) == "2025-01-01T00:00:00Z")
  }

  @Test(arguments: [
    "2025-02-30", "2025-13-01", "2025-00-10", "2023-02-29", "2025-11-03T25:00:00Z",
    "2025-11-03T10:61:00Z", "yesterday", "", "2025-11-03T10:00:00+25:00", "2025-11-03 garbage",
    "12/03/2025", "0000-01-01",
  ])
  func refusesImpossibleDates(text: String) {
    #expect(throws: Timestamp.Invalid.self) { try Timestamp.parse(text, defaultZone: utc) }
  }

  @Test func explainsWhyADateIsImpossible() {
    #expect(throws: Timestamp.Invalid(reason: "February 2025 has no day 30")) {
      try Timestamp.parse("2025-02-30T10:00:00Z", defaultZone: utc)
    }
  }

  @Test func writesRFC822ForRSS() throws {
    let date = try Timestamp.parse("2025-11-03T18:17:17.012Z", defaultZone: utc)
    #expect(Timestamp.rfc822(date) == "Mon, 03 Nov 2025 18:17:17 +0000")
  }

  /// The formatters do calendar arithmetic by hand; Foundation's calendar is the reference.
  @Test func formatsEveryDateAsTheGregorianCalendarDoes() {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = utc
    var generator = SystemRandomNumberGenerator()
    let edges: [Double] = [0, -1, 86_399, 86_400, 951_782_400, 951_868_800, 4_107_542_400, -2_208_988_800]
    let randoms = (0..<2_000).map { _ in
      Double(Int64.random(in: -2_208_988_800...4_102_444_800, using: &generator))
    }
    for seconds in edges + randoms {
      let milliseconds = Double(Int.random(in: 0..<1000, using: &generator))
      let date = Date(timeIntervalSince1970: seconds + milliseconds / 1000)
      let parts = calendar.dateComponents(
        [.year, .month, .day, .hour, .minute, .second, .weekday], from: Date(timeIntervalSince1970: seconds))
      let expected =
        String(
          format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.year!, parts.month!, parts.day!, parts.hour!,
          parts.minute!, parts.second!) + (milliseconds > 0 ? String(format: ".%03d", Int(milliseconds)) : "")
        + "Z"
      #expect(Timestamp.rfc3339(date) == expected)
      let weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][parts.weekday! - 1]
      #expect(Timestamp.rfc822(date).hasPrefix(weekday + ", " + String(format: "%02d", parts.day!)))
    }
  }
}
