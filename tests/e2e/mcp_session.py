"""A `strata mcp` process spoken to line by line, for tests/e2e/mcp_raw.py, mcp_hang.py,
mcp_database.py and bench/mcp_hang_driver.py; and the test server's control requests.

check() prints one line per check, "ok NAME" or "FAIL NAME: why" (mcp.sh turns them into passes
and failures) and counts the failures; every read has a deadline, so a server that hangs fails
the check instead of the run.
"""
import json
import os
import select
import subprocess
import time
import urllib.request

STRATA = STORE = None  # set by the script: the binary and the store every Session serves
failed = 0


def check(name, cond, why=""):
    global failed
    if cond:
        print("ok " + name)
    else:
        failed += 1
        print("FAIL %s: %s" % (name, why))


def control(port, method, path, body=None):
    """A control request to the test server (tests/servers/openai_server.py) on `port`."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request("http://127.0.0.1:%s%s" % (port, path), data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.loads(r.read() or b"{}")


def embeddings_requests(port):
    return [r for r in control(port, "GET", "/_control/log")["requests"] if r["path"].endswith("/embeddings")]


def hang_next_embedding(port):
    """The test server forgets what it was told and holds the next embeddings request 10 minutes."""
    control(port, "POST", "/_control/reset")
    control(port, "POST", "/_control/script", {"responses": [{"fault": "slow", "ms": 600000}]})


class Session:
    def __init__(self, *args):
        self.p = subprocess.Popen([STRATA, "mcp", "--store", STORE, *args], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.buf = b""
        self.seen = []  # the id of every reply read

    def call(self, id_, name, arguments=None):
        self.send({"jsonrpc": "2.0", "id": id_, "method": "tools/call", "params": {"name": name, "arguments": arguments or {}}})

    def send(self, data):
        if isinstance(data, (dict, list)):
            data = json.dumps(data)
        if isinstance(data, str):
            data = data.encode()
        self.p.stdin.write(data + b"\n")
        self.p.stdin.flush()

    def line(self, timeout=10):
        deadline = time.time() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.time()
            if left <= 0 or not select.select([self.p.stdout], [], [], left)[0]:
                return None
            chunk = os.read(self.p.stdout.fileno(), 1 << 20)
            if not chunk:
                return None
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\n", 1)
        return raw

    def reply(self, timeout=10):
        raw = self.line(timeout)
        r = None if raw is None else json.loads(raw)
        if isinstance(r, dict):
            self.seen.append(r.get("id"))
        return r

    def request(self, id_, method, params=None):
        msg = {"jsonrpc": "2.0", "id": id_, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        return self.reply()

    def end_of_input(self, within, call_id):
        """Closes the input with call `call_id` still running: checks that the process exits 0
        (waiting at most `within` seconds, a bound for a hang, not a speed) and that the call is
        not answered."""
        t0 = time.time()
        self.p.stdin.close()
        try:
            rc = self.p.wait(timeout=within)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = None
        took = time.time() - t0
        check("end of input with a call waiting: exit 0 (%.2f s)" % took, rc == 0, "rc %s after %.2f s" % (rc, took))
        rest = self.buf + self.p.stdout.read()
        check("the call cut short by end of input is not answered", b'"id":%d' % call_id not in rest.replace(b" ", b""),
              rest[:200])

    def answered_at_end_of_input(self, ids, within):
        """Closes the input with calls `ids` still running: checks that each is answered and that the
        process then exits 0, waiting at most `within` seconds in all (a bound for a hang, not a
        speed: what a caller asserts of time is in the replies, e.g. a failure remembered).
        Returns the replies by id."""
        t0 = time.time()
        self.p.stdin.close()
        replies = {}
        while len(replies) < len(ids):
            r = self.reply(max(0.1, within - (time.time() - t0)))
            if r is None:
                break
            replies[r.get("id")] = r
        try:
            rc = self.p.wait(timeout=max(0.1, within - (time.time() - t0)))
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = None
        took = time.time() - t0
        check("end of input: every call read answered (%s of %s), then exit 0 (%.2f s)" %
              (sorted(replies), sorted(ids), took), sorted(replies) == sorted(ids) and rc == 0,
              "rc %s after %.2f s" % (rc, took))
        return replies

    def close(self, timeout=10):
        self.p.stdin.close()
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = None
        rest = self.p.stdout.read()
        err = self.p.stderr.read()
        return rc, self.buf + rest, err
