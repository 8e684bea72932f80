#!/usr/bin/env python3
"""A small web site for the web ingest and crawl tests, on 127.0.0.1 (standard library only).

Usage: python3 web_site.py STATE_DIR [ADDRESS]
Listens on an ephemeral port of ADDRESS (default 127.0.0.1) and writes its base URL to STATE_DIR/url. The page
/changing reads STATE_DIR/changing (the test rewrites it between runs). Every request is
appended to STATE_DIR/requests as "METHOD PATH STATUS" so tests can assert what was fetched.

Pages:
  /guide/intro.html     HTML with chrome (nav, footer) and a same-origin rel=canonical to
                        /guide/intro; served with an ETag and Last-Modified, 304 on a match
  /guide/intro          the same page (the canonical address)
  /notes.md             Markdown (text/markdown)
  /plain.txt            text/plain
  /changing             HTML from STATE_DIR/changing; ETag = its content's hash
  /redirect/1 -> /redirect/2 -> /redirect/3 -> /guide/plain-target.html
  /guide/plain-target.html  HTML
  /loop/a <-> /loop/b   a redirect loop
  /to-metadata          302 to http://169.254.169.254/latest/meta-data/
  /to-private           302 to http://10.0.0.1/
  /missing              404; /broken: 500; /busy: 503 with Retry-After: 7
  /slow                 waits 5 s before answering
  /huge                 30 MiB of text (over the default 20 MiB limit)
  /gzip.html            HTML sent gzip-encoded
  /bomb                 100 MiB of zeros gzip-compressed (about 100 KiB sent)
"""
import gzip
import hashlib
import http.server
import os
import socketserver
import sys
import time

STATE = sys.argv[1] if len(sys.argv) > 1 else "."
ADDRESS = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"

INTRO = b"""<!doctype html><html><head><title>Intro to Strata</title>
<link rel="canonical" href="/guide/intro"></head>
<body><nav>Home | Guide | Blog</nav>
<main><h1>Introduction</h1>
<p>The quasar widget aligns flux capacitors.</p>
<p>Second paragraph about the zephyr protocol.</p></main>
<footer>Copyright footer text</footer></body></html>
"""
INTRO_ETAG = '"intro-v1"'
INTRO_MODIFIED = "Sun, 06 Nov 1994 08:49:37 GMT"


from gzip_bomb import bomb_bytes  # noqa: E402 (beside this script)

BOMB = bomb_bytes()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def record(self, status):
        with open(os.path.join(STATE, "requests"), "a") as f:
            f.write("%s %s %d %s\n" % (self.command, self.path, status, self.headers.get("User-Agent", "")))

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

    def conditional(self, body, etag, modified=None, ctype="text/html; charset=utf-8"):
        if self.headers.get("If-None-Match") == etag or (
            modified and self.headers.get("If-Modified-Since") == modified and not self.headers.get("If-None-Match")
        ):
            return self.send(304, headers=[("ETag", etag)])
        headers = [("ETag", etag)]
        if modified:
            headers.append(("Last-Modified", modified))
        self.send(200, body, ctype, headers)

    def do_GET(self):
        p = self.path
        if p in ("/guide/intro.html", "/guide/intro"):
            return self.conditional(INTRO, INTRO_ETAG, INTRO_MODIFIED)
        if p == "/notes.md":
            return self.send(200, b"# Notes\n\nThe marmalade index is rebuilt nightly.\n", "text/markdown")
        if p == "/plain.txt":
            return self.send(200, b"Plain words about the obsidian ledger.\n", "text/plain")
        if p == "/changing":
            with open(os.path.join(STATE, "changing"), "rb") as f:
                body = f.read()
            return self.conditional(body, '"' + hashlib.sha256(body).hexdigest()[:16] + '"')
        if p.startswith("/redirect/"):
            n = int(p.rsplit("/", 1)[1])
            return self.redirect("/redirect/%d" % (n + 1) if n < 3 else "/guide/plain-target.html", 301)
        if p == "/guide/plain-target.html":
            return self.send(200, b"<html><head><title>Target</title></head><body><p>Reached the heliotrope target.</p></body></html>")
        if p == "/loop/a":
            return self.redirect("/loop/b")
        if p == "/loop/b":
            return self.redirect("/loop/a")
        if p == "/to-metadata":
            return self.redirect("http://169.254.169.254/latest/meta-data/")
        if p == "/to-private":
            return self.redirect("http://10.0.0.1/")
        if p == "/missing":
            return self.send(404, b"not here")
        if p == "/broken":
            return self.send(500, b"oops")
        if p == "/busy":
            return self.send(503, b"busy", headers=[("Retry-After", "7")])
        if p == "/slow":
            time.sleep(5)
            return self.send(200, b"<p>slow</p>")
        if p == "/huge":
            return self.send(200, b"x" * (30 << 20), "text/plain")
        if p == "/gzip.html":
            body = gzip.compress(b"<html><body><p>Compressed page about the cobalt turbine.</p></body></html>")
            return self.send(200, body, headers=[("Content-Encoding", "gzip")])
        if p == "/bomb":
            return self.send(200, BOMB, "text/plain", headers=[("Content-Encoding", "gzip")])
        return self.send(404, b"no such page")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # a client that stops reading (the fetcher's size limits) is expected


def main():
    server = Server((ADDRESS, 0), Handler)
    url = "http://%s:%d" % (ADDRESS, server.server_address[1])
    tmp = os.path.join(STATE, "url.tmp")
    with open(tmp, "w") as f:
        f.write(url + "\n")
    os.rename(tmp, os.path.join(STATE, "url"))
    server.serve_forever()


if __name__ == "__main__":
    main()
