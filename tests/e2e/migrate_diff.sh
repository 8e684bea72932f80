#!/usr/bin/env bash
# `strata migrate diff`, data-driven: every case of tests/e2e/data/diff_cases_{sqlite,postgres,mysql}.sql
# ("-- case: NAME", "-- before", SQL, "-- after", SQL, optional "-- args: ...") runs in a fresh
# project whose only migration is `before`, applied:
#   diff change --to after.sql [args] writes exactly one file (two with --concurrently), its path on
#   stdout; a `strata:backfill` marker makes `check` exit 3 (unfilled-backfill) until it is deleted;
#   diff probe --to after.sql --dry-run then finds no difference and writes nothing;
#   up, down, check --drift (0 or 1: pending), up, check --drift (0);
#   SQLite: the live schema after up equals a database built from after.sql (objects, columns,
#   foreign keys, indexes, WITHOUT ROWID/STRICT), and after down one built from before.sql.
# Then behaviour on SQLite: no difference, --dry-run, an undecided rename (exit 2), a rename keeping
# its data, --no-rename, destructive warnings, the backfill marker, --to a folder, --to a live
# database, a desired schema that does not load (exit 3), migrations that do not replay (exit 6),
# usage errors, --json.
# SQLite always runs; PostgreSQL and MySQL (MariaDB) when tests/servers can start their servers
# (otherwise a note says they were left out).
# Usage: bash tests/e2e/migrate_diff.sh /path/to/strata
#   CASES=name1,name2               only these cases (data cases of every engine, and behaviour cases)
#   DIFF_ENGINES=sqlite,postgres,mysql   only these engines (default: all three; behaviour runs with sqlite)
# The SQLite cases run some 700 commands: the helpers below avoid forks (no $(...), no grep per
# check), which is where the time went.
DATA_DIR=$(cd "$(dirname "$0")/data" && pwd)
SERVERS_DIR=$(cd "$(dirname "$0")/../servers" && pwd)
. "$(dirname "$0")/lib.sh"
e2e_init migrate_diff "$@"
set +e

DIFF_ENGINES=${DIFF_ENGINES:-sqlite,postgres,mysql}
CASES=${CASES:-}
V0=20200101000000

wanted() { [ -z "$CASES" ] || [[ ",$CASES," == *",$1,"* ]]; }
engine_wanted() { [[ ",$DIFF_ENGINES," == *",$1,"* ]]; }

# ---------------------------------------------------------------------------------------------
# Case files: each case becomes a project, $E2E_TMP/run/ENGINE/NNN_NAME/ with before.sql,
# after.sql, args (one a line) and migrations/${V0}_before.sql (before as the up, an empty down).
cat >"$E2E_TMP/parse_cases.py" <<'PY'
import os, re, shlex, sys
src, out, v0 = sys.argv[1], sys.argv[2], sys.argv[3]
cases, cur, sect = [], None, None
for line in open(src, encoding="utf-8"):
    s = line.rstrip("\n")
    m = re.match(r"^-- case: *([A-Za-z0-9_]+) *$", s)
    if m:
        cur = {"name": m.group(1), "before": "", "after": "", "args": []}
        cases.append(cur)
        sect = None
        continue
    if cur is None:
        continue
    if s.strip() == "-- before":
        sect = "before"
        continue
    if s.strip() == "-- after":
        sect = "after"
        continue
    m = re.match(r"^-- args: *(.*)$", s)
    if m:
        cur["args"] = shlex.split(m.group(1))
        sect = None
        continue
    if sect:
        cur[sect] += line
names = [c["name"] for c in cases]
dups = sorted({n for n in names if names.count(n) > 1})
if dups:
    sys.exit("duplicate case names in %s: %s" % (src, ", ".join(dups)))
for i, c in enumerate(cases):
    d = os.path.join(out, "%03d_%s" % (i + 1, c["name"]))
    os.makedirs(os.path.join(d, "migrations"))
    for k in ("before", "after"):
        with open(os.path.join(d, k + ".sql"), "w", encoding="utf-8") as f:
            f.write(c[k])
    with open(os.path.join(d, "migrations", v0 + "_before.sql"), "w", encoding="utf-8") as f:
        f.write("-- migrate:up\n" + c["before"] + "\n-- migrate:down\n")
    with open(os.path.join(d, "args"), "w", encoding="utf-8") as f:
        f.write("".join(a + "\n" for a in c["args"]))
PY

# SQLite schema signature: one line per object, column (PRAGMA table_xinfo), foreign key, index
# (columns, unique, origin, partial) and table flag (WITHOUT ROWID, STRICT), without strata's own
# tables, sorted.
SIG_SQL="WITH objs AS (SELECT type, name, tbl_name FROM sqlite_schema
  WHERE name NOT LIKE 'sqlite\_%' ESCAPE '\' AND tbl_name NOT LIKE 'strata\_%' ESCAPE '\')
SELECT type || ' ' || name || CASE WHEN type IN ('index', 'trigger') THEN ' on ' || tbl_name ELSE '' END FROM objs
UNION ALL
SELECT 'table ' || o.name || ': without_rowid=' || l.wr || ' strict=' || l.strict
  FROM objs o JOIN pragma_table_list l ON l.name = o.name AND l.schema = 'main' WHERE o.type = 'table'
UNION ALL
SELECT o.type || ' ' || o.name || ' column ' || c.name || ': type=' || upper(c.type) || ' notnull=' || c.\"notnull\"
       || ' default=' || ifnull(c.dflt_value, '(none)') || ' pk=' || c.pk || ' hidden=' || c.hidden
  FROM objs o, pragma_table_xinfo(o.name) c WHERE o.type IN ('table', 'view')
UNION
SELECT 'table ' || o.name || ' foreign key (' || f.\"from\" || ') -> ' || f.\"table\" || '(' || ifnull(f.\"to\", '') || ')'
       || ' on update ' || f.on_update || ' on delete ' || f.on_delete
  FROM objs o, pragma_foreign_key_list(o.name) f WHERE o.type = 'table'
UNION ALL
SELECT 'table ' || o.name || ' index ' || CASE WHEN i.name LIKE 'sqlite\_autoindex\_%' ESCAPE '\' THEN '(automatic)' ELSE i.name END
       || ': unique=' || i.\"unique\" || ' origin=' || i.origin || ' partial=' || i.partial || ' columns='
       || (SELECT group_concat(k, ', ') FROM (SELECT CASE x.cid WHEN -2 THEN '<expression>' WHEN -1 THEN 'rowid' ELSE x.name END
             || CASE WHEN x.\"desc\" THEN ' DESC' ELSE '' END || ' ' || x.coll AS k
             FROM pragma_index_xinfo(i.name) x WHERE x.key ORDER BY x.seqno))
  FROM objs o, pragma_index_list(o.name) i WHERE o.type = 'table'
ORDER BY 1;"

# sqlite_same_as SQLFILE WHAT: app.db's schema is that of SQLFILE run on an empty database.
sqlite_same_as() {
    local want got
    want=$(sqlite3 -batch -noheader :memory: ".read $1" "$SIG_SQL" 2>&1)
    got=$(sqlite3 -readonly -batch -noheader app.db "$SIG_SQL" 2>&1)
    if [ "$want" = "$got" ]; then
        pass "$2"
    else
        E2E_CMD=""
        fail "$2 (< built from $1, > live):"
        diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | _e2e_indent 30
    fi
}

# ---------------------------------------------------------------------------------------------
# Servers: one PostgreSQL and one MariaDB for the whole run, when they can be started.
HAVE_PG=0
HAVE_MY=0
start_server_maybe() {  # start_server_maybe SCRIPT DIR LABEL
    local rc
    bash "$SERVERS_DIR/$1" start "$2" 2>"$E2E_TMP/$3.server.err"
    rc=$?
    if [ $rc = 0 ]; then
        e2e_on_exit "bash '$SERVERS_DIR/$1' stop '$2'"
        return 0
    fi
    echo "$E2E_NAME: note: $3 left out, its server could not start (exit $rc): $(head -c 400 "$E2E_TMP/$3.server.err")"
    return 1
}
if engine_wanted postgres; then
    chmod 755 "$E2E_TMP"  # as root the server runs as nobody, which must reach its data directory
    if start_server_maybe pg_server.sh "$E2E_TMP/pg" PostgreSQL; then
        HAVE_PG=1
        PG_URL=$(cat "$E2E_TMP/pg/url")
        PG_BASE=${PG_URL%/postgres}
    fi
fi
if engine_wanted mysql; then
    if start_server_maybe mariadb_server.sh "$E2E_TMP/my" MySQL; then
        HAVE_MY=1
        MY_PASSWORD=$(cat "$E2E_TMP/my/password")
        MY_PORT=$(cat "$E2E_TMP/my/port")
        MY_BASE="mysql://strata:$MY_PASSWORD@127.0.0.1:$MY_PORT"
    fi
fi
if engine_wanted postgres && engine_wanted mysql && [ $HAVE_PG = 0 ] && [ $HAVE_MY = 0 ]; then
    echo "$E2E_NAME: note: neither PostgreSQL nor MySQL could start: SQLite cases only"
fi

pq() { psql "$PG_URL" -X -q -A -t -v ON_ERROR_STOP=1 -c "$1"; }
my_root() {
    mariadb --no-defaults -h127.0.0.1 -P"$MY_PORT" -uroot -p"$(cat "$E2E_TMP/my/root_password")" -N -B -e "$1"
}

# ---------------------------------------------------------------------------------------------
# Helpers without forks. S runs `strata migrate -d $URL`; on SQLite without timeout(1) (a process
# less per command; CTest's timeout still ends a hang), on the servers with it.
URL=sqlite:app.db
S() {
    printf -v E2E_CMD '%q ' strata migrate -d "$URL" "$@"
    E2E_CMD="(cwd ${PWD#"$E2E_TMP"/}) ${E2E_CMD% }"
    if [ "${URL#sqlite:}" != "$URL" ]; then
        "$STRATA" migrate -d "$URL" "$@"
    else
        timeout -k 5 "${E2E_CMD_TIMEOUT:-30}" "$STRATA" migrate -d "$URL" "$@"
    fi
}
# xrun CMD...: lib.sh's run without its forks (OUT and ERR are not set; .out and .err are).
xrun() {
    "$@" >"$E2E_TMP/.out" 2>"$E2E_TMP/.err" </dev/null
    RC=$?
}
xexit() {  # xexit CODE -- CMD...
    local want=$1
    shift
    [ "$1" = -- ] && shift
    xrun "$@"
    if [ "$RC" = "$want" ]; then pass "exit $want: $E2E_CMD"; else fail "expected exit $want, got $RC"; fi
}
TEXT=""
slurp() { TEXT=""; IFS= read -r -d '' TEXT <"$1"; }  # the file's text in TEXT
xstderr() {  # xstderr REGEX: stderr of the last command matches (bash ERE)
    slurp "$E2E_TMP/.err"
    if [[ $TEXT =~ $1 ]]; then pass "stderr ~ /$1/"; else fail "stderr does not match /$1/"; fi
}
# MIG: the migration files, names only, in order; NEW: those not in KNOWN (set by known_now).
KNOWN=" "
list_migrations() {
    local f
    MIG=()
    NEW=()
    for f in migrations/*.sql; do
        [ -e "$f" ] || continue
        f=${f#migrations/}
        MIG+=("$f")
        [[ $KNOWN == *" $f "* ]] || NEW+=("$f")
    done
}
known_now() {
    list_migrations
    KNOWN=" ${MIG[*]} "
}
new_files() {  # for the behaviour cases: the new files, one a line
    list_migrations
    [ ${#NEW[@]} = 0 ] || printf '%s\n' "${NEW[@]}"
}

# ---------------------------------------------------------------------------------------------
# One data case, in its project directory.
run_case() {  # run_case ENGINE DIR NUMBER
    local engine=$1 dir=$2 n=$3 name args=() f nfiles want_files files_text=""
    name=${dir##*/}
    name=${name#*_}
    case_ "$engine: $name"
    cd "$dir" || return
    mapfile -t args <args
    case $engine in
        sqlite) URL=sqlite:app.db ;;
        postgres) pq "CREATE DATABASE diff_$n" >/dev/null && URL=$PG_BASE/diff_$n ;;
        mysql) my_root "CREATE DATABASE diff_$n" && URL=$MY_BASE/diff_$n ;;
    esac || { fail "cannot create a database for the case"; return; }

    xexit 0 -- S up -q
    [ "$RC" = 0 ] || return
    known_now

    # the migration
    xexit 0 -- S diff change --to after.sql "${args[@]}"
    [ "$RC" = 0 ] || return
    list_migrations
    nfiles=${#NEW[@]}
    want_files=1
    [[ " ${args[*]} " == *" --concurrently "* ]] && want_files=2
    assert_eq "$want_files" "$nfiles" "diff wrote $want_files file(s): ${NEW[*]}"
    [ "$nfiles" -ge 1 ] || return
    slurp "$E2E_TMP/.out"
    if [[ $TEXT == *"${NEW[0]}"* ]]; then pass "stdout names ${NEW[0]}"; else fail "stdout does not name ${NEW[0]}"; fi
    for f in "${NEW[@]}"; do
        slurp "migrations/$f"
        files_text+=$TEXT
        if [[ $TEXT =~ (^|$'\n')--\ ?migrate:up && $TEXT =~ $'\n'--\ ?migrate:down ]]; then
            pass "$f has up and down sections"
        else
            fail "$f lacks a -- migrate:up or -- migrate:down line"
        fi
        if [ "$want_files" = 2 ] && [[ $f == *_change_indexes.sql ]]; then
            if [[ $TEXT == *transaction:false* && $TEXT == *CONCURRENTLY* ]]; then
                pass "$f has transaction:false and CONCURRENTLY"
            else
                fail "$f lacks transaction:false or CONCURRENTLY"
            fi
        fi
    done
    if [ "$want_files" = 2 ] && [[ " ${NEW[*]} " != *_change_indexes.sql\ * ]]; then
        fail "no *_change_indexes.sql among: ${NEW[*]}"
    fi
    if [[ $files_text == *strata:backfill* ]]; then
        xexit 3 -- S check
        slurp "$E2E_TMP/.out"
        if [[ $TEXT == *unfilled-backfill* ]]; then pass "check reports unfilled-backfill"; else fail "check does not report unfilled-backfill"; fi
        for f in "${NEW[@]}"; do sed -i '/strata:backfill/d' "migrations/$f"; done
        xrun S check
        slurp "$E2E_TMP/.out"
        if [[ $TEXT != *unfilled-backfill* ]]; then pass "no unfilled-backfill once the marker is deleted"; else fail "unfilled-backfill still reported"; fi
    fi

    # the migrations now give the desired schema
    known_now
    xexit 0 -- S diff probe --to after.sql --dry-run
    xstderr 'no difference'
    list_migrations
    assert_eq "" "${NEW[*]}" "diff --dry-run wrote nothing"

    # apply, roll back, apply again
    xexit 0 -- S up
    [ "$RC" = 0 ] || return
    [ "$engine" = sqlite ] && sqlite_same_as after.sql "live schema after up = schema built from after.sql"
    xexit 0 -- S down --steps "$nfiles"
    [ "$RC" = 0 ] || return
    [ "$engine" = sqlite ] && sqlite_same_as before.sql "live schema after down = schema built from before.sql"
    xrun S check --drift -q
    if [ "$RC" = 0 ] || [ "$RC" = 1 ]; then pass "check --drift after down: exit $RC"; else fail "check --drift after down: exit $RC (want 0 or 1: no drift)"; fi
    xexit 0 -- S up
    xexit 0 -- S check --drift
}

# drop_case_database ENGINE N: a server case's database, once done (data directories of 80
# databases take long to delete at the end).
drop_case_database() {
    case $1 in
        postgres) pq "DROP DATABASE IF EXISTS diff_$2" >/dev/null 2>&1 ;;
        mysql) my_root "DROP DATABASE IF EXISTS diff_$2" >/dev/null 2>&1 ;;
    esac
}

run_engine() {  # run_engine ENGINE
    local engine=$1 dir n
    python3 "$E2E_TMP/parse_cases.py" "$DATA_DIR/diff_cases_$engine.sql" "$E2E_TMP/run/$engine" $V0 || {
        fail "cannot read $DATA_DIR/diff_cases_$engine.sql"
        return
    }
    for dir in "$E2E_TMP/run/$engine"/*/; do
        dir=${dir%/}
        n=${dir##*/}
        wanted "${n#*_}" || continue
        run_case "$engine" "$dir" "$((10#${n%%_*}))"
        [ "${E2E_KEEP:-0}" = 1 ] || drop_case_database "$engine" "$((10#${n%%_*}))"
    done
    cd "$E2E_TMP" || exit 2
    URL=sqlite:app.db
}

engine_wanted sqlite && run_engine sqlite
[ $HAVE_PG = 1 ] && run_engine postgres
[ $HAVE_MY = 1 ] && run_engine mysql

# ---------------------------------------------------------------------------------------------
# Behaviour, on SQLite.
URL=sqlite:app.db
project() {  # project NAME BEFORE_SQL: a fresh project with BEFORE_SQL applied
    mkdir -p "$E2E_TMP/behaviour/$1/migrations"
    cd "$E2E_TMP/behaviour/$1" || exit 2
    mig migrations $V0 before "$2" ""
    if ! "$STRATA" migrate -d "$URL" up -q >/dev/null 2>&1; then
        fail "setup: up failed"
    fi
    known_now
}
behaviour() { wanted "$1" && engine_wanted sqlite && case_ "behaviour: $1"; }

if behaviour no_difference; then
    project no_difference "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);"
    echo "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);" >schema.sql
    expect_exit 0 -- S diff same --to schema.sql
    expect_stderr_match 'no difference'
    expect_stdout_empty
    assert_eq "" "$(new_files)" "no file written"
    expect_exit 0 -- S diff same --to schema.sql --dry-run
    expect_stderr_match 'no difference'
    assert_eq "" "$(new_files)" "no file written with --dry-run"
fi

# The sqlite3 shell's `.schema` of a database with an AUTOINCREMENT table writes SQLite's own
# sqlite_sequence (and sqlite_stat1 after ANALYZE), which a new database refuses to be given.
if behaviour sqlite_shell_schema; then
    project sqlite_shell_schema "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL);"
    sqlite3 shell.db "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL, note TEXT);
        INSERT INTO users (email) VALUES ('a@b'); CREATE INDEX users_email ON users(email); ANALYZE;"
    sqlite3 shell.db .schema >schema.sql
    assert_true "the shell wrote sqlite_sequence" grep -q 'CREATE TABLE sqlite_sequence' schema.sql
    expect_exit 0 -- S diff add_note --to schema.sql --dry-run
    expect_stdout_match 'note'
    expect_stdout_nomatch 'sqlite_sequence|sqlite_stat'
fi

if behaviour dry_run_writes_nothing; then
    project dry_run_writes_nothing "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);"
    printf '%s\n' "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, note TEXT);" \
        "CREATE INDEX users_email ON users(email);" >schema.sql
    FP=$(db_fingerprint app.db)
    expect_exit 0 -- S diff add_note --to schema.sql --dry-run
    expect_stdout_match '^-- *migrate:up'
    expect_stdout_match '^-- *migrate:down'
    expect_stdout_match 'note'
    expect_stdout_match 'users_email'
    assert_eq "" "$(new_files)" "--dry-run wrote no file"
    assert_eq "$FP" "$(db_fingerprint app.db)" "--dry-run left the database alone"
fi

if behaviour possible_rename_needs_a_choice; then
    project possible_rename_needs_a_choice "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT);"
    echo "CREATE TABLE users (id INTEGER PRIMARY KEY, full_name TEXT, email TEXT);" >schema.sql
    expect_exit 2 -- S diff rename_name --to schema.sql
    expect_stderr_match 'possible rename'
    expect_stderr_match 'full_name'
    assert_eq "" "$(new_files)" "no file written"
    expect_exit 2 -- S diff rename_name --to schema.sql --dry-run
    expect_stderr_match 'possible rename'
    # a table
    echo "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, email TEXT);" >tables.sql
    expect_exit 2 -- S diff rename_table --to tables.sql
    expect_stderr_match 'possible rename'
    assert_eq "" "$(new_files)" "no file written for the table either"
fi

if behaviour rename_hint_taken_as_printed; then
    # Two columns go and one like them comes: one candidate, not two that cannot both be renames;
    # two tables go and one like both comes: the more alike is the candidate. The hint's flags,
    # as printed, decide everything in one more run.
    project rename_hint_taken_as_printed "CREATE TABLE users (id INTEGER PRIMARY KEY, a TEXT, b TEXT, email TEXT);
CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, email TEXT);
CREATE TABLE persons (id INTEGER PRIMARY KEY, name TEXT, note TEXT);"
    printf '%s\n' "CREATE TABLE users (id INTEGER PRIMARY KEY, x TEXT, email TEXT);" \
        "CREATE TABLE members (id INTEGER PRIMARY KEY, name TEXT, email TEXT);" >schema.sql
    expect_exit 2 -- S diff reshape --to schema.sql
    expect_error_line 'possible renames \(2\): column users.a -> users.x, table people -> members$'
    expect_stderr_match 'hint: .*: --rename users.a=x --rename people=members --no-rename$'
    HINT_FLAGS=$(sed -n 's/^strata: hint: .*: //p' "$E2E_TMP/.err")
    # shellcheck disable=SC2086
    expect_exit 0 -- S diff reshape --to schema.sql $HINT_FLAGS
    F=$(new_files)
    assert_true "the column renamed" grep -q 'RENAME COLUMN a TO x' "migrations/$F"
    assert_true "the table renamed" grep -q 'RENAME TO members' "migrations/$F"
    assert_true "b dropped" grep -q 'DROP COLUMN b' "migrations/$F"
    assert_true "persons dropped" grep -qi 'DROP TABLE persons' "migrations/$F"
fi

if behaviour rename_asked_at_a_terminal; then
    project rename_asked_at_a_terminal "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT);"
    echo "CREATE TABLE users (id INTEGER PRIMARY KEY, full_name TEXT, email TEXT);" >schema.sql
    PTY=$(answer_on_pty y "$STRATA" migrate -d "$URL" diff rename_name --to schema.sql)
    assert_eq 0 "$?" "answered y at the terminal: written"
    assert_true "the question names the candidate" grep -q 'column users.name -> users.full_name: is this a rename' <<<"$PTY"
    F=$(new_files)
    assert_true "y: the column is renamed" grep -q 'RENAME COLUMN name TO full_name' "migrations/$F"
    rm -f "migrations/$F"
    PTY=$(answer_on_pty n "$STRATA" migrate -d "$URL" diff replace_name --to schema.sql)
    assert_eq 0 "$?" "answered n: written"
    F=$(new_files)
    assert_true "n: the column is dropped and one added" grep -q 'DROP COLUMN name' "migrations/$F"
fi

if behaviour rename_keeps_data; then
    project rename_keeps_data "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT);
INSERT INTO users (name, email) VALUES ('Ada', 'ada@example.org');"
    echo "CREATE TABLE users (id INTEGER PRIMARY KEY, full_name TEXT, email TEXT);" >schema.sql
    expect_exit 0 -- S diff rename_name --to schema.sql --rename users.name=full_name
    F=$(new_files)
    assert_true "the file renames the column" grep -qi 'rename' "migrations/$F"
    assert_false "the file drops nothing" grep -qi 'destructive' "migrations/$F"
    expect_exit 0 -- S up
    assert_eq "Ada" "$(db_q app.db "SELECT full_name FROM users")" "the renamed column kept its value"
    expect_exit 0 -- S down
    assert_eq "Ada" "$(db_q app.db "SELECT name FROM users")" "down renamed it back, value kept"
fi

if behaviour no_rename_drops_and_warns; then
    project no_rename_drops_and_warns "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT);"
    echo "CREATE TABLE users (id INTEGER PRIMARY KEY, full_name TEXT, email TEXT);" >schema.sql
    expect_exit 0 -- S diff replace_name --to schema.sql --no-rename
    expect_stderr_match 'destructive'
    expect_stderr_match '\bname\b'
    F=$(new_files)
    assert_true "the file marks the drop: -- destructive:" grep -q -- '-- destructive:' "migrations/$F"
fi

if behaviour destructive_drop_table; then
    project destructive_drop_table "CREATE TABLE users (id INTEGER PRIMARY KEY);
CREATE TABLE old_stuff (id INTEGER PRIMARY KEY, x TEXT);"
    echo "CREATE TABLE users (id INTEGER PRIMARY KEY);" >schema.sql
    expect_exit 0 -- S diff drop_old_stuff --to schema.sql
    expect_stderr_match 'destructive'
    expect_stderr_match 'old_stuff'
    F=$(new_files)
    assert_true "-- destructive: in the file" grep -q -- '-- destructive:.*old_stuff' "migrations/$F"
    expect_exit 1 -- S check
    expect_output_match 'destructive' "check warns about the drop too (exit 1: the file is pending)"
fi

if behaviour backfill_marker; then
    # the migrations create the table empty; the live database has rows (production data)
    project backfill_marker "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);"
    sqlite3 app.db "INSERT INTO users (email) VALUES ('ada@example.org');"
    echo "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, handle TEXT NOT NULL);" >schema.sql
    expect_exit 0 -- S diff add_handle --to schema.sql
    expect_stderr_match 'strata:backfill'
    F=$(new_files)
    if [ -n "$F" ]; then
        assert_true "the up holds a strata:backfill comment" grep -q 'strata:backfill' "migrations/$F"
        # (the contract says an UPDATE; a SQLite rebuild fills the column in its INSERT ... SELECT)
        assert_true "and an UPDATE or INSERT to fill in" grep -Eqi '^ *(UPDATE|INSERT)' "migrations/$F"
        expect_exit 3 -- S check
        expect_output_match 'unfilled-backfill'
        expect_exit 3 -- S check --json
        expect_json_true "check --json: an unfilled-backfill finding naming the file" \
            "any(f['code'] == 'unfilled-backfill' and '$F' in (f.get('file') or '') for f in d['findings'])"
        # the user fills in the placeholder (the first NULL of the statement after the marker) and
        # deletes the marker line
        python3 - "migrations/$F" <<'PY'
import re, sys
p = sys.argv[1]
lines = open(p).read().split("\n")
i = next(k for k, l in enumerate(lines) if "strata:backfill" in l)
del lines[i]
for j in range(i, len(lines)):
    lines[j], n = re.subn(r"\bNULL\b", "'user' || id", lines[j], count=1)
    if n or lines[j].rstrip().endswith(";"):
        break
open(p, "w").write("\n".join(lines))
PY
        run S check
        expect_output_nomatch 'unfilled-backfill'
        expect_exit 0 -- S up
        assert_eq "user1" "$(db_q app.db "SELECT handle FROM users")" "the backfill ran"
        assert_eq "1" "$(db_q app.db "SELECT \"notnull\" FROM pragma_table_info('users') WHERE name = 'handle'")" "handle is NOT NULL"
    fi
fi

if behaviour backfill_with_seeded_rows; then
    # rows inserted by a migration are in the scratch replay too: the draft must still verify
    project backfill_with_seeded_rows "CREATE TABLE roles (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO roles (name) VALUES ('admin'), ('member');"
    echo "CREATE TABLE roles (id INTEGER PRIMARY KEY, name TEXT NOT NULL, label TEXT NOT NULL);" >schema.sql
    expect_exit 0 -- S diff add_label --to schema.sql
    expect_stderr_match 'strata:backfill'
    assert_eq 1 "$(new_files | grep -c .)" "one file written"
fi

if behaviour to_a_folder; then
    project to_a_folder "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);"
    mkdir -p schema
    echo "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT);" >schema/01_users.sql
    echo "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), title TEXT);" >schema/02_posts.sql
    echo "not sql, not read" >schema/README.md
    expect_exit 0 -- S diff from_folder --to schema
    F=$(new_files)
    assert_true "the file creates posts" grep -q 'posts' "migrations/$F"
    assert_true "the file adds users.name" grep -q 'name' "migrations/$F"
    known_now
    expect_exit 0 -- S diff probe --to schema --dry-run
    expect_stderr_match 'no difference'
    expect_exit 0 -- S diff probe --to schema/01_users.sql --to schema/02_posts.sql --dry-run
    expect_stderr_match 'no difference' "two --to files give the same schema as their folder"
    expect_exit 0 -- S up
    assert_true "posts exists after up" table_exists app.db posts
fi

if behaviour to_a_live_database; then
    project to_a_live_database "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);"
    sqlite3 other.db "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, age INTEGER CHECK (age >= 0));
CREATE INDEX users_age ON users(age);
CREATE VIEW adults AS SELECT id FROM users WHERE age >= 18;"
    FP=$(db_fingerprint other.db)
    expect_exit 0 -- S diff catch_up --to sqlite:other.db
    assert_eq "$FP" "$(db_fingerprint other.db)" "the live desired database is left alone"
    known_now
    expect_exit 0 -- S diff probe --to sqlite:other.db --dry-run
    expect_stderr_match 'no difference'
    expect_exit 0 -- S up
    expect_exit 0 -- S diff probe --to sqlite:other.db --dry-run
    expect_stderr_match 'no difference'
    sqlite3 other.db "ALTER TABLE users ADD COLUMN nickname TEXT;"
    expect_exit 0 -- S diff probe --to sqlite:other.db --dry-run
    expect_stdout_match 'nickname' "a change by hand in the live database shows in the next diff"
fi

if behaviour comments_survive_dump_and_load; then
    # SQLite keeps a CREATE TABLE's comments in its text (issue 35): they are not columns to drift,
    # diff, or a dump loaded again.
    project comments_survive_dump_and_load "CREATE TABLE users ( -- the people
  -- the key
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL, -- the user's name, (shown)
  /* a block comment, with a comma */ email TEXT /* after */
  -- last
);
CREATE INDEX users_email ON users(email);"
    expect_exit 0 -- S check --drift
    expect_exit 0 -- S dump
    expect_stdout_match "-- the user's name, \\(shown\\)" "the dump keeps SQLite's text, comments and all"
    printf '%s\n' "$OUT" >dump.sql
    expect_exit 0 -- S diff probe --to dump.sql --dry-run
    expect_stderr_match 'no difference'
    echo "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);
CREATE INDEX users_email ON users(email);" >plain.sql
    expect_exit 0 -- S diff probe --to plain.sql --dry-run
    expect_stderr_match 'no difference'
    expect_exit 0 -- "$STRATA" migrate -d sqlite:loaded.db load dump.sql
    expect_exit 0 -- "$STRATA" migrate -d sqlite:loaded.db dump
    assert_eq "$(sed '1d; /^-- Applied/,$d' dump.sql)" "$(printf '%s\n' "$OUT" | sed '1d; /^-- Applied/,$d')" \
        "dump, load, dump: the same schema"
    expect_stdout_match "^--   $V0 " "and the same history"
    expect_exit 0 -- "$STRATA" migrate -d sqlite:loaded.db check --drift
    echo "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, note TEXT);
CREATE INDEX users_email ON users(email);" >note.sql
    expect_exit 0 -- S diff add_note --to note.sql --dry-run
    expect_stdout_match '^ALTER TABLE users ADD COLUMN note TEXT;$'
    expect_stdout_nomatch '"--"|_strata_new_'
fi

if behaviour desired_schema_does_not_load; then
    project desired_schema_does_not_load "CREATE TABLE users (id INTEGER PRIMARY KEY);"
    printf '%s\n' "CREATE TABLE users (id INTEGER PRIMARY KEY);" "CREATE TABLE posts (id INTEGER PRIMARY KEY,, title TEXT);" >broken.sql
    expect_exit 3 -- S diff broken --to broken.sql
    expect_stderr_match 'broken\.sql'
    assert_eq "" "$(new_files)" "no file written"
    run S diff missing --to nowhere.sql
    if [ "$RC" = 2 ] || [ "$RC" = 3 ]; then pass "a missing --to file: exit $RC"; else fail "a missing --to file: exit $RC (want 2 or 3)"; fi
    expect_stderr_match 'nowhere\.sql'
    mkdir -p empty_dir
    run S diff empty --to empty_dir
    assert_ne 0 "$RC" "a folder without .sql files is refused"
fi

if behaviour migrations_do_not_replay; then
    project migrations_do_not_replay "CREATE TABLE users (id INTEGER PRIMARY KEY);"
    mig migrations 20200101000001 broken "CREATE TABLE posts (id INTEGER PRIMARY KEY REFERENCES nowhere_at_all(,;" ""
    known_now
    echo "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);" >schema.sql
    expect_exit 6 -- S diff add_email --to schema.sql
    expect_stderr_match '20200101000001_broken\.sql'
    assert_eq "" "$(new_files)" "no file written"
fi

if behaviour usage_errors; then
    project usage_errors "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);"
    echo "CREATE TABLE users (id INTEGER PRIMARY KEY, full_name TEXT);" >schema.sql
    expect_exit 2 -- S diff --to schema.sql
    expect_exit 2 -- S diff no_to
    expect_exit 2 -- S diff bad --to schema.sql --rename 'no equals sign'
    assert_eq "" "$(new_files)" "no file written"
fi

if behaviour json_output; then
    project json_output "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);"
    echo "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, note TEXT);" >schema.sql
    expect_exit 0 -- S diff add_note --to schema.sql --dry-run --json
    expect_json_true "--dry-run --json: file, up and down" \
        "all(k in d for k in ('file', 'up', 'down')) and isinstance(d['up'], str) and 'note' in d['up']"
    assert_eq "" "$(new_files)" "--dry-run --json wrote nothing"
    expect_exit 0 -- S diff add_note --to schema.sql --json
    expect_json_true "--json: file, up and down; file is the new file" \
        "all(k in d for k in ('file', 'up', 'down')) and isinstance(d['file'], str) and d['file'].endswith('_add_note.sql') and 'note' in d['up'] and isinstance(d['down'], str)"
    F=$(json_eval "d['file']")
    assert_exists "$F"
    assert_eq "$(new_files)" "$(basename "$F")" "the file named is the one written"
fi

cd "$E2E_TMP" || exit 2
e2e_finish
