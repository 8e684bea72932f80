"""`strata mcp` on a store on PostgreSQL whose server stops answering on the open connection.

Usage: python3 mcp_frozen_store.py STRATA STORE_URL ADMIN_URL DATABASE
The session's first search opens its connection; then the server process serving it is stopped
(SIGSTOP: the kernel still acknowledges every byte, so neither the server's statement_timeout
nor TCP's timeouts end the wait). Checks: the next keyword search is answered within the bound
(15 s, the server's statement timeout, and one more second the client gives it) with a tool
error saying the server did not answer; once the server runs again the session's next search
reconnects and answers; the process exits 0. Before, the call waited as long as the server was
stopped (39 s seen).
Prints one line per check, "ok NAME" or "FAIL NAME: why" (tests/e2e/lib.sh report_checks).
"""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mcp_session  # noqa: E402
from mcp_session import Session, check  # noqa: E402

STRATA, STORE, ADMIN, DATABASE = sys.argv[1:5]
mcp_session.STRATA, mcp_session.STORE = STRATA, STORE
BOUND = 16  # s: k_database_timeout and the client's second after it


def backends():
    """The server processes of strata's connections to DATABASE."""
    out = subprocess.run(["psql", ADMIN, "-X", "-A", "-t", "-c",
                          "SELECT pid FROM pg_stat_activity WHERE datname = '%s' AND application_name = 'strata'"
                          % DATABASE], capture_output=True, text=True, check=True).stdout
    return [int(p) for p in out.split()]


def search(s, id_, timeout=10):
    s.call(id_, "search", {"query": "pool connections", "mode": "keyword"})
    return s.reply(timeout)


def hits(r):
    res = (r or {}).get("result", {})
    return not res.get("isError") and bool(res.get("structuredContent", {}).get("hits"))


s = Session()
s.request(1, "initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                            "clientInfo": {"name": "e2e", "version": "1"}})
s.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
check("a first search answers", hits(search(s, 2)))
pids = backends()
check("the session holds one connection", len(pids) == 1, pids)
if len(pids) == 1:
    os.kill(pids[0], signal.SIGSTOP)
    try:
        t0 = time.time()
        r = search(s, 3, timeout=BOUND + 30)
        took = time.time() - t0
    finally:
        os.kill(pids[0], signal.SIGCONT)
    res = (r or {}).get("result", {})
    text = " ".join(c.get("text", "") for c in res.get("content", []))
    check("a search on the stopped server ends (%.1f s)" % took, r is not None, "no answer within %d s" % (BOUND + 30))
    check("... as a tool error saying the server did not answer", res.get("isError") is True and "no answer within" in text,
          r)
    check("... and not before the bound (%.1f s)" % took, took >= BOUND - 2)
    check("the next search opens a new connection and answers", hits(search(s, 4)))
rc, _, err = s.close()
check("the process exits 0", rc == 0, "rc %s: %s" % (rc, err[-300:]))
sys.exit(1 if mcp_session.failed else 0)
