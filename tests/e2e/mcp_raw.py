"""`strata mcp` spoken to by hand, line by line (tests/e2e/mcp.sh).

Usage: python3 mcp_raw.py STRATA STORE BIG_STORE
BIG_STORE holds big.md, a document of 1 MiB, for the bounds of a batch's replies.
Prints one line per check, "ok NAME" or "FAIL NAME: why". Every read has a deadline, so a
server that hangs fails the check instead of the run.
"""
import json
import os
import subprocess
import sys

import mcp_session
from mcp_session import Session, check

STRATA, STORE, BIG_STORE = sys.argv[1], sys.argv[2], sys.argv[3]
mcp_session.STRATA, mcp_session.STORE = STRATA, STORE


def init_params(version):
    return {"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}


# Version negotiation: each revision initialize negotiates is given back; an unknown one gets the
# newest of them (2026-07-28 has no initialize).
for version in ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", "2026-07-28", "1999-01-01"]:
    s = Session()
    r = s.request(1, "initialize", init_params(version))
    want = version if version not in ("1999-01-01", "2026-07-28") else "2025-11-25"
    got = r and r.get("result", {}).get("protocolVersion")
    check("initialize %s answers %s" % (version, want), got == want, r)
    s.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    r = s.request(2, "ping")
    check("initialize %s: initialized gets no reply, ping does" % version, r == {"jsonrpc": "2.0", "id": 2, "result": {}}, r)
    s.close()

# 2026-07-28, stateless: no initialize; each request names its revision in _meta.
META = {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "raw", "version": "1"}}
s = Session()
r = s.request(1, "server/discover", {"_meta": META})
res = (r or {}).get("result", {})
check("2026-07-28: server/discover lists 2026-07-28 and 2025-11-25",
      res.get("supportedVersions", [])[:2] == ["2026-07-28", "2025-11-25"] and res.get("resultType") == "complete" and
      res.get("_meta", {}).get("io.modelcontextprotocol/serverInfo", {}).get("name") == "strata", r)
r = s.request(2, "tools/call", {"name": "search", "arguments": {"query": "rollback", "k": 1}, "_meta": META})
res = (r or {}).get("result", {})
check("2026-07-28: a tool call without initialize", res.get("resultType") == "complete" and not res.get("isError") and
      res["structuredContent"]["hits"][0]["source"] == "guide.md", r)
r = s.request(3, "tools/list", {"_meta": META})
tools = (r or {}).get("result", {}).get("tools", [])
check("2026-07-28: tools/list is cacheable and every tool has an outputSchema",
      r["result"].get("ttlMs", -1) >= 0 and r["result"].get("cacheScope") in ("public", "private") and len(tools) == 6 and
      all(t.get("outputSchema", {}).get("type") == "object" for t in tools), r)
r = s.request(4, "tools/list", {"_meta": dict(META, **{"io.modelcontextprotocol/protocolVersion": "2030-01-01"})})
check("an unsupported revision: -32022 with the supported ones", r and r["error"]["code"] == -32022 and
      "2026-07-28" in r["error"]["data"]["supported"] and r["error"]["data"]["requested"] == "2030-01-01", r)
r = s.request(5, "resources/read", {"uri": "strata://default/absent.md", "_meta": META})
check("2026-07-28: a resource that is not there is -32602", r and r["error"]["code"] == -32602, r)
r = s.request(6, "tools/call", {"name": "migrate_status", "arguments": {}, "_meta": META})
text = (r or {}).get("result", {}).get("content", [{}])[0].get("text", "")
check("a migrate tool's error names settings, not flags", r["result"]["isError"] and " --" not in text and "[migrate]" in text, text)
s.close()

# Batches: only in a 2025-03-26 session, answered with one line.
s = Session()
s.request(1, "initialize", init_params("2025-03-26"))
s.send([{"jsonrpc": "2.0", "id": 2, "method": "ping"},
        {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "list_collections", "arguments": {}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"}])
r = s.reply()
check("2025-03-26: a batch gets one array of replies", isinstance(r, list) and sorted(x["id"] for x in r) == [2, 3], r)
s.close()

# A batch's bounds: more than 64 messages is one error; replies past 16 MiB in all are errors,
# not run. A 22 KB batch of resources/read of a 1 MiB document made a 228 MB line in 882 MB.
s = Session()
s.request(1, "initialize", init_params("2025-03-26"))
s.send([{"jsonrpc": "2.0", "id": 100 + i, "method": "ping"} for i in range(65)])
r = s.reply()
check("a batch of 65 messages: one error -32600 naming the limit", isinstance(r, dict) and r["error"]["code"] == -32600 and
      r["id"] is None and "at most 64" in r["error"]["message"], r)
s.close()
reads = [{"jsonrpc": "2.0", "id": i, "method": "resources/read", "params": {"uri": "strata://default/big.md"}} for i in range(1, 65)]
p = subprocess.Popen([STRATA, "mcp", "--store", BIG_STORE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
p.stdin.write((json.dumps({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": init_params("2025-03-26")}) + "\n" +
               json.dumps(reads) + "\n").encode())
p.stdin.close()
out = p.stdout.read()
_, status, usage = os.wait4(p.pid, 0)
lines = out.splitlines()
batch = json.loads(lines[1]) if len(lines) == 2 else []
served = [x for x in batch if "result" in x]
refused = [x for x in batch if "error" in x and x["error"]["message"].startswith("not run: the replies of this batch passed 16 MiB")]
check("a batch of 64 reads of 1 MiB: one line of at most 16 MiB (%d bytes)" % len(out), len(lines) == 2 and
      len(lines[1]) <= (16 << 20) + 4096 and len(batch) == 64, out[:300])
check("the reads past 16 MiB are each an error (%d served, %d not run)" % (len(served), len(refused)),
      len(served) >= 10 and len(served) + len(refused) == 64, [x.get("error") for x in batch][:3])
# Under a sanitizer the resident size is mostly the sanitizer's (shadow memory, a 256 MB
# quarantine): the bound is checked by the release build's run.
if b"libasan" in subprocess.run(["ldd", STRATA], capture_output=True).stdout:
    print("note: memory bound not checked under AddressSanitizer (peak RSS %d MB)" % (usage.ru_maxrss // 1024))
else:
    check("its memory stays bounded (peak RSS %d MB)" % (usage.ru_maxrss // 1024), usage.ru_maxrss < 300 * 1024,
          usage.ru_maxrss)
print("note a batch of 64 reads of 1 MiB: %d bytes back, peak RSS %d MB" % (len(out), usage.ru_maxrss // 1024))

# End of input: a file of requests piped in is answered whole, then the process exits 0.
piped = "".join(json.dumps({"jsonrpc": "2.0", "id": i, "method": "tools/call",
                            "params": {"name": "search", "arguments": {"query": "rollback", "mode": "keyword", "k": 1}}}) + "\n"
                for i in range(3000))
p = subprocess.run([STRATA, "mcp", "--store", STORE], input=piped.encode(), capture_output=True, timeout=120)
ids = sorted(json.loads(x)["id"] for x in p.stdout.splitlines())
check("3000 piped searches: 3000 answers, exit 0 (%d)" % len(ids), p.returncode == 0 and ids == list(range(3000)),
      (p.returncode, len(ids), p.stderr[-300:]))

s = Session()
r = s.request("a-string-id", "initialize", init_params("2025-11-25"))
check("a string id is echoed", r and r["id"] == "a-string-id", r)
caps = r["result"]["capabilities"]
check("capabilities: tools and resources", "tools" in caps and "resources" in caps, caps)

# Bad messages: each answered, and the session goes on.
s.send("{not json")
r = s.reply()
check("malformed JSON: parse error -32700, id null", r and r["error"]["code"] == -32700 and r["id"] is None, r)
s.send([{"jsonrpc": "2.0", "id": 5, "method": "ping"}])
r = s.reply()
check("a batch in a 2025-11-25 session: invalid request -32600", r and r["error"]["code"] == -32600, r)
s.send({"jsonrpc": "1.0", "id": 6, "method": "ping"})
r = s.reply()
check("jsonrpc 1.0: -32600 with its id", r and r["error"]["code"] == -32600 and r["id"] == 6, r)
s.send('"just a string"')
r = s.reply()
check("not an object: -32600", r and r["error"]["code"] == -32600, r)
s.send({"jsonrpc": "2.0", "id": {"an": "object"}, "method": "ping"})
r = s.reply()
check("an object as id: -32600", r and r["error"]["code"] == -32600 and r["id"] is None, r)
r = s.request(7, "no/such/method")
check("unknown method: -32601 naming it", r and r["error"]["code"] == -32601 and "no/such/method" in r["error"]["message"], r)
r = s.request(8, "tools/call", {"arguments": {}})
check("tools/call without a name: -32602", r and r["error"]["code"] == -32602, r)
r = s.request(9, "tools/call", {"name": "search", "arguments": "query"})
check("arguments not an object: a tool error", r and r["result"]["isError"] is True, r)
s.send({"jsonrpc": "2.0", "id": 10, "method": "tools/list", "params": [1, 2]})
r = s.reply()
check("params not an object: -32602", r and r["error"]["code"] == -32602, r)
r = s.request(11, "tools/call", {"name": "search", "arguments": {"query": "rollback", "k": 2.5}})
check("k = 2.5: a tool error naming k", r and r["result"]["isError"] and "'k'" in r["result"]["content"][0]["text"], r)
r = s.request(12, "tools/call", {"name": "search", "arguments": {"query": "rollback", "k": 2.0}})
check("k = 2.0 is 2", r and not r["result"]["isError"] and 1 <= len(r["result"]["structuredContent"]["hits"]) <= 2, r)
r = s.request(13, "tools/call", {"name": "search", "arguments": {"query": "rollback", "where": ["nokey"]}})
check("a bad where: a tool error", r and r["result"]["isError"] and "nokey" in r["result"]["content"][0]["text"], r)
r = s.request(14, "tools/call", {"name": "read_document", "arguments": {"source": "guide.md", "start_line": 5, "end_line": 2}})
check("end_line before start_line: a tool error", r and r["result"]["isError"], r)
r = s.request(15, "resources/read", {"uri": "file:///etc/passwd"})
check("a URI that is not strata://: -32002", r and r["error"]["code"] == -32002, r)
r = s.request(16, "resources/read", {"uri": "strata://default/%zz"})
check("a malformed escape: -32002", r and r["error"]["code"] == -32002, r)
r = s.request(17, "resources/list", {"cursor": "garbage"})
check("a bad cursor: -32602", r and r["error"]["code"] == -32602, r)
s.send({"jsonrpc": "2.0", "id": 99, "result": {}})
s.send({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 3}})
r = s.request(18, "ping")
check("a response and a notification get no reply", r and r["id"] == 18, r)

# A line larger than the cap (4 MiB): an error, the bytes dropped, the session goes on.
big = '{"jsonrpc":"2.0","id":19,"method":"tools/call","params":{"name":"search","arguments":{"query":"' + "x" * (5 << 20) + '"}}}'
s.send(big)
r = s.reply(30)
check("a 5 MiB line: -32600 saying it is too large", r and r["error"]["code"] == -32600 and "larger than" in r["error"]["message"], r)
r = s.request(20, "ping")
check("after the large line the session goes on", r and r["id"] == 20, r)
# A line nesting 60,000 levels (120 KB) crashed the server: refused unread, the session goes on.
s.send('{"jsonrpc":"2.0","id":23,"method":"tools/call","params":{"name":"search","arguments":{"query":' +
       "[" * 60000 + "]" * 60000 + "}}}")
r = s.reply()
check("a 60,000-deep line: -32600 saying how deep", r and r["error"]["code"] == -32600 and
      r["error"]["message"] == "message nested deeper than 128 levels, not read", r)
r = s.request(24, "ping")
check("after the deep line the session goes on", r and r["id"] == 24, r)
# A CRLF line and blank lines.
s.send(b'{"jsonrpc":"2.0","id":21,"method":"ping"}\r\n\n   ')
r = s.reply()
check("a CRLF line is read; blank lines are no messages", r and r["id"] == 21, r)
# A query that is invalid UTF-8: answered with valid JSON.
s.send(b'{"jsonrpc":"2.0","id":22,"method":"tools/call","params":{"name":"search","arguments":{"query":"caf\xe9"}}}')
r = s.reply()
check("invalid UTF-8 in a request: a reply that is JSON", r is not None and r.get("id") in (22, None), r)
# End of input: the server exits 0 and has printed protocol lines only.
rc, rest, err = s.close()
check("end of input: exit 0", rc == 0, (rc, err[-300:]))
check("nothing after the last reply", rest.strip() == b"", rest[:300])

# A last message without its newline is still answered.
p = subprocess.run([STRATA, "mcp", "--store", STORE], input=b'{"jsonrpc":"2.0","id":1,"method":"ping"}',
                   capture_output=True, timeout=20)
check("a last line without a newline", p.returncode == 0 and json.loads(p.stdout)["id"] == 1, p)

# Every line on stdout is a JSON-RPC message, whatever the requests were.
lines = [{"jsonrpc": "2.0", "id": i, "method": m, "params": prm} for i, (m, prm) in enumerate([
    ("initialize", init_params("2025-11-25")), ("tools/list", {}), ("resources/list", {}),
    ("tools/call", {"name": "search", "arguments": {"query": "retention", "collection": "notes"}}),
    ("tools/call", {"name": "list_documents", "arguments": {}}),
    ("tools/call", {"name": "read_document", "arguments": {"source": "faq.md"}}),
    ("tools/call", {"name": "nope", "arguments": {}})])]
payload = "\n".join(json.dumps(x) for x in lines) + "\n"
p = subprocess.run([STRATA, "mcp", "--store", STORE], input=payload.encode(), capture_output=True, timeout=30)
out = p.stdout.decode().splitlines()
ok = len(out) == len(lines) and all(json.loads(x)["jsonrpc"] == "2.0" for x in out)
check("stdout: one JSON-RPC line per request, nothing else", ok, p.stdout[:500])
check("stderr: nothing for a clean session", p.stderr == b"", p.stderr[:300])
check("replies are ASCII (non-ASCII escaped)", all(x.isascii() for x in out), out[:2])

# A client that vanishes: the server ends with it.
s = Session()
s.request(1, "initialize", init_params("2025-11-25"))
s.p.stdout.close()
s.p.stdin.write(b'{"jsonrpc":"2.0","id":2,"method":"tools/list"}\n')
s.p.stdin.flush()
s.p.stdin.close()
try:
    rc = s.p.wait(10)
    check("a client that closes both pipes: the server ends", rc is not None, rc)
except subprocess.TimeoutExpired:
    s.p.kill()
    check("a client that closes both pipes: the server ends", False, "still running after 10 s")

sys.exit(1 if mcp_session.failed else 0)
