"""A `strata mcp` process spoken to line by line, for tests/e2e/mcp_raw.py and mcp_hang.py.

check() prints one line per check, "ok NAME" or "FAIL NAME: why" (mcp.sh turns them into passes
and failures) and counts the failures; every read has a deadline, so a server that hangs fails
the check instead of the run.
"""
import json
import os
import select
import subprocess
import time

STRATA = STORE = None  # set by the script: the binary and the store every Session serves
failed = 0


def check(name, cond, why=""):
    global failed
    if cond:
        print("ok " + name)
    else:
        failed += 1
        print("FAIL %s: %s" % (name, why))


class Session:
    def __init__(self, *args):
        self.p = subprocess.Popen([STRATA, "mcp", "--store", STORE, *args], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.buf = b""

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
        return None if raw is None else json.loads(raw)

    def request(self, id_, method, params=None):
        msg = {"jsonrpc": "2.0", "id": id_, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        return self.reply()

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
