"""A server that accepts every request and keeps it: webhooks and WebSub hubs in the tests.

python3 capture_server.py --port N --state STATE.json [--status CODE]
Every request is appended to STATE.json as {method, path, headers, body} (Authorization
values replaced by "<redacted>"); the answer is CODE (default 200) with body "ok".
"""
import argparse
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--state", required=True)
    parser.add_argument("--status", type=int, default=200)
    args = parser.parse_args()
    requests = []

    def save():
        temporary = args.state + ".tmp"
        with open(temporary, "w", encoding="utf-8") as f:
            json.dump({"requests": requests}, f)
        os.replace(temporary, args.state)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", "replace")
            headers = {k.lower(): ("<redacted>" if k.lower() == "authorization" else v) for k, v in self.headers.items()}
            with LOCK:
                requests.append({"method": self.command, "path": self.path, "headers": headers, "body": body})
                save()
            self.send_response(args.status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        do_PUT = do_POST

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    save()
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
