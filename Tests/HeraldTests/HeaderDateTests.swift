import Delivery
import Foundation
import Testing

/// Dates in rate-limit headers, read without ICU (which crashes on some of them).
@Suite struct HeaderDateTests {
  @Test func readsTheFormsServersSend() {
    #expect(HeaderDate.imfFixdate("Wed, 21 Oct 2015 07:28:00 GMT")?.timeIntervalSince1970 == 1_445_412_480)
    #expect(HeaderDate.rfc3339("2025-06-01T00:00:00Z")?.timeIntervalSince1970 == 1_748_736_000)
    #expect(HeaderDate.rfc3339("2025-06-01T00:00:00.250Z")?.timeIntervalSince1970 == 1_748_736_000.25)
    #expect(HeaderDate.rfc3339("2025-06-01T02:00:00+02:00")?.timeIntervalSince1970 == 1_748_736_000)
    #expect(HeaderDate.rfc3339("2024-02-29T12:00:00Z")?.timeIntervalSince1970 == 1_709_208_000)
  }

  @Test func refusesAnythingElse() {
    for text in [
      "", "2025-13-01T00:00:00Z", "2025-06-01T24:00:00Z", "2025-06-01 00:00:00", "2025-06-01T00:00:00",
      "2025-06-01T00:00:00." + String(repeating: "6", count: 100) + "Z", "2025-06-01T00:00:00+2:00",
      "Wed, 21 Oct 2015 07:28:00 UTC", "Wed, 21 Foo 2015 07:28:00 GMT", "1e999",
    ] {
      #expect(HeaderDate.rfc3339(text) == nil && HeaderDate.imfFixdate(text) == nil, "\(text)")
    }
  }

  /// Foundation is the reference on well-formed dates (it is only unsafe on hostile ones).
  @Test func agreesWithFoundationOnEveryWellFormedDate() {
    let iso = ISO8601DateFormatter()
    let http = DateFormatter()
    http.locale = Locale(identifier: "en_US_POSIX")
    http.timeZone = TimeZone(secondsFromGMT: 0)
    http.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<2_000 {
      let date = Date(timeIntervalSince1970: Double(Int64.random(in: 0...4_102_444_800, using: &generator)))
      #expect(HeaderDate.rfc3339(iso.string(from: date)) == date)
      #expect(HeaderDate.imfFixdate(http.string(from: date)) == date)
    }
  }
}
