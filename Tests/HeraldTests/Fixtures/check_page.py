"""Reads a `herald preview --html` page as a browser would (html5lib: the WHATWG parsing
algorithm) and prints what a reviewer sees, as JSON: the parse errors, the document's head,
everything that could reach the network or run, the posts, each network's card with its
highlighted stretches, the timeline, and the pictures embedded as data: URIs.

Usage: check_page.py PAGE
"""
import json
import re
import sys

import html5lib

CSS_URL = re.compile(r"url\(\s*[\"']?([^\"')]+)")
DATA_URI = re.compile(r"data:(image/[a-z]+);base64,([A-Za-z0-9+/=]+)")


def classes(element):
    return (element.get("class") or "").split()


def text(element):
    return "".join(element.itertext())


def find_class(element, name):
    for child in element.iter():
        if name in classes(child):
            return child
    return None


def main(path):
    with open(path, "rb") as file:
        source = file.read()
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False)
    document = parser.parse(source)
    page = {
        "errors": [f"{line}:{column}: {code} {data}" for (line, column), code, data in parser.errors],
        "doctype": source[:15].decode("ascii", "replace").lower() == "<!doctype html>",
        "lang": document.get("lang"),
        "title": None,
        "charset": None,
        "viewport": None,
        "scripts": 0,
        "stylesheet_links": 0,
        "external": [],
        "event_handlers": [],
        "hrefs": [],
        "ids": [],
        "posts": [],
        "cards": [],
        "timeline": [],
        "data_uris": [],
    }
    for element in document.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "title":
            page["title"] = text(element)
        if tag == "meta" and element.get("charset"):
            page["charset"] = element.get("charset")
        if tag == "meta" and element.get("name") == "viewport":
            page["viewport"] = element.get("content")
        if tag in ("script", "iframe", "object", "embed", "base"):
            page["scripts"] += 1
        if tag == "link":
            page["stylesheet_links"] += 1
            page["external"].append(element.get("href"))
        if element.get("id"):
            page["ids"].append(element.get("id"))
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                page["event_handlers"].append(f"{tag} {name}")
            if name in ("src", "srcset", "poster", "action", "formaction", "data", "background"):
                page["external"].append(value)
            if name == "style":
                page["external"] += [u for u in CSS_URL.findall(value) if not u.startswith("data:")]
        if tag == "a":
            page["hrefs"].append(element.get("href"))
        if tag == "style":
            css = text(element)
            page["external"] += [u for u in CSS_URL.findall(css) if not u.startswith("data:")]
            page["external"] += ["@import"] if "@import" in css else []
            page["data_uris"] += [{"media_type": m, "base64": b} for m, b in DATA_URI.findall(css)]
        if tag == "article" and "post" in classes(element):
            heading = element.find(".//h2")
            link = heading.find(".//a") if heading is not None else None
            status = find_class(element, "badge")
            page["posts"].append({
                "id": element.get("id"),
                "title": text(heading) if heading is not None else None,
                "href": link.get("href") if link is not None else None,
                "status": text(status) if status is not None else None,
                "text": text(element),
            })
        if tag == "section" and "card" in classes(element):
            page["cards"].append(card(element))
        if tag == "nav" and "timeline" in classes(element):
            for item in element.iter("li"):
                time = item.find(".//time")
                link = item.find(".//a")
                badge = find_class(item, "badge")
                page["timeline"].append({
                    "href": link.get("href") if link is not None else None,
                    "datetime": time.get("datetime") if time is not None else None,
                    "network": text(badge) if badge is not None else None,
                    "title": text(link) if link is not None else None,
                })
    print(json.dumps(page))


def card(element):
    network = [c[len("card-"):] for c in classes(element) if c.startswith("card-") and c != "card-head"]
    body = find_class(element, "text")
    highlights = []
    if body is not None:
        for child in body.iter():
            if child.get("data-bytes") is None:
                continue
            start, end = child.get("data-bytes").split("-")
            highlights.append({
                "kind": "tag" if "tag" in classes(child) else "link",
                "element": child.tag,
                "href": child.get("href"),
                "bytes": [int(start), int(end)],
                "text": text(child),
            })
    count = find_class(element, "count")
    error = find_class(element, "error")
    facts = find_class(element, "facts")
    queue = find_class(element, "queue")
    note = find_class(element, "picture-note")
    pictures = [c for child in element.iter() for c in classes(child) if c.startswith("picture-") and c != "picture-note"]
    missing = find_class(element, "missing")
    link_card = find_class(element, "link-card")
    return {
        "id": element.get("id"),
        "network": network[0] if network else None,
        "label": element.get("aria-label"),
        "text": text(body) if body is not None else None,
        "highlights": highlights,
        "count": text(count) if count is not None else None,
        "count_class": [c for c in classes(count) if c != "count"] if count is not None else [],
        "error": text(error) if error is not None else None,
        "facts": text(facts) if facts is not None else "",
        "queue": [text(item) for item in queue.iter("li")] if queue is not None else [],
        "picture_note": text(note) if note is not None else None,
        "picture_classes": pictures,
        "placeholder": text(missing) if missing is not None else None,
        "link_card": text(link_card) if link_card is not None else None,
        "link_card_href": link_card.get("href") if link_card is not None else None,
    }


if __name__ == "__main__":
    main(sys.argv[1])
