#!/usr/bin/env python3
"""A small web site for the crawl tests (standard library only).

Usage: python3 crawl_site.py STATE_DIR [ADDRESS]
Listens on an ephemeral port of ADDRESS (default 127.0.0.1) and writes its base URL to
STATE_DIR/url. Files under STATE_DIR/root are served as they are (the test writes, changes and
removes them between runs), "{BASE}" in them replaced by the base URL; a folder's index.html
answers for it. Every file has an ETag (its content's hash) and a 304 answers a matching
If-None-Match. Every request is appended to STATE_DIR/requests as "METHOD PATH STATUS".

Pages that are no files:
  /docs/redirect-in  -> /docs/target.html (in the crawl's scope)
  /docs/redirect-out -> /elsewhere/page.html (outside it)
  /docs/loop-a <-> /docs/loop-b        a redirect loop
  /docs/to-metadata  -> http://169.254.169.254/latest/meta-data/
  /docs/to-private-name -> http://private.test:PORT/ (a name the test maps to 10.0.0.1)
  /docs/missing 404 (any path without a file), /docs/broken 500
  /docs/busy         503 with Retry-After: 1 the first time, then a page
  /docs/slow         waits 3 s before answering
  /docs/huge         30 MiB of text (over the default 20 MiB limit)
  /docs/gzip.html    HTML sent gzip-encoded
  /docs/bomb         100 MiB of zeros gzip-compressed (about 100 KiB sent)
"""
import gzip
import hashlib
import http.server
import os
import socketserver
import sys
import threading
import time

STATE = sys.argv[1] if len(sys.argv) > 1 else "."
ADDRESS = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
ROOT = os.path.join(STATE, "root")
BASE = ""
LOCK = threading.Lock()
BUSY_SEEN = set()

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".pdf": "application/pdf",
}


from gzip_bomb import bomb_bytes  # noqa: E402 (beside this script)

BOMB = bomb_bytes()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # A kept-alive connection's answer goes out as two writes (the headers, then the body): with
    # Nagle's algorithm the body waits for the client's delayed ACK of the headers, 40 ms an
    # answer, which a crawl's adapted delay then takes for the server's pace.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def record(self, status):
        with LOCK, open(os.path.join(STATE, "requests"), "a") as f:
            f.write("%s %s %d\n" % (self.command, self.path, status))

    def send(self, status, body=b"", ctype="text/html; charset=utf-8", headers=()):
        self.record(status)
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, to, status=302):
        self.send(status, b"", headers=[("Location", to)])

    def special(self, p):
        if p == "/docs/redirect-in":
            self.redirect("/docs/target.html", 301)
            return True
        if p == "/docs/redirect-out":
            self.redirect("/elsewhere/page.html")
            return True
        if p == "/docs/loop-a":
            self.redirect("/docs/loop-b")
            return True
        if p == "/docs/loop-b":
            self.redirect("/docs/loop-a")
            return True
        if p == "/docs/to-metadata":
            self.redirect("http://169.254.169.254/latest/meta-data/")
            return True
        if p == "/docs/to-private-name":
            self.redirect("http://private.test:%d/" % self.server.server_address[1])
            return True
        if p == "/docs/broken":
            self.send(500, b"oops")
            return True
        if p == "/docs/busy":
            with LOCK:
                first = p not in BUSY_SEEN
                BUSY_SEEN.add(p)
            if first:
                self.send(503, b"busy", headers=[("Retry-After", "1")])
                return True
            self.send(200, b"<html><head><title>Busy</title></head><body><p>Patience pays: the saffron kite.</p></body></html>")
            return True
        if p == "/docs/slow":
            time.sleep(3)
            self.send(200, b"<p>slow</p>")
            return True
        if p == "/docs/huge":
            self.send(200, b"x" * (30 << 20), "text/plain")
            return True
        if p == "/docs/gzip.html":
            body = gzip.compress(b"<html><body><p>Compressed page about the cobalt turbine.</p></body></html>")
            self.send(200, body, headers=[("Content-Encoding", "gzip")])
            return True
        if p == "/docs/bomb":
            self.send(200, BOMB, "text/plain", headers=[("Content-Encoding", "gzip")])
            return True
        return False

    def do_GET(self):
        p = self.path.split("?", 1)[0]
        if self.special(p):
            return
        path = os.path.normpath(os.path.join(ROOT, p.lstrip("/")))
        if not path.startswith(ROOT):
            return self.send(404, b"no such page")
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if not os.path.isfile(path):
            return self.send(404, b"no such page")
        with open(path, "rb") as f:
            body = f.read().replace(b"{BASE}", BASE.encode())
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            return self.send(304, headers=[("ETag", etag)])
        ctype = TYPES.get(os.path.splitext(path)[1], "application/octet-stream")
        self.send(200, body, ctype, headers=[("ETag", etag)])


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # a client that stops reading (the fetcher's size limits, its timeout) is expected


def main():
    global BASE
    server = Server((ADDRESS, 0), Handler)
    BASE = "http://%s:%d" % (ADDRESS, server.server_address[1])
    tmp = os.path.join(STATE, "url.tmp")
    with open(tmp, "w") as f:
        f.write(BASE + "\n")
    os.rename(tmp, os.path.join(STATE, "url"))
    server.serve_forever()


if __name__ == "__main__":
    main()
