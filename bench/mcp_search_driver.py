"""Times search as a process and as MCP tool calls, alternating query by query (bench/mcp_search.sh).

Usage: python3 mcp_search_driver.py STRATA STORE QUERIES_FILE
Prints {"process": [ms...], "mcp": [ms...]} with one time per query on each side.
"""
import json
import subprocess
import sys
import time

strata, store, queries_file = sys.argv[1:4]
queries = [q for q in open(queries_file).read().splitlines() if q.strip()]

mcp = subprocess.Popen([strata, "mcp", "--store", store, "--no-migrate"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
next_id = 0


def rpc(method, params):
    global next_id
    next_id += 1
    mcp.stdin.write((json.dumps({"jsonrpc": "2.0", "id": next_id, "method": method, "params": params}) + "\n").encode())
    mcp.stdin.flush()
    reply = json.loads(mcp.stdout.readline())
    if "error" in reply or reply["result"].get("isError"):
        sys.exit("mcp_search_driver: %s failed: %s" % (method, reply))
    return reply


def mcp_search(q):
    t = time.perf_counter()
    rpc("tools/call", {"name": "search", "arguments": {"query": q, "k": 5}})
    return (time.perf_counter() - t) * 1000


def process_search(q):
    t = time.perf_counter()
    subprocess.run([strata, "search", "--store", store, "-k", "5", "--json", "--", q], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - t) * 1000


rpc("initialize", {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}})
mcp_search(queries[0])  # warm-up: the first call opens the store and loads the vectors
process_search(queries[0])
# The first call also started the build of the keyword index's in-memory copy, on a thread of the
# server's own (the store answers until it is ready): a long-running process is timed as it runs.
time.sleep(2)
result = {"process": [], "mcp": []}
for q in queries:
    result["process"].append(process_search(q))
    result["mcp"].append(mcp_search(q))
mcp.stdin.close()
mcp.wait(10)
json.dump(result, sys.stdout)
