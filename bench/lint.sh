#!/usr/bin/env bash
# `strata migrate lint` beside squawk (the PostgreSQL migration linter, from npm), on two kinds
# of material:
#   1. squawk's own rule tests (bench/squawk_cases.py extracts them from a squawk checkout): per
#      rule, how many of the statements squawk's tests expect flagged strata flags (recall), and
#      how many it leaves alone of those they expect clean (specificity);
#   2. the real PostgreSQL migration sets of ../shared/migrate-sets (bench/lint_sets.py): findings
#      per migration of each tool, the statements both, or only one, flag (with a sample of each
#      to read by hand), and each tool's wall time.
# Usage: bench/lint.sh            Env: STRATA (default build/strata), PEERS (where squawk-cli is
#        installed, default ~/.cache/strata-peers), SQUAWK_SRC (a squawk checkout for part 1;
#        default: cloned from GitHub at the npm version's tag into $PEERS, skipped when that fails),
#        SAMPLE (statements shown per list, default 10).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA=${STRATA:-$ROOT/build/strata}
PEERS=${PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers}
SQUAWK_VERSION=2.66.0
SQUAWK=$PEERS/node/node_modules/.bin/squawk
if [ ! -x "$SQUAWK" ]; then
  mkdir -p "$PEERS/node"
  [ -f "$PEERS/node/package.json" ] || echo '{"name":"peers","private":true,"type":"module"}' > "$PEERS/node/package.json"
  (cd "$PEERS/node" && npm install --no-audit --no-fund --save-exact "squawk-cli@$SQUAWK_VERSION" >&2)
fi
echo "strata $("$STRATA" --version | head -1); $("$SQUAWK" --version)"

src=${SQUAWK_SRC:-$PEERS/squawk-src}
if [ ! -d "$src/crates/squawk_linter" ] && [ -z "${SQUAWK_SRC:-}" ]; then
  git clone -q --depth 1 --branch "v$SQUAWK_VERSION" https://github.com/sbdchd/squawk "$src" 2>/dev/null || true
fi
if [ -d "$src/crates/squawk_linter" ]; then
  cases=$(mktemp)
  trap 'rm -f "$cases"' EXIT
  python3 "$ROOT/bench/squawk_cases.py" "$src" > "$cases"
  echo "== squawk's rule tests ($src)"
  python3 "$ROOT/bench/lint_squawk.py" "$STRATA" "$cases"
else
  echo "== squawk's rule tests: skipped (no squawk checkout; set SQUAWK_SRC)"
fi
echo "== real PostgreSQL migration sets"
python3 "$ROOT/bench/lint_sets.py" "$STRATA" "$SQUAWK" --sample "${SAMPLE:-10}"
