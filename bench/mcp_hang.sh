#!/usr/bin/env bash
# `strata mcp` while its embedding server hangs: how fast ping and a keyword search are answered
# while a hybrid search waits for an embedding that never comes.
#
#   server   tests/servers/openai_server.py on 127.0.0.1, told before each round to hold the next
#            embeddings request for 10 minutes.
#   store    a small guide (3 documents) ingested and embedded through that server, so that a
#            hybrid search embeds its query there.
#   rounds   ROUNDS (default 20) sessions of `strata mcp`: a hybrid search sent and held by the
#            server, then 10 pings and 3 keyword searches one after another, each timed from its
#            request line written to its reply line read (bench/mcp_hang_driver.py); then the
#            hybrid call cancelled and the input closed, the exit timed.
#   Reported: p50, p95 and max of the pings, of the keyword searches and of the exits.
#
#   usage: bench/mcp_hang.sh        env: STRATA (default <repo>/build/strata), ROUNDS
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA=${STRATA:-$ROOT/build/strata}
ROUNDS=${ROUNDS:-20}
[ -x "$STRATA" ] || { echo "mcp_hang.sh: $STRATA not found (bash scripts/build.sh)" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-mcp-hang.XXXXXX")
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$T"' EXIT

python3 "$ROOT/tests/servers/openai_server.py" serve --port-file "$T/port" 2>"$T/server.err" &
SERVER_PID=$!
for _ in $(seq 1 200); do [ -s "$T/port" ] && break; sleep 0.05; done
[ -s "$T/port" ] || { echo "mcp_hang.sh: the test server did not start: $(cat "$T/server.err")" >&2; exit 1; }
mkdir -p "$T/docs"
cat >"$T/docs/guide.md" <<'DOC'
# Migrations guide

## Rolling back

To roll back the last migration, run strata migrate down. A rollback runs the down section of
the newest applied migration and removes its row from the history table.
DOC
printf '# FAQ\n\nWhere is the store? In .strata/store.db under the project root.\n' >"$T/docs/faq.md"
printf '# Checks\n\nstrata migrate check lints the files before they reach production.\n' >"$T/docs/checks.md"
(cd "$T/docs" && "$STRATA" ingest --store "$T/store.db" -q guide.md faq.md checks.md)
"$STRATA" embed --store "$T/store.db" --base-url "http://127.0.0.1:$(cat "$T/port")/v1" --model test-embed -q >/dev/null

echo "strata $("$STRATA" --version | sed 's/^strata //'), $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M') UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$ROOT/bench/mcp_hang_driver.py" "$STRATA" "$T/store.db" "$T/port" "$ROUNDS" >"$T/result.json"
python3 - "$T/result.json" "$ROUNDS" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]
print("%d rounds" % int(sys.argv[2]))
print("%-28s %6s %9s %9s %9s" % ("while a hybrid search hangs", "n", "p50", "p95", "max"))
for name, key in (("ping", "pings"), ("keyword search", "keywords"), ("exit at end of input", "exits")):
    v = r[key]
    print("%-28s %6d %7.2f ms %7.2f ms %7.2f ms" % (name, len(v), pct(v, 50), pct(v, 95), max(v)))
PY
