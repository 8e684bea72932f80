#!/usr/bin/env python3
"""`strata chat` in a real pseudo-terminal: typing, line editing, history, Ctrl-C in the middle of
a slow stream and at the prompt, Ctrl-D; a bracketed paste (also one whose first line is a path
or a command), a ':::' block and /edit each one question; Tab completion; /new asking a question again; Markdown styled (and not with NO_COLOR);
paste mode ended on SIGTERM. Driven by tests/e2e/chat.sh, which starts the test
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
    def __init__(self, args, under=()):
        """`under`: a command strata runs under (its arguments, strata's path appended)."""
        pid, fd = pty.fork()
        if pid == 0:
            cmd = list(under) + [STRATA] + args
            if under:
                # LeakSanitizer cannot work under ptrace (it stops the process's threads with it).
                os.environ["ASAN_OPTIONS"] = (os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":")
            os.execvp(cmd[0], cmd)
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

    def kill(self):
        """Ends the session whatever state it is in (a check failed, or it is done)."""
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass

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


def asked_once(s, keys, expected, what):
    """Sends `keys` (the end of a question) and checks that one model request, holding `expected`,
    answered it."""
    n = len(chat_requests())
    s.send(keys)
    s.expect(r"Strata reads your documents.*" + PROMPT, what=what + ": the answer")
    reqs = chat_requests()
    check(len(reqs) == n + 1, "%s is one request (got %d)" % (what, len(reqs) - n))
    check(bool(reqs) and expected in last_user_text(reqs[-1]),
          "%s: the request holds %r (got %r)" % (what, expected, last_user_text(reqs[-1])[-300:] if reqs else None))


PROMPT = r"default> $"
HERE = os.path.dirname(os.path.abspath(STORE))
EDITOR = os.path.join(HERE, "editor.sh")
with open(EDITOR, "w") as f:
    f.write("#!/bin/sh\nprintf 'a question from the editor,\\nwritten on two lines?\\n' > \"$1\"\n")
os.chmod(EDITOR, 0o755)
os.environ.pop("VISUAL", None)
os.environ["EDITOR"] = EDITOR
os.environ.pop("NO_COLOR", None)
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

    # A bracketed paste of 4 lines is one question, its line ends kept: one request.
    check(b"\x1b[?2004h" in s.seen, "the prompt turns bracketed paste on")
    s.send("/tools off\r")  # answers with tools are never cached: the cache check needs them off
    s.expect(r"tools: off\n" + PROMPT, timeout=5, what="/tools off")
    s.send("/new\r")
    s.expect(PROMPT, what="the prompt before the paste")
    s.send("\x1b[200~first pasted line\rsecond pasted line\rthird pasted line\nfourth pasted line\x1b[201~")
    s.expect(r"fourth pasted line", timeout=5, what="the paste is shown")
    asked_once(s, "\r", "first pasted line\nsecond pasted line\nthird pasted line\nfourth pasted line",
               "a 4-line paste")

    # A paste whose first line starts with a path (a traceback), or even names a command, is a
    # question: a paste is text, never a command.
    s.send("/new\r")
    s.expect(PROMPT, what="the prompt before the traceback")
    s.send("\x1b[200~/usr/lib/python3/foo.py line 3, in main\r    raise ValueError\rValueError: bad\x1b[201~")
    s.expect(r"ValueError: bad", timeout=5, what="the pasted traceback is shown")
    asked_once(s, "\r", "/usr/lib/python3/foo.py line 3, in main\n    raise ValueError\nValueError: bad",
               "a pasted traceback")
    s.send("/new\r")
    s.expect(PROMPT, what="the prompt before the /model paste")
    s.send("\x1b[200~/model other-model\rwhich model answers this?\x1b[201~")
    s.expect(r"which model answers this\?", timeout=5, what="the pasted /model line is shown")
    asked_once(s, "\r", "/model other-model\nwhich model answers this?", "a paste whose first line is /model")
    check(chat_requests()[-1].get("model") == "test-model", "a pasted /model line changes no model")

    # ':::' ... ':::' is one question.
    s.send("/new\r")
    s.expect(PROMPT, what="the prompt before :::")
    for line in (":::", "alpha line of a block", "beta line of a block"):
        s.send(line + "\r")
        s.expect(r"\.\.\. $", timeout=5, what="the continuation prompt after %r" % line)
    asked_once(s, ":::\r", "alpha line of a block\nbeta line of a block", "a ':::' block")

    # Tab completes a slash command: /ne becomes /new.
    s.send("/ne\t")
    s.expect(r"/new$", timeout=5, what="Tab completes /ne to /new")
    s.send("\r")
    s.expect(r"the next question starts a new conversation\n" + PROMPT, timeout=5, what="the completed /new ran")

    # /edit: the question is what the editor ($EDITOR) wrote.
    asked_once(s, "/edit\r", "a question from the editor,\nwritten on two lines?", "/edit")

    # The same question after /new is asked again, not answered from the cache.
    s.send("/new\r")
    s.expect(PROMPT, what="the prompt before the repeated question")
    n = len(chat_requests())
    for i in range(2):
        s.send("what is a cache key, once more?\r")
        s.expect(r"Strata reads your documents.*" + PROMPT, what="the repeated question's answer %d" % i)
        s.send("/new\r")
        s.expect(PROMPT, what="the prompt after /new %d" % i)
    check(len(chat_requests()) == n + 2, "the question after /new went to the model (requests: %d)" % (len(chat_requests()) - n))

    # Markdown is styled: **x** in bold, the markers left out.
    control("POST", "/_control/chat_script", {"responses": [{"answer": "# Title\nUse **strong words** and `code` [1]."}]})
    mark = len(s.seen)
    s.send("how is markdown shown?\r")
    s.expect(r"Use strong words and code \[1\]\..*" + PROMPT, what="the Markdown answer")
    shown = s.seen[mark:]
    check(b"\x1b[1mstrong words\x1b[0m" in shown, "**strong words** is bold")
    check(b"\x1b[1mTitle\x1b[0m" in shown, "the heading is bold, its # left out")
    check(b"\x1b[36mcode\x1b[0m" in shown, "`code` is styled")

    # Ctrl-D inside a line deletes the character under the cursor, at its end does nothing;
    # on an empty line it ends the session with a line end, exit 0.
    s.send("/helpx\x1b[D\x04")
    s.settle()
    s.send("\x04")
    s.settle()
    s.send("\r")
    s.expect(r"/quit .*" + PROMPT, timeout=5, what="/help after Ctrl-D (the x deleted, the session on)")
    check("^D" not in s.text(0), "Ctrl-D printed nothing")
    s.send("\x04")
    code = s.wait_exit(10)
    check(code == 0, "Ctrl-D ends the session with exit 0 (got %r)" % code)
    check(s.text(0).endswith("default> \n"), "Ctrl-D ends the line (got %r)" % s.text(0)[-20:])
    check(s.seen.rfind(b"\x1b[?2004l") > s.seen.rfind(b"\x1b[?2004h"), "bracketed paste is off at the end")
finally:
    s.kill()

# NO_COLOR: the Markdown as the model wrote it.
control("POST", "/_control/chat_script", {"responses": [{"answer": "Use **strong words** [1]."}]})
os.environ["NO_COLOR"] = "1"
os.environ["VISUAL"] = "false"  # chosen before $EDITOR; fails
plain = Session(["chat", "--store", STORE, "--base-url", BASE + "/v1", "--model", "test-model", "--no-cache"])
del os.environ["NO_COLOR"], os.environ["VISUAL"]
try:
    plain.expect(PROMPT, what="the prompt with NO_COLOR")
    n = len(chat_requests())
    plain.send("/edit\r")
    plain.expect(r"strata: error: the editor 'false' failed \(exit 1\)\n.*nothing was asked\n" + PROMPT, timeout=10,
                 what="/edit with an editor that fails")
    check(len(chat_requests()) == n, "a failed editor asks nothing")
    plain.send("how is markdown shown without colour?\r")
    plain.expect(r"Use \*\*strong words\*\* \[1\]\.", what="the Markdown markers with NO_COLOR")
    check(b"\x1b[1mstrong" not in plain.seen, "no bold with NO_COLOR")
    # SIGTERM at the prompt: the terminal leaves paste mode before the process ends.
    plain.expect(PROMPT, what="the prompt before SIGTERM")
    os.kill(plain.pid, signal.SIGTERM)
    code = plain.wait_exit(10)
    check(code == -signal.SIGTERM, "SIGTERM ends the session (got %r)" % code)
    check(plain.seen.rfind(b"\x1b[?2004l") > plain.seen.rfind(b"\x1b[?2004h"), "bracketed paste is off after SIGTERM")
finally:
    plain.kill()

# Ctrl-D the moment the prompt shows. strace slows each system call, which opens wide the moment
# between the prompt being written and the terminal leaving canonical mode (libedit writes the
# prompt first): a Ctrl-D that lands there becomes an end of file the canonical terminal keeps,
# read as a NUL byte once the mode changes, and the session waited for ever.
fast = Session(["chat", "--store", STORE], under=["strace", "-o", "/dev/null", "-e", "trace=read,write,ioctl"])
try:
    fast.expect(PROMPT, timeout=30, what="the prompt under strace")
    fast.send("\x04")
    code = fast.wait_exit(10)
    check(code == 0, "Ctrl-D typed as the prompt appears ends the session with exit 0 (got %r)" % code)
finally:
    fast.kill()

if failures:
    sys.stdout.write("      terminal transcript (last 3000 characters):\n")
    for line in s.text(0)[-3000:].splitlines():
        sys.stdout.write("      | %r\n" % line)
sys.exit(1 if failures else 0)
