"""Loopback HTTP(S) servers for the HTTP module's tests (Python 3 standard library only).

Usage: server.py MODE [CERT KEY]
  echo     HTTP on 127.0.0.1 with the routes below
  tls      the same routes over TLS with CERT and KEY (PEM files)
  hang     accepts connections and never answers
  backlog  listens with a full accept queue, so new connections never complete
  closed   prints a port nothing listens on, then exits
  alpn     TLS with CERT and KEY that offers only h2 and hangs up after the handshake; prints
           "TLS_PORT HTTP_PORT", where HTTP_PORT's /alpn lists what each handshake agreed on

The server binds port 0 and prints the port it got as its first stdout line. It runs until
killed, or until its stdin reaches end of file (the test process went away).
"""

import base64
import http.server
import json
import os
import socket
import ssl
import sys
import threading
import signal
import time
import urllib.parse

connections = 0
connections_lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass  # stdout carries the port; stderr stays quiet

    def do_GET(self):
        self.route()

    def do_POST(self):
        self.route()

    def do_PUT(self):
        self.route()

    def do_DELETE(self):
        self.route()

    def do_PATCH(self):
        self.route()

    def do_HEAD(self):
        self.route()

    def route(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if "delay" in query:
            time.sleep(float(query["delay"][0]))
        path = url.path
        if path == "/echo":
            self.reply(200, [("Content-Type", "application/json")], json.dumps({
                "method": self.command,
                "path": self.path,
                "version": self.request_version,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body": base64.b64encode(body).decode(),
            }).encode())
        elif path == "/headers":
            self.reply(200, [
                ("Set-Cookie", "a=1"),
                ("X-Padded", "  spaced value \t"),
                ("Set-Cookie", "b=2"),
                ("X-Empty", ""),
                ("Content-Type", "text/plain"),
            ], b"ok")
        elif path == "/ratelimited":
            self.reply(429, [("Retry-After", "120"), ("Content-Type", "text/plain")], b"slow down")
        elif path == "/redirect":
            self.reply(301, [("Location", "/echo")], b"moved")
        elif path == "/interim":
            # An interim 103 response whose headers must not reach the final response.
            self.wfile.write(b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n")
            self.reply(200, [("X-Final", "yes")], b"final")
        elif path == "/bytes":
            size = int(query["n"][0])
            self.reply(200, [("Content-Type", "application/octet-stream")], b"x" * size)
        elif path == "/chunked":
            # No Content-Length, so only the client's running count can catch an oversize body.
            size = int(query["n"][0])
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            sent = 0
            while sent < size:
                chunk = b"y" * min(16384, size - sent)
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/stats":
            with connections_lock:
                count = connections
            self.reply(200, [("Content-Type", "application/json")], json.dumps({"connections": count}).encode())
        else:
            self.reply(404, [], b"not found")

    def reply(self, status, headers, body):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Clients that give up mid-body (the size-limit tests) are expected, not news.
        if not isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError)):
            super().handle_error(request, client_address)

    def verify_request(self, request, client_address):
        global connections
        with connections_lock:
            connections += 1
        return True


def announce(port):
    print(port, flush=True)


def serve_http(context=None):
    server = Server(("127.0.0.1", 0), Handler)
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    announce(server.server_address[1])
    server.serve_forever()


def hang():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    announce(listener.getsockname()[1])
    held = []
    while True:
        connection, _ = listener.accept()
        held.append(connection)  # kept open, never read or answered


def backlog():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    # Fill the accept queue; the kernel then drops further SYNs, so connect() just waits.
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    time.sleep(0.2)
    announce(port)
    while True:
        time.sleep(3600)


def closed():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    announce(port)


def alpn(cert, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.set_alpn_protocols(["h2"])
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    agreed = []

    class Report(Handler):
        def route(self):
            self.reply(200, [("Content-Type", "application/json")], json.dumps(agreed).encode())

    report = Server(("127.0.0.1", 0), Report)
    threading.Thread(target=report.serve_forever, daemon=True).start()
    announce("%d %d" % (listener.getsockname()[1], report.server_address[1]))
    while True:
        connection, _ = listener.accept()
        try:
            with context.wrap_socket(connection, server_side=True) as tls:
                # None when the client did not offer h2: no protocol in common.
                agreed.append(tls.selected_alpn_protocol())
        except (OSError, ssl.SSLError):
            agreed.append("handshake failed")


def exit_when_orphaned():
    sys.stdin.buffer.read()
    os._exit(0)


def main():
    # Swift's Process starts children with most signals blocked; SIGTERM must work to stop us.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, signal.valid_signals())
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    threading.Thread(target=exit_when_orphaned, daemon=True).start()
    mode = sys.argv[1]
    if mode == "echo":
        serve_http()
    elif mode == "tls":
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        serve_http(context)
    elif mode == "hang":
        hang()
    elif mode == "backlog":
        backlog()
    elif mode == "closed":
        closed()
    elif mode == "alpn":
        alpn(sys.argv[2], sys.argv[3])
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
