"""`strata mcp`'s migration tools while their database never answers: the call must end in time.

Usage: python3 mcp_database.py STRATA STORE PROJECT_DIR blackhole|configured
 - blackhole: PROJECT_DIR's strata.toml is pointed at a TCP listener started here that accepts
   connections and never says a word (a host behind a firewall that drops packets, a server
   frozen mid-handshake);
 - configured: PROJECT_DIR's strata.toml names a database the caller made stall (tests/e2e/
   postgres.sh: its history table locked by another session).
Checks, with the server in PROJECT_DIR: ping and another tool are answered at once while a
migrate_status waits; a cancelled call is not answered and frees the database lane; a call that
waits is answered with a tool error naming the deadline well before the 60 s a client waits, and
the next call at once (the failure is remembered); at end of input the call read is answered and
the process exits.
Prints one line per check, "ok NAME" or "FAIL NAME: why", and "note ..." lines.
"""
import os
import socket
import sys
import threading
import time

import mcp_session
from mcp_session import check

STRATA, STORE, PROJECT, MODE = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
mcp_session.STRATA, mcp_session.STORE = STRATA, STORE

if MODE == "blackhole":
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held = []  # accepted and never answered, never closed while the test runs

    def accept_forever():
        while True:
            conn, _ = listener.accept()
            held.append(conn)

    threading.Thread(target=accept_forever, daemon=True).start()
    with open(os.path.join(PROJECT, "strata.toml"), "w") as f:
        f.write('[migrate]\ndatabase = "postgres://app@127.0.0.1:%d/app"\n' % listener.getsockname()[1])


os.chdir(PROJECT)  # the server reads the project's strata.toml from its folder
s = mcp_session.Session()
s.send({"jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}})
check("initialize", (s.reply(10) or {}).get("id") == 0)
s.send({"jsonrpc": "2.0", "method": "notifications/initialized"})

s.call(1, "migrate_status")
time.sleep(0.5)
t0 = time.time()
s.send({"jsonrpc": "2.0", "id": 2, "method": "ping"})
r = s.reply(5)
ping_ms = (time.time() - t0) * 1000
# The order is asserted, not the speed: the ping is answered while migrate_status still waits.
check("ping is answered while migrate_status waits on its database, before it (%.1f ms)" % ping_ms,
      r is not None and r.get("id") == 2 and r.get("result") == {} and 1 not in s.seen, repr(r))
s.call(3, "list_collections")
r = s.reply(5)
check("another tool is answered meanwhile", r is not None and r.get("id") == 3, repr(r)[:300])

# Cancelled: no reply, and the database lane takes the next call at once.
s.send({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 1, "reason": "user"}})
t0 = time.time()
s.call(4, "migrate_status")
r = s.reply(40)
took = time.time() - t0
result = (r or {}).get("result") or {}
text = ((result.get("content") or [{}])[0]).get("text", "")
check("a call whose database never answers is a tool error (%.1f s)" % took,
      r is not None and r.get("id") == 4 and result.get("isError") is True, repr(r)[:400])
check("the error names the deadline", "deadline" in text and (" 15 s " in text or " 20 s" in text), text)
print("note migrate_status on a stalled database: tool error after %.1f s: %s" % (took, text[:200]))
check("the cancelled call got no reply", 1 not in s.seen, repr(s.seen))

# End of input with a call read: it is answered, at once, since the database that did not answer
# a moment ago is not waited on again (a failure is remembered for 30 s), and the process exits.
s.call(5, "migrate_check")
time.sleep(0.2)
replies = s.answered_at_end_of_input([5], 12)
text = (((replies.get(5) or {}).get("result") or {}).get("content") or [{}])[0].get("text", "")
check("the call after the deadline's failure is a tool error at once, saying why",
      text.startswith("migrate_check: not tried: the migrations' database failed "), text[:300])
sys.exit(1 if mcp_session.failed else 0)
