"""One `strata mcp` session per round while its embedding server hangs (bench/mcp_hang.sh).

Usage: python3 mcp_hang_driver.py STRATA STORE PORT_FILE ROUNDS
Each round: the test server (tests/servers/openai_server.py) is told to hold the next embeddings
request for 10 minutes, a hybrid search is sent and waits on it; once the server holds that
request, PINGS pings and KEYWORDS keyword searches are sent one after another, each timed from
its request line written to its reply line read; the hybrid call is cancelled and the session
ended. Prints JSON: every ping's and keyword search's milliseconds, and each session's exit time.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
import mcp_session  # noqa: E402

STRATA, STORE, PORT_FILE, ROUNDS = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
PINGS, KEYWORDS = 10, 3
PORT = open(PORT_FILE).read().strip()
mcp_session.STRATA, mcp_session.STORE = STRATA, STORE


def held():
    return bool(mcp_session.embeddings_requests(PORT))


def timed(s, message, want_id):
    t0 = time.perf_counter()
    s.send(message)
    r = s.reply(10)
    ms = (time.perf_counter() - t0) * 1000
    if r is None or r.get("id") != want_id or "error" in r:
        sys.exit("no good reply to %s: %r" % (message["method"], r))
    return ms, r


pings, keywords, exits = [], [], []
for round_ in range(ROUNDS):
    mcp_session.hang_next_embedding(PORT)
    s = mcp_session.Session()
    s.request(0, "initialize", {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}})
    s.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    s.send({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "search", "arguments": {"query": "rollback", "mode": "hybrid"}}})
    deadline = time.time() + 10
    while not held():
        if time.time() > deadline:
            sys.exit("round %d: the hybrid search never reached the embedding server" % round_)
        time.sleep(0.01)
    n = 2
    for _ in range(PINGS):
        ms, _ = timed(s, {"jsonrpc": "2.0", "id": n, "method": "ping"}, n)
        pings.append(ms)
        n += 1
    for _ in range(KEYWORDS):
        ms, r = timed(s, {"jsonrpc": "2.0", "id": n, "method": "tools/call",
                          "params": {"name": "search", "arguments": {"query": "rollback", "mode": "keyword"}}}, n)
        if not r["result"]["structuredContent"]["hits"]:
            sys.exit("round %d: the keyword search found nothing" % round_)
        keywords.append(ms)
        n += 1
    s.send({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 1}})
    t0 = time.perf_counter()
    rc, _, err = s.close(10)
    exits.append((time.perf_counter() - t0) * 1000)
    if rc != 0:
        sys.exit("round %d: strata mcp exited %s: %s" % (round_, rc, err[:300]))
mcp_session.control(PORT, "POST", "/_control/reset")
print(json.dumps({"pings": pings, "keywords": keywords, "exits": exits}))
