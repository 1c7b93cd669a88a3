extension Facet {
  /// The facet as JSON in the lexicon's key order, byte for byte the same on every run:
  /// `{"index":{"byteStart":N,"byteEnd":M},"features":[{"$type":"…","uri":"…"}]}`.
  ///
  /// `JSONEncoder` gives the same data, but in hash order (or sorted) on Linux; this is for
  /// output people read, diff or keep as golden files.
  public var jsonString: String {
    let features = features.map { feature in
      switch feature {
      case .link(let uri):
        "{\"$type\":\(Self.quote(Feature.linkType)),\"uri\":\(Self.quote(uri))}"
      case .tag(let tag):
        "{\"$type\":\(Self.quote(Feature.tagType)),\"tag\":\(Self.quote(tag))}"
      case .mention(let did):
        "{\"$type\":\(Self.quote(Feature.mentionType)),\"did\":\(Self.quote(did))}"
      }
    }
    return "{\"index\":{\"byteStart\":\(index.byteStart),\"byteEnd\":\(index.byteEnd)},"
      + "\"features\":[\(features.joined(separator: ","))]}"
  }

  /// A list of facets as a JSON array, each as `jsonString` writes it.
  public static func jsonString(_ facets: [Facet]) -> String {
    "[" + facets.map(\.jsonString).joined(separator: ",") + "]"
  }

  /// A JSON string literal (RFC 8259): quotes, backslashes and control characters escaped,
  /// the rest as UTF-8, slashes left alone.
  private static func quote(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result + "\""
  }
}
