internal import Foundation
internal import Social

/// Who an account is, spelled one way: the queue keys jobs by network and this identity, so a
/// respelled URL (`http://Host:443/` for `http://host`) never queues a post a second time.
public enum AccountIdentity {
  /// `url` with one spelling: scheme and host lowercased, an international host in its ASCII
  /// (punycode) form, the scheme's default port and trailing slashes dropped; user info, query
  /// and fragment are not part of an identity and are dropped too.
  public static func normalisedURL(_ url: String) -> String {
    let trimmed = url.trimmingCharacters(in: .whitespaces)
    guard let schemeEnd = trimmed.range(of: "://") else { return trimmed }
    let scheme = trimmed[..<schemeEnd.lowerBound].lowercased()
    var rest = trimmed[schemeEnd.upperBound...]
    if let cut = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<cut] }
    let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
    var authority = rest[..<authorityEnd]
    var path = String(rest[authorityEnd...])
    if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
    var host: String
    var port: String?
    if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
      host = String(authority[...close])
      let after = authority[authority.index(after: close)...]
      if after.hasPrefix(":") { port = String(after.dropFirst()) }
    } else if let colon = authority.lastIndex(of: ":") {
      host = String(authority[..<colon])
      port = String(authority[authority.index(after: colon)...])
    } else {
      host = String(authority)
    }
    host = host.lowercased()
    while host.hasSuffix(".") { host.removeLast() }
    if !host.hasPrefix("["), let ascii = IDNA.toASCII(host) { host = ascii.lowercased() }
    let defaultPort = ["https": "443", "http": "80"][scheme]
    if let value = port, value.isEmpty || value == defaultPort { port = nil }
    if let value = port, let number = Int(value) { port = String(number) }
    while path.hasSuffix("/") { path.removeLast() }
    return scheme + "://" + host + (port.map { ":" + $0 } ?? "") + path
  }

  /// A handle (`@Name.bsky.social`) as one spelling: no `@`, lowercased.
  public static func normalisedHandle(_ handle: String) -> String {
    var text = handle.trimmingCharacters(in: .whitespaces).lowercased()
    if text.hasPrefix("@") { text.removeFirst() }
    return text
  }

  /// The identity of an account: `base` (a server, handle or author), and for an account named
  /// in `social.accounts` its name, since two such accounts may share a server.
  public static func make(_ base: String, name: String?) -> String {
    guard let name, !name.isEmpty else { return base }
    return name + ": " + base
  }
}
