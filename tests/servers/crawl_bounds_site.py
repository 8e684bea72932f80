#!/usr/bin/env python3
"""Two origins for the tests of a crawl's bounds (standard library only).

Usage: python3 crawl_bounds_site.py STATE_DIR

Listens on two ephemeral ports of 127.0.0.1, two origins, and writes their base URLs to
STATE_DIR/url_a and STATE_DIR/url_b. Every request is appended to STATE_DIR/requests as
"TIME ORIGIN METHOD PATH AUTH" (ORIGIN "a" or "b", AUTH the Authorization header or "-"), so a
test sees what each origin was sent and when.

What origin A answers depends on STATE_DIR/mode (read at each request; "plain" when absent):
  plain     robots.txt allows all; no sitemap, no llms.txt
  redirect  robots.txt, /sitemap.xml and /docs/llms.txt redirect (302) to the same path on B
  flood     /sitemap.xml is an index of FLOOD_FILES sitemaps (/flood/N.xml), each listing
            FLOOD_LOCS distinct pages of about FLOOD_WIDTH bytes each (environment variables,
            defaults 20, 50000, 400): a sitemap flood
Always:
  /docs/             links to p1.html (with a password in the link: user:hunter2@), p2.html
  /docs/p1.html, /docs/p2.html   small pages
  /to-b              302 to B's /landing.html
  /slow/N            a page after 0.3 s linking /slow/N+1 and /slow/N+1x: a site without end
Origin B answers every path with a small text page (it only needs to say what it was sent).
"""
import http.server
import os
import socketserver
import sys
import threading
import time

STATE = sys.argv[1] if len(sys.argv) > 1 else "."
LOCK = threading.Lock()
BASES = {}
FLOOD_FILES = int(os.environ.get("FLOOD_FILES", "20"))
FLOOD_LOCS = int(os.environ.get("FLOOD_LOCS", "50000"))
FLOOD_WIDTH = int(os.environ.get("FLOOD_WIDTH", "400"))


def mode():
    try:
        with open(os.path.join(STATE, "mode")) as f:
            return f.read().strip() or "plain"
    except OSError:
        return "plain"


def make_handler(origin):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def record(self):
            auth = self.headers.get("Authorization") or "-"
            with LOCK, open(os.path.join(STATE, "requests"), "a") as f:
                f.write("%.3f %s %s %s %s\n" % (time.time(), origin, self.command, self.path, auth))

        def send(self, status, body=b"", ctype="text/html; charset=utf-8", headers=()):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        def do_GET(self):
            self.record()
            if origin == "b":
                return self.send(200, b"origin B\n", "text/plain; charset=utf-8")
            a, b = BASES["a"], BASES["b"]
            p = self.path
            m = mode()
            if m == "redirect" and p in ("/robots.txt", "/sitemap.xml", "/docs/llms.txt"):
                return self.send(302, headers=[("Location", b + p)])
            if p == "/robots.txt":
                return self.send(200, b"User-agent: *\nAllow: /\n", "text/plain")
            if p == "/sitemap.xml" and m == "flood":
                locs = "".join("<sitemap><loc>%s/flood/%d.xml</loc></sitemap>\n" % (a, n) for n in range(FLOOD_FILES))
                body = '<?xml version="1.0"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n%s</sitemapindex>\n' % locs
                return self.send(200, body.encode(), "application/xml")
            if p.startswith("/flood/") and m == "flood":
                n = p[len("/flood/"):].split(".")[0]
                pad = "x" * FLOOD_WIDTH
                body = "".join(["<?xml version=\"1.0\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"] +
                               ["<url><loc>%s/docs/f%s/%d/%s</loc></url>\n" % (a, n, i, pad) for i in range(FLOOD_LOCS)] +
                               ["</urlset>\n"])
                return self.send(200, body.encode(), "application/xml")
            if p == "/docs/":
                host = a.split("//", 1)[1]
                body = ('<html><head><title>Docs</title></head><body><p>The docs of the saffron kite.</p>'
                        '<a href="http://user:hunter2@%s/docs/p1.html">One</a> <a href="p2.html">Two</a>'
                        '</body></html>\n' % host)
                return self.send(200, body.encode())
            if p in ("/docs/p1.html", "/docs/p2.html"):
                return self.send(200, b"<html><body><p>A page of the saffron kite.</p></body></html>\n")
            if p == "/to-b":
                return self.send(302, headers=[("Location", b + "/landing.html")])
            if p.startswith("/slow/"):
                time.sleep(0.3)
                try:
                    n = int(p[len("/slow/"):].rstrip("x"))
                except ValueError:
                    n = 0
                body = ('<html><body><p>Slow page %d of the endless site.</p><a href="/slow/%d">next</a> '
                        '<a href="/slow/%dx">other</a></body></html>\n' % (n, n + 1, n + 1))
                return self.send(200, body.encode())
            return self.send(404, b"not found\n", "text/plain")

    return Handler


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    servers = {}
    for origin in ("a", "b"):
        servers[origin] = Server(("127.0.0.1", 0), make_handler(origin))
        BASES[origin] = "http://127.0.0.1:%d" % servers[origin].server_address[1]
    for origin, server in servers.items():
        threading.Thread(target=server.serve_forever, daemon=True).start()
    for origin in ("b", "a"):  # url_a last: a test waits for it
        tmp = os.path.join(STATE, "url_%s.tmp" % origin)
        with open(tmp, "w") as f:
            f.write(BASES[origin])
        os.rename(tmp, os.path.join(STATE, "url_%s" % origin))
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
