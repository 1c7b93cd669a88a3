import OAuth1
import Testing

/// X's worked example ("Creating a signature", docs.x.com, OAuth 1.0a): the same inputs the
/// guide lists. The guide's prose now says `api.x.com`, but its signature was computed when the
/// host was `api.twitter.com`; only that URL reproduces `hCtSmYh+iHYCEqBWrE7C7hYmtUk=`.
@Suite struct XDocumentedExample {
  let credentials = OAuth1Credentials(
    consumerKey: "xvz1evFS4wEEPTGEFPHBog",
    consumerSecret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
    token: "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
    tokenSecret: "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE")
  let nonce = "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"
  let timestamp = 1_318_622_958
  let status = "Hello Ladies + Gentlemen, a signed OAuth request!"
  let documentedBase =
    "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue"
    + "%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog"
    + "%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"
    + "%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958"
    + "%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0"
    + "%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth"
    + "%2520request%2521"

  var oauthParameters: [(String, String)] {
    [
      ("oauth_consumer_key", credentials.consumerKey),
      ("oauth_nonce", nonce),
      ("oauth_signature_method", "HMAC-SHA1"),
      ("oauth_timestamp", String(timestamp)),
      ("oauth_token", credentials.token),
      ("oauth_version", "1.0"),
    ]
  }

  @Test func baseStringMatchesTheGuide() {
    let base = OAuth1.signatureBaseString(
      method: "POST",
      url: "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
      parameters: [("status", status)] + oauthParameters)
    #expect(base == documentedBase)
  }

  @Test func signatureMatchesTheGuide() {
    let signature = OAuth1.signature(
      baseString: documentedBase,
      consumerSecret: credentials.consumerSecret,
      tokenSecret: credentials.tokenSecret)
    #expect(signature == "hCtSmYh+iHYCEqBWrE7C7hYmtUk=")
  }

  @Test func headerCarriesTheGuidesSignature() {
    let header = OAuth1.authorizationHeader(
      method: "post",
      url: "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
      bodyParameters: [("status", status)],
      credentials: credentials,
      nonce: nonce,
      timestamp: timestamp)
    #expect(
      header
        == "OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", "
        + "oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", "
        + "oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\", "
        + "oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318622958\", "
        + "oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", "
        + "oauth_version=\"1.0\"")
  }

  /// The same request at today's host signs differently (cross-checked with Python's hmac).
  @Test func theHostIsPartOfTheSignature() {
    let header = OAuth1.authorizationHeader(
      method: "POST",
      url: "https://api.x.com/1.1/statuses/update.json?include_entities=true",
      bodyParameters: [("status", status)],
      credentials: credentials,
      nonce: nonce,
      timestamp: timestamp)
    #expect(header.contains("oauth_signature=\"Ls93hJiZbQ3akF3HF3x1Bz8%2FzU4%3D\""))
  }
}

/// RFC 5849's own examples. Both omit `oauth_version`, which the RFC makes optional, so they
/// go through `signatureBaseString` and `signature` rather than `authorizationHeader`.
@Suite struct RFC5849Examples {
  /// Section 3.4.1.1: query, form body and protocol parameters together, `a3` twice.
  @Test func section3_4_1_1() {
    let base = OAuth1.signatureBaseString(
      method: "POST",
      url: "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
      parameters: [
        ("c2", ""), ("a3", "2 q"),
        ("oauth_consumer_key", "9djdj82h48djs9d2"), ("oauth_token", "kkk9d7dh3k39sjv7"),
        ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", "137131201"),
        ("oauth_nonce", "7d8f3e4a"),
      ])
    #expect(
      base
        == "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q"
        + "%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_"
        + "key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m"
        + "ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk"
        + "9d7dh3k39sjv7")
    // The RFC prints bYT5CMsGcbgUdFHObYMEfcx6bsw=; erratum 2550 corrects it to this value.
    let signature = OAuth1.signature(
      baseString: base, consumerSecret: "j49sk3j29djd", tokenSecret: "dh893hdasih9")
    #expect(signature == "r6/TJjbCOr97/+UU0NsvSne7s5g=")
  }

  /// Section 1.2, first request: temporary credentials, no token, an empty token secret.
  @Test func section1_2_initiate() {
    let base = OAuth1.signatureBaseString(
      method: "POST",
      url: "https://photos.example.net/initiate",
      parameters: [
        ("oauth_consumer_key", "dpf43f3p2l4k3l03"), ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", "137131200"), ("oauth_nonce", "wIjqoS"),
        ("oauth_callback", "http://printer.example.com/ready"),
      ])
    let signature = OAuth1.signature(
      baseString: base, consumerSecret: "kd94hf93k423kf44", tokenSecret: "")
    #expect(signature == "74KNZJeDHnMBp0EMJ9ZHt/XKycU=")
  }

  /// Section 1.2, second request: token credentials with a verifier.
  @Test func section1_2_token() {
    let base = OAuth1.signatureBaseString(
      method: "POST",
      url: "https://photos.example.net/token",
      parameters: [
        ("oauth_consumer_key", "dpf43f3p2l4k3l03"), ("oauth_token", "hh5s93j4hdidpola"),
        ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", "137131201"),
        ("oauth_nonce", "walatlh"), ("oauth_verifier", "hfdp7dh39dks9884"),
      ])
    let signature = OAuth1.signature(
      baseString: base, consumerSecret: "kd94hf93k423kf44", tokenSecret: "hdhd0244k9j7ao03")
    #expect(signature == "gKgrFCywp7rO0OXSjdot/IHF7IU=")
  }

  /// Section 1.2, third request: a GET whose only parameters are in the query. The RFC prints
  /// MdpQcU8iPSUjWoN5UDK3bKRzDdA=, a known misprint; implementations agree on this value.
  @Test func section1_2_photos() {
    let base = OAuth1.signatureBaseString(
      method: "GET",
      url: "http://photos.example.net/photos?file=vacation.jpg&size=original",
      parameters: [
        ("oauth_consumer_key", "dpf43f3p2l4k3l03"), ("oauth_token", "nnch734d00sl2jdk"),
        ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", "137131202"),
        ("oauth_nonce", "chapoH"),
      ])
    #expect(
      base
        == "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg"
        + "%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH"
        + "%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202"
        + "%26oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal")
    let signature = OAuth1.signature(
      baseString: base, consumerSecret: "kd94hf93k423kf44", tokenSecret: "pfkkdhi9sl3r4s00")
    #expect(signature == "MdpQcU8iPSUjWoN/UDMsK2sui9I=")
  }
}

@Suite struct PercentEncoding {
  @Test(arguments: [
    ("", ""),
    ("AZaz09-._~", "AZaz09-._~"),
    ("a b", "a%20b"),
    ("!*'()", "%21%2A%27%28%29"),
    ("+&=/?#%:@,;$[]", "%2B%26%3D%2F%3F%23%25%3A%40%2C%3B%24%5B%5D"),
    ("é", "%C3%A9"),
    ("☃", "%E2%98%83"),
    ("😀", "%F0%9F%98%80"),
    ("e\u{301}", "e%CC%81"),
    ("\n\t\"", "%0A%09%22"),
  ])
  func encodes(input: String, expected: String) {
    #expect(OAuth1.percentEncode(input) == expected)
  }
}

@Suite struct BaseString {
  @Test func queryParametersAreFoldedInAndSorted() {
    let base = OAuth1.signatureBaseString(
      method: "get", url: "https://example.com/p?b=2&a=3&a=1&c", parameters: [("d", "4")])
    #expect(base == "GET&https%3A%2F%2Fexample.com%2Fp&a%3D1%26a%3D3%26b%3D2%26c%3D%26d%3D4")
  }

  /// "a~" sorts before "aé" as raw text, but after it once encoded ("a%C3%A9"): the encoded
  /// form decides, for names and for the values of a repeated name.
  @Test func sortingUsesTheEncodedForm() {
    let base = OAuth1.signatureBaseString(
      method: "POST", url: "https://example.com/",
      parameters: [("a~", "1"), ("aé", "1"), ("x", "~"), ("x", "é"), ("Z", "1")])
    #expect(
      base
        == "POST&https%3A%2F%2Fexample.com%2F&"
        + OAuth1.percentEncode("Z=1&a%C3%A9=1&a~=1&x=%C3%A9&x=~"))
  }

  @Test func queryIsDecodedAsAForm() {
    let base = OAuth1.signatureBaseString(
      method: "GET", url: "https://example.com/s?q=a+b&r=%2B&t=%E2%98%83&u=%zz", parameters: [])
    #expect(
      base == "GET&https%3A%2F%2Fexample.com%2Fs&" + OAuth1.percentEncode("q=a%20b&r=%2B&t=%E2%98%83&u=%25zz")
    )
  }

  @Test(arguments: [
    ("HTTPS://API.X.COM/2/tweets", "https://api.x.com/2/tweets"),
    ("https://api.x.com:443/2/tweets#frag", "https://api.x.com/2/tweets"),
    ("http://Example.com:80/Path/To", "http://example.com/Path/To"),
    ("http://127.0.0.1:8080/2/tweets", "http://127.0.0.1:8080/2/tweets"),
    ("https://example.com:8443", "https://example.com:8443/"),
    ("http://user:pw@example.com/x", "http://example.com/x"),
    ("http://[::1]:9000/2/tweets", "http://[::1]:9000/2/tweets"),
    ("http://[::1]/2/tweets", "http://[::1]/2/tweets"),
  ])
  func baseURIIsNormalized(url: String, expected: String) {
    let base = OAuth1.signatureBaseString(method: "POST", url: url, parameters: [])
    #expect(base == "POST&\(OAuth1.percentEncode(expected))&")
  }
}

@Suite struct AuthorizationHeader {
  let credentials = OAuth1Credentials(
    consumerKey: "ck", consumerSecret: "cs secret", token: "tok", tokenSecret: "ts/secret")

  /// X v2's `POST /2/tweets` has a JSON body: only the `oauth_*` parameters are signed. The
  /// expected value was computed independently with Python's hmac (see peers/selftest.py).
  @Test func jsonPostSignsOnlyProtocolParameters() {
    let header = OAuth1.authorizationHeader(
      method: "POST", url: "http://127.0.0.1:8080/2/tweets", credentials: credentials,
      nonce: "n0nce", timestamp: 1_700_000_000)
    #expect(
      header
        == "OAuth oauth_consumer_key=\"ck\", oauth_nonce=\"n0nce\", "
        + "oauth_signature=\"9hUe0DLJ%2FBiNAA5KVH%2FcD%2FfXeXU%3D\", "
        + "oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1700000000\", "
        + "oauth_token=\"tok\", oauth_version=\"1.0\"")
  }

  @Test func signatureIsTheHMACOfTheBaseString() {
    let url = "https://api.x.com/2/users/by?usernames=a,b&user.fields=id"
    let header = OAuth1.authorizationHeader(
      method: "GET", url: url, credentials: credentials, nonce: "abc", timestamp: 42)
    let base = OAuth1.signatureBaseString(
      method: "GET", url: url,
      parameters: [
        ("oauth_consumer_key", "ck"), ("oauth_nonce", "abc"),
        ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", "42"),
        ("oauth_token", "tok"), ("oauth_version", "1.0"),
      ])
    let expected = OAuth1.signature(
      baseString: base, consumerSecret: "cs secret", tokenSecret: "ts/secret")
    #expect(header.contains("oauth_signature=\"\(OAuth1.percentEncode(expected))\""))
  }

  @Test func valuesAreEncodedInTheHeader() {
    let odd = OAuth1Credentials(
      consumerKey: "k y", consumerSecret: "s", token: "t\"t", tokenSecret: "u")
    let header = OAuth1.authorizationHeader(
      method: "POST", url: "https://api.x.com/2/tweets", credentials: odd, nonce: "n+n",
      timestamp: 1)
    #expect(header.hasPrefix("OAuth oauth_consumer_key=\"k%20y\", oauth_nonce=\"n%2Bn\", "))
    #expect(header.contains("oauth_token=\"t%22t\""))
  }

  @Test func noTokenNoTokenField() {
    let appOnly = OAuth1Credentials(
      consumerKey: "ck", consumerSecret: "cs", token: "", tokenSecret: "")
    let header = OAuth1.authorizationHeader(
      method: "POST", url: "https://api.x.com/2/tweets", credentials: appOnly, nonce: "n",
      timestamp: 1)
    #expect(!header.contains("oauth_token"))
    #expect(header.hasSuffix("oauth_version=\"1.0\""))
  }

  @Test func nonceAndTimestampChangeTheSignature() {
    let one = OAuth1.authorizationHeader(
      method: "POST", url: "https://api.x.com/2/tweets", credentials: credentials, nonce: "a",
      timestamp: 1)
    let two = OAuth1.authorizationHeader(
      method: "POST", url: "https://api.x.com/2/tweets", credentials: credentials, nonce: "b",
      timestamp: 1)
    let three = OAuth1.authorizationHeader(
      method: "POST", url: "https://api.x.com/2/tweets", credentials: credentials, nonce: "a",
      timestamp: 2)
    #expect(Set([one, two, three]).count == 3)
  }
}
