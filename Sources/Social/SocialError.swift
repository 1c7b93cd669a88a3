import Foundation

/// Why a social post could not be made, in words a person can act on.
public enum SocialError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The hashtag has no letters or digits to make a tag of.
  case invalidHashtag(String)
  /// The permalink is empty or has whitespace in it.
  case invalidPermalink(String)
  /// The template lacks a placeholder every post needs, or has it more than once.
  case templatePlaceholderCount(placeholder: String, count: Int, template: String)
  /// The template names a placeholder Herald does not know.
  case unknownPlaceholder(String, template: String)
  /// The permalink, hashtag and credit alone are longer than the network allows.
  case mandatoryPartsTooLong(network: String, text: String, length: Int, limit: Int)
  /// The template's own text repeats the hashtag or the permalink, so neither can appear once.
  case templateRepeatsMandatoryPart(network: String, text: String)

  /// A one-line message for `PATH:LINE: error: MESSAGE`.
  public var description: String {
    switch self {
    case .invalidHashtag(let tag):
      "hashtag \"\(tag)\" has no letters or digits"
    case .invalidPermalink(let url):
      "permalink \"\(url)\" is empty or contains whitespace"
    case .templatePlaceholderCount(let placeholder, let count, let template):
      "template \(quoted(template)) must contain \(placeholder) exactly once, not \(count) times"
    case .unknownPlaceholder(let placeholder, let template):
      "template \(quoted(template)) has unknown placeholder \(placeholder)"
        + " (known: {title} {summary} {url} {hashtags} {via})"
    case .mandatoryPartsTooLong(let network, let text, let length, let limit):
      "\(network): the permalink and hashtag alone count \(length), over the limit of \(limit):"
        + " \(quoted(text))"
    case .templateRepeatsMandatoryPart(let network, let text):
      "\(network): the template's text repeats the hashtag or the permalink: \(quoted(text))"
    }
  }

  private func quoted(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\n", with: "\\n") + "\""
  }
}
