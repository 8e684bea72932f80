"""`strata mcp` while its embedding server hangs (tests/e2e/mcp.sh): one slow call must not
freeze the session.

Usage: python3 mcp_hang.py STRATA STORE PORT_FILE
STORE's collection is embedded through the test server (tests/servers/openai_server.py) whose
port is in PORT_FILE; the server is told here to hold the next embeddings request for 10 minutes.
Prints one line per check, "ok NAME" or "FAIL NAME: why". Every read has a deadline.
"""
import json
import subprocess
import sys
import time
import urllib.request

import mcp_session
from mcp_session import check

STRATA, STORE, PORT_FILE = sys.argv[1], sys.argv[2], sys.argv[3]
PORT = open(PORT_FILE).read().strip()
mcp_session.STRATA, mcp_session.STORE = STRATA, STORE


def control(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request("http://127.0.0.1:%s%s" % (PORT, path), data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.loads(r.read() or b"{}")


def embeddings_requests():
    return [r for r in control("GET", "/_control/log")["requests"] if r["path"].endswith("/embeddings")]


def hang_next_embedding():
    control("POST", "/_control/reset")
    control("POST", "/_control/script", {"responses": [{"fault": "slow", "ms": 600000}]})


def wait_for_embedding_request(timeout=5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if embeddings_requests():
            return True
        time.sleep(0.02)
    return False


class Session(mcp_session.Session):
    """Remembers the id of every reply read."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def call(self, id_, name, arguments):
        self.send({"jsonrpc": "2.0", "id": id_, "method": "tools/call", "params": {"name": name, "arguments": arguments}})

    def reply(self, timeout=10):
        r = super().reply(timeout)
        if r is not None:
            self.seen.append(r.get("id"))
        return r


s = Session()
s.send({"jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}})
check("initialize", (s.reply(10) or {}).get("id") == 0)
s.send({"jsonrpc": "2.0", "method": "notifications/initialized"})

hang_next_embedding()
s.call(1, "search", {"query": "rollback", "mode": "hybrid"})
check("the hybrid search reached the embedding server, which holds it", wait_for_embedding_request())

t0 = time.time()
s.send({"jsonrpc": "2.0", "id": 2, "method": "ping"})
r = s.reply(5)
ping_ms = (time.time() - t0) * 1000
check("ping is answered while the embedding server hangs", r is not None and r.get("id") == 2 and r.get("result") == {},
      repr(r))
check("ping within 100 ms (%.1f ms)" % ping_ms, ping_ms < 100, "%.1f ms" % ping_ms)
print("note ping %.1f ms under a hung embedder" % ping_ms)

t0 = time.time()
s.call(3, "search", {"query": "rollback", "mode": "keyword"})
r = s.reply(5)
hits = (((r or {}).get("result") or {}).get("structuredContent") or {}).get("hits") or []
check("a keyword search is answered while the hybrid one hangs (%.0f ms)" % ((time.time() - t0) * 1000),
      r is not None and r.get("id") == 3 and hits and hits[0]["source"] == "guide.md", repr(r)[:300])

s.send({"jsonrpc": "2.0", "id": 4, "method": "tools/list"})
r = s.reply(5)
check("tools/list is answered", r is not None and r.get("id") == 4 and len(r["result"]["tools"]) == 6, repr(r)[:200])

# Cancelled: the hung call stops and is never answered. The embedding lane is then free at
# once: a hybrid search sent next (the server answering again) comes back in a second or two,
# where a call still waiting for the hung request would hold it for the whole request timeout.
s.send({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 1, "reason": "user"}})
s.send({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 99}})  # unknown: ignored
control("POST", "/_control/reset")
t0 = time.time()
s.call(5, "search", {"query": "rollback", "mode": "hybrid"})
r = s.reply(8)
took = time.time() - t0
sc = (((r or {}).get("result") or {}).get("structuredContent") or {})
check("after the cancel, the next hybrid search is served by the embedding server (%.1f s)" % took,
      r is not None and r.get("id") == 5 and sc.get("mode") == "hybrid" and "query_not_embedded" not in sc and took < 4,
      repr(r)[:300])
check("the cancelled call got no reply", 1 not in s.seen, repr(s.seen))

# End of input with a call hung again: the process ends within about two seconds.
hang_next_embedding()
s.call(6, "search", {"query": "rollback", "mode": "hybrid"})
wait_for_embedding_request()
t0 = time.time()
s.p.stdin.close()
try:
    rc = s.p.wait(timeout=10)
except subprocess.TimeoutExpired:
    s.p.kill()
    rc = None
took = time.time() - t0
check("end of input with a hung call: exit 0 within 3 s (%.2f s)" % took, rc == 0 and took < 3, "rc %s after %.2f s" % (rc, took))
rest = s.buf + s.p.stdout.read()
check("the call cut short by end of input is not answered", b'"id":6' not in rest.replace(b" ", b""), rest[:200])
sys.exit(1 if mcp_session.failed else 0)
