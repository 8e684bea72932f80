#!/usr/bin/env bash
# Trial: a full disk. The database or store lives on a small tmpfs whose free space a filler
# file takes away; `migrate up`, `ingest` and `embed` must each stop with one error line saying
# the disk is full (exit 7) (and so must `search` and `documents`, which only read but need room
# for the WAL's shared-memory file), leave a database that passes integrity_check with no partial state
# (migrate: history rows match the tables, all applied; ingest and embed: every document,
# chunk and vector stored is exactly as an uninterrupted run stores it, FTS in step), and once
# the filler is removed a rerun must exit 0 and converge to the uninterrupted run's state.
#
# Needs root (mount); the mount is made in a private mount namespace (unshare) when possible,
# so nothing outlives the test. Without mount the trial is skipped, saying why.
# Usage: bash tests/e2e/trial_full_disk.sh /path/to/strata
#   ROUNDS=N free-space levels per command (default 1; LONG=1 -> 6)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
in_private_mounts "$0" "$@"
e2e_init trial_full_disk "$@"
. "$HERE/../servers/e2e_helpers.sh"
TOOL="$HERE/trial_tool.py"
tool() { python3 "$TOOL" "$@"; }

ROUNDS=${ROUNDS:-1}
[ "${LONG:-0}" = 1 ] && ROUNDS=${LONG_ROUNDS:-6}
DIMS=128

case_ "a 64 MB tmpfs"
mkdir -p mnt
if ! mount -t tmpfs -o size=64m tmpfs "$E2E_TMP/mnt" 2>mount.err; then
    skip "cannot mount a tmpfs ($(head -n 1 mount.err)); run as root to test a full disk"
    e2e_finish
fi
e2e_on_exit "umount -l '$E2E_TMP/mnt'"
pass "mounted"

# leave_free KB: fill the tmpfs so that only about KB kilobytes stay free.
leave_free() {
    rm -f mnt/fill
    local avail
    avail=$(df --output=avail -B1 mnt | tail -n 1)
    head -c "$((avail - $1 * 1024))" /dev/zero >mnt/fill 2>/dev/null
}
free_space() { rm -f mnt/fill; }
# subset GOT REF: every line of GOT (stored data) is a line of REF (an uninterrupted run's).
subset() { [ -z "$(comm -23 <(sort "$1") <(sort "$2"))" ]; }

# ---------------------------------------------------------------------------
case_ "migrate up: reference"
ver() { printf '2024%010d' "$1"; }
for i in $(seq 1 20); do
    mig migrations "$(ver "$i")" "create_t$i" "CREATE TABLE t_$i (v TEXT);
INSERT INTO t_$i WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1500)
  SELECT printf('%064d', x) FROM c;" "DROP TABLE t_$i;"
done
expect_exit 0 -- "$STRATA" migrate -d sqlite:ref_m.db up -q
ref_schema=$(db_user_schema ref_m.db)
ref_size=$(($(stat -c %s ref_m.db) / 1024))
note "20 migrations, ${ref_size} KB database"

for r in $(seq 1 "$ROUNDS"); do
    case_ "migrate up on a full disk (round $r)"
    free_space
    rm -f mnt/m.db*
    kb=$((ref_size * r / (ROUNDS + 1)))
    leave_free "$kb"
    expect_exit 7 -- "$STRATA" migrate -d sqlite:mnt/m.db up -q
    expect_error_line 'm\.db' 'disk is full'
    if [ -e mnt/m.db ]; then
        assert_eq ok "$(db_q_rw mnt/m.db 'PRAGMA integrity_check')" "integrity_check"
        n=$(history_count mnt/m.db)
        tabs=$(db_q mnt/m.db "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 't\\_%' ESCAPE '\\'")
        assert_eq "$n" "$tabs" "history rows ($n) match the tables"
        # With almost no space even the history table may not have been created: then no
        # migration ran (history_count and the table count above are both 0).
        if table_exists mnt/m.db strata_migrations; then
            assert_eq 0 "$(db_q mnt/m.db "SELECT count(*) FROM strata_migrations WHERE state <> 'applied'")" \
                "no partial history row"
        fi
        assert_true "stopped before the end ($n of 20 with ${kb} KB free)" test "$n" -lt 20
    else
        pass "no database was created"
    fi
    free_space
    expect_exit 0 -- "$STRATA" migrate -d sqlite:mnt/m.db up -q
    assert_eq 20 "$(history_count mnt/m.db)" "after freeing space: all 20 applied"
    assert_eq "$ref_schema" "$(db_user_schema mnt/m.db)" "after freeing space: the reference schema"
    assert_eq 30000 "$(db_q mnt/m.db "SELECT $(for i in $(seq 1 20); do printf '(SELECT count(*) FROM t_%s)+' "$i"; done)0")" \
        "after freeing space: every row"
done

# ---------------------------------------------------------------------------
# The store's schema version once all of migrations/ is applied; store_version DB: the newest
# store migration DB records (0 when it has none).
latest_store_version=$(find "$HERE/../../migrations" -maxdepth 1 -name '[0-9]*.sql' | wc -l)
store_version() {
    if [ -e "$1" ] && table_exists "$1" strata_store_migrations; then
        db_q "$1" "SELECT coalesce(max(version), 0) FROM strata_store_migrations WHERE state = 'applied'"
    else
        echo 0
    fi
}

case_ "ingest: reference"
tool gen in 80 4
expect_exit 0 -- "$STRATA" ingest --store ref_i.db --collection docs --size 200 -q in
tool canon ref_i.db >ref_i.txt
ref_size=$(($(stat -c %s ref_i.db) / 1024))
note "80 files, $(db_q ref_i.db 'SELECT count(*) FROM chunks') chunks, ${ref_size} KB store"

for r in $(seq 1 "$ROUNDS"); do
    case_ "ingest on a full disk (round $r)"
    free_space
    rm -f mnt/s.db*
    kb=$((ref_size * r / (ROUNDS + 1)))
    leave_free "$kb"
    expect_exit 7 -- "$STRATA" ingest --store mnt/s.db --collection docs --size 200 -q in
    expect_error_line 's\.db' 'disk is full'
    version=$(store_version mnt/s.db)
    if [ "$version" = "$latest_store_version" ]; then
        assert_eq ok "$(tool check mnt/s.db)" "store consistent"
        tool canon mnt/s.db >got.txt
        assert_true "every stored document and chunk is as an uninterrupted run stores it ($(grep -c '^D' got.txt) documents with ${kb} KB free)" \
            subset got.txt ref_i.txt
    elif [ -e mnt/s.db ]; then
        # The disk filled while the store's own migrations ran: each is one transaction, so the
        # store holds the first $version of them, whole, and nothing was ingested.
        assert_eq ok "$(db_q mnt/s.db 'PRAGMA integrity_check')" "the store created part-way is intact (schema version $version of $latest_store_version)"
        if table_exists mnt/s.db strata_store_migrations; then
            assert_eq 0 "$(db_q mnt/s.db "SELECT count(*) FROM strata_store_migrations WHERE state <> 'applied'")" \
                "no store migration recorded as partial"
        fi
        if table_exists mnt/s.db chunks; then
            assert_eq 0 "$(db_q mnt/s.db 'SELECT count(*) FROM chunks')" "nothing ingested into an incomplete schema"
        fi
    else
        pass "no store file: nothing ingested"
    fi
    free_space
    expect_exit 0 -- "$STRATA" ingest --store mnt/s.db --collection docs --size 200 -q in
    tool canon mnt/s.db >got.txt
    if cmp -s ref_i.txt got.txt; then pass "after freeing space: the uninterrupted run's store"; else
        fail "after freeing space the store differs: $(diff ref_i.txt got.txt | head -n 4 | cut -c1-160)"; fi
done

# ---------------------------------------------------------------------------
case_ "embed: reference"
start_server
EMBED=(embed --collection docs --model test-model --dimensions $DIMS --batch-size 8 -q)
cp ref_i.db ref_e.db
expect_exit 0 -- "$STRATA" "${EMBED[@]}" --store ref_e.db --base-url "$URL"
tool canon ref_e.db >ref_e.txt
need=$((($(stat -c %s ref_e.db) - $(stat -c %s ref_i.db)) / 1024))
note "$(db_q ref_e.db 'SELECT count(*) FROM embeddings') vectors of $DIMS dimensions: the store grows by ${need} KB"

for r in $(seq 1 "$ROUNDS"); do
    case_ "embed on a full disk (round $r)"
    free_space
    rm -f mnt/s.db*
    cp ref_i.db mnt/s.db
    kb=$((need * r / (ROUNDS + 1)))
    leave_free "$kb"
    expect_exit 7 -- "$STRATA" "${EMBED[@]}" --store mnt/s.db --base-url "$URL"
    expect_error_line 's\.db' 'disk is full'
    assert_eq ok "$(tool check mnt/s.db $DIMS)" "store consistent"
    tool canon mnt/s.db | grep -v $'\t-$' >got.txt
    assert_true "every stored vector and cache row is the uninterrupted run's ($(db_q mnt/s.db 'SELECT count(*) FROM embeddings') vectors with ${kb} KB free)" \
        subset got.txt ref_e.txt
    free_space
    expect_exit 0 -- "$STRATA" "${EMBED[@]}" --store mnt/s.db --base-url "$URL"
    tool canon mnt/s.db >got.txt
    if cmp -s ref_e.txt got.txt; then pass "after freeing space: the uninterrupted run's store"; else
        fail "after freeing space the store differs: $(diff ref_e.txt got.txt | head -n 4 | cut -c1-160)"; fi
done

# ---------------------------------------------------------------------------
case_ "search and documents on a full disk say so"
free_space
rm -f mnt/s.db*
cp ref_e.db mnt/s.db
leave_free 0
for mode in keyword vector; do
    expect_exit 7 -- "$STRATA" search --store mnt/s.db --collection docs --mode "$mode" --base-url "$URL" rollback
    expect_error_line 's\.db' 'disk is full'
done
expect_exit 7 -- "$STRATA" documents list --store mnt/s.db --collection docs
expect_error_line 's\.db' 'disk is full'
free_space
expect_exit 0 -- "$STRATA" search --store mnt/s.db --collection docs --mode keyword rollback -q

e2e_finish
