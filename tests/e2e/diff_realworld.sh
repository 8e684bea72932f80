#!/usr/bin/env bash
# `strata migrate diff` against the real-world migration sets (../shared/migrate-sets: SQLite and
# PostgreSQL; tests/e2e/data/mysql-sets: MySQL/MariaDB, when the server starts): for every set and
# every step k (0 .. n-1, n versioned migrations), the schema after migrations 1..k+1 is the
# desired one, and diff must write, from a project holding migrations 1..k only, the migration
# that gets there:
#   1. desired schema: one database per set, `up --steps 1` once per step, then `dump -o` (the same
#      schema as `up` of a folder holding 1..k+1 on a fresh database, without replaying 1..k again
#      at every step)
#   2. `diff step --to desired.sql --no-rename --json` in a project holding 1..k (k=0: empty)
#   3. the outcome:
#        no difference  changes 0, and the dumps before and after migration k+1 are indeed the
#                       same (comments aside); else a failure ("missed a change")
#        written        then verified: with the file added, `diff probe --to desired.sql --dry-run`
#                       must find no difference, and `check --roundtrip` of the project must report
#                       nothing about the new version (exit 0, or 1 = pending): "round-trips exactly"
#        anything else  a failure: the exit code and the first stderr line
# A step passes when it round-trips exactly (or is a verified no-difference). Real schemas expose
# real limitations, so a failure listed in tests/e2e/data/diff_realworld_known.tsv (set, step,
# reason) is reported as known, not failed; a new failure fails the test, and a listed step that
# now passes is reported as stale (STALE_FAILS=1 makes that a failure too).
# Prints a table per set and writes it as TSV to $REPORT (default: the scratch directory, kept with
# E2E_KEEP=1); the per-step TSV goes to $REPORT.steps.
#
# Large sets are sampled to keep the run short (openmeter's 269 steps alone take ~15 minutes):
# DIFF_REALWORLD_MAX_STEPS (default 40) steps per set, the first and last ones and evenly spread
# ones between; DIFF_REALWORLD_MAX_STEPS=0 runs every step. DIFF_REALWORLD_ONLY=REGEX limits the
# sets by name. DIFF_REALWORLD_NO_ROUNDTRIP=1 skips the check --roundtrip.
# Usage: bash tests/e2e/diff_realworld.sh /path/to/strata   STRATA_MIGRATE_SETS=DIR to point elsewhere
here=$(cd "$(dirname "$0")" && pwd)
SETS=${STRATA_MIGRATE_SETS:-$here/../../../shared/migrate-sets}
MYSQL_SETS=$here/data/mysql-sets
KNOWN=$here/data/diff_realworld_known.tsv
. "$here/lib.sh"
e2e_init diff_realworld "$@"
set +e

MAX_STEPS=${DIFF_REALWORLD_MAX_STEPS:-40}
ONLY=${DIFF_REALWORLD_ONLY:-}
REPORT=${REPORT:-$E2E_TMP/diff_realworld.tsv}
STEPS_TSV=$REPORT.steps
export E2E_CMD_TIMEOUT=${E2E_CMD_TIMEOUT:-120}

# ---------------------------------------------------------------------------------------------
# Servers: PostgreSQL and MariaDB when they start; SQLite always runs.
# The sets to run: NAME<TAB>ENGINE<TAB>DIR
PLAN=()
if [ -f "$SETS/compare-schema.py" ]; then
    SETS=$(cd "$SETS" && pwd)
    for d in "$SETS"/*/; do
        [ -f "$d/expected.json" ] || continue
        PLAN+=("$(basename "$d")	$(sed -n 's/.*"engine": *"\([a-z]*\)".*/\1/p' "$d/expected.json")	${d%/}")
    done
else
    echo "diff_realworld: no migration sets at $SETS: only the MySQL sets"
fi
for d in "$MYSQL_SETS"/*/migrations; do
    [ -d "$d" ] && PLAN+=("$(basename "$(dirname "$d")")__mysql	mysql	$d")
done
wanted() { printf '%s\n' "${PLAN[@]}" | awk -F'\t' -v e="$1" -v re="$ONLY" '$2 == e && $1 ~ re { f = 1 } END { exit !f }'; }

# Servers: PostgreSQL and MariaDB when they start (and a set needs them); SQLite always runs.
PG_URL=""
MY_URL=""
chmod 755 "$E2E_TMP" # as root the PostgreSQL server runs as nobody, which must reach its data directory
if wanted postgres; then
    if bash "$here/../servers/pg_server.sh" start "$E2E_TMP/pg" 2>"$E2E_TMP/pg.err"; then
        e2e_on_exit "bash '$here/../servers/pg_server.sh' stop '$E2E_TMP/pg'"
        PG_URL=$(cat "$E2E_TMP/pg/url")
    else
        echo "diff_realworld: PostgreSQL sets skipped: $(head -n 1 "$E2E_TMP/pg.err")"
    fi
fi
if wanted mysql; then
    if bash "$here/../servers/mariadb_server.sh" start "$E2E_TMP/my" 2>"$E2E_TMP/my.err"; then
        e2e_on_exit "bash '$here/../servers/mariadb_server.sh' stop '$E2E_TMP/my'"
        MY_URL=$(cat "$E2E_TMP/my/url")
    else
        echo "diff_realworld: MySQL sets skipped: $(head -n 1 "$E2E_TMP/my.err")"
    fi
fi

# ---------------------------------------------------------------------------------------------
# The python interpreter itself, not a pyenv shim (a second per start on a loaded machine).
PY=$(python3 -c 'import sys; print(sys.executable)')

# Known failures: "set<TAB>step" -> reason
declare -A KNOWN_REASON=()
if [ -f "$KNOWN" ]; then
    while IFS=$'\t' read -r kset kstep kreason; do
        case $kset in '' | '#'*) continue ;; esac
        KNOWN_REASON["$kset	$kstep"]=$kreason
    done <"$KNOWN"
fi

printf 'set\tstep\tversion\toutcome\tcause\tdetail\n' >"$STEPS_TSV"
printf 'set\tengine\tsteps\trun\tskipped\twritten\tno_difference\texact\tknown\tfailed\tstale\tcauses\n' >"$REPORT"
SUMMARY=()
CAUSES=()
STALE=0

# cause_code DETAIL: the failure's kind, the text before the first colon (load: the retry's too,
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

# run_set NAME ENGINE DIR [FLAGS...]: diff_steps.py over the set, each step judged here.
run_set() {
    local name=$1 engine=$2 dir=$3
    shift 3
    local W="$E2E_TMP/w/$name" build_url diff_url dbname f
    local fl=()
    for f in "$@"; do fl+=("--flag=$f"); done
    mkdir -p "$W"
    case_ "$name"
    dbname="drw_$(printf '%s' "$name" | tr -c 'a-z0-9' '_' | cut -c1-40)"
    case $engine in
        sqlite) build_url="sqlite:$W/build.db" diff_url="sqlite:$W/project/x.db" ;;
        postgres) build_url="${PG_URL%/*}/$dbname" diff_url=$PG_URL ;;
        mysql) build_url="${MY_URL%/*}/$dbname" diff_url=$MY_URL ;;
    esac
    local n=0 t_set
    t_set=$(date +%s)
    local ran=0 skipped=0 written=0 nodiff=0 exact=0 known=0 failed=0 stale=0 stop=""
    local k ver outcome kind detail key code kcode
    declare -A causes=() example=()
    while IFS=$'\t' read -r k ver outcome kind detail; do
        [ "$k" = total ] && { n=$ver; continue; }
        key="$name	$k"
        if [ "$outcome" = skip ]; then
            skipped=$((skipped + 1))
            [ -z "$stop" ] && stop=$detail && note "steps $k.. skipped: $detail"
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
            [ -n "${example[$code]+x}" ] || example[$code]="step $k: $detail"
            if [ -n "${KNOWN_REASON[$key]+x}" ]; then
                known=$((known + 1))
                outcome=known
                kcode=${KNOWN_REASON[$key]%%:*}
                pass "$name step $k ($ver): known: ${KNOWN_REASON[$key]}"
                [ "$kcode" != "$code" ] && echo "diff_realworld: $name step $k ($ver): known as [$kcode], fails now as [$code]: $detail"
            else
                failed=$((failed + 1))
                E2E_CMD=""
                fail "step $k ($ver): [$code] $detail (in $W: before_$k.sql, desired_$((k + 1)).sql, gen_$k.sql, diff_$k.err)"
            fi
        fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$k" "$ver" "$outcome" "${code:-}" "$detail" >>"$STEPS_TSV"
        code=""
    done < <("$PY" "$here/../realworld/diff_steps.py" "$STRATA" "$dir" "$W" --build-url "$build_url" \
        --diff-url "$diff_url" --max-steps "$MAX_STEPS" "${fl[@]}" \
        ${DIFF_REALWORLD_ROUNDTRIP:+--roundtrip "$DIFF_REALWORLD_ROUNDTRIP"} 2>"$W/driver.err")
    [ -s "$W/driver.err" ] && { E2E_CMD=""; fail "diff_steps.py: $(head -n 3 "$W/driver.err")"; }
    local c why=""
    for c in "${!causes[@]}"; do
        why="$why${why:+ | }${causes[$c]}x $c"
        CAUSES+=("$name	$c	${causes[$c]}	${example[$c]}")
    done
    [ -n "$stop" ] && why="$why${why:+ | }$skipped skipped: $stop"
    STALE=$((STALE + stale))
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$engine" "$n" "$ran" "$skipped" "$written" \
        "$nodiff" "$exact" "$known" "$failed" "$stale" "$why" >>"$REPORT"
    SUMMARY+=("$(printf '%-44s %-8s %5s %4s %4s %7s %6s %5s %5s %6s %4s' "$name" "$engine" "$n" "$ran" "$skipped" "$written" "$nodiff" "$exact" "$known" "$failed" "$(($(date +%s) - t_set))")")
}

# ---------------------------------------------------------------------------------------------
t0=$(date +%s)
for entry in "${PLAN[@]}"; do
    IFS=$'\t' read -r name engine d <<<"$entry"
    [ -n "$ONLY" ] && ! [[ $name =~ $ONLY ]] && continue
    [ "$engine" = postgres ] && [ -z "$PG_URL" ] && continue
    [ "$engine" = mysql ] && [ -z "$MY_URL" ] && continue
    flags=()
    # harbor's 0030 alters golang-migrate's own history table (as tests/realworld/migrate_sets.py)
    [ "$name" = goharbor__harbor__postgres ] && flags=(--table schema_migrations)
    run_set "$name" "$engine" "$d" "${flags[@]}"
done

echo
echo "diff_realworld: per set ($(($(date +%s) - t0)) s)"
printf '%-44s %-8s %5s %4s %4s %7s %6s %5s %5s %6s %4s\n' set engine steps run skip written nodiff exact known failed secs
for l in "${SUMMARY[@]+"${SUMMARY[@]}"}"; do echo "$l"; done
echo
echo "diff_realworld: failure causes (set, cause, steps, first example):"
for l in "${CAUSES[@]+"${CAUSES[@]}"}"; do
    IFS=$'\t' read -r cs cc cn ce <<<"$l"
    printf '  %s [%s] x%s: %s\n' "$cs" "$cc" "$cn" "${ce:0:400}"
done
echo "diff_realworld: report in $REPORT, steps in $STEPS_TSV"
e2e_finish
