#!/usr/bin/env bash
# What `strata ask` adds of its own beyond retrieval and the model's time, measured on the real
# binary, process by process:
#
#   store      the man pages (*.1, *.5, as the build writes them beside STRATA), README.md and
#              ARCHITECTURE.md of this repository ingested into a fresh store and embedded with
#              `strata embed --provider local` (so ask and search both run hybrid retrieval,
#              the default).
#   model      tests/servers/openai_server.py on 127.0.0.1 with zero latency: a streamed answer of
#              a few words. --no-cache, so every ask makes its request.
#   runs       RUNS (40) rounds over QUESTIONS; each round runs, for one question, in alternating
#              order: `strata search --json -k 20 Q` (the same retrieval as ask: hybrid, 20 chunks),
#              `strata ask --json --no-cache -k 20 --provider openai ... Q` (streamed model answer)
#              and `strata ask --json -k 20 --provider none Q` (the offline extractive answer).
#   figures    per ask: wall(ask) - wall(search) (the process as a user waits for it: start,
#              store open, retrieval, packing, the request, the log write, exit), the same minus
#              the model's time as ask reports it (timings.llm_ms: request sent to last byte), and
#              ask's own --json timings (own_ms = total - retrieval - llm; pack, cache, log).
#              p50 and p95 over the rounds, with the load average.
#
# One JSON line per path on stderr and in $PEERS/results/ask.jsonl, then a table.
#   usage: bench/ask.sh
#   env:   STRATA (default <repo>/build/strata), RUNS (40), PEERS (~/.cache/strata-peers),
#          WARMUP (3 rounds not counted)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA=${STRATA:-$ROOT/build/strata}
PEERS=${PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers}
RUNS=${RUNS:-40}
WARMUP=${WARMUP:-3}
[ -x "$STRATA" ] || { echo "ask.sh: $STRATA not found (set STRATA, or build: bash scripts/build.sh)" >&2; exit 1; }

T=$(mktemp -d)
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
mkdir -p "$PEERS/results"
OUT=$PEERS/results/ask.jsonl

unset STRATA_LLM_PROVIDER STRATA_LLM_MODEL STRATA_LLM_BASE_URL OPENAI_API_KEY ANTHROPIC_API_KEY
S=$T/store.db
MAN=$(dirname "$STRATA")/man  # the pages the build wrote from man/
[ -f "$MAN/strata.1" ] || { echo "ask.sh: no man pages in $MAN (build the strata_man_pages target)" >&2; exit 1; }
"$STRATA" ingest -q --store "$S" "$MAN"/*.1 "$MAN"/*.5 "$ROOT/README.md" "$ROOT/ARCHITECTURE.md"
"$STRATA" embed -q --provider local --store "$S"

python3 "$ROOT/tests/servers/openai_server.py" serve --port-file "$T/port" --latency-ms 0 2>"$T/server.err" &
SERVER_PID=$!
for _ in $(seq 1 200); do [ -s "$T/port" ] && break; sleep 0.05; done
[ -s "$T/port" ] || { echo "ask.sh: the test server did not start: $(cat "$T/server.err")" >&2; exit 1; }
URL="http://127.0.0.1:$(cat "$T/port")/v1"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$STRATA" "$S" "$URL" "$RUNS" "$WARMUP" "$LOAD_BEFORE" "$OUT" <<'PY'
import json, os, subprocess, sys, time
strata, store, url, runs, warmup, load_before, out = sys.argv[1:8]
runs, warmup = int(runs), int(warmup)
questions = ["How do I roll back the last migration?", "What does strata ask print when no model is configured?",
             "How are metadata filters applied in search?", "Where does the response cache live?",
             "What does --redact remove before a request?"]
common = ["--store", store, "--json", "-k", "20"]
cmds = {
    "search": lambda q: [strata, "search", *common, "--", q],
    "model": lambda q: [strata, "ask", *common, "--no-cache", "--provider", "openai", "--base-url", url,
                        "--model", "test-model", "--", q],
    "offline": lambda q: [strata, "ask", *common, "--provider", "none", "--", q],
}
def run(cmd):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)  # nothing piped as context
    wall = (time.perf_counter() - t0) * 1000
    if p.returncode != 0:
        sys.exit(f"ask.sh: {' '.join(cmd[:2])} failed ({p.returncode}): {p.stderr.strip()}")
    return wall, json.loads(p.stdout.splitlines()[-1]) if cmd[1] == "ask" else None
rows = {k: [] for k in cmds}
for r in range(warmup + runs):
    q = questions[r % len(questions)]
    order = list(cmds) if r % 2 == 0 else list(reversed(list(cmds)))
    got = {k: run(cmds[k](q)) for k in order}
    if r < warmup:
        continue
    for k, (wall, j) in got.items():
        rows[k].append((wall, j))
def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, max(0, -(-p * len(v) // 100) - 1))]
load_after = " ".join(open("/proc/loadavg").read().split()[:3])
search_wall = [w for w, _ in rows["search"]]
with open(out, "a") as f:
    table = []
    for k in ("model", "offline"):
        diff = [w - s for (w, _), s in zip(rows[k], search_wall)]
        diff_llm = [w - s - j["timings"]["llm_ms"] for (w, j), s in zip(rows[k], search_wall)]
        # client_ms: making the HTTP client, which loads libcurl (search loads no libcurl)
        diff_client = [w - s - j["timings"]["llm_ms"] - j["timings"].get("client_ms", 0)
                       for (w, j), s in zip(rows[k], search_wall)]
        tm = lambda name: [j["timings"][name] for _, j in rows[k]]
        d = {"bench": "ask-overhead", "path": k, "runs": runs,
             "search_wall_p50_ms": round(pct(search_wall, 50), 2), "ask_wall_p50_ms": round(pct([w for w, _ in rows[k]], 50), 2),
             "ask_minus_search_p50_ms": round(pct(diff, 50), 2), "ask_minus_search_p95_ms": round(pct(diff, 95), 2),
             "ask_minus_search_minus_llm_p50_ms": round(pct(diff_llm, 50), 2),
             "ask_minus_search_minus_llm_p95_ms": round(pct(diff_llm, 95), 2),
             "ask_minus_search_llm_client_p50_ms": round(pct(diff_client, 50), 2),
             "ask_minus_search_llm_client_p95_ms": round(pct(diff_client, 95), 2),
             "client_p50_ms": round(pct(tm("client_ms"), 50), 2),
             "llm_p50_ms": round(pct(tm("llm_ms"), 50), 2),
             "own_p50_ms": round(pct(tm("own_ms"), 50), 2), "own_p95_ms": round(pct(tm("own_ms"), 95), 2),
             "pack_p50_ms": round(pct(tm("pack_ms"), 50), 2), "cache_p50_ms": round(pct(tm("cache_ms"), 50), 3),
             "answer_p50_ms": round(pct(tm("answer_ms"), 50), 2),
             "log_p50_ms": round(pct(tm("log_ms"), 50), 2), "log_p95_ms": round(pct(tm("log_ms"), 95), 2),
             "retrieval_p50_ms": round(pct(tm("retrieval_ms"), 50), 2), "open_p50_ms": round(pct(tm("open_ms"), 50), 2),
             "load_avg_before": load_before, "load_avg_after": load_after}
        line = json.dumps(d)
        print(line, file=sys.stderr)
        f.write(line + "\n")
        table.append(d)
print(f"### ask's own cost ({runs} rounds, load average {load_before} before, {load_after} after)")
print()
print("| path | search p50 ms | ask p50 ms | ask − search p50 / p95 ms | minus the model's time p50 / p95 ms | minus the model and client_ms p50 / p95 ms | own_ms p50 / p95 | pack | log p50 / p95 | client_ms p50 | model (llm_ms) p50 |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for d in table:
    print(f"| {d['path']} | {d['search_wall_p50_ms']} | {d['ask_wall_p50_ms']} | {d['ask_minus_search_p50_ms']} / {d['ask_minus_search_p95_ms']} | "
          f"{d['ask_minus_search_minus_llm_p50_ms']} / {d['ask_minus_search_minus_llm_p95_ms']} | "
          f"{d['ask_minus_search_llm_client_p50_ms']} / {d['ask_minus_search_llm_client_p95_ms']} | {d['own_p50_ms']} / {d['own_p95_ms']} | "
          f"{d['pack_p50_ms']} | {d['log_p50_ms']} / {d['log_p95_ms']} | {d['client_p50_ms']} | {d['llm_p50_ms']} |")
PY
