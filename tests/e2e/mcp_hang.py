"""`strata mcp` while its embedding server hangs or fails (tests/e2e/mcp.sh): one slow call must
not freeze the session, a failure is remembered, and end of input answers every call read.

Usage: python3 mcp_hang.py STRATA STORE PORT_FILE
STORE's collection is embedded through the test server (tests/servers/openai_server.py) whose
port is in PORT_FILE; the server is told here to hold the next embeddings request for 10 minutes.
Prints one line per check, "ok NAME" or "FAIL NAME: why". Every read has a deadline.
"""
import sys
import time

import mcp_session
from mcp_session import check

STRATA, STORE, PORT_FILE = sys.argv[1], sys.argv[2], sys.argv[3]
PORT = open(PORT_FILE).read().strip()
mcp_session.STRATA, mcp_session.STORE = STRATA, STORE


def control(method, path, body=None):
    return mcp_session.control(PORT, method, path, body)


def embeddings_requests():
    return mcp_session.embeddings_requests(PORT)


def hang_next_embedding():
    mcp_session.hang_next_embedding(PORT)


def wait_for_embedding_request(timeout=5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if embeddings_requests():
            return True
        time.sleep(0.02)
    return False


s = mcp_session.Session()
s.send({"jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}})
check("initialize", (s.reply(10) or {}).get("id") == 0)
s.send({"jsonrpc": "2.0", "method": "notifications/initialized"})

hang_next_embedding()
hung_sent = time.time()
s.call(1, "search", {"query": "rollback", "mode": "hybrid"})
check("the hybrid search reached the embedding server, which holds it", wait_for_embedding_request())

t0 = time.time()
s.send({"jsonrpc": "2.0", "id": 2, "method": "ping"})
r = s.reply(5)
ping_ms = (time.time() - t0) * 1000
# What is asserted is the order, never the speed (bench/mcp_hang.sh times it): the ping is
# answered while the hybrid search is still held, so it did not wait behind it.
check("ping is answered while the embedding server hangs, before the hung search",
      r is not None and r.get("id") == 2 and r.get("result") == {} and 1 not in s.seen, repr(r))
print("note ping %.1f ms under a hung embedder" % ping_ms)

t0 = time.time()
s.call(3, "search", {"query": "rollback", "mode": "keyword"})
r = s.reply(5)
hits = (((r or {}).get("result") or {}).get("structuredContent") or {}).get("hits") or []
check("a keyword search is answered while the hybrid one hangs (%.0f ms)" % ((time.time() - t0) * 1000),
      r is not None and r.get("id") == 3 and hits and hits[0]["source"] == "guide.md" and 1 not in s.seen, repr(r)[:300])

s.send({"jsonrpc": "2.0", "id": 4, "method": "tools/list"})
r = s.reply(5)
check("tools/list is answered", r is not None and r.get("id") == 4 and len(r["result"]["tools"]) == 6, repr(r)[:200])

# Cancelled: the hung call stops and is never answered. The embedding lane is then free at
# once: a hybrid search sent next (the server answering again) is served by the embedding server
# before the hung request's own timeout (k_embed_request_timeout, 15 s after it was sent) could
# have freed the lane; a lane still held by it would answer only after that.
s.send({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 1, "reason": "user"}})
s.send({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 99}})  # unknown: ignored
control("POST", "/_control/reset")
t0 = time.time()
s.call(5, "search", {"query": "rollback", "mode": "hybrid"})
r = s.reply(max(0.5, hung_sent + 14.5 - time.time()))
took = time.time() - t0
sc = (((r or {}).get("result") or {}).get("structuredContent") or {})
check("after the cancel, the next hybrid search is served by the embedding server before the hung request's timeout (%.1f s)"
      % took, r is not None and r.get("id") == 5 and sc.get("mode") == "hybrid" and "query_not_embedded" not in sc,
      repr(r)[:300])
check("the cancelled call got no reply", 1 not in s.seen, repr(s.seen))

# Five searches sent together while the embedding server fails slowly (2 s, then an error). They
# queue on one lane; each used to wait for the server in turn (with a hung server 15 s each, the
# fourth and fifth past the 60 s a client waits). The first failure is remembered: the four
# behind it are keyword searches at once, saying why, and none reaches the server (what is
# asserted: the server saw one request, not how long the five took).
control("POST", "/_control/reset")
control("POST", "/_control/script", {"responses": [{"fault": "slow", "ms": 2000, "status": 400}] * 5})
t0 = time.time()
for i in range(10, 15):
    s.call(i, "search", {"query": "rollback", "mode": "hybrid"})
notes = {}
for _ in range(5):
    r = s.reply(20) or {}
    notes[r.get("id")] = ((r.get("result") or {}).get("structuredContent") or {}).get("query_not_embedded", "")
took = time.time() - t0
check("five searches on a failing embedding server: all answered (%.1f s)" % took,
      sorted(notes) == list(range(10, 15)), repr(notes)[:300])
check("only the first reached the server", len(embeddings_requests()) == 1, len(embeddings_requests()))
check("the four behind it say the server failed a moment ago",
      all(notes.get(i, "").startswith("not tried: the embedding server of collection 'default' failed ") for i in range(11, 15)),
      repr(notes)[:400])
s.close()

# End of input: every request read is answered, a search waiting for its embedding too (a new
# session: the first remembers the failure), then the process exits 0.
control("POST", "/_control/reset")
control("POST", "/_control/script", {"responses": [{"fault": "slow", "ms": 1500}]})
s = mcp_session.Session()
s.call(1, "search", {"query": "rollback", "mode": "hybrid"})
for i in range(2, 5):
    s.call(i, "search", {"query": "rollback", "mode": "keyword"})
wait_for_embedding_request()
replies = s.answered_at_end_of_input([1, 2, 3, 4], 30)
sc = (((replies.get(1) or {}).get("result") or {}).get("structuredContent") or {})
check("the search that waited for its embedding is answered by the embedding server",
      sc.get("mode") == "hybrid" and "query_not_embedded" not in sc, repr(replies.get(1))[:300])
sys.exit(1 if mcp_session.failed else 0)
