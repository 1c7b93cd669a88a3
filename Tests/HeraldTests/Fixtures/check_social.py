"""Checks `herald preview --json` against each network's reference counter.

X: twitter-text v3 (the twitter-text-parser package); Mastodon: grapheme clusters of the text
as its server counts it (twitter-text's URLs with a scheme as 23 characters, `@user@domain` as
`@user`: StatusLengthValidator#countable_text); Bluesky: grapheme clusters and UTF-8 bytes, and facets that slice the
UTF-8 text to exactly the permalink and the tags; Threads: grapheme clusters, an emoji as its
UTF-8 bytes. Prints one line per problem.
"""
import json
import sys

import regex
from twitter_text import extract_urls_with_indices, parse_tweet

# Mastodon's Account::MENTION_RE.
MENTION = regex.compile(r"(?<![=/\w])@(([a-z0-9_]+)(?:@[\w.-]+\w+)?)", flags=regex.IGNORECASE)


def mastodon_countable(text):
    urls = extract_urls_with_indices(text, extract_urls_without_protocol=False)
    for url in sorted(urls, key=lambda u: u["indices"][0], reverse=True):
        start, end = url["indices"]
        text = text[:start] + "x" * 23 + text[end:]
    return MENTION.sub(lambda m: "@" + m.group(2), text)


def graphemes(text):
    return len(regex.findall(r"\X", text))


# Threads counts an emoji as its UTF-8 bytes (Meta's docs, with the grapheme-splitter package):
# a cluster holding an Extended_Pictographic or regional-indicator code point, or a keycap.
EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}\u20e3]")


def threads_length(text):
    return sum(len(c.encode("utf-8")) if EMOJI.search(c) else 1 for c in regex.findall(r"\X", text))


def count_tag(text, tag):
    # Whole tags only: #WeAreOpenInfra2 is another tag.
    return len(regex.findall(r"(?<![\w#])" + regex.escape(tag) + r"(?![\w])", text, flags=regex.IGNORECASE))


def main(path, hashtag):
    document = json.load(open(path, encoding="utf-8"))
    problems = []
    checked = 0
    for post in document["posts"]:
        for social in post["social"]:
            where = f'{post["url"]} {social["network"]}'
            text = social.get("text")
            if text is None:
                problems.append(f'{where}: no text: {social.get("error")}')
                continue
            checked += 1
            network, length, limit = social["network"], social["length"], social["limit"]
            if network == "x":
                parsed = parse_tweet(text)
                reference = parsed.weightedLength
                if not parsed.valid:
                    problems.append(f"{where}: twitter-text says invalid")
            elif network == "mastodon":
                reference = graphemes(mastodon_countable(text))
                # Servers that count links in full (mastodon-mock's len()) must take it too.
                if len(text) > limit:
                    problems.append(f"{where}: {len(text)} code points, over {limit} where links count in full")
            elif network == "bluesky":
                reference = graphemes(text)
                if len(text.encode("utf-8")) > 3000:
                    problems.append(f"{where}: over 3000 bytes")
                data = text.encode("utf-8")
                tags = [f for f in social.get("facets", []) if f["features"][0]["$type"].endswith("#tag")]
                links = [f for f in social.get("facets", []) if f["features"][0]["$type"].endswith("#link")]
                for facet in social.get("facets", []):
                    piece = data[facet["index"]["byteStart"]:facet["index"]["byteEnd"]].decode("utf-8")
                    feature = facet["features"][0]
                    expected = feature.get("uri") if "uri" in feature else "#" + feature.get("tag", "")
                    if piece != expected:
                        problems.append(f"{where}: facet covers {piece!r}, not {expected!r}")
                if not any(f["features"][0]["uri"] == post["url"] for f in links):
                    problems.append(f"{where}: no link facet for the permalink")
                if not any(("#" + f["features"][0]["tag"]).lower() == hashtag.lower() for f in tags):
                    problems.append(f"{where}: no tag facet for {hashtag}")
            elif network == "threads":
                reference = threads_length(text)
            else:
                reference = len(text.encode("utf-16-le")) // 2
            if reference != length:
                problems.append(f"{where}: Herald counts {length}, the reference {reference}")
            if limit is not None and reference > limit:
                problems.append(f"{where}: {reference} is over the limit {limit}")
            if count_tag(text, hashtag) != 1:
                problems.append(f"{where}: {hashtag} appears {count_tag(text, hashtag)} times")
            if text.count(post["url"]) != 1:
                problems.append(f"{where}: the permalink appears {text.count(post['url'])} times")
    print(json.dumps({"checked": checked, "problems": problems}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
