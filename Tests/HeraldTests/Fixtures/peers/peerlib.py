"""Plumbing shared by the fake API servers that Herald's tests talk to.

A server built on this module:
  * binds 127.0.0.1 (``--port 0`` picks a free port) and prints ``PORT <n>`` as its first
    line of standard output, flushed, so a test can read where it listens;
  * keeps what it accepted in a JSON state file (``--state``), rewritten atomically (temporary
    file + rename) after every change, and loaded again if it exists at start;
  * appends one JSON line per request to ``--log`` (method, path, headers with every
    Authorization value replaced by "<redacted>", body, status, and a note on rejections);
  * answers the control endpoints, which are not part of any real API:
      POST   /_control/faults   a fault or a list of faults (see Fault)
      GET    /_control/faults   the faults still pending
      DELETE /_control/faults   drops them
      GET    /_control/state    the state document

A fault is ``{"path": "/xrpc/...", "method"?: "POST", "status"?: 500, "times"?: 1,
"headers"?: {...}, "body"?: {...}, "delay"?: seconds, "commit"?: false, "close"?: false}``.
The next ``times`` requests whose path (query excluded) equals ``path`` (or starts with it when
it ends in ``*``; ``*`` alone matches all) get that answer instead of the real one. ``delay``
waits that long first. Without ``status`` the request is then handled for real (a slow
server). ``commit`` handles it for real, then answers with the fault anyway (the write happened,
the answer was lost). ``close`` drops the connection without any answer.
"""

import argparse
import json
import os
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Request:
    """What an app sees of one request."""

    def __init__(self, handler, body):
        self.method = handler.command
        split = urllib.parse.urlsplit(handler.path)
        self.path = split.path
        self.raw_query = split.query
        self.query = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
        self.headers = handler.headers
        self.body = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None
        self.note = None  # why it was rejected, for the log

    def header(self, name, default=""):
        return self.headers.get(name, default)


class Peer:
    """State, log and faults of one server; `app` supplies the API itself."""

    def __init__(self, args, app):
        self.args, self.app = args, app
        self.lock = threading.RLock()
        self.faults = []
        self.state = app.initial_state()
        if os.path.exists(args.state):
            try:
                with open(args.state) as f:
                    self.state.update(json.load(f))
            except ValueError:
                pass
        self.state.setdefault("faults_served", 0)
        self.save()

    def save(self):
        if self.args.lazy_state:
            return  # read through GET /_control/state instead
        with self.lock:
            folder = os.path.dirname(os.path.abspath(self.args.state))
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".state-", suffix=".tmp")
            with os.fdopen(fd, "w") as f:
                json.dump(self.state, f, indent=2, sort_keys=True, ensure_ascii=False)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.args.state)

    def log(self, req, status):
        if not self.args.log:
            return
        headers = {}
        for name, value in req.headers.items():
            headers[name] = "<redacted>" if name.lower() == "authorization" else value
        body = req.json if req.json is not None else req.body.decode("utf-8", "replace")
        entry = {"time": time.time(), "method": req.method,
                 "path": req.path + ("?" + req.raw_query if req.raw_query else ""),
                 "headers": headers, "body": self.app.redact_body(req, body), "status": status}
        if req.note:
            entry["note"] = req.note
        with self.lock, open(self.args.log, "a") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def take_fault(self, req):
        with self.lock:
            for fault in self.faults:
                pattern = fault.get("path", "*")
                if pattern.endswith("*"):
                    hit = req.path.startswith(pattern[:-1])
                else:
                    hit = req.path == pattern
                if hit and fault.get("method", req.method).upper() == req.method:
                    fault["times"] = fault.get("times", 1) - 1
                    if fault["times"] <= 0:
                        self.faults.remove(fault)
                    self.state["faults_served"] += 1
                    self.save()
                    return dict(fault)
        return None

    def control(self, req):
        with self.lock:
            if req.path == "/_control/faults" and req.method == "POST":
                new = req.json if isinstance(req.json, list) else [req.json]
                if not all(isinstance(f, dict) for f in new):
                    return 400, {}, {"error": "InvalidRequest", "message": "a fault is an object"}
                self.faults.extend(new)
                return 200, {}, {"pending": self.faults}
            if req.path == "/_control/faults" and req.method == "GET":
                return 200, {}, {"pending": self.faults}
            if req.path == "/_control/faults" and req.method == "DELETE":
                self.faults.clear()
                return 200, {}, {"pending": []}
            if req.path == "/_control/state" and req.method == "GET":
                return 200, {}, self.state
        return 404, {}, {"error": "NotFound", "message": "no such control endpoint"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    peer = None  # set by serve()

    def log_message(self, *args):  # the JSONL log replaces stderr chatter
        pass

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def dispatch(self):
        peer = self.peer
        req = Request(self, self.read_body())
        if req.path.startswith("/_control/"):
            status, headers, body = peer.control(req)
            return self.answer(req, status, headers, body)
        fault = peer.take_fault(req) or {}
        if fault.get("delay"):
            time.sleep(float(fault["delay"]))
        status, headers, body = 500, {}, {}
        if not fault or fault.get("commit") or ("status" not in fault and not fault.get("close")):
            with peer.lock:
                status, headers, body = peer.app.handle(req)
        if fault.get("close"):
            req.note = "fault: connection closed without an answer"
            peer.log(req, None)
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if "status" in fault:
            req.note = "fault injected" + (" after handling the request" if fault.get("commit") else "")
            status = int(fault["status"])
            default = {"error": "InjectedFault", "message": f"injected {status}"}
            headers, body = dict(fault.get("headers") or {}), fault.get("body", default)
        with peer.lock:
            headers = {**peer.app.common_headers(req), **headers}
        self.answer(req, status, headers, body)

    def answer(self, req, status, headers, body):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.peer.log(req, status)
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, str(value))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = dispatch


def serve(app_class, description):
    """Parses the command line (common options plus the app's), then serves until killed."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--state", required=True, help="JSON file of what was accepted")
    parser.add_argument("--log", help="JSONL file of every request")
    parser.add_argument("--lazy-state", action="store_true",
                        help="keep the state in memory only (GET /_control/state): for thousands of writes")
    app_class.add_arguments(parser)
    args = parser.parse_args()
    app = app_class(args)
    peer = Peer(args, app)
    app.peer = peer
    Handler.peer = peer
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    app.port = server.server_address[1]
    print(f"PORT {app.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        sys.stdout.flush()
