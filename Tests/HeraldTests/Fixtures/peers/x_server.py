#!/usr/bin/env python3
"""A fake X API v2: `POST /2/tweets` (and `GET /2/users/me`) behind OAuth 1.0a user context.

    python3 x_server.py --port 0 --state STATE.json [--log LOG.jsonl]
        [--consumer-key K --consumer-secret S --token T --token-secret U]
        [--max-skew 300] [--rate-limit 100 --rate-window 900] [--base-url URL] [--username NAME]

What it checks, in order:
  * Authorization: `OAuth k="v", ...` with oauth_consumer_key, oauth_token, oauth_nonce,
    oauth_timestamp, oauth_signature_method="HMAC-SHA1", oauth_signature (oauth_version, if
    sent, "1.0"); the keys must be ours and the HMAC-SHA1 signature must match the one
    recomputed (RFC 5849) over the method, the URL as the client used it (http:// + Host
    header + path, or --base-url + path), its query parameters, a form body's parameters (a
    JSON body is not signed) and the oauth_* parameters. Else 401.
  * oauth_timestamp within --max-skew seconds of the real clock (a negative value turns the
    check off), and a nonce never seen before (no replay). Else 401.
  * The rate limit: every answer carries x-rate-limit-limit/-remaining/-reset; past the limit
    429 until the window ends.
  * The body: {"text": ..., "media"?: {"media_ids": [...]}}; with twitter-text-parser
    installed, weighted length <= 280 (URLs count 23) else 400; the same text as an accepted
    tweet is 403 duplicate content; each media id must be one this server holds, uploaded by
    these keys, else 400.
  * POST /2/media/upload: multipart/form-data (not part of the signature) with `media` (JPEG,
    PNG, GIF or WebP by its magic bytes, at most 5 MB) and media_category tweet_image ->
    200 {"data": {"id", "media_key", "size", ...}}. POST /2/media/metadata: JSON {"id",
    "metadata": {"alt_text": {"text": <= 1000 characters}}} for a media id it holds.
Success is 201 {"data": {"id": "<digits>", "text": ...}}. Faults, the state file and the
request log come from peerlib (see its docstring).
"""

import base64
import email.parser
import email.policy
import hashlib
import hmac
import re
import time
import urllib.parse

import peerlib

try:
    from twitter_text import parse_tweet
except ImportError:
    parse_tweet = None

UNAUTHORIZED = {"title": "Unauthorized", "type": "about:blank", "status": 401,
                "detail": "Unauthorized"}
DUPLICATE = {"detail": "You are not allowed to create a Tweet with duplicate content.",
             "type": "about:blank", "title": "Forbidden", "status": 403}
TOO_MANY = {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank",
            "status": 429}


def invalid(message):
    return 400, {}, {"errors": [{"parameters": {}, "message": message}],
                     "title": "Invalid Request",
                     "detail": "One or more parameters to your request was invalid.",
                     "type": "https://api.twitter.com/2/problems/invalid-request"}


def percent_encode(s):
    return urllib.parse.quote(s, safe="-._~")


def base_string(method, url, params):
    pairs = sorted((percent_encode(k), percent_encode(v)) for k, v in params)
    normalized = "&".join(f"{k}={v}" for k, v in pairs)
    return "&".join([method.upper(), percent_encode(url), percent_encode(normalized)])


def sign(base, consumer_secret, token_secret):
    key = f"{percent_encode(consumer_secret)}&{percent_encode(token_secret)}".encode()
    return base64.b64encode(hmac.new(key, base.encode(), hashlib.sha1).digest()).decode()


def parse_authorization(value):
    """The oauth_* parameters of an `OAuth ...` header, decoded; None if it is not one."""
    if not value.startswith("OAuth "):
        return None
    params = {}
    for name, raw in re.findall(r'([A-Za-z0-9_.~%-]+)="([^"]*)"', value[6:]):
        params[urllib.parse.unquote(name)] = urllib.parse.unquote(raw)
    return params


class X:
    @staticmethod
    def add_arguments(p):
        p.add_argument("--consumer-key", default="x-consumer-key")
        p.add_argument("--consumer-secret", default="x-consumer-secret")
        p.add_argument("--token", default="x-access-token")
        p.add_argument("--token-secret", default="x-access-token-secret")
        p.add_argument("--max-skew", type=float, default=300.0, help="seconds; < 0: no check")
        p.add_argument("--rate-limit", type=int, default=100)
        p.add_argument("--rate-window", type=float, default=900.0)
        p.add_argument("--base-url", help="what the client signs instead of http://Host")
        p.add_argument("--username", default="herald_test")

    def __init__(self, args):
        self.args = args
        self.nonces = set()
        self.window_reset, self.window_used = time.time() + args.rate_window, 0

    def initial_state(self):
        return {"tweets": [], "media": {}, "requests": 0, "next_id": 1861000000000000000,
                "rejections": {"unauthorized": 0, "replay": 0, "stale_timestamp": 0,
                               "invalid": 0, "duplicate": 0, "rate_limited": 0}}

    def redact_body(self, req, body):
        if req.path == "/2/media/upload":
            return f"<{len(req.body)} bytes>"
        return body

    def roll_window(self):
        if time.time() >= self.window_reset:
            self.window_reset, self.window_used = time.time() + self.args.rate_window, 0

    def common_headers(self, req):
        self.roll_window()
        return {"x-rate-limit-limit": self.args.rate_limit,
                "x-rate-limit-remaining": max(0, self.args.rate_limit - self.window_used),
                "x-rate-limit-reset": int(self.window_reset)}

    def reject(self, req, reason, answer):
        req.note = reason
        bucket = reason.split(":")[0]
        self.peer.state["rejections"][bucket] += 1
        self.peer.save()
        return answer

    def handle(self, req):
        self.peer.state["requests"] += 1
        self.peer.save()
        served = (("POST", "/2/tweets"), ("GET", "/2/users/me"), ("POST", "/2/media/upload"),
                  ("POST", "/2/media/metadata"))
        if (req.method, req.path) not in served:
            return 404, {}, {"title": "Not Found Error", "type": "about:blank", "status": 404,
                             "detail": f"{req.method} {req.path} is not served here"}
        problem = self.check_oauth(req)
        if problem:
            return self.reject(req, problem, (401, {}, UNAUTHORIZED))
        self.roll_window()
        if self.window_used >= self.args.rate_limit:
            return self.reject(req, "rate_limited", (429, {}, TOO_MANY))
        self.window_used += 1
        if req.path == "/2/users/me":
            return 200, {}, {"data": {"id": "1861", "name": "Herald Test",
                                      "username": self.args.username}}
        if req.path == "/2/media/upload":
            return self.upload(req)
        if req.path == "/2/media/metadata":
            return self.metadata(req)
        return self.create_tweet(req)

    def upload(self, req):
        kind = req.header("Content-Type")
        if not kind.startswith("multipart/form-data"):
            return self.reject(req, "invalid: upload is not multipart", invalid("media must be multipart/form-data"))
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + kind.encode() + b"\r\n\r\n" + req.body)
        fields = {}
        for part in message.iter_parts():
            fields[part.get_param("name", header="content-disposition")] = part.get_payload(decode=True)
        data = fields.get("media") or b""
        magic = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png", b"GIF8": "image/gif",
                 b"RIFF": "image/webp"}
        mime = next((m for prefix, m in magic.items() if data.startswith(prefix)), None)
        if mime is None:
            return self.reject(req, "invalid: media is not an image", invalid("media is not a supported image"))
        if len(data) > 5_000_000:
            return self.reject(req, f"invalid: media of {len(data)} bytes", invalid("media is larger than 5 MB"))
        if fields.get("media_category", b"tweet_image") != b"tweet_image":
            return self.reject(req, "invalid: media_category", invalid("media_category must be tweet_image"))
        media_id = str(self.peer.state["next_id"])
        self.peer.state["next_id"] += 1
        self.peer.state["media"][media_id] = {"type": mime, "size": len(data), "alt_text": None}
        self.peer.save()
        return 200, {}, {"data": {"id": media_id, "media_key": "3_" + media_id, "size": len(data),
                                  "expires_after_secs": 86400, "image": {"image_type": mime}}}

    def metadata(self, req):
        body = req.json if isinstance(req.json, dict) else {}
        media = self.peer.state["media"].get(str(body.get("id")))
        text = ((body.get("metadata") or {}).get("alt_text") or {}).get("text")
        if media is None:
            return self.reject(req, "invalid: unknown media id", invalid("media id not found"))
        if not isinstance(text, str) or len(text) > 1000:
            return self.reject(req, "invalid: alt text", invalid("alt_text.text must be at most 1000 characters"))
        media["alt_text"] = text
        self.peer.save()
        return 200, {}, {"data": {"associated_metadata": True}}

    def check_oauth(self, req):
        """None if the request is signed right, else why not (`bucket: detail`)."""
        params = parse_authorization(req.header("Authorization"))
        if params is None:
            return "unauthorized: no OAuth Authorization header"
        needed = ("oauth_consumer_key", "oauth_nonce", "oauth_signature",
                  "oauth_signature_method", "oauth_timestamp", "oauth_token")
        missing = [name for name in needed if name not in params]
        if missing:
            return f"unauthorized: missing {', '.join(missing)}"
        if params["oauth_signature_method"] != "HMAC-SHA1" or \
                params.get("oauth_version", "1.0") != "1.0":
            return "unauthorized: signature method must be HMAC-SHA1, version 1.0"
        if params["oauth_consumer_key"] != self.args.consumer_key or \
                params["oauth_token"] != self.args.token:
            return "unauthorized: unknown consumer key or token"
        url = self.request_url(req)
        signed = [(k, v) for k, v in params.items() if k.startswith("oauth_") and
                  k != "oauth_signature"]
        signed += urllib.parse.parse_qsl(req.raw_query, keep_blank_values=True)
        if req.header("Content-Type").startswith("application/x-www-form-urlencoded"):
            signed += urllib.parse.parse_qsl(req.body.decode(), keep_blank_values=True)
        base = base_string(req.method, url, signed)
        expected = sign(base, self.args.consumer_secret, self.args.token_secret)
        if not hmac.compare_digest(expected, params["oauth_signature"]):
            shown = base.replace(percent_encode(percent_encode(self.args.consumer_key)), "<key>")
            shown = shown.replace(percent_encode(percent_encode(self.args.token)), "<token>")
            return f"unauthorized: bad signature; expected base string {shown}"
        try:
            skew = abs(time.time() - int(params["oauth_timestamp"]))
        except ValueError:
            return "unauthorized: timestamp is not a number"
        if 0 <= self.args.max_skew < skew:
            return f"stale_timestamp: off by {skew:.0f} s"
        if params["oauth_nonce"] in self.nonces:
            return "replay: nonce already used"
        self.nonces.add(params["oauth_nonce"])
        return None

    def request_url(self, req):
        if self.args.base_url:
            return self.args.base_url.rstrip("/") + req.path
        host = req.header("Host", f"127.0.0.1:{self.port}").lower()
        return "http://" + host.removesuffix(":80") + req.path

    def create_tweet(self, req):
        body = req.json
        if not isinstance(body, dict) or not isinstance(body.get("text"), str) or not body["text"]:
            return self.reject(req, "invalid: no text", invalid("text must be a non-empty string"))
        text = body["text"]
        if parse_tweet is not None and not parse_tweet(text).valid:
            return self.reject(req, f"invalid: weighted length {parse_tweet(text).weightedLength}",
                               invalid("Your Tweet text is too long. For more information on how "
                                       "Twitter determines text length see "
                                       "https://github.com/twitter/twitter-text."))
        media_ids = (body.get("media") or {}).get("media_ids", [])
        if not isinstance(media_ids, list) or any(str(m) not in self.peer.state["media"] for m in media_ids):
            return self.reject(req, "invalid: unknown media id", invalid("media.media_ids holds an unknown id"))
        if any(tweet["text"] == text for tweet in self.peer.state["tweets"]):
            return self.reject(req, "duplicate: same text as an accepted tweet", (403, {}, DUPLICATE))
        tweet_id = str(self.peer.state["next_id"])
        self.peer.state["next_id"] += 1
        self.peer.state["tweets"].append({"id": tweet_id, "text": text, "received_at": time.time(),
                                          "body": body})
        self.peer.save()
        return 201, {}, {"data": {"id": tweet_id, "text": text, "edit_history_tweet_ids": [tweet_id]}}


if __name__ == "__main__":
    peerlib.serve(X, "A fake X API v2 for Herald's tests.")
