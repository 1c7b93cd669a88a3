#!/usr/bin/env python3
"""A fake Threads Graph API: text posts through the two-step container -> publish flow.

    python3 threads_server.py --port 0 --state STATE.json --token TOKEN [--log LOG.jsonl]
        [--user-id 1789] [--username herald] [--max-posts 250]

Paths are served with or without a version prefix (/v1.0/...); `me` stands for --user-id.
Parameters come from the query string merged with a form-encoded (or JSON object) body.

  POST /{user-id}/threads           media_type=TEXT, text, [link_attachment], [topic_tag], ...
                                    media_type=IMAGE, image_url, [text], [alt_text], [topic_tag]
                                    -> {"id": "<container id>"}
  POST /{user-id}/threads_publish   creation_id -> {"id": "<media id>"}
  GET  /{user-id}/threads_publishing_limit[?fields=quota_usage,config]
                                    -> {"data": [{"quota_usage": N, "config": {...}}]}
  GET  /me | /{user-id} [?fields=id,username]
  GET  /{media id}?fields=id,permalink,text,...      a published post
  GET  /{container id}?fields=id,status              a container (FINISHED or PUBLISHED)

What it checks, in order (errors are Graph errors: {"error": {message, type, code, ...,
"fbtrace_id"}}):
  * The access token: `access_token` in the query or body, or `Authorization: Bearer` (or
    `OAuth`). None at all: 400 code 104. Any that is not --token: 400 code 190 "Invalid OAuth
    access token - Cannot parse access token". Graph answers 400, not 401, for both.
  * The user id in the path is --user-id or `me`, else 400 THApiException code 100 subcode 33.
  * Creating a container: media_type must be TEXT or IMAGE. An IMAGE needs image_url, an
    http(s) URL Meta would fetch (not fetched here), and takes no link_attachment (Meta's link
    preview is for text posts); alt_text is kept. For TEXT, text is required and at most 500 characters, counted as Meta documents it: grapheme clusters, an
    emoji cluster counting as its UTF-8 byte length (an emoji is a cluster holding an
    Extended_Pictographic or regional-indicator code point or a keycap; with the `regex`
    module, else a code-point approximation). At most 5 distinct links: URLs in the text
    (http(s)://... or www....) plus link_attachment when it differs from all of them; more is
    400 code 100 THREADS_API__LINK_LIMIT_EXCEEDED. link_attachment must be an http(s) URL.
    topic_tag, if sent, must be 1-50 characters without "." or "&". In-text #tags are never
    rejected: as Meta documents, only the first valid one becomes the post's tag (stored as
    topic_tag when no topic_tag parameter was sent); later ones stay plain text.
    Validation failures are 400 code 100.
  * Publishing: creation_id required (400 code 100); unknown id: 400 code 24 subcode 4279009
    "The requested resource does not exist" (what Threads answers); a container already
    published: 400 code 10 "... has already been published" (Meta does not document this case;
    invented); --max-posts publishes within a rolling 24 h already: 400 code 9 subcode 2207042
    (Instagram's documented publishing-limit error; Threads documents none).
  * Anything else: 404 code 2500 "Unknown path components" (real Graph answers 400).

The token is never stored or logged: peerlib already redacts Authorization headers; this app
redacts `access_token` from logged bodies (redact_body) and from the logged query (it wraps
the peer's log when peerlib attaches the peer). Faults, the state file and the request log come
from peerlib (see its docstring).
"""

import json
import re
import secrets
import string
import time
import unicodedata
import urllib.parse

import peerlib

try:
    import regex

    _CLUSTER = regex.compile(r"\X")
    _EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3")

    def clusters(text):
        return _CLUSTER.findall(text)

    def is_emoji(cluster):
        return bool(_EMOJI.search(cluster))
except ImportError:
    regex = None

    def _joins(prev, cp):
        """True if code point `cp` continues the cluster that ended with `prev` (approximate)."""
        return (unicodedata.category(chr(cp)) in ("Mn", "Me", "Mc") or cp == 0x200D
                or prev == 0x200D or 0xFE00 <= cp <= 0xFE0F or 0x1F3FB <= cp <= 0x1F3FF
                or 0xE0020 <= cp <= 0xE007F or cp == 0x20E3)

    def clusters(text):
        out = []
        for ch in text:
            cp = ord(ch)
            if out:
                prev = ord(out[-1][-1])
                pair = 0x1F1E6 <= cp <= 0x1F1FF and len(out[-1]) == 1 and 0x1F1E6 <= prev <= 0x1F1FF
                if pair or _joins(prev, cp) or (prev == 0x0D and cp == 0x0A):
                    out[-1] += ch
                    continue
            out.append(ch)
        return out

    _PICTOGRAPHIC = ((0x1F000, 0x1FAFF), (0x2600, 0x27BF), (0x2B00, 0x2BFF), (0x2300, 0x23FF),
                     (0x2190, 0x21FF), (0x20E3, 0x20E3), (0x00A9, 0x00A9), (0x00AE, 0x00AE),
                     (0x203C, 0x203C), (0x2049, 0x2049), (0x2122, 0x2122), (0x2139, 0x2139),
                     (0x3030, 0x3030), (0x303D, 0x303D), (0x3297, 0x3297), (0x3299, 0x3299))

    def is_emoji(cluster):
        return any(lo <= ord(ch) <= hi for ch in cluster for lo, hi in _PICTOGRAPHIC)

TEXT_LIMIT = 500
LINK_LIMIT = 5
VERSION = re.compile(r"^/v\d+(\.\d+)?(?=/)")
URL_IN_TEXT = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
TRAILING = ".,;:!?)]}'\"…"
# Meta: an in-text tag starts with "#" and ends just before whitespace . & @ ! ? , ; :
IN_TEXT_TAG = re.compile(r"#([^\s.&@!?,;:#]+)")
HTTP_URL = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+[^\s]*$|^https?://localhost(:\d+)?(/\S*)?$",
                      re.IGNORECASE)
SHORTCODE = string.ascii_letters + string.digits + "_-"


def threads_length(text):
    """Characters as Threads counts them: clusters, an emoji cluster as its UTF-8 bytes."""
    return sum(len(c.encode()) if is_emoji(c) else 1 for c in clusters(text))


def links_in(text):
    found = []
    for match in URL_IN_TEXT.finditer(text):
        url = match.group(0).rstrip(TRAILING)
        if url and url.lower() not in ("www.", "http://", "https://"):
            found.append(url)
    return found


def link_key(url):
    """What makes two links the same: no scheme, no case, no trailing slash."""
    return re.sub(r"^https?://", "", url.strip(), flags=re.IGNORECASE).lower().rstrip("/")


def in_text_tags(text):
    """Valid in-text topic tags, in order (whole numbers like #1 are not tags)."""
    bare = URL_IN_TEXT.sub(" ", text)  # a URL's #fragment is not a tag
    return [t for t in IN_TEXT_TAG.findall(bare) if not t.isdigit() and 1 <= len(t) <= 50]


def numeric_id(prefix="17"):
    return prefix + "".join(secrets.choice(string.digits) for _ in range(15))


def fbtrace():
    return "A" + "".join(secrets.choice(SHORTCODE) for _ in range(22))


def graph_error(status, message, code, kind="OAuthException", subcode=None, title=None,
                user_msg=None, transient=None):
    err = {"message": message, "type": kind, "code": code}
    if subcode is not None:
        err["error_subcode"] = subcode
    if transient is not None:
        err["is_transient"] = transient
    if title is not None:
        err["error_user_title"] = title
    if user_msg is not None:
        err["error_user_msg"] = user_msg
    err["fbtrace_id"] = fbtrace()
    return status, {}, {"error": err}


def redact_query(raw):
    if "access_token" not in raw:
        return raw
    pairs = urllib.parse.parse_qsl(raw, keep_blank_values=True)
    return urllib.parse.urlencode([(k, "<redacted>" if k == "access_token" else v)
                                   for k, v in pairs], safe="<>")


class Rejected(Exception):
    def __init__(self, answer, note):
        super().__init__(note)
        self.answer, self.note = answer, note


class Threads:
    @staticmethod
    def add_arguments(p):
        p.add_argument("--user-id", default="1789")
        p.add_argument("--username", default="herald")
        p.add_argument("--token", required=True, help="the one valid access token")
        p.add_argument("--max-posts", type=int, default=250,
                       help="publishes allowed per rolling 24 h")

    def __init__(self, args):
        self.args = args
        self._peer = None

    # peerlib logs `path?query` verbatim, and the query may carry access_token: wrap the peer's
    # log when serve() attaches the peer, so every logged line (faults included) is redacted.
    @property
    def peer(self):
        return self._peer

    @peer.setter
    def peer(self, peer):
        self._peer = peer
        original = peer.log

        def log(req, status):
            req.raw_query = redact_query(req.raw_query)
            original(req, status)

        peer.log = log

    def initial_state(self):
        return {"containers": {}, "posts": [], "publishes": 0, "rejections": [],
                "rejected_publishes": 0}

    def redact_body(self, req, body):
        if isinstance(body, dict):
            return {k: ("<redacted>" if k == "access_token" else v) for k, v in body.items()}
        if isinstance(body, str) and "access_token" in body:
            if "=" in body and not body.lstrip().startswith(("{", "[")):
                return redact_query(body)
            return re.sub(r'(access_token"?\s*[:=]\s*"?)[^"&\s]*', r"\1<redacted>", body)
        return body

    def common_headers(self, req):
        return {}

    # Plumbing

    def params(self, req):
        merged = dict(req.query)
        ctype = req.header("Content-Type").lower()
        if isinstance(req.json, dict):
            merged.update({k: v if isinstance(v, str) else json.dumps(v)
                           for k, v in req.json.items()})
        elif req.body and (ctype.startswith("application/x-www-form-urlencoded") or not ctype):
            try:
                merged.update(urllib.parse.parse_qsl(req.body.decode(), keep_blank_values=True))
            except UnicodeDecodeError:
                pass
        return merged

    def reject(self, req, endpoint, answer, note, publish=False, **extra):
        req.note = note
        err = answer[2]["error"]
        self.peer.state["rejections"].append({"time": time.time(), "endpoint": endpoint,
                                              "status": answer[0], "code": err["code"],
                                              "message": err["message"], "note": note, **extra})
        if publish:
            self.peer.state["rejected_publishes"] += 1
        self.peer.save()
        return answer

    def check_token(self, req, params):
        given = []
        auth = req.header("Authorization").strip()
        for scheme in ("Bearer ", "OAuth "):
            if auth[:len(scheme)].lower() == scheme.lower():
                given.append(auth[len(scheme):].strip())
        if "access_token" in req.query:
            given.append(req.query["access_token"])
        if params.get("access_token") not in (None, req.query.get("access_token")):
            given.append(params["access_token"])
        if not given:
            raise Rejected(graph_error(400, "An access token is required to request this "
                                       "resource.", 104), "no access token")
        if any(t != self.args.token for t in given):
            raise Rejected(graph_error(400, "Invalid OAuth access token - Cannot parse access "
                                       "token", 190), "wrong access token")

    def unsupported(self, method, node):
        return graph_error(400, f"Unsupported {method.lower()} request. Object with ID '{node}' "
                           "does not exist, cannot be loaded due to missing permissions, or does "
                           "not support this operation", 100, kind="THApiException", subcode=33)

    def handle(self, req):
        path = VERSION.sub("", req.path).rstrip("/") or "/"
        parts = path.strip("/").split("/") if path != "/" else []
        params = self.params(req)
        endpoint = "/".join(["{node}"] + parts[1:]) if parts else "/"
        try:
            if not parts or len(parts) > 2:
                raise Rejected(graph_error(404, f"Unknown path components: {path}", 2500),
                               "unknown path")
            self.check_token(req, params)
            node, edge = parts[0], (parts[1] if len(parts) == 2 else None)
            is_user = node in ("me", self.args.user_id)
            if edge is None:
                if req.method != "GET":
                    raise Rejected(self.unsupported(req.method, node), "unsupported method")
                return self.get_node(req, node, is_user, params)
            routes = {("POST", "threads"): self.create_container,
                      ("POST", "threads_publish"): self.publish,
                      ("GET", "threads_publishing_limit"): self.publishing_limit}
            route = routes.get((req.method, edge))
            if route is None:
                if any(edge == e for _, e in routes):
                    raise Rejected(self.unsupported(req.method, node), "unsupported method")
                raise Rejected(graph_error(404, f"Unknown path components: /{edge}", 2500),
                               "unknown edge")
            if not is_user:
                raise Rejected(self.unsupported(req.method, node), f"not our user: {node}")
            return route(req, params)
        except Rejected as r:
            return self.reject(req, endpoint, r.answer, r.note,
                               publish=endpoint == "{node}/threads_publish")

    # Reads

    def fields(self, params, default):
        raw = params.get("fields")
        return [f.strip() for f in raw.split(",") if f.strip()] if raw else default

    def get_node(self, req, node, is_user, params):
        if is_user:
            profile = {"id": self.args.user_id, "username": self.args.username}
            wanted = self.fields(params, ["id"])
            return 200, {}, {k: profile[k] for k in ["id"] + wanted if k in profile}
        post = next((p for p in self.peer.state["posts"] if p["id"] == node), None)
        if post is not None:
            view = {"id": post["id"], "permalink": post["permalink"], "text": post["text"],
                    "media_type": "TEXT_POST", "media_product_type": "THREADS",
                    "shortcode": post["shortcode"], "username": self.args.username,
                    "timestamp": post["timestamp"], "is_quote_post": False,
                    "link_attachment_url": post.get("link_attachment_url"),
                    "topic_tag": post.get("topic_tag")}
            wanted = self.fields(params, ["id"])
            return 200, {}, {k: view[k] for k in ["id"] + wanted
                             if k in view and view[k] is not None}
        container = self.peer.state["containers"].get(node)
        if container is not None:
            view = {"id": node, "status": container["status"]}
            wanted = self.fields(params, ["id"])
            return 200, {}, {k: view[k] for k in ["id"] + wanted if k in view}
        raise Rejected(self.unsupported("GET", node), f"unknown object {node}")

    def recent_publishes(self):
        since = time.time() - 86400
        return sum(1 for p in self.peer.state["posts"] if p.get("published_at", 0) > since)

    def publishing_limit(self, req, params):
        entry = {"quota_usage": self.recent_publishes(),
                 "config": {"quota_total": self.args.max_posts, "quota_duration": 86400}}
        wanted = self.fields(params, ["quota_usage", "config"])
        return 200, {}, {"data": [{k: v for k, v in entry.items() if k in wanted}]}

    # Writes

    def invalid(self, note, user_msg, message="Invalid parameter", title=None):
        return Rejected(graph_error(400, message, 100, title=title, user_msg=user_msg,
                                    transient=False), note)

    def create_container(self, req, params):
        media_type = params.get("media_type", "")
        if not media_type:
            raise self.invalid("no media_type", None, "(#100) The parameter media_type is required")
        media_type = media_type.upper()
        if media_type not in ("TEXT", "IMAGE"):
            raise self.invalid(f"media_type {media_type}",
                               "This fake Threads server only accepts media_type TEXT or IMAGE.")
        image_url = params.get("image_url")
        if media_type == "IMAGE":
            if not image_url or not HTTP_URL.match(image_url.strip()):
                raise self.invalid(f"IMAGE without an http(s) image_url: {image_url!r}",
                                   "image_url must be a valid, publicly accessible URL.",
                                   "(#100) The parameter image_url is required")
            if params.get("link_attachment") is not None:
                raise self.invalid("link_attachment on an IMAGE post",
                                   "link_attachment is only available for text posts.")
        elif image_url is not None:
            raise self.invalid("image_url on a TEXT post", "image_url needs media_type=IMAGE.")
        text = params.get("text", "")
        if media_type == "TEXT" and not text.strip():
            raise self.invalid("no text", "Text is required for media_type=TEXT.",
                               "(#100) The parameter text is required")
        length = threads_length(text)
        if length > TEXT_LIMIT:
            raise self.invalid(f"text is {length} characters as Threads counts them",
                               f"The post text is {length} characters long; the limit is "
                               f"{TEXT_LIMIT}.", title="Text too long")
        attachment = params.get("link_attachment")
        if attachment is not None and not HTTP_URL.match(attachment.strip()):
            raise self.invalid(f"link_attachment is not an http(s) URL: {attachment!r}",
                               "link_attachment must be a valid, publicly accessible URL.")
        links = {link_key(u) for u in links_in(text)}
        if attachment:
            links.add(link_key(attachment))
        if len(links) > LINK_LIMIT:
            raise self.invalid(f"{len(links)} distinct links",
                               f"Posts can contain at most {LINK_LIMIT} links; this one has "
                               f"{len(links)}.", message="THREADS_API__LINK_LIMIT_EXCEEDED",
                               title="Too many links")
        tag = params.get("topic_tag")
        if tag is not None and (not 1 <= len(tag) <= 50 or "." in tag or "&" in tag):
            raise self.invalid(f"bad topic_tag {tag!r}", "Topic tags must be 1-50 characters "
                               "long and cannot contain periods (.) or ampersands (&).")
        tags = in_text_tags(text)
        container_id = numeric_id("178")
        while container_id in self.peer.state["containers"]:
            container_id = numeric_id("178")
        extra = {k: v for k, v in params.items()
                 if k not in ("access_token", "media_type", "text", "link_attachment", "topic_tag",
                              "image_url", "alt_text")}
        in_text = links_in(text)
        self.peer.state["containers"][container_id] = {
            "id": container_id, "media_type": media_type, "text": text, "link_attachment": attachment,
            "image_url": image_url, "alt_text": params.get("alt_text"),
            "link_attachment_url": attachment or (in_text[0] if in_text else None),
            "topic_tag": tag if tag is not None else (tags[0] if tags else None),
            "topic_tag_source": "parameter" if tag is not None else ("text" if tags else None),
            "in_text_tags": tags, "links": len(links), "threads_length": length,
            "other_params": extra, "status": "FINISHED", "published": False,
            "created_at": time.time(), "post_id": None}
        self.peer.save()
        return 200, {}, {"id": container_id}

    def publish(self, req, params):
        creation_id = params.get("creation_id", "").strip()
        if not creation_id:
            raise self.invalid("no creation_id", None, "(#100) The parameter creation_id is required")
        container = self.peer.state["containers"].get(creation_id)
        if container is None:
            raise Rejected(graph_error(400, "The requested resource does not exist", 24,
                                       subcode=4279009, transient=False, title="Media Not Found",
                                       user_msg=f"The media with id {creation_id} cannot be found."),
                           f"unknown creation_id {creation_id}")
        if container["published"]:
            raise Rejected(graph_error(400, f"The media container {creation_id} has already been "
                                       "published", 10, transient=False,
                                       title="Media Already Published",
                                       user_msg=f"The media with id {creation_id} has already been "
                                       f"published as {container['post_id']}."),
                           f"creation_id {creation_id} already published")
        if self.recent_publishes() >= self.args.max_posts:
            raise Rejected(graph_error(400, "Application request limit reached", 9,
                                       subcode=2207042, transient=False,
                                       title="Publishing limit reached",
                                       user_msg="You reached maximum number of posts that is "
                                       "allowed to be published by Content Publishing API."),
                           f"over {self.args.max_posts} publishes in 24 h")
        post_id = numeric_id("18")
        while any(p["id"] == post_id for p in self.peer.state["posts"]):
            post_id = numeric_id("18")
        code = "".join(secrets.choice(SHORTCODE) for _ in range(11))
        now = time.time()
        post = {"id": post_id, "container_id": creation_id, "text": container["text"],
                "media_type": container.get("media_type", "TEXT"), "image_url": container.get("image_url"),
                "alt_text": container.get("alt_text"),
                "link_attachment": container["link_attachment"],
                "link_attachment_url": container["link_attachment_url"],
                "topic_tag": container["topic_tag"], "shortcode": code,
                "permalink": f"https://www.threads.net/@{self.args.username}/post/{code}",
                "published_at": now,
                "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(now))}
        container.update(published=True, status="PUBLISHED", post_id=post_id)
        self.peer.state["posts"].append(post)
        self.peer.state["publishes"] += 1
        self.peer.save()
        return 200, {}, {"id": post_id}


if __name__ == "__main__":
    peerlib.serve(Threads, "A fake Threads Graph API for Herald's tests.")
