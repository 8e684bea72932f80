#!/usr/bin/env python3
"""A test collector for OpenTelemetry traces over OTLP/HTTP with JSON bodies (what
`strata serve --otlp-endpoint` sends): POST /v1/traces takes an ExportTraceServiceRequest and
keeps its spans, decoded and flattened; GET /_spans answers them as a JSON list (each span with
its resource's service.name, its attributes as a plain object); POST /_control/config sets
{"delay_ms": N} (answer every export N ms late: a slow collector) or {"status": N} (refuse with
N). Prints its port to --port-file once it listens.
"""
import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
SPANS = []
CONFIG = {"delay_ms": 0, "status": 200}
EXPORTS = {"count": 0, "bad": 0}


def value_of(v):
    for kind in ("stringValue", "boolValue", "doubleValue"):
        if kind in v:
            return v[kind]
    if "intValue" in v:
        return int(v["intValue"])
    return None


def flatten(body):
    out = []
    for rs in body.get("resourceSpans", []):
        resource = {a["key"]: value_of(a["value"]) for a in rs.get("resource", {}).get("attributes", [])}
        for ss in rs.get("scopeSpans", []):
            for s in ss.get("spans", []):
                span = dict(s)
                span["attributes"] = {a["key"]: value_of(a["value"]) for a in s.get("attributes", [])}
                span["service"] = resource.get("service.name")
                out.append(span)
    return out


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/_spans":
            with LOCK:
                return self.answer(200, {"spans": SPANS, "exports": EXPORTS["count"], "bad": EXPORTS["bad"]})
        self.answer(404, {})

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/_control/config":
            with LOCK:
                CONFIG.update(json.loads(raw or b"{}"))
            return self.answer(200, CONFIG)
        if self.path == "/_control/reset":
            with LOCK:
                SPANS.clear()
                EXPORTS.update(count=0, bad=0)
            return self.answer(200, {})
        if self.path != "/v1/traces":
            return self.answer(404, {})
        with LOCK:
            delay, status = CONFIG["delay_ms"], CONFIG["status"]
        time.sleep(delay / 1000.0)
        try:
            body = json.loads(raw)
            assert self.headers.get("Content-Type", "").startswith("application/json")
            spans = flatten(body)
        except Exception:  # a body a collector could not read: counted, refused
            with LOCK:
                EXPORTS["bad"] += 1
            return self.answer(400, {"error": "not an OTLP JSON export"})
        with LOCK:
            EXPORTS["count"] += 1
            if status == 200:
                SPANS.extend(spans)
        self.answer(status, {"partialSuccess": {}} if status == 200 else {"error": "refused"})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.replace(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
