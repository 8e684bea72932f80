#!/usr/bin/env bash
# Trial: two and four `strata ingest` processes started at once on one store, with overlapping
# inputs. Every process must exit 0 without an error or warning, and the store must end exactly
# as one uninterrupted run over the union of the inputs leaves it (canonical dump: documents
# with hash and chunk count, every chunk's range and text hash), with the FTS index in step.
#
# Odd rounds start from no store at all (the processes also race to create it and apply its
# migrations); even rounds start from a store holding an older version of the files.
#
# Usage: bash tests/e2e/trial_ingest_concurrent.sh /path/to/strata
#   ROUNDS=N (default 3 per process count; LONG=1 -> 20), PROCS="2 4", FILES=N (default 120)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_init trial_ingest_concurrent "$@"

ROUNDS=${ROUNDS:-3}
[ "${LONG:-0}" = 1 ] && ROUNDS=${LONG_ROUNDS:-20}
PROCS=${PROCS:-"2 4"}
FILES=${FILES:-120}
OPTS=(--size 300 --threads 2)

cat >"$E2E_TMP/tool.py" <<'PY'
import os, random, sqlite3, sys
from trial_tool import canon  # the one canonical dump (tests/e2e/trial_tool.py)

def gen(dest, files, seed, edit):
    """Files in four folders a..d; with `edit`, every third file differs and some are new."""
    rnd = random.Random(seed)
    words = "alpha beta gamma delta epsilon zeta caf\u00e9 \u65e5\u672c quokka zebra ocelot".split()
    for i in range(files):
        sub = os.path.join(dest, "abcd"[i % 4], f"s{i % 5}")
        os.makedirs(sub, exist_ok=True)
        parts = [f"# File {i}\n"]
        for s in range(rnd.randint(3, 12)):
            parts.append(f"## Part {s}\n\n" + " ".join(rnd.choice(words) for _ in range(rnd.randint(30, 120))) + "\n")
        if edit and i % 3 == 0:
            parts.append(f"An edit of file {i}.\n")
        with open(os.path.join(sub, f"f{i:04d}.md"), "w", encoding="utf-8") as f:
            f.write("\n".join(parts))
    if edit:
        for k in range(4):
            with open(os.path.join(dest, "abcd"[k], f"new{k}.txt"), "w") as f:
                f.write(f"new file {k}\n" * 30)

def check(db):
    c = sqlite3.connect(db)
    one = lambda sql: c.execute(sql).fetchone()[0]
    problems = []
    if one("PRAGMA integrity_check") != "ok":
        problems.append("integrity_check")
    if c.execute("PRAGMA foreign_key_check").fetchall():
        problems.append("foreign_key_check")
    try:
        c.execute("INSERT INTO chunks_fts(chunks_fts, rank) VALUES('integrity-check', 1)")
    except sqlite3.DatabaseError as e:
        problems.append(f"FTS integrity-check: {e}")
    for what, sql in {
        "orphan chunks": "SELECT count(*) FROM chunks WHERE document_id NOT IN (SELECT id FROM documents)",
        "FTS rows <> chunks": "SELECT (SELECT count(*) FROM chunks_fts_docsize) - (SELECT count(*) FROM chunks)",
        "chunk_count <> rows": "SELECT count(*) FROM documents d WHERE d.chunk_count <>"
                               " (SELECT count(*) FROM chunks c WHERE c.document_id = d.id)",
        "duplicate configs": "SELECT count(*) - count(DISTINCT config) FROM chunk_configs",
        "store migrations applied twice": "SELECT count(*) - count(DISTINCT version) FROM strata_store_migrations",
    }.items():
        n = one(sql)
        if n:
            problems.append(f"{what}: {n}")
    c.commit()
    print("\n".join(problems) if problems else "ok")

cmd = sys.argv[1]
if cmd == "gen":
    gen(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1")
elif cmd == "canon":
    print("\n".join(canon(sys.argv[2])))
elif cmd == "check":
    check(sys.argv[2])
PY
tool() { PYTHONPATH="$HERE" python3 "$E2E_TMP/tool.py" "$@"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# The inputs of process p (1-based) of n: overlapping pairs of folders, so every file is
# ingested by at least two processes, and the union is all of in/.
inputs_of() {
    local p=$1 n=$2
    case "$n:$p" in
        2:1) echo "in/a in/b in/c" ;;
        2:2) echo "in/b in/c in/d" ;;
        4:1) echo "in/a in/b" ;;
        4:2) echo "in/b in/c" ;;
        4:3) echo "in/c in/d" ;;
        4:4) echo "in/d in/a" ;;
        *) echo "in" ;;
    esac
}

# ---------------------------------------------------------------------------
case_ "corpus and reference runs"
tool gen v1 "$FILES" 3 0
tool gen v2 "$FILES" 3 1
rm -rf in && cp -r v1 in
expect_exit 0 -- "$STRATA" ingest --store ref1.db -q "${OPTS[@]}" in
tool canon ref1.db >ref1.txt
cp ref1.db base.db
rm -rf in && cp -r v2 in
t0=$(now_ms)
expect_exit 0 -- "$STRATA" ingest --store ref2.db -q "${OPTS[@]}" in
single_ms=$(($(now_ms) - t0))
tool canon ref2.db >ref2.txt
note "$FILES files, $(du -sh v1 | cut -f1); one uninterrupted run ${single_ms} ms"

start=$(now_ms)
total=0
for n in $PROCS; do
    for r in $(seq 1 "$ROUNDS"); do
        total=$((total + 1))
        if [ $((r % 2)) = 1 ]; then
            kind="no store yet"
            version=v1
            want=ref1.txt
            rm -f s.db s.db-wal s.db-shm
        else
            kind="store of the older files"
            version=v2
            want=ref2.txt
            cp base.db s.db && rm -f s.db-wal s.db-shm
        fi
        case_ "round $r: $n processes at once ($kind)"
        rm -rf in && cp -r "$version" in
        rm -f go
        pids=()
        for p in $(seq 1 "$n"); do
            # shellcheck disable=SC2046
            (while [ ! -e go ]; do sleep 0.005; done
             exec "$STRATA" ingest --store s.db "${OPTS[@]}" $(inputs_of "$p" "$n")) \
                >"out.$p" 2>"err.$p" </dev/null &
            pids+=("$!")
            e2e_bg "$!"
        done
        sleep 0.05
        touch go
        ok=1
        for p in $(seq 1 "$n"); do
            wait "${pids[$((p - 1))]}"
            rc=$?
            if [ "$rc" != 0 ]; then
                E2E_CMD="strata ingest --store s.db ${OPTS[*]} $(inputs_of "$p" "$n")   (process $p of $n)"
                RC=$rc
                cp "out.$p" "$E2E_TMP/.out"
                cp "err.$p" "$E2E_TMP/.err"
                fail "process $p exited $rc"
                ok=0
            fi
        done
        [ $ok = 1 ] && pass "all $n processes exited 0"
        E2E_CMD=""
        bad=$(cat err.* | grep -E '^strata: (error|warning)' || true)
        if [ -z "$bad" ]; then pass "no error or warning"; else fail "stderr: $(printf '%s' "$bad" | head -n 5)"; fi
        # Each document was written by exactly one process; the others found it unchanged.
        written=$(cat err.* | sed -nE "s/^collection 'default': ([0-9]+) new, ([0-9]+) changed.*/\1 \2/p" |
            awk '{ s += $1 + $2 } END { print s + 0 }')
        expected=$(diff <(grep '^D' ref1.txt | cut -f3,4) <(grep '^D' "$want" | cut -f3,4) | grep -c '^>')
        [ "$version" = v1 ] && expected=$(grep -c '^D' ref1.txt)
        assert_eq "$expected" "$written" "documents written once across the processes (new + changed)"
        assert_eq ok "$(tool check s.db)" "store consistent"
        tool canon s.db >got.txt
        if cmp -s "$want" got.txt; then
            pass "final state equals one uninterrupted run"
        else
            fail "final state differs from one uninterrupted run: $(diff "$want" got.txt | head -n 6)"
        fi
        rm -f out.* err.* got.txt go
    done
done
elapsed=$(($(now_ms) - start))
echo "trial_ingest_concurrent: $total rounds (${PROCS// /+} processes x $ROUNDS) in $((elapsed / 1000)) s; one run ${single_ms} ms; $FILES files"

e2e_finish
