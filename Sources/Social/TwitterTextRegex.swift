/// twitter-text's URL patterns (Java `Regex.java`), in ICU syntax.
///
/// Kept close to the original so that a diff against twitter-text stays readable. Where Java
/// and ICU differ, the Java meaning is spelled out: `\s` is Java's ASCII whitespace,
/// `\p{InGeneralPunctuation}` is its block range, and set punctuation is escaped because
/// ICU gives `&`, `-` and `[` meanings inside sets that Java does not.
enum TwitterTextRegex {
  static let invalidCharacters = "\\uFFFE\\uFEFF\\uFFFF"
  static let directionalCharacters =
    "\\u061C\\u200E\\u200F\\u202A\\u202B\\u202C\\u202D\\u202E\\u2066\\u2067\\u2068\\u2069"

  static let latinAccents =
    "\\u00c0-\\u00d6\\u00d8-\\u00f6\\u00f8-\\u00ff\\u0100-\\u024f"
    + "\\u0253\\u0254\\u0256\\u0257\\u0259\\u025b\\u0263\\u0268\\u026f\\u0272\\u0289\\u028b"
    + "\\u02bb\\u0300-\\u036f\\u1e00-\\u1eff"
  static let cyrillic = "\\u0400-\\u04ff"

  static let precedingChars =
    "(?:[^a-z0-9@\\uFF20\\$#\\uFF03\(invalidCharacters)]|[\(directionalCharacters)]|^)"

  static let validChars = "[a-z0-9\(latinAccents)]"
  static let subdomain = "(?>(?:\(validChars)[\(validChars)\\-_]*)?\(validChars)\\.)"
  static let domainName = "(?:(?:\(validChars)[\(validChars)\\-]*)?\(validChars)\\.)"

  static let punctuation = ##"\-_!"\#\$%\&'\(\)\*\+,\./:;<=>\?@\[\]\^`\{\|\}~"##
  static let javaWhitespace = "\\t\\n\\u000B\\f\\r "
  static let unicodeChars = "[^\(punctuation)\(javaWhitespace)\\p{Z}\\u2000-\\u206F]"
  static let unicodeDomainName =
    "(?:(?:\(unicodeChars)[\(unicodeChars)\\-]*)?\(unicodeChars)\\.)"
  static let punycode = "(?:xn--[\\-0-9a-z]+)"

  static let gTLD = TwitterTextTLDs.genericPattern
  static let ccTLD = TwitterTextTLDs.countryPattern

  static let domain =
    "(?:\(subdomain)*\(domainName)(?:\(gTLD)|\(ccTLD)|\(punycode)))"
    + "|(?:(?<=https?://)(?:(?:\(domainName)\(ccTLD))|(?:\(unicodeDomainName)(?:\(gTLD)|\(ccTLD)))))"
    + "|(?:\(domainName)\(ccTLD)(?=/))"

  static let portNumber = "[0-9]++"

  static let generalPathChars =
    "[a-z0-9!\\*';:=\\+,\\.\\$/%#\\[\\]\\-\\u2013_~\\|\\&@\(latinAccents)\(cyrillic)]"
  static let balancedParens =
    "\\((?:\(generalPathChars)+|(?:\(generalPathChars)*\\(\(generalPathChars)+\\)\(generalPathChars)*))\\)"
  static let pathEndingChars =
    "[a-z0-9=_#/\\-\\+\(latinAccents)\(cyrillic)]|(?:\(balancedParens))"
  static let path =
    "(?:(?:\(generalPathChars)*(?:\(balancedParens)\(generalPathChars)*)*\(pathEndingChars))"
    + "|(?:@\(generalPathChars)+/))"
  static let queryChars = ##"[a-z0-9!\?\*'\(\);:\&=\+\$/%#\[\]\-_\.,~\|@]"##
  static let queryEndingChars = ##"[a-z0-9\-_\&=#/]"##

  /// Groups: 1 all, 2 preceding character, 3 URL, 4 protocol, 5 domain, 6 port, 7 path,
  /// 8 query; the same numbering as twitter-text's `VALID_URL_GROUP_*`.
  static let validURL = ICUPattern(
    "((\(precedingChars))((https?://)?(\(domain))(?::(\(portNumber)))?(/\(path)*+)?"
      + "(\\?\(queryChars)*\(queryEndingChars))?))",
    caseInsensitive: true
  )

  static let validTCoURL = ICUPattern(
    "^https?://t\\.co/([a-z0-9]+)(?:\\?\(queryChars)*\(queryEndingChars))?",
    caseInsensitive: true
  )

  static let invalidURLWithoutProtocolPrecedingChar = ICUPattern("^[\\-_./]$")
}
