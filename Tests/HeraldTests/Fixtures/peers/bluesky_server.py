#!/usr/bin/env python3
"""A fake Bluesky PDS: just the XRPC endpoints Herald uses, checked as strictly as the lexicons.

    python3 bluesky_server.py --port 0 --state STATE.json [--log LOG.jsonl]
        [--handle herald.test] [--password app-pass-word] [--did did:plc:...]
        [--access-ttl SECONDS] [--refresh-ttl SECONDS] [--max-logins N]

What it checks:
  * com.atproto.server.createSession: identifier (handle or DID) and password; counts `logins`
    (Herald should reuse a cached session, not log in every run); after --max-logins
    successful logins in one lifetime answers 429 RateLimitExceeded with ratelimit-* headers.
  * com.atproto.server.refreshSession: the Bearer refresh token; rotates it (the old one is
    dead afterwards: 400 ExpiredToken). com.atproto.server.getSession: the access token.
  * Authed calls: missing token 401 AuthenticationRequired, unknown 400 InvalidToken, past
    --access-ttl 400 ExpiredToken. Tokens are JWT-shaped (readable `exp`), random otherwise.
  * com.atproto.repo.putRecord: repo, collection app.bsky.feed.post, rkey syntax, swapRecord,
    and the record against app.bsky.feed.post: $type, text (300 graphemes, 3000 UTF-8 bytes),
    createdAt (RFC 3339 with a zone), langs, facets (UTF-8 byte ranges on character boundaries;
    #link covering the URI or a shortened display of it, #tag covering "#"+tag, #mention with a
    DID) and embed app.bsky.embed.external. Same rkey again replaces the record (idempotent).
  * com.atproto.repo.getRecord: the stored record, or 400 RecordNotFound.
  * com.atproto.repo.uploadBlob: the raw bytes, Content-Type an image type matching their magic
    bytes, at most 1,000,000 bytes (400 BlobTooLarge); kept by CID. A record's
    embed.external.thumb must be a blob ref ($type blob, ref.$link, mimeType, size) to a blob
    this server holds, with its mimeType and size.
Faults, the state file and the request log come from peerlib (see its docstring).
"""

import base64
import hashlib
import json
import re
import secrets
import time
from datetime import datetime

import peerlib

try:
    import regex

    def graphemes(text):
        return len(regex.findall(r"\X", text))
except ImportError:
    graphemes = len  # code points: over-counts combined characters, a fallback only

RKEY = re.compile(r"^[A-Za-z0-9._:~-]{1,512}$")
TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")
LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")
DID = re.compile(r"^did:[a-z]+:[A-Za-z0-9._:%-]*[A-Za-z0-9._-]$")
FEATURES = ("app.bsky.richtext.facet#link", "app.bsky.richtext.facet#tag",
            "app.bsky.richtext.facet#mention")


class Invalid(Exception):
    """A record or request the lexicon does not allow."""


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b32(data):
    return base64.b32encode(data).decode().lower().rstrip("=")


def error(status, name, message):
    return status, {}, {"error": name, "message": message}


class Bluesky:
    @staticmethod
    def add_arguments(p):
        p.add_argument("--handle", default="herald.test")
        p.add_argument("--password", default="app-pass-word")
        p.add_argument("--did", help="default: derived from the handle")
        p.add_argument("--access-ttl", type=float, default=7200.0)
        p.add_argument("--refresh-ttl", type=float, default=90 * 86400.0)
        p.add_argument("--max-logins", type=int, default=0, help="0: no limit")

    def __init__(self, args):
        self.args = args
        self.did = args.did or "did:plc:" + b32(hashlib.sha256(args.handle.encode()).digest())[:24]
        self.access, self.refresh = {}, {}  # token -> expiry (epoch seconds)
        self.logins_this_lifetime = 0

    def initial_state(self):
        return {"did": self.did, "handle": self.args.handle, "logins": 0, "login_failures": 0,
                "refreshes": 0, "writes": 0, "rejections": 0, "rejected": [], "records": {},
                "blobs": {}, "uploads": 0}

    def redact_body(self, req, body):
        if req.path.endswith("uploadBlob"):
            return f"<{len(req.body)} bytes>"
        if isinstance(body, dict) and "password" in body:
            return {**body, "password": "<redacted>"}
        return body

    def common_headers(self, req):
        if req.path != "/xrpc/com.atproto.server.createSession" or not self.args.max_logins:
            return {}
        limit = self.args.max_logins
        return {"ratelimit-limit": limit, "ratelimit-policy": f"{limit};w=300",
                "ratelimit-remaining": max(0, limit - self.logins_this_lifetime),
                "ratelimit-reset": int(time.time()) + 300}

    def handle(self, req):
        routes = {
            ("POST", "com.atproto.server.createSession"): self.create_session,
            ("POST", "com.atproto.server.refreshSession"): self.refresh_session,
            ("GET", "com.atproto.server.getSession"): self.get_session,
            ("POST", "com.atproto.repo.putRecord"): self.put_record,
            ("GET", "com.atproto.repo.getRecord"): self.get_record,
            ("POST", "com.atproto.repo.uploadBlob"): self.upload_blob,
        }
        route = routes.get((req.method, req.path.removeprefix("/xrpc/")))
        if route is None:
            return error(404, "MethodNotImplemented", f"{req.method} {req.path} is not served here")
        return route(req)

    # Sessions

    def token(self, kind, ttl):
        now = int(time.time())
        head = {"typ": "at+jwt" if kind == "access" else "refresh+jwt", "alg": "HS256"}
        claims = {"scope": "com.atproto.appPass" if kind == "access" else "com.atproto.refresh",
                  "sub": self.did, "aud": "did:web:127.0.0.1", "iat": now, "exp": int(now + ttl),
                  "jti": secrets.token_hex(8)}
        parts = [json.dumps(head).encode(), json.dumps(claims).encode(), secrets.token_bytes(32)]
        return ".".join(b64url(part) for part in parts)

    def new_session(self):
        access = self.token("access", self.args.access_ttl)
        refresh = self.token("refresh", self.args.refresh_ttl)
        self.access[access] = time.time() + self.args.access_ttl
        self.refresh[refresh] = time.time() + self.args.refresh_ttl
        return {"did": self.did, "handle": self.args.handle, "accessJwt": access,
                "refreshJwt": refresh, "active": True}

    def create_session(self, req):
        body = req.json if isinstance(req.json, dict) else {}
        if self.args.max_logins and self.logins_this_lifetime >= self.args.max_logins:
            req.note = "login rate limit"
            return error(429, "RateLimitExceeded", "Rate Limit Exceeded")
        ident = str(body.get("identifier", ""))
        if ident.lower() not in (self.args.handle.lower(), self.did) or \
                body.get("password") != self.args.password:
            self.peer.state["login_failures"] += 1
            self.peer.save()
            req.note = "bad identifier or password"
            return error(401, "AuthenticationRequired", "Invalid identifier or password")
        self.logins_this_lifetime += 1
        self.peer.state["logins"] += 1
        self.peer.save()
        return 200, {}, self.new_session()

    def bearer(self, req):
        auth = req.header("Authorization")
        return auth[7:].strip() if auth.startswith("Bearer ") else None

    def refresh_session(self, req):
        token = self.bearer(req)
        if token is None:
            return error(401, "AuthenticationRequired", "Authentication Required")
        expiry = self.refresh.pop(token, None)
        if expiry is None or expiry < time.time():
            req.note = "unknown, rotated or expired refresh token"
            return error(400, "ExpiredToken", "Token has been revoked")
        self.peer.state["refreshes"] += 1
        self.peer.save()
        return 200, {}, self.new_session()

    def authorize(self, req):
        """None when the access token is good, else the error answer."""
        token = self.bearer(req)
        if token is None:
            return error(401, "AuthenticationRequired", "Authentication Required")
        if token in self.refresh:
            return error(400, "InvalidToken", "Bad token scope")
        if token not in self.access:
            return error(400, "InvalidToken", "Token could not be verified")
        if self.access[token] < time.time():
            return error(400, "ExpiredToken", "Token has expired")
        return None

    def get_session(self, req):
        return self.authorize(req) or (200, {}, {"did": self.did, "handle": self.args.handle,
                                                 "active": True})

    # Records

    def put_record(self, req):
        denied = self.authorize(req)
        if denied:
            req.note = denied[2]["message"]
            return denied
        body = req.json if isinstance(req.json, dict) else None
        try:
            if body is None:
                raise Invalid("body must be a JSON object")
            rkey = self.check_target(body, body.get("rkey"))
            if "validate" in body and not isinstance(body["validate"], (bool, type(None))):
                raise Invalid("validate must be a boolean")
            coverage = check_post(body.get("record"), self.peer.state["blobs"])
        except Invalid as e:
            req.note = str(e)
            self.peer.state["rejections"] += 1
            self.peer.state["rejected"].append({"rkey": (body or {}).get("rkey"), "message": str(e)})
            self.peer.save()
            return error(400, "InvalidRequest", str(e))
        records = self.peer.state["records"]
        current = records.get(rkey)
        if "swapRecord" in body and body["swapRecord"] != (current or {}).get("cid"):
            req.note = "swapRecord does not match"
            return error(400, "InvalidSwap", f"Record was at {(current or {}).get('cid')}")
        record = body["record"]
        canonical = json.dumps(record, sort_keys=True, separators=(",", ":")).encode()
        cid = "bafyrei" + b32(hashlib.sha256(canonical).digest())
        uri = f"at://{self.did}/app.bsky.feed.post/{rkey}"
        records[rkey] = {"uri": uri, "cid": cid, "value": record, "is_tid": bool(TID.match(rkey)),
                         "writes": (current or {}).get("writes", 0) + 1, "facets": coverage}
        self.peer.state["writes"] += 1
        self.peer.save()
        rev = b64url(secrets.token_bytes(8)).lower()
        return 200, {}, {"uri": uri, "cid": cid, "commit": {"cid": "bafyrei" + rev, "rev": rev},
                         "validationStatus": "valid"}

    def upload_blob(self, req):
        denied = self.authorize(req)
        if denied:
            return denied
        kind = (req.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        data = req.body or b""
        magic = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n", "image/gif": b"GIF8",
                 "image/webp": b"RIFF"}
        if kind not in magic:
            req.note = f"not an image type: {kind!r}"
            return error(400, "InvalidMimeType", f"Unsupported blob type {kind!r}")
        if not data.startswith(magic[kind]):
            req.note = "bytes do not match the content type"
            return error(400, "InvalidMimeType", f"the bytes are not {kind}")
        if len(data) > 1_000_000:
            req.note = f"blob of {len(data)} bytes"
            return error(400, "BlobTooLarge", f"This file is too large. It is {len(data)} bytes but the maximum "
                                              "size is 1000000 bytes.")
        cid = "bafkrei" + b32(hashlib.sha256(data).digest())
        self.peer.state["blobs"][cid] = {"mimeType": kind, "size": len(data)}
        self.peer.state["uploads"] += 1
        self.peer.save()
        return 200, {}, {"blob": {"$type": "blob", "ref": {"$link": cid}, "mimeType": kind, "size": len(data)}}

    def check_target(self, body, rkey):
        if body.get("repo") not in (self.did, self.args.handle):
            raise Invalid(f"Could not find repo: {body.get('repo')}")
        if body.get("collection") != "app.bsky.feed.post":
            raise Invalid(f"unsupported collection: {body.get('collection')}")
        if not isinstance(rkey, str) or not RKEY.match(rkey) or rkey in (".", ".."):
            raise Invalid(f"Invalid record key: {rkey!r}")
        return rkey

    def get_record(self, req):
        q = req.query
        try:
            rkey = self.check_target(q, q.get("rkey"))
        except Invalid as e:
            return error(400, "InvalidRequest", str(e))
        stored = self.peer.state["records"].get(rkey)
        if stored is None or q.get("cid", stored["cid"]) != stored["cid"]:
            return error(400, "RecordNotFound",
                         f"Could not locate record: at://{self.did}/app.bsky.feed.post/{rkey}")
        return 200, {}, {"uri": stored["uri"], "cid": stored["cid"], "value": stored["value"]}


def check_post(record, blobs):
    """Raises Invalid unless `record` is a valid app.bsky.feed.post; returns facet coverage."""
    if not isinstance(record, dict):
        raise Invalid("record must be an object")
    if record.get("$type") != "app.bsky.feed.post":
        raise Invalid(f"Invalid $type: expected app.bsky.feed.post, got {record.get('$type')!r}")
    text = record.get("text")
    if not isinstance(text, str):
        raise Invalid("Record/text must be a string")
    data = text.encode()
    if len(data) > 3000:
        raise Invalid(f"Record/text must not be longer than 3000 bytes (is {len(data)})")
    if graphemes(text) > 300:
        raise Invalid(f"Record/text must not be longer than 300 graphemes (is {graphemes(text)})")
    created = record.get("createdAt")
    if not isinstance(created, str) or not DATETIME.match(created):
        raise Invalid(f"Record/createdAt must be an RFC 3339 datetime: {created!r}")
    try:
        datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(f"Record/createdAt is not a real date: {created!r}") from None
    langs = record.get("langs", [])
    if not isinstance(langs, list) or len(langs) > 3 or \
            not all(isinstance(l, str) and LANG.match(l) for l in langs):
        raise Invalid(f"Record/langs must be at most 3 language tags: {langs!r}")
    if not isinstance(record.get("facets", []), list):
        raise Invalid("Record/facets must be an array")
    coverage = [check_facet(f, data) for f in record.get("facets", [])]
    if "embed" in record:
        check_embed(record["embed"], blobs)
    return coverage


def check_facet(facet, data):
    index = facet.get("index") if isinstance(facet, dict) else None
    if not isinstance(index, dict):
        raise Invalid("facet must have an index")
    start, end = index.get("byteStart"), index.get("byteEnd")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)) or \
            not 0 <= start < end <= len(data):
        raise Invalid(f"facet index must be 0 <= byteStart < byteEnd <= {len(data)}: {index}")
    try:
        covered = data[start:end].decode()
    except UnicodeDecodeError:
        raise Invalid(f"facet index {index} splits a UTF-8 character") from None
    features = facet.get("features")
    if not isinstance(features, list) or not features:
        raise Invalid("facet must have features")
    out = {"byteStart": start, "byteEnd": end, "covers": covered}
    for feature in features:
        kind = feature.get("$type") if isinstance(feature, dict) else None
        if kind not in FEATURES:
            raise Invalid(f"unknown facet feature {kind!r}")
        out["type"] = kind.split("#")[1]
        if kind.endswith("#link"):
            uri = feature.get("uri")
            if not isinstance(uri, str) or not URI.match(uri):
                raise Invalid(f"link facet needs a uri: {uri!r}")
            out["uri"], out["exact"] = uri, covered == uri
            if covered != uri and not is_shortened(covered, uri):
                raise Invalid(f"link facet covers {covered!r}, which is not {uri!r} or a shortening")
        elif kind.endswith("#tag"):
            tag = feature.get("tag")
            if not isinstance(tag, str) or not tag or tag.startswith("#"):
                raise Invalid(f"tag facet needs a tag without '#': {tag!r}")
            if graphemes(tag) > 64 or len(tag.encode()) > 640:
                raise Invalid(f"tag longer than 64 graphemes: {tag!r}")
            if covered != "#" + tag:
                raise Invalid(f"tag facet covers {covered!r}, not {'#' + tag!r}")
            out["tag"] = tag
        elif not isinstance(feature.get("did"), str) or not DID.match(feature["did"]):
            raise Invalid(f"mention facet needs a DID: {feature.get('did')!r}")
    return out


def is_shortened(covered, uri):
    """A display form: the URI without its scheme (and www.), maybe cut and ended by an ellipsis."""
    bare = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", uri)
    shown = covered.removesuffix("…").removesuffix("...")
    return bool(shown) and any(s.startswith(shown) for s in (bare, bare.removeprefix("www.")))


def check_embed(embed, blobs):
    if not isinstance(embed, dict) or embed.get("$type") != "app.bsky.embed.external":
        raise Invalid("this server accepts only app.bsky.embed.external embeds")
    external = embed.get("external")
    if not isinstance(external, dict):
        raise Invalid("embed.external must be an object")
    if not isinstance(external.get("uri"), str) or not URI.match(external["uri"]):
        raise Invalid(f"embed.external.uri must be a URI: {external.get('uri')!r}")
    for key in ("title", "description"):
        if not isinstance(external.get(key), str):
            raise Invalid(f"embed.external.{key} must be a string")
    if "thumb" in external:
        thumb = external["thumb"]
        if not isinstance(thumb, dict) or thumb.get("$type") != "blob":
            raise Invalid("embed.external.thumb must be a blob")
        link = (thumb.get("ref") or {}).get("$link")
        held = blobs.get(link)
        if held is None:
            raise Invalid(f"embed.external.thumb refers to a blob this server does not hold: {link!r}")
        if thumb.get("mimeType") != held["mimeType"] or thumb.get("size") != held["size"]:
            raise Invalid("embed.external.thumb's mimeType or size differs from the uploaded blob")
        if not held["mimeType"].startswith("image/") or held["size"] > 1_000_000:
            raise Invalid("embed.external.thumb must be an image of at most 1,000,000 bytes")


if __name__ == "__main__":
    peerlib.serve(Bluesky, "A fake Bluesky PDS for Herald's tests.")
