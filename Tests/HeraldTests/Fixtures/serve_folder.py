"""Serves a folder on 127.0.0.1:PORT with the Content-Types the README tells a site to use.

Usage: serve_folder.py PORT FOLDER
.xml as application/xml, .json as application/feed+json, .css as text/css, .html as text/html,
all in UTF-8: what a browser needs to show a feed as a page.
"""

import http.server
import os
import sys

TYPES = {
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}


class Handler(http.server.SimpleHTTPRequestHandler):
    def guess_type(self, path):
        return TYPES.get(os.path.splitext(path)[1], super().guess_type(path))

    def log_message(self, *args):
        pass


os.chdir(sys.argv[2])
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
