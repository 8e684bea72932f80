#!/usr/bin/env bash
# Trial: kill -9 `strata ingest` at random moments. After every kill the store must pass
# PRAGMA integrity_check and foreign_key_check, have no orphan chunks, an FTS index in step
# with the chunks (FTS5 integrity-check against the content table, one index row per chunk),
# every document's chunk_count equal to its chunk rows, and every document it holds must be
# exactly as an uninterrupted run stores it (old or new version, never a mix). A rerun must
# exit 0 and converge to exactly the canonical dump of an uninterrupted run.
#
# Odd rounds ingest into a fresh store; even rounds update a store that holds an older version
# of the corpus (a third of the files edited, some deleted with --prune, some added).
#
# Usage: bash tests/e2e/trial_ingest_kill.sh /path/to/strata
#   ROUNDS=N rounds killed mid-run (default 4; LONG=1 -> 50; up to max(2N, N+4) tried), FILES=N (default 120; LONG=1 -> 300)
#   CORPUS=DIR: take FILES files from DIR (default: the benchmark corpus in
#   ~/.cache/strata-peers/corpus/files when present, else generated files).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_init trial_ingest_kill "$@"

ROUNDS=${ROUNDS:-4}
[ "${LONG:-0}" = 1 ] && ROUNDS=${LONG_ROUNDS:-50}
FILES=${FILES:-120}
[ "${LONG:-0}" = 1 ] && FILES=${LONG_FILES:-300}
CORPUS=${CORPUS:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers/corpus/files}
# Small chunks and a few threads: many chunks per document, many commits per run.
OPTS=(--size 400 --threads 2 -q)

cat >"$E2E_TMP/tool.py" <<'PY'
import json, os, random, shutil, sqlite3, sys
from trial_tool import canon  # the one canonical dump (tests/e2e/trial_tool.py)

def gen(dest, files, seed):
    """Deterministic markdown and text files in nested folders (about 16 KB each)."""
    rnd = random.Random(seed)
    words = [w.strip() for w in ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
             "incididunt ut labore et dolore magna aliqua caf\u00e9 na\u00efve \u65e5\u672c zebra quokka "
             "narwhal ocelot badger").split()]
    for i in range(files):
        sub = os.path.join(dest, f"d{i % 7}", f"e{i % 3}")
        os.makedirs(sub, exist_ok=True)
        md = i % 2 == 0
        parts = []
        for s in range(rnd.randint(4, 24)):
            if md:
                parts.append("#" * rnd.randint(1, 3) + f" Section {s} of file {i}\n")
            para = " ".join(rnd.choice(words) for _ in range(rnd.randint(40, 160)))
            parts.append(para + "\n")
        with open(os.path.join(sub, f"f{i:04d}." + ("md" if md else "txt")), "w", encoding="utf-8") as f:
            f.write("\n".join(parts))

def pick(src, dest, files):
    """Every k-th file (at most 200 KB) of a real corpus, keeping its relative path."""
    all_files = []
    for root, dirs, names in os.walk(src):
        dirs.sort()
        for n in sorted(names):
            p = os.path.join(root, n)
            if os.path.getsize(p) <= 200_000:
                all_files.append(p)
    step = max(1, len(all_files) // files)
    for p in all_files[::step][:files]:
        out = os.path.join(dest, os.path.relpath(p, src))
        os.makedirs(os.path.dirname(out), exist_ok=True)
        shutil.copyfile(p, out)

def mutate(root, seed):
    """Edit every third file, delete every seventh, add a few: the next version of a corpus."""
    rnd = random.Random(seed)
    paths = sorted(os.path.join(r, n) for r, _, ns in os.walk(root) for n in ns)
    for k, p in enumerate(paths):
        if k % 7 == 3:
            os.remove(p)
        elif k % 3 == 0:
            with open(p, "ab") as f:
                f.write(f"\n\nAn edit, number {k}, with the word wombat{rnd.randint(0, 9)}.\n".encode())
    for k in range(5):
        with open(os.path.join(root, f"added{k}.md"), "w") as f:
            f.write(f"# Added {k}\n\n" + "new text " * (50 + 40 * k) + "\n")

def by_source(lines):
    docs = {}
    for line in lines:
        f = line.split("\t")
        if f[0] in ("D", "C"):
            docs.setdefault((f[1], f[2]), []).append(line)
    return docs

def check(db, *refs):
    """Invariants after a crash; every document equals its version in one of the references."""
    problems = []
    c = sqlite3.connect(db)  # read-write: recovers the WAL as the next strata would
    one = lambda sql: c.execute(sql).fetchone()[0]
    if one("PRAGMA integrity_check") != "ok":
        problems.append("integrity_check: " + str(c.execute("PRAGMA integrity_check").fetchall()[:3]))
    # Killed while the store's migrations ran: each is all or nothing, so the tables present
    # are exactly those of the versions recorded.
    tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    versions = set()
    if "strata_store_migrations" in tables:
        versions = {r[0] for r in c.execute("SELECT version FROM strata_store_migrations WHERE state = 'applied'")}
        if one("SELECT count(*) FROM strata_store_migrations WHERE state <> 'applied'"):
            problems.append("a store migration is recorded as partial")
    expect = {1: "chunks", 2: "chunks_fts", 3: "chunk_configs", 4: "embeddings"}
    for v, t in expect.items():
        if (v in versions) != (t in tables):
            problems.append(f"migration {v} recorded={v in versions} but table {t} present={t in tables}")
    if not {1, 2, 3} <= versions:
        print("\n".join(problems) if problems else "ok")
        print(f"schema incomplete (migrations {sorted(versions)})", file=sys.stderr)
        return
    if c.execute("PRAGMA foreign_key_check").fetchall():
        problems.append("foreign_key_check reports rows")
    for sql in ("INSERT INTO chunks_fts(chunks_fts) VALUES('integrity-check')",
                "INSERT INTO chunks_fts(chunks_fts, rank) VALUES('integrity-check', 1)"):
        try:
            c.execute(sql)
        except sqlite3.DatabaseError as e:
            problems.append(f"{sql}: {e}")
    checks = {
        "orphan chunks": "SELECT count(*) FROM chunks WHERE document_id NOT IN (SELECT id FROM documents)",
        "orphan documents": "SELECT count(*) FROM documents WHERE collection_id NOT IN (SELECT id FROM collections)",
        "FTS rows <> chunks": "SELECT (SELECT count(*) FROM chunks_fts_docsize) - (SELECT count(*) FROM chunks)",
        "chunk_count <> chunk rows": "SELECT count(*) FROM documents d WHERE d.chunk_count <>"
                                     " (SELECT count(*) FROM chunks c WHERE c.document_id = d.id)",
        "ordinals with gaps": "SELECT count(*) FROM documents d WHERE d.chunk_count > 0 AND d.chunk_count - 1 <>"
                              " (SELECT max(ordinal) FROM chunks c WHERE c.document_id = d.id)",
    }
    for what, sql in checks.items():
        n = one(sql)
        if n:
            problems.append(f"{what}: {n}")
    c.commit()
    c.close()
    have = by_source(canon(db))
    known = [by_source(open(r).read().splitlines()) for r in refs]
    mixed = [k[1] for k, v in have.items() if not any(ref.get(k) == v for ref in known)]
    if mixed:
        problems.append(f"{len(mixed)} document(s) in no reference state, e.g. {mixed[:3]}")
    print("\n".join(problems) if problems else "ok")
    print(f"{len(have)} documents", file=sys.stderr)

cmd = sys.argv[1]
if cmd == "gen":
    gen(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
elif cmd == "pick":
    pick(sys.argv[2], sys.argv[3], int(sys.argv[4]))
elif cmd == "mutate":
    mutate(sys.argv[2], int(sys.argv[3]))
elif cmd == "canon":
    print("\n".join(canon(sys.argv[2])))
elif cmd == "check":
    check(sys.argv[2], *sys.argv[3:])
PY
tool() { PYTHONPATH="$HERE" python3 "$E2E_TMP/tool.py" "$@"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ---------------------------------------------------------------------------
case_ "corpus and reference runs"
if [ -d "$CORPUS" ]; then
    tool pick "$CORPUS" v1 "$FILES"
    src="$FILES files of $CORPUS"
else
    tool gen v1 "$FILES" 1
    src="$FILES generated files"
fi
cp -r v1 v2
tool mutate v2 7
note "corpus: $src, $(du -sh v1 | cut -f1)"

# The corpus is always ingested as "in", so source ids are the same for both versions.
ref_run() { # VERSION DB -> uninterrupted run of VERSION into DB (which may exist)
    rm -rf in && cp -r "$1" in
    expect_exit 0 -- "$STRATA" ingest --store "$2" --prune "${OPTS[@]}" in
}
t0=$(now_ms)
ref_run v1 ref1.db
D=$(($(now_ms) - t0))
FULL_MS=$D
tool canon ref1.db >ref1.txt
cp ref1.db base.db   # v1 store: the start of the update rounds
cp ref1.db ref12.db
t0=$(now_ms)
ref_run v2 ref12.db
D_UPDATE=$(($(now_ms) - t0))
tool canon ref12.db >ref12.txt
t0=$(now_ms)
ref_run v2 ref2.db
D_FRESH=$(($(now_ms) - t0))
tool canon ref2.db >ref2.txt
# Updating a v1 store to v2 ends exactly where ingesting v2 from scratch does.
if cmp -s ref12.txt ref2.txt; then pass "v1 -> v2 update equals a fresh v2 ingest"; else
    fail "v1 -> v2 update differs from a fresh v2 ingest: $(diff ref12.txt ref2.txt | head -5)"; fi
assert_true "reference store consistent" test "$(tool check ref2.db ref2.txt 2>/dev/null)" = ok
note "uninterrupted run: ${D} ms, $(wc -l <ref1.txt) canonical lines"
# The kill moments are drawn from the warm runs' times, one per kind of round: the first
# run pays for a cold page cache, and an update touches only the edited files, so it ends
# far sooner than a fresh ingest. Either figure taken for the other lets most rounds end
# before the kill on a fast machine.
floor_ms() { if [ "$1" -lt 20 ]; then echo 20; else echo "$1"; fi; }
D_FRESH=$(floor_ms "$D_FRESH")
D_UPDATE=$(floor_ms "$D_UPDATE")
note "warm runs: fresh ${D_FRESH} ms, update ${D_UPDATE} ms"

killed_rounds=0
start=$(now_ms)
# A round that ends before its kill still checks the finished store, but it is not a kill:
# rounds go on until ROUNDS were killed mid-run or twice ROUNDS (at least ROUNDS + 4) were
# tried, so a busy or a fast machine still gets its kills.
r=0
tries=$((2 * ROUNDS))
[ "$tries" -lt $((ROUNDS + 4)) ] && tries=$((ROUNDS + 4))
while [ "$killed_rounds" -lt "$ROUNDS" ] && [ "$r" -lt "$tries" ]; do
    r=$((r + 1))
    if [ $((r % 2)) = 1 ]; then
        kind="fresh store"
        version=v1
        refs=(ref1.txt)
        want=ref1.txt
        rm -f k.db k.db-wal k.db-shm
    else
        kind="v1 store updated to v2"
        version=v2
        refs=(ref1.txt ref2.txt)
        want=ref2.txt
        cp base.db k.db && rm -f k.db-wal k.db-shm
    fi
    case_ "round $r ($kind): kill -9 during ingest"
    rm -rf in && cp -r "$version" in
    if [ $((r % 2)) = 1 ]; then D=$D_FRESH; else D=$D_UPDATE; fi
    delay=$((5 + RANDOM * RANDOM % (D * 70 / 100 + 1)))
    "$STRATA" ingest --store k.db --prune "${OPTS[@]}" in >"out.$r" 2>"err.$r" </dev/null &
    pid=$!
    e2e_bg "$pid"
    sleep "$(awk -v ms="$delay" 'BEGIN { printf "%.3f", ms / 1000 }')"
    if kill -9 "$pid" 2>/dev/null; then killed=1; else killed=0; fi
    wait "$pid" 2>/dev/null
    rc=$?
    if [ $killed = 1 ] && [ $rc = 137 ]; then
        killed_rounds=$((killed_rounds + 1))
        label="killed after ${delay} ms"
    else
        label="finished before the kill at ${delay} ms (rc $rc)"
        assert_eq 0 "$rc" "$label: exit 0"
        # This kind of round ends sooner than measured here: draw its next moments earlier.
        D=$(floor_ms $((delay * 80 / 100)))
        if [ $((r % 2)) = 1 ]; then D_FRESH=$D; else D_UPDATE=$D; fi
    fi
    if [ -e k.db ]; then
        result=$(tool check k.db "${refs[@]}" 2>"check.$r")
        assert_eq ok "$result" "$label: consistent ($(cat "check.$r"))"
    else
        pass "$label: killed before the store was created"
    fi
    expect_exit 0 -- "$STRATA" ingest --store k.db --prune "${OPTS[@]}" in
    tool canon k.db >"got.$r"
    if cmp -s "$want" "got.$r"; then
        pass "rerun converged to the uninterrupted run's state"
    else
        fail "rerun differs from the uninterrupted run: $(diff "$want" "got.$r" | head -n 6)"
    fi
    assert_eq ok "$(tool check k.db "$want" 2>/dev/null)" "rerun: consistent"
    [ "${E2E_VERBOSE:-0}" = 1 ] && echo "   round $r: $kind delay=$delay killed=$killed rc=$rc"
    rm -f "out.$r" "err.$r" "check.$r" "got.$r"
done
elapsed=$(($(now_ms) - start))
echo "trial_ingest_kill: $r rounds ($killed_rounds killed mid-run) in $((elapsed / 1000)) s; uninterrupted run ${FULL_MS} ms; $src"
if [ "$killed_rounds" -lt $(((ROUNDS + 1) / 2)) ]; then
    case_ "kill coverage"
    fail "only $killed_rounds of $r rounds were killed mid-run"
fi

e2e_finish
