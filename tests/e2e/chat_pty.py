#!/usr/bin/env python3
"""`strata chat` in a real pseudo-terminal: typing, line editing, history, Ctrl-C in the middle of
a slow stream and at the prompt, Ctrl-D. Driven by tests/e2e/chat.sh, which starts the test
server (tests/servers/openai_server.py) and ingests the documents.

Usage: chat_pty.py STRATA STORE PORT
Every wait has a timeout: a failure ends the script with the transcript, never a hang.
Exit 0 when every check passed, 1 otherwise.
"""

import json
import os
import pty
import re
import select
import signal
import struct
import fcntl
import sys
import termios
import time
import urllib.request

STRATA, STORE, PORT = sys.argv[1], sys.argv[2], sys.argv[3]
BASE = "http://127.0.0.1:%s" % PORT
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]")
failures = []


def control(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else (b"{}" if method == "POST" else None)
    req = urllib.request.Request(BASE + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read() or b"{}")


def chat_requests():
    return [r for r in control("GET", "/_control/log")["requests"] if r.get("kind")]


def last_user_text(req):
    return req["messages"][-1]["content"]


class Session:
    def __init__(self, args):
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(STRATA, [STRATA] + args)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
        self.seen = b""   # everything the terminal received
        self.mark = 0     # where the next expect starts looking

    def send(self, data):
        os.write(self.fd, data.encode() if isinstance(data, str) else data)

    def read_some(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return False
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return None
        if not chunk:
            return None
        self.seen += chunk
        return True

    def text(self, start=None):
        """What the terminal showed, escape sequences and carriage returns left out, from `start`
        (default: where the last expect matched)."""
        clean = ANSI.sub(b"", self.seen).replace(b"\r", b"").decode("utf-8", "replace")
        return clean[self.mark if start is None else start:]

    def expect(self, pattern, timeout=15, what=None):
        deadline = time.time() + timeout
        while True:
            m = re.search(pattern, self.text(), re.S)
            if m:
                self.mark += m.end()
                return m
            left = deadline - time.time()
            if left <= 0 or self.read_some(min(left, 0.2)) is None and not re.search(pattern, self.text(), re.S):
                check(False, "%s: waited for /%s/" % (what or "expect", pattern))
                return None

    def settle(self, seconds=0.3):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.read_some(deadline - time.time()) is None:
                break

    def wait_exit(self, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.read_some(0.1)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        return None


def check(ok, what):
    if ok:
        print("   ok: " + what) if os.environ.get("E2E_VERBOSE") == "1" else None
    else:
        failures.append(what)
        print("FAIL chat_pty: " + what)


PROMPT = r"default> $"
control("POST", "/_control/reset")
s = Session(["chat", "--store", STORE, "--base-url", BASE + "/v1", "--model", "test-model"])
try:
    s.expect(r"/help lists the commands", what="the greeting")
    s.expect(PROMPT, what="the first prompt")

    # A question: the streamed answer and its sources, then the prompt again.
    s.send("how do I roll back a migration, in a terminal?\r")
    m = s.expect(r"Strata reads your documents \[1\]\.\n+\[1\] docs/rollback\.md:L\d+-L\d+\n.*conversation \d+.*" + PROMPT,
                 what="the answer, its sources and the summary")
    check(m is not None, "a question is answered with its sources")

    # Editing: typed with a typo, two Backspaces, the rest retyped, Ctrl-A and words put before it.
    s.send("/new\r")
    s.expect(PROMPT, what="the prompt after /new")
    before = len(chat_requests())
    s.send("what is a chekc")
    s.settle()
    s.send("\x7f\x7f")
    s.settle()
    s.send("cksum?")
    s.settle()
    s.send("\x01")  # Ctrl-A: the start of the line
    s.send("so, ")
    s.settle()
    s.send("\r")
    s.expect(r"Strata reads your documents.*" + PROMPT, what="the edited question's answer")
    reqs = chat_requests()
    check(len(reqs) == before + 1, "the edited question is one request (got %d)" % (len(reqs) - before))
    sent = last_user_text(reqs[-1]) if reqs else ""
    check("so, what is a checksum?" in sent, "the server received the edited question")
    check("chekc" not in sent, "the typo did not reach the server")

    # History: Up recalls the last question; Enter asks it again.
    s.send("\x1b[A")
    s.expect(r"so, what is a checksum\?$", timeout=5, what="Up recalls the last line")
    s.send("\r")
    s.expect(r"Strata reads your documents.*" + PROMPT, what="the recalled question's answer")
    reqs2 = chat_requests()
    check(len(reqs2) > len(reqs) and "so, what is a checksum?" in json.dumps(reqs2[-1]["messages"]),
          "the recalled question was asked again")

    # Ctrl-C in the middle of a slow stream: the answer stops, is marked, and the prompt comes back.
    s.send("/new\r")
    s.expect(PROMPT, what="the prompt after the second /new")
    pieces = ["slow%d " % i for i in range(60)]
    control("POST", "/_control/chat_script", {"responses": [{"pieces": pieces, "delay_ms": 150}]})
    s.send("tell me about rollback slowly\r")
    s.expect(r"slow2 ", timeout=15, what="the slow stream begins")
    t0 = time.time()
    s.send("\x03")
    s.expect(r"\[partial answer: interrupted \(Ctrl-C\)\].*interrupted.*" + PROMPT, timeout=8,
             what="Ctrl-C stops the answer and the prompt comes back")
    check(time.time() - t0 < 5, "the answer stopped within 5 s of Ctrl-C")
    check("slow59" not in s.text(0), "the rest of the slow answer was not printed")

    # The session goes on: the next question is answered.
    s.send("what does the redo command do?\r")
    s.expect(r"Strata reads your documents.*" + PROMPT, what="a question after Ctrl-C")

    # Ctrl-C at the prompt abandons the line; the session goes on.
    n = len(chat_requests())
    s.send("half a question")
    s.settle()
    s.send("\x03")
    s.expect(r"half a question\^C\n" + PROMPT, timeout=5, what="Ctrl-C at the prompt clears the line")
    check(len(chat_requests()) == n, "the abandoned line was not asked")
    s.send("/tools on\r")
    s.expect(r"tools: on\n" + PROMPT, timeout=5, what="a slash command after Ctrl-C")

    # Ctrl-D on an empty line ends the session, exit 0.
    s.send("\x04")
    code = s.wait_exit(10)
    check(code == 0, "Ctrl-D ends the session with exit 0 (got %r)" % code)
finally:
    try:
        os.kill(s.pid, signal.SIGKILL)
        os.waitpid(s.pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass

if failures:
    sys.stdout.write("      terminal transcript (last 3000 characters):\n")
    for line in s.text(0)[-3000:].splitlines():
        sys.stdout.write("      | %r\n" % line)
sys.exit(1 if failures else 0)
