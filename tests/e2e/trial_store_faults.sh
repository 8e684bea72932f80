#!/usr/bin/env bash
# Trial: the store under faults of its file system and of other processes, for the commands that
# write it (ingest, embed). The same faults for `migrate` on a user's database are in
# bad_input.sh (read-only database, locks held by sqlite3, flock and another strata).
#   - a read-only store (a read-only bind mount; chmod 444 as an unprivileged user): exit 7,
#     one error line saying why, not a byte changed;
#   - a store whose folder is removed before the run (search, ask: exit 7, "no store") and while
#     ingest or embed writes it: exit 7 naming the deleted file, never a success that kept
#     nothing;
#   - a store locked by another process (sqlite3 holding BEGIN EXCLUSIVE): a writer waits and
#     completes once the lock goes; held beyond the store's busy timeout (STRATA_BUSY_TIMEOUT=2,
#     or with LONG=1 the 60 s default): exit 7, "locked by another process", nothing changed.
# Usage: bash tests/e2e/trial_store_faults.sh /path/to/strata   (LONG=1: the 60 s lock)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
in_private_mounts "$0" "$@"
e2e_init trial_store_faults "$@"
. "$HERE/../servers/e2e_helpers.sh"
TOOL="$HERE/trial_tool.py"
tool() { python3 "$TOOL" "$@"; }

start_server
EMBED=(embed --collection docs --model test-model --batch-size 4 -q)
tool gen in 60 6
expect_exit 0 -- "$STRATA" ingest --store base.db --collection docs --size 200 -q in
cp base.db ref.db
expect_exit 0 -- "$STRATA" "${EMBED[@]}" --store ref.db --base-url "$URL"
tool canon ref.db >ref.txt
server_reset
tool gen more 20 7

# ---------------------------------------------------------------------------
case_ "read-only store (read-only bind mount)"
mkdir ro && cp base.db ro/s.db
sig=$(file_sig ro/s.db)
if mount --bind "$E2E_TMP/ro" "$E2E_TMP/ro" 2>/dev/null && mount -o remount,bind,ro "$E2E_TMP/ro" 2>/dev/null; then
    e2e_on_exit "umount -l '$E2E_TMP/ro'"
    expect_exit 7 -- "$STRATA" ingest --store ro/s.db --collection docs --size 200 -q more
    expect_error_line 'ro/s\.db' 'read-only file system'
    expect_exit 7 -- "$STRATA" "${EMBED[@]}" --store ro/s.db --base-url "$URL"
    expect_error_line 'ro/s\.db' 'read-only file system'
    assert_eq 0 "$(requests_made)" "embed sent no request"
    umount "$E2E_TMP/ro"
    assert_eq "$sig" "$(file_sig ro/s.db)" "the store's bytes are unchanged"
    assert_absent ro/s.db-wal
else
    skip "cannot make a read-only bind mount (needs root)"
fi
if can_drop_root; then
    case_ "read-only store (chmod 444, strata running as nobody)"
    mkdir ro2 && cp base.db ro2/s.db && chmod 444 ro2/s.db && chmod 755 ro2 "$E2E_TMP" "$E2E_TMP/.bin" in
    sig=$(file_sig ro2/s.db)
    run as_nobody timeout 30 "$STRATA" ingest --store ro2/s.db --collection docs --size 200 -q in
    assert_eq 7 "$RC" "ingest into a store it cannot write: exit 7"
    expect_error_line 'ro2/s\.db'
    assert_eq "$sig" "$(file_sig ro2/s.db)" "the store's bytes are unchanged"
fi

# ---------------------------------------------------------------------------
case_ "the store's folder is gone before the run"
expect_exit 7 -- "$STRATA" search --store gone/s.db --collection docs quokka
expect_error_line 'no store at gone/s\.db'
expect_exit 7 -- "$STRATA" ask --store gone/s.db --collection docs quokka
expect_error_line 'no store at gone/s\.db'
assert_absent gone

# remove_when DB SQL WANT PID: once SQL on DB gives at least WANT, removes DB's folder.
remove_when() {
    local _
    for _ in $(seq 1 1500); do
        kill -0 "$4" 2>/dev/null || return 1
        if [ "$(db_q "$1" "$2" 2>/dev/null)" -ge "$3" ] 2>/dev/null; then
            rm -rf "$(dirname "$1")"
            return 0
        fi
        sleep 0.01
    done
    return 1
}

case_ "the store's folder is removed while ingest writes it"
# Enough text for several write batches (a batch is 4000 chunks or 500 ms): with only `in` and
# `more` a quick machine ingests everything in one transaction, and the folder can then only be
# removed after the last commit, when success is the right answer.
tool gen big 600 9
mkdir -p del && rm -rf del/*
"$STRATA" ingest --store del/s.db --collection docs --size 60 --threads 1 big >out.txt 2>err.txt </dev/null &
pid=$!
e2e_bg "$pid"
if remove_when del/s.db "SELECT count(*) FROM documents" 1 "$pid"; then
    wait "$pid"
    RC=$?
    cp err.txt "$E2E_TMP/.err"
    E2E_CMD="strata ingest --store del/s.db ... (folder removed mid-run)"
    assert_eq 7 "$RC" "exit 7"
    expect_error_line 'del/s\.db' 'deleted or replaced'
else
    wait "$pid"
    skip "ingest finished before its folder could be removed (rc $?)"
fi

case_ "the store's folder is removed while embed writes it"
server_config '{"latency_ms": 30}'
mkdir -p del && cp base.db del/s.db
"$STRATA" "${EMBED[@]}" --store del/s.db --base-url "$URL" --concurrency 1 >out.txt 2>err.txt </dev/null &
pid=$!
e2e_bg "$pid"
if remove_when del/s.db "SELECT count(*) FROM embeddings" 8 "$pid"; then
    wait "$pid"
    RC=$?
    cp err.txt "$E2E_TMP/.err"
    E2E_CMD="strata embed --store del/s.db ... (folder removed mid-run)"
    assert_eq 7 "$RC" "exit 7"
    expect_error_line 'del/s\.db' 'deleted or replaced'
else
    wait "$pid"
    skip "embed finished before its folder could be removed (rc $?)"
fi
server_config '{"latency_ms": 0}'

# ---------------------------------------------------------------------------
# hold_lock DB: a sqlite3 process holding BEGIN EXCLUSIVE on DB until release_lock.
hold_lock() {
    rm -f holder.fifo && mkfifo holder.fifo
    sqlite3 "$1" <holder.fifo >holder.out 2>&1 &
    HOLDER=$!
    e2e_bg "$HOLDER"
    exec 3>holder.fifo
    # The holder waits out the probe below: without a timeout its BEGIN EXCLUSIVE failed at once
    # when it met a probe's momentary lock, and the lock was never taken (seen once under ASan).
    echo ".timeout 10000" >&3
    echo "BEGIN EXCLUSIVE; SELECT count(*) FROM chunks;" >&3
    local _
    for _ in $(seq 1 100); do
        sqlite3 -cmd ".timeout 0" "$1" "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1 || return 0
        sleep 0.05
    done
    return 1
}
release_lock() {
    echo "ROLLBACK;" >&3
    echo ".quit" >&3
    exec 3>&-
    wait "$HOLDER" 2>/dev/null
}

case_ "a store locked by another process for a few seconds: writers wait, then finish"
cp base.db l.db
if hold_lock l.db; then
    "$STRATA" "${EMBED[@]}" --store l.db --base-url "$URL" >out.txt 2>err.txt </dev/null &
    pid=$!
    e2e_bg "$pid"
    sleep 3
    if kill -0 "$pid" 2>/dev/null; then pass "embed waits while the lock is held"; else fail "embed did not wait: $(cat err.txt)"; fi
    release_lock
    wait "$pid"
    assert_eq 0 "$?" "embed completes once the lock is released ($(tr '\n' ' ' <err.txt))"
    tool canon l.db >got.txt
    if cmp -s ref.txt got.txt; then pass "the store is the uninterrupted run's"; else fail "the store differs: $(diff ref.txt got.txt | head -n 3 | cut -c1-120)"; fi
else
    fail "sqlite3 could not take the lock"
fi

# Past the busy timeout: STRATA_BUSY_TIMEOUT=2 in the short form, the 60 s default with LONG=1.
if [ "${LONG:-0}" = 1 ]; then
    BUSY_ENV=() BUSY_LABEL="the default busy timeout (60 s)"
else
    BUSY_ENV=(STRATA_BUSY_TIMEOUT=2) BUSY_LABEL="STRATA_BUSY_TIMEOUT=2"
fi
case_ "a store locked for longer than $BUSY_LABEL"
cp base.db l.db
tool canon l.db >before.txt
if hold_lock l.db; then
    E2E_CMD_TIMEOUT=120 run_timed env "${BUSY_ENV[@]}" "$STRATA" ingest --store l.db --collection docs --size 200 -q more
    assert_eq 7 "$RC" "ingest gives up: exit 7"
    expect_error_line 'l\.db' 'locked by another process'
    note "gave up after ${MS} ms"
    E2E_CMD_TIMEOUT=120 run env "${BUSY_ENV[@]}" "$STRATA" "${EMBED[@]}" --store l.db --base-url "$URL"
    assert_eq 7 "$RC" "embed gives up: exit 7"
    expect_error_line 'l\.db' 'locked by another process'
    release_lock
    tool canon l.db >got.txt
    assert_true "nothing changed" cmp -s before.txt got.txt
else
    fail "sqlite3 could not take the lock"
fi

e2e_finish
