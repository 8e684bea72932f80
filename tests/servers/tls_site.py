#!/usr/bin/env python3
"""HTTPS test sites on 127.0.0.1, one port per certificate (standard library only), for
tests/e2e/ingest_tls.sh.

Usage: python3 tls_site.py STATE_DIR NAME=CERT:KEY... [stall]
Each NAME gets a server on an ephemeral port of 127.0.0.1 presenting CERT (PEM, with KEY) and
writes its base URL to STATE_DIR/NAME.url once listening. `stall` adds a port that accepts
connections and never answers, not even the TLS handshake (STATE_DIR/stall.url). Every HTTP request that gets through
the handshake is appended to STATE_DIR/requests as "NAME METHOD PATH STATUS", so a test can
assert that a client which refused the certificate sent nothing.

Pages on every site:
  /            HTML linking to /page.html and /other.html (a crawl's start)
  /page.html   HTML naming the site ("the NAME site mentions the vermilion lighthouse")
  /other.html  HTML ("the NAME site's second page mentions the saffron kestrel")
  /slow        waits 5 s, then HTML
"""
import http.server
import os
import socket
import ssl
import sys
import threading
import time

STATE = sys.argv[1]
LOCK = threading.Lock()


def page(title, body):
    return ("<!doctype html><html><head><title>%s</title></head><body><main><h1>%s</h1>%s</main></body></html>\n"
            % (title, title, body)).encode()


def make_handler(name):
    pages = {
        "/": page("Index of %s" % name, '<p><a href="/page.html">page</a> <a href="/other.html">other</a></p>'),
        "/page.html": page("Page of %s" % name, "<p>The %s site mentions the vermilion lighthouse.</p>" % name),
        "/other.html": page("Other of %s" % name, "<p>The %s site's second page mentions the saffron kestrel.</p>" % name),
        "/slow": page("Slow page of %s" % name, "<p>A page that took its time.</p>"),
    }

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path == "/slow":
                time.sleep(5)
            body = pages.get(self.path.split("?")[0])
            status = 200 if body is not None else 404
            body = body if body is not None else b"not found\n"
            with LOCK, open(os.path.join(STATE, "requests"), "a") as log:
                log.write("%s GET %s %d\n" % (name, self.path, status))
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client refusing the certificate ends the handshake: expected, not a server error


def publish(name, url):
    tmp = os.path.join(STATE, name + ".url.tmp")
    with open(tmp, "w") as f:
        f.write(url + "\n")
    os.replace(tmp, os.path.join(STATE, name + ".url"))


def stall():
    listener = socket.create_server(("127.0.0.1", 0))
    publish("stall", "https://127.0.0.1:%d" % listener.getsockname()[1])
    held = []  # accepted and never read nor answered: the client's handshake waits
    while True:
        held.append(listener.accept()[0])


def serve(name, cert, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = Server(("127.0.0.1", 0), make_handler(name))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    publish(name, "https://127.0.0.1:%d" % server.server_address[1])
    server.serve_forever()


def main():
    threads = []
    for spec in sys.argv[2:]:
        if spec == "stall":
            t = threading.Thread(target=stall, daemon=True)
            t.start()
            threads.append(t)
            continue
        name, files = spec.split("=", 1)
        cert, key = files.split(":", 1)
        t = threading.Thread(target=serve, args=(name, cert, key), daemon=True)
        t.start()
        threads.append(t)
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
