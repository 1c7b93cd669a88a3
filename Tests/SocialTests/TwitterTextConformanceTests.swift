import Testing

@testable import Social

/// One `WeightedTweetsWithDiscountedEmojiCounterTest` case of twitter-text's validate.yml.
struct WeightedCase: Decodable, Sendable, CustomTestStringConvertible {
  struct Expected: Decodable, Sendable {
    let weightedLength: Int
    let valid: Bool
    let permillage: Int
    let displayRangeStart: Int
    let displayRangeEnd: Int
    let validRangeStart: Int
    let validRangeEnd: Int
  }
  let description: String
  let text: String
  let expected: Expected
  var testDescription: String { description }
}

/// One case of extract.yml's `urls` section.
struct URLCase: Decodable, Sendable, CustomTestStringConvertible {
  let description: String
  let text: String
  let expected: [String]
  var testDescription: String { description }
}

/// One case of extract.yml's `urls_with_indices` (and similar) sections.
struct URLIndicesCase: Decodable, Sendable, CustomTestStringConvertible {
  struct Entity: Decodable, Sendable, Equatable {
    let url: String
    let indices: [Int]
  }
  let description: String
  let text: String
  let expected: [Entity]
  var testDescription: String { description }
}

struct ValidateFile: Decodable {
  struct Tests: Decodable {
    let weightedWithDiscountedEmoji: [WeightedCase]
    let directionalMarkers: [WeightedCase]

    private enum CodingKeys: String, CodingKey {
      case weightedWithDiscountedEmoji = "WeightedTweetsWithDiscountedEmojiCounterTest"
      case directionalMarkers = "UnicodeDirectionalMarkerCounterTest"
    }
  }
  let tests: Tests
}

struct ExtractFile: Decodable {
  struct Tests: Decodable {
    let urls: [URLCase]
    let urlsWithIndices: [URLIndicesCase]
    let urlsWithDirectionalMarkers: [URLIndicesCase]
    let tcoURLsWithParams: [URLCase]

    private enum CodingKeys: String, CodingKey {
      case urls
      case urlsWithIndices = "urls_with_indices"
      case urlsWithDirectionalMarkers = "urls_with_directional_markers"
      case tcoURLsWithParams = "tco_urls_with_params"
    }
  }
  let tests: Tests
}

struct TLDFile: Decodable {
  struct Tests: Decodable {
    let country: [URLCase]
    let generic: [URLCase]
  }
  let tests: Tests
}

enum Conformance {
  static func validate() throws -> ValidateFile.Tests {
    try SharedYAML.load(ValidateFile.self, from: "conformance/twitter-text/validate.yml").tests
  }
  static func extract() throws -> ExtractFile.Tests {
    try SharedYAML.load(ExtractFile.self, from: "conformance/twitter-text/extract.yml").tests
  }
  static func tlds() throws -> TLDFile.Tests {
    try SharedYAML.load(TLDFile.self, from: "conformance/twitter-text/tlds.yml").tests
  }
}

@Suite("twitter-text conformance")
struct TwitterTextConformanceTests {
  @Test(
    "validate.yml WeightedTweetsWithDiscountedEmojiCounterTest",
    arguments: try Conformance.validate().weightedWithDiscountedEmoji)
  func weighted(_ testCase: WeightedCase) {
    checkWeighted(testCase)
  }

  @Test(
    "validate.yml UnicodeDirectionalMarkerCounterTest",
    arguments: try Conformance.validate().directionalMarkers)
  func directionalMarkers(_ testCase: WeightedCase) {
    checkWeighted(testCase)
  }

  private func checkWeighted(_ testCase: WeightedCase) {
    let result = TwitterText.parse(testCase.text)
    let expected = testCase.expected
    #expect(result.weightedLength == expected.weightedLength)
    #expect(result.isValid == expected.valid)
    #expect(TwitterText.isValid(testCase.text) == expected.valid)
    #expect(result.permillage == expected.permillage)
    #expect(result.displayRangeStart == expected.displayRangeStart)
    #expect(result.displayRangeEnd == expected.displayRangeEnd)
    #expect(result.validRangeStart == expected.validRangeStart)
    #expect(result.validRangeEnd == expected.validRangeEnd)
  }

  @Test("every section has its cases")
  func casesArePresent() throws {
    // A suite that found no cases would pass vacuously; pin the counts of this data set.
    #expect(try Conformance.validate().weightedWithDiscountedEmoji.count == 22)
    #expect(try Conformance.extract().urls.count == 91)
    #expect(try Conformance.extract().urlsWithIndices.count == 10)
  }

  @Test("extract.yml urls", arguments: try Conformance.extract().urls)
  func urls(_ testCase: URLCase) {
    #expect(TwitterText.extractURLsWithIndices(testCase.text).map(\.url) == testCase.expected)
    let ranges = TwitterText.extractURLs(testCase.text)
    #expect(ranges.map { String(testCase.text[$0]) } == testCase.expected)
  }

  @Test(
    "extract.yml tco_urls_with_params", arguments: try Conformance.extract().tcoURLsWithParams)
  func tcoURLs(_ testCase: URLCase) {
    #expect(TwitterText.extractURLsWithIndices(testCase.text).map(\.url) == testCase.expected)
  }

  @Test("extract.yml urls_with_indices", arguments: try Conformance.extract().urlsWithIndices)
  func urlsWithIndices(_ testCase: URLIndicesCase) {
    checkIndices(testCase)
  }

  @Test(
    "extract.yml urls_with_directional_markers",
    arguments: try Conformance.extract().urlsWithDirectionalMarkers)
  func urlsWithDirectionalMarkers(_ testCase: URLIndicesCase) {
    checkIndices(testCase)
  }

  private func checkIndices(_ testCase: URLIndicesCase) {
    let found = TwitterText.extractURLsWithIndices(testCase.text).map {
      URLIndicesCase.Entity(
        url: $0.url, indices: [$0.utf16Range.lowerBound, $0.utf16Range.upperBound])
    }
    #expect(found == testCase.expected)
  }

  @Test("the TLD lists in TwitterTextTLDs+Lists.swift are exactly tlds.yml's, country and generic")
  func tldListsAreTheConformanceData() throws {
    let tests = try Conformance.tlds()
    func tlds(_ cases: [URLCase]) -> Set<String> {
      Set(cases.map { String($0.text.dropFirst("https://twitter.".count)) })
    }
    #expect(Set(TwitterTextTLDs.country) == tlds(tests.country))
    #expect(Set(TwitterTextTLDs.generic) == tlds(tests.generic))
  }

  @Test("tlds.yml: every TLD is recognised")
  func tlds() throws {
    let tests = try Conformance.tlds()
    let cases = tests.country + tests.generic
    #expect(cases.count > 1500)
    for testCase in cases {
      #expect(
        TwitterText.extractURLsWithIndices(testCase.text).map(\.url) == testCase.expected,
        "\(testCase.description)")
    }
  }
}
