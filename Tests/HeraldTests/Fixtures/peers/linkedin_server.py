#!/usr/bin/env python3
"""A fake LinkedIn Community Management API: posts with article cards and their thumbnails.

    python3 linkedin_server.py --port 0 --state STATE.json --token TOKEN --author URN
        [--log LOG.jsonl]

  POST /rest/images?action=initializeUpload  {"initializeUploadRequest": {"owner": URN}}
        -> {"value": {"uploadUrlExpiresAt": ms, "uploadUrl": URL, "image": "urn:li:image:…"}}
  PUT  /dms-uploads/{id}                     the image's bytes -> 201
  POST /rest/posts                            the post -> 201, x-restli-id: urn:li:share:N
  GET  /v2/userinfo                           -> {"sub": …, "name": …}

What it checks: `Authorization: Bearer` is --token (else 401), `LinkedIn-Version` is YYYYMM and
not sunset (older than 202507: 426), `X-Restli-Protocol-Version: 2.0.0` on /rest calls. An
image is owned by --author; its upload is JPEG, PNG or GIF by its magic bytes, at most
36,152,320 pixels is not checked (no decoder here) but 10 MB is. A post: author is --author,
commentary a string of at most 3,000 characters, visibility PUBLIC, distribution, lifecycle
PUBLISHED, content.article with source (http(s) URL) and title; a thumbnail must be an image
this server initialised AND received bytes for, owned by the author. Every post is kept: a
repeated request makes a second post, as LinkedIn does (it has no idempotency key).
Faults, the state file and the request log come from peerlib (see its docstring).
"""

import json
import re
import secrets
import time

import peerlib

VERSION = re.compile(r"^\d{6}(\.\d{2})?$")
MAGIC = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png", b"GIF8": "image/gif"}


def error(status, message, code=None):
    return status, {}, {"status": status, "message": message, **({"code": code} if code else {})}


class LinkedIn:
    @staticmethod
    def add_arguments(p):
        p.add_argument("--token", required=True)
        p.add_argument("--author", required=True)

    def __init__(self, args):
        self.args = args

    def initial_state(self):
        return {"images": {}, "posts": [], "uploads": 0, "rejected": []}

    def common_headers(self, req):
        return {}

    def redact_body(self, req, body):
        if req.method == "PUT":
            return f"<{len(req.body)} bytes>"
        return body

    def handle(self, req):
        if req.headers.get("Authorization") != "Bearer " + self.args.token:
            return error(401, "Invalid access token", "INVALID_ACCESS_TOKEN")
        if req.path.startswith("/rest/"):
            version = req.headers.get("LinkedIn-Version") or ""
            if not VERSION.match(version):
                return error(400, f"invalid LinkedIn-Version {version!r}")
            if version < "202507":
                return error(426, f"Requested version {version} is not active", "NONEXISTENT_VERSION")
            if req.headers.get("X-Restli-Protocol-Version") != "2.0.0":
                return error(400, "X-Restli-Protocol-Version 2.0.0 is required")
        if req.method == "POST" and req.path == "/rest/images" and req.query.get("action") == "initializeUpload":
            return self.initialize(req)
        if req.method == "PUT" and req.path.startswith("/dms-uploads/"):
            return self.upload(req)
        if req.method == "POST" and req.path == "/rest/posts":
            return self.post(req)
        if req.method == "GET" and req.path == "/v2/userinfo":
            return 200, {}, {"sub": "member-1", "name": "Herald Test"}
        return error(404, f"{req.method} {req.path} is not served here")

    def reject(self, req, message, status=422):
        req.note = message
        self.peer.state["rejected"].append(message)
        self.peer.save()
        return error(status, message)

    def initialize(self, req):
        owner = ((req.json or {}).get("initializeUploadRequest") or {}).get("owner")
        if owner != self.args.author:
            return self.reject(req, f"owner {owner!r} is not the token's author")
        ident = "C4E10AQ" + secrets.token_hex(6)
        urn = "urn:li:image:" + ident
        self.peer.state["images"][urn] = {"owner": owner, "uploaded": False, "path": "/dms-uploads/" + ident}
        self.peer.save()
        url = f"http://127.0.0.1:{self.port}/dms-uploads/{ident}"
        return 200, {}, {"value": {"uploadUrlExpiresAt": int(time.time() * 1000) + 86_400_000,
                                   "uploadUrl": url, "image": urn}}

    def upload(self, req):
        images = self.peer.state["images"]
        urn = next((u for u, i in images.items() if i["path"] == req.path), None)
        if urn is None:
            return self.reject(req, "no upload was initialised at this URL", 404)
        data = req.body or b""
        kind = next((k for m, k in MAGIC.items() if data.startswith(m)), None)
        if kind is None:
            return self.reject(req, "the upload is not a JPEG, PNG or GIF", 400)
        if len(data) > 10_000_000:
            return self.reject(req, "the upload is larger than 10 MB", 413)
        images[urn].update({"uploaded": True, "type": kind, "size": len(data)})
        self.peer.state["uploads"] += 1
        self.peer.save()
        return 201, {}, b""

    def post(self, req):
        body = req.json
        if not isinstance(body, dict):
            return self.reject(req, "the body must be a JSON object", 400)
        problems = []
        if body.get("author") != self.args.author:
            problems.append(f"author {body.get('author')!r}")
        if not isinstance(body.get("commentary"), str) or len(body["commentary"]) > 3000:
            problems.append("commentary")
        if body.get("visibility") != "PUBLIC" or body.get("lifecycleState") != "PUBLISHED":
            problems.append("visibility or lifecycleState")
        if not isinstance(body.get("distribution"), dict):
            problems.append("distribution")
        article = (body.get("content") or {}).get("article")
        if not isinstance(article, dict) or not re.match(r"^https?://", article.get("source") or "") \
                or not isinstance(article.get("title"), str):
            problems.append("content.article")
        elif "thumbnail" in article:
            image = self.peer.state["images"].get(article["thumbnail"])
            if image is None or not image["uploaded"] or image["owner"] != self.args.author:
                problems.append(f"thumbnail {article['thumbnail']!r} is not an uploaded image of the author")
        if problems:
            return self.reject(req, "invalid post: " + "; ".join(problems))
        posts = self.peer.state["posts"]
        urn = f"urn:li:share:{7000000 + len(posts) + 1}"
        posts.append({"urn": urn, "post": body})
        self.peer.save()
        return 201, {"x-restli-id": urn}, b""


if __name__ == "__main__":
    peerlib.serve(LinkedIn, "A fake LinkedIn API for Herald's tests.")
