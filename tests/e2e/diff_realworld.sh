#!/usr/bin/env bash
# `strata migrate diff` against the real-world migration sets: ../shared/migrate-sets (SQLite and
# PostgreSQL, on a throwaway server of tests/servers/pg_server.sh) and tests/e2e/data/mysql-sets
# (on tests/servers/mariadb_server.sh); a set whose server does not start is skipped, saying so.
# For every set and step k (0 .. n-1, n versioned migrations) the schema after migrations 1..k+1
# is the desired one, and diff, in a project holding migrations 1..k only (k=0: an empty folder),
# must write the migration that gets there (tests/realworld/diff_steps.py does the steps):
#   1. the desired schema: a builder database per set taken one migration further, then
#      `dump -o desired_<k+1>.sql` (the schema `up` of a folder of 1..k+1 gives a fresh database)
#   2. `diff step --to desired_<k+1>.sql --no-rename --json`
#   3. the outcome:
#        no difference  changes 0, and the dumps before and after migration k+1 are indeed the
#                       same (comment lines aside)
#        written        then verified: with the file added, `diff probe --to desired --dry-run`
#                       says "no difference", and the round trip is exact: SQLite: `check
#                       --roundtrip` reports no error about the new version; PostgreSQL/MySQL:
#                       its up, down and up again on a copy of the builder at k, every dump
#                       compared (check --roundtrip replays the whole project each time: minutes)
#        anything else  a failure, with a cause code (load, diff-5, diff-N, missed, probe,
#                       roundtrip); when desired.sql does not load (load), the step is tried again
#                       with --to the builder database, and the detail says what that gives
# A step passes when it round-trips exactly or is a true no-difference. Real schemas expose real
# limitations: a failing step listed in tests/e2e/data/diff_realworld_known.tsv (set, step, reason;
# the reason starts with the cause code) counts as known, not failed; a new failure fails the test;
# a listed step that passes now is reported as stale (STALE_FAILS=1: a failure too), and one that
# fails for another cause is reported as such. Each step is one check.
# Prints a table per set and each failure cause with its first example; writes the table as TSV
# to $REPORT (default: the scratch directory, kept with E2E_KEEP=1) and every step to
# $REPORT.steps; the files of each step stay in the scratch directory, under w/SET.
#
# Knobs: DIFF_REALWORLD_MAX_STEPS (default 6): steps per PostgreSQL/MySQL set, the first and last
# ones and evenly spread ones between (diff replays the project into fresh server databases, a
# second or more a step: openmeter's 269 steps take ~15 minutes); SQLite sets run every step;
# 0 runs every step of every set. DIFF_REALWORLD_ONLY=REGEX: the sets whose name matches.
# DIFF_REALWORLD_JOBS (default 2): sets run at once. DIFF_REALWORLD_ROUNDTRIP=check|live|none
# overrides how the round trip is checked.
# Usage: bash tests/e2e/diff_realworld.sh /path/to/strata   STRATA_MIGRATE_SETS=DIR to point elsewhere
here=$(cd "$(dirname "$0")" && pwd)
# The twelve sets of the shared data folder next to the repository when it is there; else the five
# vendored in tests/data/migrate-sets (its README says which and why).
SETS=${STRATA_MIGRATE_SETS:-$here/../../../shared/migrate-sets}
[ -n "${STRATA_MIGRATE_SETS:-}" ] || [ -f "$SETS/compare-schema.py" ] || SETS=$here/../data/migrate-sets
MYSQL_SETS=$here/data/mysql-sets
KNOWN=$here/data/diff_realworld_known.tsv
. "$here/lib.sh"
e2e_init diff_realworld "$@"
set +e

MAX_STEPS=${DIFF_REALWORLD_MAX_STEPS:-6}
ONLY=${DIFF_REALWORLD_ONLY:-}
JOBS=${DIFF_REALWORLD_JOBS:-2}
REPORT=${REPORT:-$E2E_TMP/diff_realworld.tsv}
STEPS_TSV=$REPORT.steps
# The python interpreter itself, not a pyenv shim (a second per start on a loaded machine).
PY=$(python3 -c 'import sys; print(sys.executable)')

# ---------------------------------------------------------------------------------------------
# The sets: NAME<TAB>ENGINE<TAB>DIR, the PostgreSQL ones first (the longest).
PLAN=()
if [ -f "$SETS/compare-schema.py" ]; then
    SETS=$(cd "$SETS" && pwd)
    for d in "$SETS"/*/; do
        [ -f "$d/expected.json" ] || continue
        PLAN+=("$(basename "$d")	$(sed -n 's/.*"engine": *"\([a-z]*\)".*/\1/p' "$d/expected.json")	${d%/}")
    done
else
    echo "diff_realworld: no migration sets at $SETS: only the MySQL sets (the others are the migrate-sets folder of the shared data folder ../shared next to the repository, not part of it; put it there or point STRATA_MIGRATE_SETS at a copy)"
fi
for d in "$MYSQL_SETS"/*/migrations; do
    [ -d "$d" ] && PLAN+=("$(basename "$(dirname "$d")")__mysql	mysql	$d")
done
mapfile -t PLAN < <(printf '%s\n' "${PLAN[@]}" | awk -F'\t' -v re="$ONLY" '$1 ~ re' |
    awk -F'\t' '{ print ($2 == "postgres" ? 0 : $2 == "mysql" ? 1 : 2) "\t" $0 }' | sort -s -k1,1n | cut -f2-)
has_engine() { printf '%s\n' "${PLAN[@]}" | cut -f2 | grep -qx "$1"; }

# Servers, started together: PostgreSQL and MariaDB when a set needs them and they start.
PG_URL=""
MY_URL=""
chmod 755 "$E2E_TMP" # as root the PostgreSQL server runs as nobody, which must reach its data directory
if has_engine postgres; then
    bash "$here/../servers/pg_server.sh" start "$E2E_TMP/pg" 2>"$E2E_TMP/pg.err" &
    pg_pid=$!
    e2e_on_exit "bash '$here/../servers/pg_server.sh' stop '$E2E_TMP/pg'"
fi
if has_engine mysql; then
    bash "$here/../servers/mariadb_server.sh" start "$E2E_TMP/my" 2>"$E2E_TMP/my.err" &
    my_pid=$!
    e2e_on_exit "bash '$here/../servers/mariadb_server.sh' stop '$E2E_TMP/my'"
fi
if has_engine postgres; then
    if wait "$pg_pid"; then PG_URL=$(cat "$E2E_TMP/pg/url"); else
        echo "diff_realworld: PostgreSQL sets skipped: $(head -n 1 "$E2E_TMP/pg.err")"
    fi
fi
if has_engine mysql; then
    if wait "$my_pid"; then MY_URL=$(cat "$E2E_TMP/my/url"); else
        echo "diff_realworld: MySQL sets skipped: $(head -n 1 "$E2E_TMP/my.err")"
    fi
fi

# Known failures: "set<TAB>step" -> reason
declare -A KNOWN_REASON=()
if [ -f "$KNOWN" ]; then
    while IFS=$'\t' read -r kset kstep kreason; do
        case $kset in '' | '#'*) continue ;; esac
        KNOWN_REASON["$kset	$kstep"]=$kreason
    done <"$KNOWN"
fi

# ---------------------------------------------------------------------------------------------
# start_set NAME ENGINE DIR: diff_steps.py over the set, in the background, into w/NAME/steps.out.
start_set() {
    local name=$1 engine=$2 dir=$3 W="$E2E_TMP/w/$1" build_url diff_url dbname max=$MAX_STEPS
    local fl=()
    mkdir -p "$W"
    # harbor's 0030 alters golang-migrate's own history table (as tests/realworld/migrate_sets.py)
    [ "$name" = goharbor__harbor__postgres ] && fl=(--flag=--table --flag=schema_migrations)
    dbname="drw_$(printf '%s' "$name" | tr -c 'a-z0-9' '_' | cut -c1-40)"
    case $engine in
        sqlite) build_url="sqlite:$W/build.db" diff_url="sqlite:$W/project/x.db" max=0 ;;
        postgres) build_url="${PG_URL%/*}/$dbname" diff_url=$PG_URL ;;
        mysql) build_url="${MY_URL%/*}/$dbname" diff_url=$MY_URL ;;
    esac
    [ -n "${DIFF_REALWORLD_MAX_STEPS:-}" ] && max=$DIFF_REALWORLD_MAX_STEPS
    # a guard against a hang: every step of openmeter takes more than an hour
    local limit=1200
    [ "$max" = 0 ] && limit=14400
    timeout -k 5 "$limit" "$PY" "$here/../realworld/diff_steps.py" "$STRATA" "$dir" "$W" --build-url "$build_url" \
        --diff-url "$diff_url" --max-steps "$max" "${fl[@]}" \
        ${DIFF_REALWORLD_ROUNDTRIP:+--roundtrip "$DIFF_REALWORLD_ROUNDTRIP"} >"$W/steps.out" 2>"$W/driver.err" &
    e2e_bg $!
}

# cause_code DETAIL: the failure's kind, the text before the first colon (load: with the retry's,
# e.g. load+diff-5, or load+ok when the database as --to passes).
cause_code() {
    local c=${1%%:*} rest
    if [ "$c" = load ]; then
        rest=${1#*with --to the database: }
        case $rest in
            ok:*) c="load+ok" ;;
            fail:*) rest=${rest#fail: }; c="load+${rest%%:*}" ;;
        esac
    fi
    printf '%s' "$c"
}

printf 'set\tstep\tversion\toutcome\tcause\tdetail\n' >"$STEPS_TSV"
printf 'set\tengine\tsteps\trun\tskipped\twritten\tno_difference\texact\tknown\tfailed\tstale\tsecs\tcauses\n' >"$REPORT"
SUMMARY=()
CAUSES=()

# judge_set NAME ENGINE: each step of w/NAME/steps.out is one check.
judge_set() {
    local name=$1 engine=$2 W="$E2E_TMP/w/$1"
    local n=0 secs=- ran=0 skipped=0 written=0 nodiff=0 exact=0 known=0 failed=0 stale=0 stop=""
    local k ver outcome kind detail key code kcode
    declare -A causes=() example=()
    case_ "$name"
    while IFS=$'\t' read -r k ver outcome kind detail; do
        [ "$k" = total ] && { n=$ver; continue; }
        [ "$k" = end ] && { secs=$ver; continue; }
        key="$name	$k"
        code=""
        if [ "$outcome" = skip ]; then
            skipped=$((skipped + 1))
            [ -z "$stop" ] && stop=$detail && note "steps $k.. skipped (no desired schema): $detail"
            continue
        fi
        ran=$((ran + 1))
        [ "$kind" = written ] && written=$((written + 1))
        [ "$kind" = nodiff ] && nodiff=$((nodiff + 1))
        [ "$outcome" = ok ] && [ "$kind" = written ] && exact=$((exact + 1))
        if [ "$outcome" = ok ]; then
            pass "$name step $k ($ver): $detail"
            if [ -n "${KNOWN_REASON[$key]+x}" ]; then
                stale=$((stale + 1))
                echo "diff_realworld: STALE allow-list entry (the step passes now): $name step $k ($ver): ${KNOWN_REASON[$key]}"
                [ "${STALE_FAILS:-0}" = 1 ] && fail "stale allow-list entry: $name step $k"
                outcome=stale
            fi
        else
            code=$(cause_code "$detail")
            causes[$code]=$((${causes[$code]:-0} + 1))
            [ -n "${example[$code]+x}" ] || example[$code]="step $k ($ver): $detail"
            if [ -n "${KNOWN_REASON[$key]+x}" ]; then
                known=$((known + 1))
                outcome=known
                kcode=${KNOWN_REASON[$key]%%:*}
                pass "$name step $k ($ver): known: ${KNOWN_REASON[$key]}"
                [ "$kcode" != "$code" ] &&
                    echo "diff_realworld: $name step $k ($ver): listed as [$kcode], fails now as [$code]: ${detail:0:300}"
            else
                failed=$((failed + 1))
                E2E_CMD=""
                fail "step $k ($ver): [$code] $detail (in $W: before_$k.sql, desired_$((k + 1)).sql, gen_$k.sql, diff_$k.err)"
            fi
        fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$k" "$ver" "$outcome" "$code" "$detail" >>"$STEPS_TSV"
    done <"$W/steps.out"
    if [ -s "$W/driver.err" ] || [ "$secs" = - ]; then
        # shellcheck disable=SC2034  # read by fail (lib.sh)
        E2E_CMD=""
        fail "diff_steps.py did not finish: $(head -n 3 "$W/driver.err")"
    fi
    local c why=""
    for c in "${!causes[@]}"; do
        why="$why${why:+ | }${causes[$c]}x $c"
        CAUSES+=("$name	$c	${causes[$c]}	${example[$c]}")
    done
    [ -n "$stop" ] && why="$why${why:+ | }$skipped skipped: $stop"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$engine" "$n" "$ran" "$skipped" "$written" \
        "$nodiff" "$exact" "$known" "$failed" "$stale" "$secs" "$why" >>"$REPORT"
    SUMMARY+=("$(printf '%-44s %-8s %5s %4s %4s %7s %6s %5s %5s %6s %5s' "$name" "$engine" "$n" "$ran" "$skipped" \
        "$written" "$nodiff" "$exact" "$known" "$failed" "$secs")")
}

# ---------------------------------------------------------------------------------------------
t0=$(date +%s)
RUN=()
for entry in "${PLAN[@]}"; do
    IFS=$'\t' read -r name engine d <<<"$entry"
    [ "$engine" = postgres ] && [ -z "$PG_URL" ] && continue
    [ "$engine" = mysql ] && [ -z "$MY_URL" ] && continue
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    start_set "$name" "$engine" "$d"
    RUN+=("$name	$engine")
done
wait
for entry in "${RUN[@]+"${RUN[@]}"}"; do
    IFS=$'\t' read -r name engine <<<"$entry"
    judge_set "$name" "$engine"
done

echo
echo "diff_realworld: per set ($(($(date +%s) - t0)) s, $JOBS at once; run = steps run, skip = no desired schema)"
printf '%-44s %-8s %5s %4s %4s %7s %6s %5s %5s %6s %5s\n' set engine steps run skip written nodiff exact known failed secs
for l in "${SUMMARY[@]+"${SUMMARY[@]}"}"; do echo "$l"; done
echo
echo "diff_realworld: failure causes (set [cause] steps: first example):"
for l in "${CAUSES[@]+"${CAUSES[@]}"}"; do
    IFS=$'\t' read -r cs cc cn ce <<<"$l"
    printf '  %s [%s] x%s: %s\n' "$cs" "$cc" "$cn" "${ce:0:400}"
done
echo "diff_realworld: report in $REPORT, steps in $STEPS_TSV"
e2e_finish
