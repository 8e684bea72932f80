#!/usr/bin/env bash
# strata migrate against a real MariaDB server started for this test (tests/servers/mariadb_server.sh):
# the walkthrough (up, status, check, dump, drift, roundtrip, down, redo, dry run) with DELIMITER
# blocks, conditional comments and backslash escapes; DDL committed implicitly: progress recorded
# statement by statement, `partial`, --resume, --atomic refused; data-only migrations rolled back;
# URLs (socket, TLS, dbmate's parameters, $MYSQL_PWD, a password never shown); adopting dbmate's and
# golang-migrate's histories; scratch databases refused for a user who cannot create them; wait,
# create and drop; `mysqldump --no-data` output (dbmate's schema.sql, the plain form) as diff's desired
# schema and load's input; and the RELIABILITY trials: kill -9 during a migration, four concurrent `up`s,
# the server restarted mid-run; strata mcp's migration tools ending at their deadline while another
# session locks the history table (tests/e2e/mcp_database.py).
# Skips (exit 77) only when the MariaDB server binaries are absent.
# Usage: bash tests/e2e/mysql.sh /path/to/strata     ROUNDS=N (concurrency rounds, default 3)
SERVER=$(cd "$(dirname "$0")/../servers" && pwd)/mariadb_server.sh
. "$(dirname "$0")/lib.sh"
e2e_init mysql "$@"

MYDIR="$E2E_TMP/my"
set +e
start_db_server mariadb_server.sh "$MYDIR"
PASSWORD=$(cat "$MYDIR/password")
PORT=$(cat "$MYDIR/port")
BASE="mysql://strata:$PASSWORD@127.0.0.1:$PORT"

# sql [DB] STATEMENTS: as root, tab-separated rows without headers.
sql() {
    local db=""
    [ $# = 2 ] && { db=$1; shift; }
    mariadb --no-defaults -h127.0.0.1 -P"$PORT" -uroot -p"$(cat "$MYDIR/root_password")" -N -B -r --comments ${db:+"$db"} -e "$1"
}
fresh_db() { sql "CREATE DATABASE $1" && echo "$BASE/$1"; }

# ---------------------------------------------------------------------------------------------
case_ "walkthrough: up, status, check, dump with DELIMITER blocks, /*! */, backslashes and # comments"
URL=$(fresh_db walk)
export DATABASE_URL=$URL
mig migrations 20240101000001 create_users \
    "CREATE TABLE users (
  id BIGINT AUTO_INCREMENT PRIMARY KEY, # a comment; with a semicolon
  email VARCHAR(255) NOT NULL UNIQUE,
  note TEXT
) /*!50100 ENGINE=InnoDB */;
INSERT INTO users (email, note) VALUES ('A@Example.com', 'it\\'s; \"quoted\" \\\\ here');" \
    "DROP TABLE users;"
mig migrations 20240101000002 routines \
    "DELIMITER //
CREATE PROCEDURE count_users(OUT n INT)
BEGIN
  SELECT COUNT(*) INTO n FROM users; -- ; inside a body
END //
CREATE TRIGGER users_lower BEFORE INSERT ON users FOR EACH ROW
BEGIN
  SET NEW.email = LOWER(NEW.email);
END//
DELIMITER ;
CREATE VIEW user_emails AS SELECT email FROM users;" \
    "DROP VIEW user_emails;
DROP TRIGGER users_lower;
DROP PROCEDURE count_users;"
mig migrations 20240101000003 backfill "UPDATE users SET note = CONCAT(note, '!');" "UPDATE users SET note = TRIM(TRAILING '!' FROM note);"
expect_exit 0 -- "$STRATA" migrate up
expect_stderr_match 'applied 20240101000002_routines'
assert_eq "it's; \"quoted\" \\ here!" "$(sql walk "SELECT note FROM users")" "the backslash escapes reached the server as the mysql client sends them"
sql walk "INSERT INTO users (email) VALUES ('B@EXAMPLE.COM')"
assert_eq "b@example.com" "$(sql walk "SELECT email FROM users WHERE id = 2")" "the trigger's body ran as one statement"
assert_eq "3	applied" "$(sql walk "SELECT COUNT(*), MIN(state) FROM strata_migrations")" "history"
expect_exit 0 -- "$STRATA" migrate status
expect_stdout_match '20240101000003 +backfill +applied +20[0-9-]+T[0-9:.]+Z'
expect_exit 0 -- "$STRATA" migrate check
expect_stdout_match 'implicit-commit +info .*2 migration\(s\) hold DDL'
expect_exit 0 -- "$STRATA" migrate check --drift --roundtrip
assert_eq "" "$(sql "SHOW DATABASES LIKE 'strata_scratch%'")" "the scratch databases are gone"
expect_exit 0 -- "$STRATA" migrate dump
expect_stdout_match '^-- Schema of MariaDB database walk'
expect_stdout_match '^DELIMITER ;;$'
expect_stdout_nomatch 'DEFINER|AUTO_INCREMENT=|strata_migrations'
printf '%s\n' "$OUT" >dumped.sql
# The dump splits as the client splits it: it loads into an empty database with the mysql client.
sql "CREATE DATABASE reloaded"
assert_true "the dump loads with the mysql client" sql reloaded "source $E2E_TMP/dumped.sql"
run "$STRATA" migrate -d "$BASE/reloaded" dump
assert_eq "$(sed 1d dumped.sql | sed '/^-- Applied/,$d')" "$(printf '%s\n' "$OUT" | sed 1d)" "the reloaded database dumps the same"

case_ "drift, down, redo, dry run, --atomic refused, load refused"
sql walk "ALTER TABLE users ADD COLUMN age INT"
expect_exit 5 -- "$STRATA" migrate check --drift
expect_stdout_match 'table users: column age `age int\(11\) DEFAULT NULL` only in the live database'
sql walk "ALTER TABLE users DROP COLUMN age"
expect_exit 0 -- "$STRATA" migrate down --dry-run
expect_stdout_match '^START TRANSACTION;$'
expect_stdout_match "^DELETE FROM \`strata_migrations\` WHERE version = 20240101000003;"
expect_exit 0 -- "$STRATA" migrate redo
expect_stderr_match 'reverted 20240101000003_backfill'
expect_exit 0 -- "$STRATA" migrate down --to 20240101000001
assert_eq "" "$(sql walk "SHOW TABLES LIKE 'user_emails'")" "down dropped the view"
mig migrations 20240101000004 more "CREATE TABLE more (id INT);" "DROP TABLE more;"
expect_exit 2 -- "$STRATA" migrate up --atomic
expect_error_line '--atomic: MySQL and MariaDB commit DDL implicitly'
assert_eq "1" "$(sql walk "SELECT COUNT(*) FROM strata_migrations")" "nothing ran"
expect_exit 0 -- "$STRATA" migrate up
expect_exit 7 -- "$STRATA" migrate load dumped.sql
expect_error_line 'is not empty: load applies a schema to an empty database'
unset DATABASE_URL

case_ "load: a dump into an empty database, its versions recorded; a failing one undone"
rm -rf mload && mkdir mload
mig mload 1 orders "CREATE TABLE z_customers (id INT PRIMARY KEY);
CREATE TABLE a_orders (id INT PRIMARY KEY, customer_id INT, FOREIGN KEY (customer_id) REFERENCES z_customers (id));
CREATE VIEW z_ids AS SELECT id FROM z_customers;
CREATE VIEW a_ids AS SELECT id FROM z_ids;
DELIMITER //
CREATE PROCEDURE order_count(OUT n INT) BEGIN SELECT COUNT(*) INTO n FROM a_orders; END //
DELIMITER ;" "DROP PROCEDURE order_count; DROP VIEW a_ids; DROP VIEW z_ids; DROP TABLE a_orders; DROP TABLE z_customers;"
SOURCE_URL=$(fresh_db load_source)
expect_exit 0 -- "$STRATA" migrate -d "$SOURCE_URL" --dir mload up
expect_exit 0 -- "$STRATA" migrate -d "$SOURCE_URL" --dir mload dump -o load.sql
assert_true "a view comes after the view it reads" test "$(grep -n 'VIEW `z_ids`' load.sql | cut -d: -f1)" -lt "$(grep -n 'VIEW `a_ids`' load.sql | cut -d: -f1)"
LOADED_URL=$(fresh_db loaded)
expect_exit 0 -- "$STRATA" migrate -d "$LOADED_URL" --dir mload load load.sql --json
expect_json_true "version 1 recorded" 'd["recorded"] == ["1"]'
expect_exit 0 -- "$STRATA" migrate -d "$LOADED_URL" --dir mload dump
assert_eq "$(sed 1d load.sql)" "$(printf '%s\n' "$OUT" | sed 1d)" "the loaded database dumps as the original"
expect_exit 0 -- "$STRATA" migrate -d "$LOADED_URL" --dir mload check --drift
printf 'SET FOREIGN_KEY_CHECKS = 0;\nCREATE TABLE kept_not (id INT);\nCREATE VIEW v AS SELECT id FROM kept_not;\nCREATE TABLE broken (id INTEGR);\n' >broken.sql
BROKEN_URL=$(fresh_db load_broken)
expect_exit 6 -- "$STRATA" migrate -d "$BROKEN_URL" --dir mload load broken.sql
expect_error_line "broken.sql:4:1: ERROR 4161 \\(HY000\\): Unknown data type: 'INTEGR'"
expect_stderr_match 'hint: the objects it had created were dropped'
assert_eq "strata_migrations	BASE TABLE" "$(sql load_broken "SHOW FULL TABLES")" "only the empty history table is left (the view and table the dump made are gone)"

# ---------------------------------------------------------------------------------------------
case_ "DDL half-way: file:line:col and the server's error code, partial, --resume"
URL=$(fresh_db half)
mig m2 1 create_t "CREATE TABLE t (id INT PRIMARY KEY);" "DROP TABLE t;"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir m2 up
mig m2 2 three_tables "CREATE TABLE a (id INT PRIMARY KEY);
CREATE TABLE b (id INT PRIMARY KEY,
  gate_id INT, FOREIGN KEY (gate_id) REFERENCES gate (id));
CREATE TABLE c (id INT);" "DROP TABLE c;
DROP TABLE b;
DROP TABLE a;"
expect_exit 6 -- "$STRATA" migrate -d "$URL" --dir m2 up
expect_error_line '^strata: error: m2/2_three_tables.sql:3:1: ERROR 1005 \(HY000\): Can.t create table `half`.`b`'
expect_stderr_match 'hint: half-done: 1 statement\(s\) of it were committed .*MySQL commits CREATE TABLE \(line 2\) implicitly.*--resume` continues from statement 2'
assert_eq "partial	1" "$(sql half "SELECT state, statements_done FROM strata_migrations WHERE version = 2")" "progress recorded"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir m2 status
expect_stdout_match '^2 +three_tables +partial'
expect_exit 6 -- "$STRATA" migrate -d "$URL" --dir m2 check
expect_stdout_match 'partial .*stopped after statement 1 at m2/2_three_tables.sql:3:1'
expect_exit 6 -- "$STRATA" migrate -d "$URL" --dir m2 up
expect_stderr_match 'hint: .*--resume'
sql half "CREATE TABLE gate (id INT PRIMARY KEY)"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir m2 up --resume
assert_eq "applied" "$(sql half "SELECT state FROM strata_migrations WHERE version = 2")" "finished"
assert_eq "3" "$(sql half "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'half' AND TABLE_NAME IN ('a', 'b', 'c')")" "each table once"

case_ "the edit-and-rerun loop: a first statement that fails leaves the migration pending; the fixed file runs with plain up"
EURL=$(fresh_db rerun)
rm -rf me && mkdir me
mig me 1 create_t "CREATE TABLE t (id INT PRIMARY KEY);" "DROP TABLE t;"
mig me 2 first_fails "CREATE TABLE d (id INTEGR PRIMARY KEY);
CREATE TABLE e (id INT);" "DROP TABLE e;
DROP TABLE d;"
expect_exit 6 -- "$STRATA" migrate -d "$EURL" --dir me up
expect_stderr_match "hint: its first statement failed: nothing of it was applied, it is still pending"
assert_eq "1" "$(sql rerun "SELECT GROUP_CONCAT(version) FROM strata_migrations")" "no history row for 2"
expect_exit 0 -- "$STRATA" migrate -d "$EURL" --dir me status --json
expect_json_true "pending, not partial; not counted as applied" \
    '[m["state"] for m in d["migrations"]] == ["applied", "pending"] and d["applied"] == 1 and d["partial"] == 0'
sed -i 's/INTEGR/INT/' me/2_first_fails.sql
expect_exit 0 -- "$STRATA" migrate -d "$EURL" --dir me up
expect_stderr_match "applied 2_first_fails"
# A partial migration is neither applied nor pending in the summary.
mig me 3 second_fails "CREATE TABLE f (id INT);
CREATE TABLE g (id INTEGR);" "DROP TABLE f;"
expect_exit 6 -- "$STRATA" migrate -d "$EURL" --dir me up
expect_exit 0 -- "$STRATA" migrate -d "$EURL" --dir me status
expect_stderr_match "^2 applied, 1 partial, 0 pending"

case_ "a syntax error: the line and column of the server's 'near' text"
mig m2 3 typo "INSERT INTO a VALUES (1);
UPDATE a
   SET id = 2
   WHER id = 1;" "-"
expect_exit 6 -- "$STRATA" migrate -d "$URL" --dir m2 up
expect_error_line '^strata: error: m2/3_typo.sql:5:4: ERROR 1064 \(42000\): You have an error in your SQL syntax'
assert_eq "" "$(sql half "SELECT * FROM a")" "data-only: its transaction rolled back, the INSERT with it"
assert_eq "0" "$(sql half "SELECT COUNT(*) FROM strata_migrations WHERE version = 3")" "still pending"

case_ "a data-only first migration that fails on a new database: its rows rolled back"
URL=$(fresh_db first_fails)
sql first_fails "CREATE TABLE pre (id INT)"
rm -rf mf && mkdir mf
mig mf 1 fill "INSERT INTO pre VALUES (1);
INSERT INTO nosuch VALUES (1);" "DELETE FROM pre;"
expect_exit 6 -- "$STRATA" migrate -d "$URL" --dir mf up
expect_error_line "mf/1_fill.sql:3:1: ERROR 1146 \\(42S02\\): Table 'first_fails.nosuch' doesn't exist"
assert_eq "0" "$(sql first_fails "SELECT COUNT(*) FROM pre")" "the INSERT before it rolled back"
assert_eq "0" "$(sql first_fails "SELECT COUNT(*) FROM strata_migrations")" "nothing recorded"

case_ "a DELIMITER never ended: refused before anything runs"
mig m2 3 typo "DELIMITER \$\$
CREATE PROCEDURE p() BEGIN SELECT 1; END;
CREATE TABLE never (id INT);" "-"
expect_exit 3 -- "$STRATA" migrate -d "$URL" --dir m2 up
expect_error_line 'm2/3_typo.sql:3: the statement is never ended by the delimiter \$\$ set by DELIMITER on line 2'
assert_eq "" "$(sql half "SHOW TABLES LIKE 'never'")" "nothing ran"
expect_exit 3 -- "$STRATA" migrate -d "$URL" --dir m2 check
expect_stdout_match 'parse-error +error +3 +m2/3_typo.sql:3'

case_ "lint: MySQL's rules for tables already in use"
rm -rf ml && mkdir ml
mig ml 1 create "CREATE TABLE t (id INT PRIMARY KEY, note TEXT);
CREATE INDEX t_note ON t (note(10));
ALTER TABLE t ADD COLUMN n INT NOT NULL;" "DROP TABLE t;"
mig ml 2 change "ALTER TABLE t ADD COLUMN age INT NOT NULL, ADD INDEX t_age (age);
CREATE INDEX t_note2 ON t (note(20)) ALGORITHM=INPLACE LOCK=NONE;
ALTER TABLE t CHANGE note body TEXT;
DROP TABLE gone;" "-"
expect_exit 1 -- "$STRATA" migrate --dir ml -d "$(fresh_db lint)" check --json
expect_json_true "each rule once, none for the table created in the same migration" \
    'sorted((f["code"], f["line"]) for f in d["findings"] if f["severity"] == "warning") == [("alter-without-algorithm", 4), ("destructive", 5), ("missing-down", None), ("not-null-without-default", 2), ("rename", 4)]'

# ---------------------------------------------------------------------------------------------
case_ "stored programs without DELIMITER, as dbmate sends them: the server's blocks kept whole"
rm -rf sp && mkdir sp
mig sp 1 programs "CREATE TABLE t (id INT PRIMARY KEY, n INT, size VARCHAR(10));
CREATE TRIGGER t_size BEFORE INSERT ON t FOR EACH ROW BEGIN
  IF NEW.n IS NULL THEN SET NEW.n = 0; END IF;
  SET NEW.size = IF(NEW.n > 9, 'big', 'small');
END;
CREATE PROCEDURE fill(IN k INT)
BEGIN
  DECLARE i INT DEFAULT 0;
  fill_loop: LOOP
    SET i = i + 1;
    IF i > k THEN LEAVE fill_loop; END IF;
    INSERT INTO t (id, n) VALUES (i, i * 5);
  END LOOP fill_loop;
END;
CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2;" "DROP FUNCTION twice;
DROP PROCEDURE fill;
DROP TABLE t;"
URL=$(fresh_db programs)
expect_exit 0 -- "$STRATA" migrate --dir sp -d "$URL" up
sql programs "CALL fill(3)"
assert_eq "$(sql programs "SELECT group_concat(concat(id, ':', size) ORDER BY id), twice(21) FROM t")" "$(printf '1:small,2:big,3:big\t42')" "the trigger, procedure and function run as written"
expect_exit 0 -- "$STRATA" migrate --dir sp -d "$URL" check --roundtrip -q
expect_exit 0 -- "$STRATA" migrate --dir sp -d "$URL" down
assert_eq "$(sql programs "SELECT count(*) FROM information_schema.routines WHERE routine_schema = 'programs'")" 0 "down dropped them"

# ---------------------------------------------------------------------------------------------
case_ "--ddl-lock-timeout: lock_wait_timeout for the session; a migration behind a held table gives up"
rm -rf mt && mkdir mt
mig mt 1 create "CREATE TABLE t (id INT PRIMARY KEY);" "DROP TABLE t;"
URL=$(fresh_db locktimeout)
expect_exit 0 -- "$STRATA" migrate --dir mt -d "$URL" up -q
mig mt 2 add "ALTER TABLE t ADD COLUMN b INT, ALGORITHM=INPLACE, LOCK=NONE;" "ALTER TABLE t DROP COLUMN b;"
expect_exit 0 -- "$STRATA" migrate --dir mt -d "$URL" --ddl-lock-timeout 1.5 up --dry-run
expect_stdout_match "SET SESSION lock_wait_timeout = 2"
# Another session's open transaction holds the table's metadata lock.
( sql locktimeout "BEGIN; SELECT * FROM t; SELECT SLEEP(20);" >/dev/null 2>&1 ) &
e2e_bg $!
sleep 1.5
start=$(date +%s)
E2E_CMD_TIMEOUT=15 expect_exit 6 -- "$STRATA" migrate --dir mt -d "$URL" --ddl-lock-timeout 1 up
expect_stderr_match "Lock wait timeout|1205"
# It gave up on the lock (the message above) while the other session still held it: that
# session sleeps 20 s, past E2E_CMD_TIMEOUT, so a wait for it would be exit 124, not 6.
note "gave up after $(( $(date +%s) - start )) s"
expect_stderr_match "its first statement failed: nothing of it was applied, it is still pending"
assert_eq "$(sql locktimeout "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'locktimeout' AND table_name = 't' AND column_name = 'b'")" 0 "the ALTER did not run"
# The holder's SLEEP outlives its client; end it so no later case waits behind it.
for id in $(sql "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = 'locktimeout' AND INFO LIKE 'SELECT SLEEP%'"); do
    sql "KILL $id" >/dev/null 2>&1 || true
done

# ---------------------------------------------------------------------------------------------
case_ "a pull request's migration that writes the server's files: refused by the replay, reported by lint"
rm -rf mo && mkdir mo
OUTFILE="/tmp/strata_outfile_$$"
rm -f "$OUTFILE"
mig mo 1 create "CREATE TABLE t (id INT PRIMARY KEY);
SELECT 'pwned' INTO OUTFILE '$OUTFILE';" "DROP TABLE t;"
expect_exit 3 -- "$STRATA" migrate --dir mo -d "$(fresh_db pr_files)" check --roundtrip --json
expect_json_true "lint names it (line 3) and the replay refused it" \
    '[(f["code"], f["line"]) for f in d["findings"] if f["code"] == "server-reach"] == [("server-reach", 3)] and any(f["code"] == "parse-error" and "into outfile" in f["message"] for f in d["findings"])'
assert_eq no "$([ -e "$OUTFILE" ] && echo yes || echo no)" "no file written by the replay"

# ---------------------------------------------------------------------------------------------
case_ "URLs: wrong password, unknown database, unknown parameter, TLS, socket, \$MYSQL_PWD"
expect_exit 7 -- "$STRATA" migrate -d "mysql://strata:wrong-$PASSWORD@127.0.0.1:$PORT/walk" --dir migrations status
expect_error_line 'cannot connect: ERROR 1045 \(28000\): Access denied for user'
no_password_in_output
expect_exit 7 -- "$STRATA" migrate -d "$BASE/nosuchdb" --dir migrations status
expect_error_line "Unknown database 'nosuchdb'"
expect_stderr_match 'hint: create it first: strata migrate create'
no_password_in_output
expect_exit 2 -- "$STRATA" migrate -d "$BASE/walk?charset=utf8mb4&parseTime=true&sslmode=bogus" --dir migrations status
expect_error_line 'ssl-mode=BOGUS is not a TLS mode'
expect_exit 2 -- "$STRATA" migrate -d "$BASE/walk?nosuch=1" --dir migrations status
expect_error_line "unknown parameter 'nosuch'"
no_password_in_output
expect_exit 0 -- "$STRATA" migrate -d "$BASE/walk?parseTime=true&multiStatements=true" --dir migrations status
expect_exit 7 -- "$STRATA" migrate -d "$BASE/walk?tls=true" --dir migrations status
expect_error_line 'SSL is required, but the server does not support it'
expect_exit 0 -- "$STRATA" migrate -d "mariadb://strata:$PASSWORD@localhost/walk?socket=$(cat "$MYDIR/socket")" --dir migrations status
expect_stdout_match 'more +applied'
MYSQL_PWD=$PASSWORD expect_exit 0 -- "$STRATA" migrate -d "mysql://strata@127.0.0.1:$PORT/walk" --dir migrations status
# A URL that ./.env chose does not get $MYSQL_PWD.
mkdir -p envproj && printf 'DATABASE_URL=mysql://strata@127.0.0.1:%s/walk\n' "$PORT" >envproj/.env
(cd envproj && MYSQL_PWD=$PASSWORD expect_exit 7 -- "$STRATA" migrate --dir ../migrations status)
(cd envproj && MYSQL_PWD=$PASSWORD "$STRATA" migrate --dir ../migrations status >/dev/null 2>"$E2E_TMP/env.err")
assert_true "the warning names ./.env and \$MYSQL_PWD" grep -q 'strata: warning: ./.env chose the database .*the password in \$MYSQL_PWD is not sent to it' "$E2E_TMP/env.err"
assert_true "the error's hint says why" grep -q 'hint: ./.env chose this database, so \$MYSQL_PWD was not used' "$E2E_TMP/env.err"
(cd envproj && MYSQL_PWD=$PASSWORD STRATA_TRUSTED_ENDPOINTS="mysql://127.0.0.1:$PORT" "$STRATA" migrate --dir ../migrations status >/dev/null 2>&1)
assert_eq 0 $? "trusted, the server gets \$MYSQL_PWD"

case_ "\${NAME} placeholders: never expanded for a server ./.env chose; values kept out of messages"
URL=$(fresh_db tokens)
rm -rf mp && mkdir mp
printf -- '-- migrate:up envsub:on\nINSERT INTO tokens VALUES (%s);\n-- migrate:down\n' "'\${APP_TOKEN}'" >mp/1_token.sql
mkdir -p envproj2 && printf 'DATABASE_URL=%s\n' "$URL" >envproj2/.env
"$STRATA" trust envproj2 >/dev/null  # its migrations' envsub:on markers are granted; its .env server is not trusted
(cd envproj2 && APP_TOKEN=tok-5a4b3c2d expect_exit 2 -- "$STRATA" migrate --dir ../mp up)
expect_error_line '1_token.sql:2: \$\{APP_TOKEN\} is not expanded for a database server that ./.env chose'
expect_output_nomatch 'tok-5a4b3c2d'
(cd envproj2 && APP_TOKEN=tok-5a4b3c2d STRATA_TRUSTED_ENDPOINTS="mysql://127.0.0.1:$PORT" expect_exit 6 -- "$STRATA" migrate --dir ../mp up)
expect_error_line "1_token.sql:2:1: ERROR 1146 \\(42S02\\): Table 'tokens.tokens' doesn't exist"
sql tokens "CREATE TABLE tokens (v VARCHAR(10))"
(cd envproj2 && APP_TOKEN=tok-5a4b3c2d-0123456789 STRATA_TRUSTED_ENDPOINTS="mysql://127.0.0.1:$PORT" expect_exit 6 -- "$STRATA" migrate --dir ../mp up)
expect_error_line "Data too long for column"
expect_output_nomatch 'tok-5a4b3c2d'
(cd envproj2 && APP_TOKEN=tok-5a4b STRATA_TRUSTED_ENDPOINTS="mysql://127.0.0.1:$PORT" expect_exit 0 -- "$STRATA" migrate --dir ../mp up)
assert_eq "tok-5a4b" "$(sql tokens "SELECT v FROM tokens")" "trusted, the value went"

case_ "a repeatable migration on MySQL: CREATE OR REPLACE VIEW, applied again when it changes"
URL=$(fresh_db repeatables)
rm -rf mr && mkdir mr
mig mr 1 users "CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(100));" "DROP TABLE users;"
printf 'CREATE OR REPLACE VIEW user_emails AS SELECT email FROM users;\n' >mr/R__user_emails.sql
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir mr up
expect_stderr_match 'applied R__user_emails'
printf 'CREATE OR REPLACE VIEW user_emails AS SELECT id, email FROM users;\n' >mr/R__user_emails.sql
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir mr up
assert_eq "id,email" "$(sql repeatables "SELECT GROUP_CONCAT(COLUMN_NAME ORDER BY ORDINAL_POSITION) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'repeatables' AND TABLE_NAME = 'user_emails'")" "replaced"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir mr check --drift --roundtrip

case_ "a hostile server: no local file is sent, no clear-text password plugin is allowed"
rm -rf mlf && mkdir mlf
mig mlf 1 load_local "CREATE TABLE lines_read (line TEXT);
LOAD DATA LOCAL INFILE '/etc/hostname' INTO TABLE lines_read;" "DROP TABLE lines_read;"
URL=$(fresh_db local_files)
expect_exit 6 -- "$STRATA" migrate -d "$URL" --dir mlf up
expect_error_line 'ERROR 4166 .*disabled the local infile capability'
assert_eq "0" "$(sql local_files "SELECT COUNT(*) FROM lines_read")" "nothing was read from the client"
if sql "INSTALL SONAME 'auth_pam'" 2>/dev/null; then
    sql "CREATE USER 'pamuser'@'127.0.0.1' IDENTIFIED VIA pam"
    expect_exit 7 -- "$STRATA" migrate -d "mysql://pamuser:never-sent-$PASSWORD@127.0.0.1:$PORT/walk" --dir migrations status
    expect_error_line "ERROR 5010 .*restricted_auth plugin list"
    no_password_in_output
else
    skip "the auth_pam plugin is not installed: the clear-text login is not tried"
fi

case_ "names with quotes and backslashes are recorded as written"
URL=$(fresh_db names)
rm -rf mn && mkdir mn
mig mn 1 "it's_a\\back" "CREATE TABLE n (id INT);" "DROP TABLE n;"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir mn up
assert_eq "it's_a\\back" "$(sql names "SELECT name FROM strata_migrations" | sed 's/\\\\/\\/g')" "the name as the file spells it"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir mn status

# ---------------------------------------------------------------------------------------------
case_ "adopting dbmate's and golang-migrate's MySQL histories; a dirty version refused"
rm -rf mg && mkdir mg
printf 'CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT);\n' >mg/000001_users.up.sql
printf 'DROP TABLE users;\n' >mg/000001_users.down.sql
printf 'CREATE TABLE tags (id BIGINT PRIMARY KEY);\n' >mg/000002_tags.up.sql
printf 'DROP TABLE tags;\n' >mg/000002_tags.down.sql
URL=$(fresh_db adopt_golang)
sql adopt_golang "CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
INSERT INTO schema_migrations VALUES (1, false); CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT);"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir mg status
expect_stdout_match '000001 +users +applied'
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir mg up
expect_stderr_match "imported 1 version\(s\) from golang-migrate's schema_migrations table"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir mg check --drift
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir mg dump
expect_stdout_nomatch 'schema_migrations'
URL=$(fresh_db dirty_golang)
sql dirty_golang "CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
INSERT INTO schema_migrations VALUES (2, true); CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT);"
expect_exit 6 -- "$STRATA" migrate -d "$URL" --dir mg up
expect_error_line 'version 000002 dirty'
expect_stderr_match '^strata:         UPDATE schema_migrations SET dirty = 0 WHERE version = 2;$'
sql dirty_golang "CREATE TABLE tags (id BIGINT PRIMARY KEY); UPDATE schema_migrations SET dirty = 0 WHERE version = 2"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir mg up
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir mg check --drift
URL=$(fresh_db adopt_dbmate)
rm -rf md && mkdir md
mig md 20240101000001 users "CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT);" "DROP TABLE users;"
mig md 20240101000002 tags "CREATE TABLE tags (id BIGINT PRIMARY KEY);" "DROP TABLE tags;"
sql adopt_dbmate "CREATE TABLE schema_migrations (version varchar(128) NOT NULL PRIMARY KEY);
INSERT INTO schema_migrations VALUES ('20240101000001'); CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT);"
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir md up
expect_stderr_match "imported 1 version\(s\) from dbmate's schema_migrations table"
expect_stderr_match 'applied 20240101000002_tags'
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir md check --drift
# golang-migrate's ?x-migrations-table=: its history under another name, taken over the same way.
URL=$(fresh_db adopt_named)
sql adopt_named "CREATE TABLE gm_history (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
INSERT INTO gm_history VALUES (2, true); CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT);"
expect_exit 6 -- "$STRATA" migrate -d "$URL?x-migrations-table=gm_history&x-no-lock=true" --dir mg up
expect_stderr_match '^strata:         UPDATE gm_history SET dirty = 0 WHERE version = 2;$'
sql adopt_named "CREATE TABLE tags (id BIGINT PRIMARY KEY); UPDATE gm_history SET dirty = 0 WHERE version = 2"
expect_exit 0 -- "$STRATA" migrate -d "$URL?x-migrations-table=gm_history" --dir mg up
expect_stderr_match "nothing to apply"
expect_exit 0 -- "$STRATA" migrate -d "$URL?x-migrations-table=gm_history" --dir mg status --json
expect_json_true "both versions applied, from gm_history" '[m["state"] for m in d["migrations"]] == ["applied", "applied"]'
expect_exit 0 -- "$STRATA" migrate -d "$URL?x-migrations-table=gm_history" --dir mg check --drift
expect_exit 2 -- "$STRATA" migrate -d "$URL?x-migrations-table=gm;history" --dir mg status
expect_error_line "x-migrations-table='gm;history' is not a table name strata takes"

# ---------------------------------------------------------------------------------------------
case_ "check --drift as a user who cannot create databases: refused, naming the grant"
expect_exit 7 -- "$STRATA" migrate -d "$(cat "$MYDIR/limited_url")" --dir migrations check --drift
expect_error_line "Access denied for user 'limited'.*creating a scratch database to replay the migrations in"
expect_stderr_match 'hint: .*grant the user CREATE and DROP'
no_password_in_output
expect_exit 1 -- "$STRATA" migrate -d "$(cat "$MYDIR/limited_url")" --dir migrations check
expect_stdout_match 'pending +info +20240101000001'

case_ "wait, create and drop"
start=$(date +%s%N)
expect_exit 7 -- "$STRATA" migrate -d "mysql://strata:$PASSWORD@127.0.0.1:1/x" wait --wait-timeout 1
elapsed=$((($(date +%s%N) - start) / 1000000))
assert_true "waited for --wait-timeout ($elapsed ms)" test "$elapsed" -ge 900
no_password_in_output
NEWDB="$BASE/made_by_strata"
expect_exit 0 -- "$STRATA" migrate -d "$NEWDB" wait --json
expect_json_true "the server is ready, whether or not the database exists yet" 'd["ready"] is True'
expect_exit 0 -- "$STRATA" migrate -d "$NEWDB" create --json
expect_json_true "created" 'd["created"] is True'
expect_exit 0 -- "$STRATA" migrate -d "$NEWDB" create
expect_stderr_match 'made_by_strata already exists'
expect_exit 0 -- "$STRATA" migrate -d "$NEWDB" --dir migrations up
expect_exit 2 -- "$STRATA" migrate -d "$NEWDB" drop
expect_error_line 'drop needs --yes'
expect_exit 0 -- "$STRATA" migrate -d "$NEWDB" drop --yes --json
expect_json_true "dropped" 'd["dropped"] is True'
assert_eq "" "$(sql "SHOW DATABASES LIKE 'made_by_strata'")" "the database is gone"
expect_exit 0 -- "$STRATA" migrate -d "$NEWDB" drop --yes
expect_stderr_match 'made_by_strata does not exist'
expect_exit 2 -- "$STRATA" migrate -d "$BASE" create
expect_error_line 'the URL names no database'
no_password_in_output
# dbmate's `up` creates the database: `up --create` does the same, once.
expect_exit 0 -- "$STRATA" migrate -d "$BASE/made_by_up" --dir migrations up --create
expect_stderr_match '^created .*made_by_up'
expect_exit 0 -- "$STRATA" migrate -d "$BASE/made_by_up" --dir migrations up --create
expect_stderr_nomatch 'created'
expect_exit 0 -- "$STRATA" migrate -d "$BASE/made_by_up" drop --yes
expect_exit 7 -- "$STRATA" migrate -d "$BASE/made_by_up" --dir migrations up --create --dry-run
expect_error_line "Unknown database 'made_by_up'"

# ---------------------------------------------------------------------------------------------
# RELIABILITY: concurrent `up`s take turns on GET_LOCK; each migration runs once.
ROUNDS=${ROUNDS:-3}
PROCS=${PROCS:-4}
MIGS=${MIGS:-8}
rm -rf m4 && mkdir m4
for i in $(seq 1 "$MIGS"); do
    mig m4 "$(printf '2024%010d' "$i")" "create_t${i}_table" \
        "CREATE TABLE t_$i (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(100) NOT NULL);
INSERT INTO t_$i (v) VALUES ('row of migration $i; with a semicolon');
CREATE INDEX t_${i}_v ON t_$i (v);" "DROP TABLE t_$i;"
done
expected_versions=$(for i in $(seq 1 "$MIGS"); do printf '2024%010d\n' "$i"; done)
for r in $(seq 1 "$ROUNDS"); do
    case_ "round $r: $PROCS concurrent 'up' on a fresh database"
    URL=$(fresh_db "race$r")
    start_together "$PROCS" "$STRATA" migrate -d "$URL" --dir m4 up
    applied_lines=$(cat err.* | grep -oE 'applied +[0-9]+' | awk '{print $2}' | sort)
    assert_eq "$expected_versions" "$applied_lines" "each migration reported applied exactly once across all processes"
    assert_eq "$expected_versions" "$(sql "race$r" 'SELECT version FROM strata_migrations ORDER BY version')" "history has each version once"
    sum=$(sql "race$r" "SELECT $(for i in $(seq 1 "$MIGS"); do printf '(SELECT COUNT(*) FROM t_%s)+' "$i"; done)0")
    assert_eq "$MIGS" "$sum" "each migration's insert ran exactly once"
    rm -f out.* err.*
done

case_ "kill -9 during a migration: the lock goes with the connection; DDL stays partial, data rolls back"
URL=$(fresh_db killed)
rm -rf m5 && mkdir m5
mig m5 1 slow_ddl "CREATE TABLE slow (id INT);
SELECT SLEEP(30);
CREATE TABLE after_sleep (id INT);" "DROP TABLE after_sleep;
DROP TABLE slow;"
# wait_for_sleep DB: the migration's own SLEEP is running (another case's session may still be
# sleeping in its own database: the server finishes a query whose client is gone).
wait_for_sleep() {
    for _ in $(seq 1 100); do
        [ "$(sql "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = '$1' AND INFO LIKE 'SELECT SLEEP%'")" = 1 ] && return 0
        sleep 0.1
    done
    return 1
}
# kill_during_sleep: `up` killed with -9 while the server runs its SLEEP.
kill_during_sleep() {
    local victim
    "$STRATA" migrate -d "$URL" --dir m5 up >/dev/null 2>&1 &
    victim=$!
    e2e_bg $victim
    wait_for_sleep killed || fail "the migration never reached its SLEEP"
    kill -9 $victim
    wait $victim 2>/dev/null
}
kill_during_sleep
assert_eq "partial	1" "$(sql killed "SELECT state, statements_done FROM strata_migrations")" "the committed CREATE TABLE is on record"
sed -i 's/SLEEP(30)/SLEEP(0)/' m5/1_slow_ddl.sql
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir m5 accept 1
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir m5 --lock-timeout 20 up --resume
assert_eq "applied" "$(sql killed "SELECT state FROM strata_migrations")" "resumed to the end"
assert_eq "1" "$(sql killed "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'killed' AND TABLE_NAME = 'after_sleep'")" "the rest ran once"
mig m5 2 slow_data "INSERT INTO slow VALUES (1);
SELECT SLEEP(30);" "DELETE FROM slow;"
kill_during_sleep
sed -i 's/SLEEP(30)/SLEEP(0)/' m5/2_slow_data.sql
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir m5 --lock-timeout 20 up
expect_stderr_match 'applied 2_slow_data'
assert_eq "1" "$(sql killed "SELECT COUNT(*) FROM slow")" "the killed insert rolled back; the rerun inserted once"

case_ "the server restarted mid-run: the lost connection named, partial, --resume after it is back"
URL=$(fresh_db restarted)
rm -rf m6 && mkdir m6
mig m6 1 before "CREATE TABLE before_restart (id INT);" "DROP TABLE before_restart;"
mig m6 2 across "CREATE TABLE across (id INT);
SELECT SLEEP(30);
CREATE TABLE after_restart (id INT);" "DROP TABLE after_restart;
DROP TABLE across;"
("$STRATA" migrate -d "$URL" --dir m6 up >"$E2E_TMP/restart.out" 2>"$E2E_TMP/restart.err"; echo $? >"$E2E_TMP/restart.rc") &
e2e_bg $!
wait_for_sleep restarted || fail "the migration never reached its SLEEP"
bash "$SERVER" restart "$MYDIR" >/dev/null 2>&1 || fail "the server did not restart"
for _ in $(seq 1 100); do [ -s "$E2E_TMP/restart.rc" ] && break; sleep 0.1; done
assert_eq 6 "$(cat "$E2E_TMP/restart.rc")" "up exits 6"
assert_true "the error names the statement and the lost connection" \
    grep -Eq '^strata: error: m6/2_across.sql:3:1: ERROR 20(06|13) .*\(the connection was lost\)' "$E2E_TMP/restart.err"
assert_true "the first migration was reported applied" grep -q 'applied 1_before' "$E2E_TMP/restart.err"
expect_exit 6 -- "$STRATA" migrate -d "$URL" --dir m6 --wait up
expect_error_line 'm6/2_across.sql: half-done'
sed -i 's/SLEEP(30)/SLEEP(0)/' m6/2_across.sql
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir m6 accept 2
expect_exit 0 -- "$STRATA" migrate -d "$URL" --dir m6 up --resume
assert_eq "2" "$(sql restarted "SELECT COUNT(*) FROM strata_migrations WHERE state = 'applied'")" "both applied"

case_ "TLS: a certificate verified against ssl-ca (name and chain), skip-verify, and an untrusted one refused"
if command -v openssl >/dev/null 2>&1; then
    T="$E2E_TMP/tls"
    mkdir -p "$T"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/ca.key" -out "$T/ca.pem" -days 2 -subj "/CN=strata test CA" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout "$T/server.key" -out "$T/server.csr" -subj "/CN=127.0.0.1" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$T/ext.cnf"
    openssl x509 -req -in "$T/server.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial -out "$T/server.pem" \
        -days 2 -extfile "$T/ext.cnf" 2>/dev/null
    printf -- '--ssl-ca=%s\n--ssl-cert=%s\n--ssl-key=%s\n' "$T/ca.pem" "$T/server.pem" "$T/server.key" >>"$MYDIR/options"
    bash "$SERVER" restart "$MYDIR" >/dev/null 2>&1 || fail "the server did not restart with TLS"
    expect_exit 0 -- "$STRATA" migrate -d "$BASE/walk?ssl-mode=VERIFY_IDENTITY&ssl-ca=$T/ca.pem" --dir migrations status
    expect_exit 0 -- "$STRATA" migrate -d "mysql://strata:$PASSWORD@localhost:$PORT/walk?ssl-mode=VERIFY_IDENTITY&ssl-ca=$T/ca.pem" --dir migrations status
    expect_exit 0 -- "$STRATA" migrate -d "$BASE/walk?tls=skip-verify" --dir migrations status
    expect_exit 7 -- "$STRATA" migrate -d "$BASE/walk?tls=true" --dir migrations status
    expect_error_line 'TLS/SSL error: self-signed certificate in certificate chain'
    no_password_in_output
else
    skip "openssl is not installed: no certificate to serve"
fi

# ---------------------------------------------------------------------------------------------
case_ "a pull request's procedure or PREPARE that reaches the live database: refused by the replay"
rm -rf mp && mkdir mp
MPURL=$(fresh_db pr_proc)
sql pr_proc "CREATE TABLE precious (v INT); INSERT INTO precious VALUES (1)"
mig mp 1 proc "CREATE PROCEDURE p() DROP DATABASE pr_proc;
CALL p();" "DROP PROCEDURE p;"
run "$STRATA" migrate --dir mp -d "$MPURL" check --roundtrip --json
assert_ne 0 "$RC" "check fails"
assert_true "the replay refused it" grep -q "'drop database' changes accounts or databases" "$E2E_TMP/.out"
assert_eq "1" "$(sql pr_proc "SELECT count(*) FROM precious")" "the live database and its rows kept"
mig mp 1 proc "PREPARE s FROM 'DELETE FROM pr_proc.precious'; EXECUTE s;" "SELECT 1;"
run "$STRATA" migrate --dir mp -d "$MPURL" check --roundtrip --json
assert_true "the replay refused it" grep -q "names the database pr_proc explicitly" "$E2E_TMP/.out"
assert_eq "1" "$(sql pr_proc "SELECT count(*) FROM precious")" "the live rows kept"

case_ "check --drift when a migration names the database literally (information_schema): info that says why, not drift"
rm -rf ml && mkdir ml
MLURL=$(fresh_db literal_db)
mig ml 1 create_t "CREATE TABLE t (id INT);" "DROP TABLE t;"
mig ml 2 add_c_once "SET @dbname = \"literal_db\";
SET @exist := (SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = @dbname AND table_name = 't' AND column_name = 'c');
SET @q := IF(@exist = 0, 'ALTER TABLE t ADD COLUMN c INT', 'SELECT 1');
PREPARE stmt FROM @q;
EXECUTE stmt;
DEALLOCATE PREPARE stmt;" "ALTER TABLE t DROP COLUMN c;"
expect_exit 0 -- "$STRATA" migrate --dir ml -d "$MLURL" up
assert_eq "1" "$(sql literal_db "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = 'literal_db' AND table_name = 't' AND column_name = 'c'")" "the live database has c"
expect_exit 0 -- "$STRATA" migrate --dir ml -d "$MLURL" check --drift --json
expect_json_true "the difference is info naming the file, the line and the database" \
    '[(f["severity"], "ml/2_add_c_once.sql:2 names this database (\x27literal_db\x27) literally" in f["message"]) for f in d["findings"] if f["code"] == "drift"] == [("info", True)]'

case_ "a real Flyway set on MariaDB (Netflix conductor's, tests/data/flyway/SOURCE): up in Flyway's order, check --drift clean"
FLYURL=$(fresh_db conductor)
expect_exit 0 -- "$STRATA" migrate -d "$FLYURL" --dir "$E2E_LIB_DIR/../data/flyway/conductor_mysql" up
assert_eq 8 "$(grep -c '^applied ' "$E2E_TMP/.err")" "V1..V8 applied"
expect_stderr_match "applied 8_update_pk"
expect_exit 0 -- "$STRATA" migrate -d "$FLYURL" --dir "$E2E_LIB_DIR/../data/flyway/conductor_mysql" check --drift

case_ "a real goose set on MariaDB (kalbasit/ncps, tests/data/goose/SOURCE): up, check --drift clean, every down undoes its up"
GOOSEURL=$(fresh_db ncps_goose)
expect_exit 0 -- "$STRATA" migrate -d "$GOOSEURL" --dir "$E2E_LIB_DIR/../data/goose/ncps_mysql" up
assert_eq 15 "$(grep -c '^applied ' "$E2E_TMP/.err")" "the 15 migrations applied"
expect_exit 0 -- "$STRATA" migrate -d "$GOOSEURL" --dir "$E2E_LIB_DIR/../data/goose/ncps_mysql" check --drift
GOOSERT=$(fresh_db ncps_goose_rt)
expect_exit 1 -- "$STRATA" migrate -d "$GOOSERT" --dir "$E2E_LIB_DIR/../data/goose/ncps_mysql" check --roundtrip

# ---------------------------------------------------------------------------------------------
# `mysqldump --no-data` output as the desired schema of `migrate diff` and as the input of `load`
# (issue 35), with the real mysqldump: the file dbmate writes to db/schema.sql (--opt --routines
# --no-data --skip-dump-date --skip-add-drop-table, its schema_migrations rows appended) and the
# plain form, which hold /*!40101 SET */ lines, view stand-ins, DEFINER= and SQL SECURITY,
# DELIMITER ;; blocks and LOCK TABLES. The database dumped has strata's history table and dbmate's;
# the account its objects name as DEFINER is gone, and `diff` runs as a user without SUPER.
DUMP=$(command -v mariadb-dump || command -v mysqldump)
if [ -z "$DUMP" ]; then
    case_ "mysqldump --no-data as the desired schema"
    skip "neither mariadb-dump nor mysqldump is installed"
else
rm -rf md && mkdir md
# dump DB FLAGS...: mysqldump's output for DB, as root.
dump() {
    local db=$1
    shift
    "$DUMP" --no-defaults -h127.0.0.1 -P"$PORT" -uroot -p"$(cat "$MYDIR/root_password")" "$@" "$db"
}
# As dbmate's DumpSchema: mysqldump with its flags, its history's rows appended, leading comment
# lines dropped, AUTO_INCREMENT=N removed.
dbmate_dump() {
    {
        dump "$1" --opt --routines --no-data --skip-dump-date --skip-add-drop-table
        printf '\n--\n-- Dbmate schema migrations\n--\n\nLOCK TABLES `schema_migrations` WRITE;\n'
        printf 'INSERT INTO `schema_migrations` (version) VALUES\n  (%s);\nUNLOCK TABLES;\n' \
            "$(sql "$1" "SELECT GROUP_CONCAT(QUOTE(version) ORDER BY version SEPARATOR '),\n  (') FROM schema_migrations")"
    } | awk 'kept || !/^(--|$)/ { kept = 1; print }' | sed 's/ AUTO_INCREMENT=[0-9]*//'
}

mig md 20240101000001 users "CREATE TABLE users (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(255) NOT NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE KEY users_email (email)
) ENGINE=InnoDB;" "DROP TABLE users;"
mig md 20240101000002 posts "CREATE TABLE posts (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  title VARCHAR(200) NOT NULL,
  body TEXT,
  CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB;
CREATE INDEX posts_title ON posts (title);
CREATE TABLE comments (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  post_id BIGINT NOT NULL,
  body TEXT NOT NULL,
  FOREIGN KEY (post_id) REFERENCES posts (id)
);" "DROP TABLE comments;
DROP TABLE posts;"
mig md 20240101000003 programs "CREATE VIEW post_titles AS SELECT p.id, p.title, u.email FROM posts p JOIN users u ON u.id = p.user_id;
DELIMITER //
CREATE TRIGGER users_lower BEFORE INSERT ON users FOR EACH ROW
BEGIN
  SET NEW.email = LOWER(NEW.email);
END//
CREATE PROCEDURE count_posts(IN uid BIGINT, OUT n INT)
BEGIN
  SELECT COUNT(*) INTO n FROM posts WHERE user_id = uid;
END//
CREATE FUNCTION post_count(uid BIGINT) RETURNS INT DETERMINISTIC READS SQL DATA
BEGIN
  RETURN (SELECT COUNT(*) FROM posts WHERE user_id = uid);
END//
DELIMITER ;" "DROP FUNCTION post_count;
DROP PROCEDURE count_posts;
DROP TRIGGER users_lower;
DROP VIEW post_titles;"

# The database dumped: migrated by strata as `app`, which then leaves; dbmate's history beside
# strata's (a project that moved from dbmate keeps it).
sql "CREATE DATABASE md_src; CREATE USER md_app@'%' IDENTIFIED BY 'app-pw'; GRANT ALL ON md_src.* TO md_app@'%';
CREATE DATABASE md_proj; CREATE DATABASE md_loaded;
CREATE USER md_dev@'%' IDENTIFIED BY 'dev-pw'; GRANT ALL ON md_proj.* TO md_dev@'%'; GRANT ALL ON \`strata\\_scratch\\_%\`.* TO md_dev@'%'"
case_ "the database dumped: up as a user who then leaves"
expect_exit 0 -- "$STRATA" migrate --dir md -d "mysql://md_app:app-pw@127.0.0.1:$PORT/md_src" up
sql md_src "CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY);
INSERT INTO schema_migrations VALUES ('20240101000001'), ('20240101000002'), ('20240101000003')"
dbmate_dump md_src >md_dbmate.sql
dump md_src --no-data >md_plain.sql
dump md_src --no-data --routines >md_plain_routines.sql
sql "DROP USER md_app@'%'"
for f in md_dbmate.sql md_plain.sql; do
    assert_true "$f: mysqldump's versioned comments" grep -q '^/\*!40101 SET' $f
    assert_true "$f: the view's stand-in" grep -q '^/\*!50001 CREATE VIEW `post_titles` AS SELECT' $f
    assert_true "$f: the view's definer" grep -q '^/\*!50013 DEFINER=`md_app`@`%` SQL SECURITY DEFINER \*/' $f
    assert_true "$f: the trigger's DELIMITER block" grep -q '^DELIMITER ;;' $f
    assert_true "$f: strata's history table" grep -q '^CREATE TABLE `strata_migrations`' $f
done
assert_true "dbmate.sql: the routines" grep -q '^CREATE DEFINER=`md_app`@`%` PROCEDURE `count_posts`' md_dbmate.sql
assert_true "dbmate.sql: dbmate's rows" grep -q "^  ('20240101000003');" md_dbmate.sql
assert_true "plain.sql: DROP TABLE IF EXISTS" grep -q '^DROP TABLE IF EXISTS `users`;' md_plain.sql

DEV="mysql://md_dev:dev-pw@127.0.0.1:$PORT/md_proj"

case_ "diff --to dbmate's schema.sql: no difference from the migrations it came from"
expect_exit 0 -- "$STRATA" migrate --dir md -d "$DEV" diff same --to md_dbmate.sql --dry-run
expect_stderr_match 'no difference: the migrations already give the schema of md_dbmate.sql'
expect_stdout_empty
assert_eq "" "$(sql "SHOW DATABASES LIKE 'strata_scratch%'")" "the scratch databases are gone"

case_ "diff --to the plain mysqldump --no-data: no difference, its routines aside"
expect_exit 0 -- "$STRATA" migrate --dir md -d "$DEV" diff same --to md_plain_routines.sql --dry-run
expect_stderr_match 'no difference'
# Without --routines mysqldump leaves functions and procedures out: diff drops them, nothing else.
expect_exit 0 -- "$STRATA" migrate --dir md -d "$DEV" diff no_routines --to md_plain.sql --dry-run
assert_eq "DROP FUNCTION \`post_count\`;
DROP PROCEDURE \`count_posts\`;" "$(sed -n '/^-- migrate:up/,/^-- migrate:down/p' "$E2E_TMP/.out" | grep -v '^--' | grep -v '^$')" \
    "the up drops the two routines only"

case_ "diff --to a changed dump: the migration that makes the change"
# A column added to users, an index dropped from posts, the view reading the new column.
sed -e '/^  `email` varchar(255) NOT NULL,$/a\  `nickname` varchar(50) DEFAULT NULL,' \
    -e '/^  KEY `posts_title` (`title`),$/d' \
    -e 's/`u`\.`email` AS `email` from/`u`.`email` AS `email`,`u`.`nickname` AS `nickname` from/' md_dbmate.sql >md_changed.sql
assert_true "the change is in the file" grep -q 'nickname' md_changed.sql
expect_exit 0 -- "$STRATA" migrate --dir md -d "$DEV" diff add_nickname --to md_changed.sql
F=$(ls md/*_add_nickname.sql)
assert_eq "-- migrate:up
-- written by \`strata migrate diff\` from md_changed.sql; review before applying
DROP VIEW \`post_titles\`;
ALTER TABLE \`posts\`
  DROP INDEX \`posts_title\`;
ALTER TABLE \`users\`
  ADD COLUMN \`nickname\` varchar(50) DEFAULT NULL AFTER \`email\`;
CREATE VIEW \`post_titles\` AS select \`p\`.\`id\` AS \`id\`,\`p\`.\`title\` AS \`title\`,\`u\`.\`email\` AS \`email\`,\`u\`.\`nickname\` AS \`nickname\` from (\`posts\` \`p\` join \`users\` \`u\` on(\`u\`.\`id\` = \`p\`.\`user_id\`));" \
    "$(sed '/^$/,$d' "$F")" "the up: the view made again around the new column, the index dropped"
assert_true "the down drops the column" grep -q '^  DROP COLUMN `nickname`;' "$F"
assert_true "the down adds the index back" grep -q '^  ADD KEY `posts_title` (`title`);' "$F"
expect_exit 0 -- "$STRATA" migrate --dir md -d "$DEV" up
expect_exit 0 -- "$STRATA" migrate --dir md -d "$DEV" check --drift
expect_exit 0 -- "$STRATA" migrate --dir md -d "$DEV" diff probe --to md_changed.sql --dry-run
expect_stderr_match 'no difference'
expect_exit 0 -- "$STRATA" migrate --dir md -d "$DEV" down
rm -f "$F"

case_ "load dbmate's schema.sql: the objects and the versions it lists"
URL="mysql://strata:$PASSWORD@127.0.0.1:$PORT/md_loaded"
expect_exit 0 -- "$STRATA" migrate --dir md -d "$URL" load md_dbmate.sql
expect_stderr_match '3 migrations recorded as applied'
expect_exit 0 -- "$STRATA" migrate --dir md -d "$URL" status
expect_stdout_match '^20240101000003 +programs +applied'
expect_exit 0 -- "$STRATA" migrate --dir md -d "$URL" check --drift
assert_eq "post_titles" "$(sql md_loaded "SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = 'md_loaded'")" "the view"
assert_eq "users_lower" "$(sql md_loaded "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'md_loaded'")" "the trigger"
fi

# ---------------------------------------------------------------------------------------------
case_ "strata mcp's migration tools with the history table locked by another session: an error at the deadline"
URL=$(fresh_db locked)
mcp_project "$URL"
sql locked "LOCK TABLES strata_migrations WRITE; SELECT SLEEP(300);" >/dev/null 2>&1 &
locker=$!
e2e_bg $locker
for _ in $(seq 1 100); do
    [ "$(sql "SELECT count(*) FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP(300)%'")" = 1 ] && break
    sleep 0.1
done
mcp_locked_history "$URL" 'Lock wait timeout'
sql "SELECT id FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP(300)%'" | while read -r id; do sql "KILL $id"; done
wait $locker 2>/dev/null

e2e_finish
