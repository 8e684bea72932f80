#!/usr/bin/env bash
# The MCP search tool against `strata search` as a process, on the same queries, in one run.
#
#   store    each collection of ../shared/eval named in SETS (default: cisi npl) ingested with
#            `strata ingest --jsonl` and embedded with the built-in model (`strata embed
#            --provider local`), so that both sides run a hybrid search (keyword and vector).
#   process  `strata search -k 5 --json QUERY` as one process per query: starting, opening the
#            store and loading the vectors each time, as a script or an agent shelling out does.
#   mcp      one `strata mcp` session; a `tools/call search` (k 5) per query, timed from the
#            request line written to the reply line read (bench/mcp_search_driver.py).
#   The queries are the collection's queries.jsonl, cut to QUERIES (default 60) each; the two
#   sides alternate query by query after one warm-up call each. Reported: p50 and p90 per
#   side and collection, and the ratio of the p50s (process / mcp).
#
#   usage: bench/mcp_search.sh        env: STRATA (default <repo>/build/strata), SETS, QUERIES
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA=${STRATA:-$ROOT/build/strata}
EVAL=$ROOT/../shared/eval
SETS=${SETS:-cisi npl}
QUERIES=${QUERIES:-60}
[ -x "$STRATA" ] || { echo "mcp_search.sh: $STRATA not found (bash scripts/build.sh)" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-mcp.XXXXXX")
trap 'rm -rf "$T"' EXIT

echo "strata $("$STRATA" --version | sed 's/^strata //'), $(nproc) cores, $(date -u +%Y-%m-%d)"
printf '%-6s %8s %10s %10s %10s %10s %8s\n' set chunks "proc p50" "proc p90" "mcp p50" "mcp p90" ratio
for set in $SETS; do
  data=$EVAL/$set
  [ -f "$data/docs.jsonl" ] || { echo "mcp_search.sh: $data/docs.jsonl not found" >&2; exit 1; }
  store=$T/$set.db
  "$STRATA" ingest --jsonl --store "$store" -q "$data/docs.jsonl"
  "$STRATA" embed --store "$store" --provider local -q >/dev/null
  chunks=$(sqlite3 "$store" 'SELECT count(*) FROM chunks')
  python3 -c 'import json,sys
for i, line in enumerate(open(sys.argv[1])):
    if i >= int(sys.argv[2]): break
    print(json.loads(line)["text"].replace("\n", " ")[:300])' "$data/queries.jsonl" "$QUERIES" >"$T/queries.txt"
  python3 "$ROOT/bench/mcp_search_driver.py" "$STRATA" "$store" "$T/queries.txt" >"$T/result.json"
  python3 - "$T/result.json" "$set" "$chunks" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p * len(v)))]
pp50, pp90, mp50, mp90 = pct(r["process"], .5), pct(r["process"], .9), pct(r["mcp"], .5), pct(r["mcp"], .9)
print("%-6s %8s %8.2f ms %7.2f ms %7.2f ms %7.2f ms %7.1fx" % (sys.argv[2], sys.argv[3], pp50, pp90, mp50, mp90, pp50 / mp50))
EOF
done
