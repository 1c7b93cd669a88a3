import Crypto
import Foundation

/// The four secrets-and-identifiers an OAuth 1.0a user-context request is signed with.
///
/// X calls them API key and secret (the consumer) and access token and secret (the token).
public struct OAuth1Credentials: Sendable {
  /// The client identifier (`oauth_consumer_key`), X's "API key".
  public var consumerKey: String
  /// The client shared secret, X's "API key secret"; the first half of the signing key.
  public var consumerSecret: String
  /// The token identifier (`oauth_token`), X's "access token". Empty means no token is sent.
  public var token: String
  /// The token shared secret, X's "access token secret"; the second half of the signing key.
  public var tokenSecret: String

  /// Creates credentials from the four values a developer portal hands out.
  public init(consumerKey: String, consumerSecret: String, token: String, tokenSecret: String) {
    self.consumerKey = consumerKey
    self.consumerSecret = consumerSecret
    self.token = token
    self.tokenSecret = tokenSecret
  }
}

/// OAuth 1.0a request signing with HMAC-SHA1 (RFC 5849, section 3), as X's API requires it.
///
/// Only what a client needs: percent-encoding, the signature base string, the signature and
/// the `Authorization` header. A JSON body (X v2's `POST /2/tweets`) is not signed; only query
/// parameters, `application/x-www-form-urlencoded` body parameters and the `oauth_*` ones are.
public enum OAuth1 {
  /// RFC 3986 percent-encoding as OAuth requires (unreserved: ALPHA DIGIT - . _ ~).
  ///
  /// Every other byte of the string's UTF-8 form becomes `%XX` with uppercase hex digits, so a
  /// space is `%20` (never `+`) and `é` is `%C3%A9` (RFC 5849, section 3.6).
  public static func percentEncode(_ s: String) -> String {
    var out = [UInt8]()
    out.reserveCapacity(s.utf8.count)
    for byte in s.utf8 {
      if isUnreserved(byte) {
        out.append(byte)
      } else {
        out.append(UInt8(ascii: "%"))
        out.append(hexDigits[Int(byte >> 4)])
        out.append(hexDigits[Int(byte & 0x0F)])
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The signature base string for method, URL (query params folded in) and extra parameters
  /// (form body params, if any).
  ///
  /// `parameters` hold raw, unencoded names and values: form body parameters and the `oauth_*`
  /// protocol parameters (without `oauth_signature`). The URL's query is decoded as a form and
  /// joins them; its fragment is dropped, its scheme and host are lowercased and a default port
  /// (80 for http, 443 for https) is left out. Pairs are sorted by encoded name, then encoded
  /// value (RFC 5849, section 3.4.1).
  public static func signatureBaseString(
    method: String, url: String, parameters: [(String, String)]
  ) -> String {
    let (baseURI, query) = splitURL(url)
    let pairs = (query + parameters)
      .map { (percentEncode($0.0), percentEncode($0.1)) }
      .sorted { lhs, rhs in
        if lhs.0 != rhs.0 { return precedes(lhs.0, rhs.0) }
        return precedes(lhs.1, rhs.1)
      }
    let normalized = pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    return [method.uppercased(), percentEncode(baseURI), percentEncode(normalized)]
      .joined(separator: "&")
  }

  /// The base64 HMAC-SHA1 of a signature base string, keyed with the two encoded secrets joined
  /// by `&` (RFC 5849, section 3.4.2).
  public static func signature(baseString: String, consumerSecret: String, tokenSecret: String)
    -> String
  {
    let key = SymmetricKey(data: Array("\(percentEncode(consumerSecret))&\(percentEncode(tokenSecret))".utf8))
    let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Array(baseString.utf8), using: key)
    return Data(mac).base64EncodedString()
  }

  /// The value of the Authorization header: `OAuth oauth_consumer_key="…", oauth_nonce="…",
  /// oauth_signature="…", oauth_signature_method="HMAC-SHA1", oauth_timestamp="…",
  /// oauth_token="…", oauth_version="1.0"`.
  ///
  /// `url` is the URL exactly as the request is sent, query included; `bodyParameters` are the
  /// decoded pairs of an `application/x-www-form-urlencoded` body and stay empty for any other
  /// body. Every value in the header is percent-encoded. `oauth_token` is left out when the
  /// credentials have no token. The nonce must be new for each request; X rejects a reused one.
  public static func authorizationHeader(
    method: String,
    url: String,
    bodyParameters: [(String, String)] = [],
    credentials: OAuth1Credentials,
    nonce: String,
    timestamp: Int
  ) -> String {
    var protocolParameters: [(String, String)] = [
      ("oauth_consumer_key", credentials.consumerKey),
      ("oauth_nonce", nonce),
      ("oauth_signature_method", "HMAC-SHA1"),
      ("oauth_timestamp", String(timestamp)),
    ]
    if !credentials.token.isEmpty {
      protocolParameters.append(("oauth_token", credentials.token))
    }
    protocolParameters.append(("oauth_version", "1.0"))

    let base = signatureBaseString(
      method: method, url: url, parameters: bodyParameters + protocolParameters)
    let signed = signature(
      baseString: base,
      consumerSecret: credentials.consumerSecret,
      tokenSecret: credentials.tokenSecret)
    protocolParameters.append(("oauth_signature", signed))

    let fields =
      protocolParameters
      .sorted { precedes($0.0, $1.0) }
      .map { "\(percentEncode($0.0))=\"\(percentEncode($0.1))\"" }
    return "OAuth " + fields.joined(separator: ", ")
  }

  // MARK: - Internals

  private static let hexDigits = Array("0123456789ABCDEF".utf8)

  private static func isUnreserved(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
      UInt8(ascii: "_"), UInt8(ascii: "~"):
      return true
    default:
      return false
    }
  }

  /// Byte-wise ordering, as RFC 5849 asks for ("ascending byte value ordering").
  private static func precedes(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
  }

  /// Splits a URL into the base string URI (RFC 5849, section 3.4.1.2) and its decoded query.
  static func splitURL(_ url: String) -> (baseURI: String, query: [(String, String)]) {
    var rest = Substring(url)
    if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
    var queryPart: Substring = ""
    if let mark = rest.firstIndex(of: "?") {
      queryPart = rest[rest.index(after: mark)...]
      rest = rest[..<mark]
    }
    return (normalizeBaseURI(rest), parseForm(queryPart))
  }

  private static func normalizeBaseURI(_ uri: Substring) -> String {
    guard let schemeEnd = uri.range(of: "://") else { return String(uri) }
    let scheme = uri[..<schemeEnd.lowerBound].lowercased()
    let afterScheme = uri[schemeEnd.upperBound...]
    let pathStart = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
    var authority = afterScheme[..<pathStart]
    let path = afterScheme[pathStart...]
    if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }

    var host = authority
    var port: Substring = ""
    // An IPv6 literal keeps its brackets; a port can only follow the closing one.
    let hostEnd = authority.first == "[" ? authority.firstIndex(of: "]") : authority.startIndex
    if let hostEnd, let colon = authority[hostEnd...].lastIndex(of: ":") {
      host = authority[..<colon]
      port = authority[authority.index(after: colon)...]
    }
    let isDefaultPort =
      port.isEmpty || (scheme == "http" && port == "80") || (scheme == "https" && port == "443")
    let hostPort = isDefaultPort ? host.lowercased() : "\(host.lowercased()):\(port)"
    return "\(scheme)://\(hostPort)\(path.isEmpty ? "/" : path)"
  }

  /// Decodes `application/x-www-form-urlencoded` pairs: `+` is a space, `%XX` a byte; a pair
  /// without `=` has an empty value; empty pieces between `&`s are skipped.
  static func parseForm(_ form: Substring) -> [(String, String)] {
    form.split(separator: "&", omittingEmptySubsequences: true).map { piece in
      if let equals = piece.firstIndex(of: "=") {
        return (formDecode(piece[..<equals]), formDecode(piece[piece.index(after: equals)...]))
      }
      return (formDecode(piece), "")
    }
  }

  private static func formDecode(_ s: Substring) -> String {
    let bytes = Array(s.utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count)
    var i = 0
    while i < bytes.count {
      let byte = bytes[i]
      if byte == UInt8(ascii: "+") {
        out.append(UInt8(ascii: " "))
      } else if byte == UInt8(ascii: "%"), i + 2 < bytes.count, let hi = hexValue(bytes[i + 1]),
        let lo = hexValue(bytes[i + 2])
      {
        out.append(hi << 4 | lo)
        i += 2
      } else {
        out.append(byte)
      }
      i += 1
    }
    return String(decoding: out, as: UTF8.self)
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    default: return nil
    }
  }
}
