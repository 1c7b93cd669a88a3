import Foundation

/// twitter-text's top-level domain lists, as regex alternations.
enum TwitterTextTLDs {
  /// Generic TLDs, each only when not followed by what would continue a host.
  static let genericPattern = alternation(generic)
  /// Country-code TLDs, each only when not followed by what would continue a host.
  static let countryPattern = alternation(country)

  private static func alternation(_ tlds: [String]) -> String {
    let body = tlds.map { NSRegularExpression.escapedPattern(for: $0) }.joined(separator: "|")
    return "(?:(?:\(body))(?=[^a-z0-9@+\\-]|$))"
  }
}
