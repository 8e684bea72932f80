#!/usr/bin/env bash
# TLS to a PostgreSQL server, for the knowledge store (--store postgres://…) and for migrate,
# against a real server started for this test with a certificate of a test CA made here
# (openssl). A role that the server admits only over TLS shows which connections were
# encrypted: sslmode=verify-full with the CA works, with another CA or without a root
# certificate it is refused in one line naming the server (exit 7), sslmode=disable is refused
# by the server, and no password is printed.
# Skips (exit 77) only when the PostgreSQL server binaries are absent.
# Usage: bash tests/e2e/store_postgres_tls.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init store_postgres_tls "$@"

start_test_pg
PORT=${BASE##*:}
pq() { psql "$1" -X -q -A -t -v ON_ERROR_STOP=1 -c "$2"; }

export HOME="$E2E_TMP/home" XDG_CONFIG_HOME="$E2E_TMP/home/.config" XDG_CACHE_HOME="$E2E_TMP/home/.cache"
mkdir -p "$HOME" docs
printf '# Connection pools\n\nA pool keeps connections open between requests.\n' >docs/pools.md

# A CA, and the server's certificate for 127.0.0.1 signed by it; a second CA that signed nothing.
make_ca() {
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" -keyout "$1.key" -out "$1.pem" 2>/dev/null
}
make_ca test-ca && make_ca other-ca
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >san.ext
openssl x509 -req -in server.csr -CA test-ca.pem -CAkey test-ca.key -CAcreateserial -days 2 \
    -extfile san.ext -out server.crt 2>/dev/null
assert_true "the test's certificates were made" test -s server.crt

# The server takes TLS on a reload; the role tls_only is admitted over TLS alone.
DATA="$PGDIR/data"
cp server.crt server.key "$DATA/"
chmod 600 "$DATA/server.key"
[ "$(id -u)" -eq 0 ] && chown nobody "$DATA/server.crt" "$DATA/server.key"
{ printf 'hostnossl all tls_only 127.0.0.1/32 reject\n'; cat "$DATA/pg_hba.conf"; } >hba.conf
cat hba.conf >"$DATA/pg_hba.conf"
pq "$SERVER_URL" "ALTER SYSTEM SET ssl = on" >/dev/null
pq "$SERVER_URL" "SELECT pg_reload_conf()" >/dev/null
sleep 1
pq "$SERVER_URL" "CREATE ROLE tls_only LOGIN PASSWORD 'tls-pw-5521' CREATEDB" >/dev/null
pq "$SERVER_URL" "CREATE DATABASE team OWNER tls_only" >/dev/null
PASSWORD=tls-pw-5521
export PGPASSWORD=$PASSWORD
CA="$PWD/test-ca.pem"
URL="postgres://tls_only@127.0.0.1:$PORT/team"
assert_eq "on" "$(pq "$SERVER_URL" "SHOW ssl")" "the server has TLS on"

# ---------------------------------------------------------------------------------------------
case_ "sslmode=verify-full with the server's CA: ingest, search and collections over TLS"
STORE="$URL?sslmode=verify-full&sslrootcert=$CA"
expect_exit 0 -- "$STRATA" ingest docs --store "$STORE" -q
expect_exit 0 -- "$STRATA" search pool --store "$STORE" --json
expect_stdout_match '"source":"docs/pools.md"'
expect_exit 0 -- "$STRATA" collections --store "$STORE"
expect_stdout_match 'default'
no_password_in_output
assert_eq 1 "$(pq "$BASE/team" "SELECT count(*) FROM strata.documents")" "the document is in the store on the server"

case_ "STRATA_STORE carries the TLS parameters as --store does"
STRATA_STORE="$STORE" expect_exit 0 -- "$STRATA" search pool --json
expect_stdout_match '"source":"docs/pools.md"'

case_ "sslmode=require encrypts without checking the certificate"
expect_exit 0 -- "$STRATA" search pool --store "$URL?sslmode=require" --json
expect_stdout_match '"source":"docs/pools.md"'

case_ "sslmode=disable: the server admits this role over TLS only, one line naming it, exit 7"
expect_exit 7 -- "$STRATA" search pool --store "$URL?sslmode=disable"
expect_error_line "postgres://tls_only@127\.0\.0\.1:$PORT/team.*(schema strata).*no encryption"
no_password_in_output

case_ "sslmode=verify-full with a CA that did not sign the server's certificate is refused"
expect_exit 7 -- "$STRATA" search pool --store "$URL?sslmode=verify-full&sslrootcert=$PWD/other-ca.pem"
expect_error_line "postgres://tls_only@127\.0\.0\.1:$PORT/team.*certificate verify failed"
no_password_in_output

case_ "sslmode=verify-full without a root certificate (none in ~/.postgresql) is refused before sending anything"
expect_exit 7 -- "$STRATA" ingest docs --store "$URL?sslmode=verify-full" -q
expect_error_line "root certificate file .* does not exist"
no_password_in_output

case_ "a password in the URL is never printed, whatever the TLS outcome"
expect_exit 7 -- "$STRATA" search pool --store "postgres://tls_only:$PASSWORD@127.0.0.1:$PORT/team?sslmode=verify-full&sslrootcert=$PWD/other-ca.pem"
expect_error_line "postgres://tls_only:\*\*\*@127\.0\.0\.1:$PORT/team"
no_password_in_output

case_ "collections copy from a local store to the TLS server and back"
expect_exit 0 -- "$STRATA" ingest docs --store local.db --collection notes -q
expect_exit 0 -- "$STRATA" collections copy notes --store local.db --to "$STORE"
expect_exit 0 -- "$STRATA" search pool --store "$STORE" --collection notes --json
expect_stdout_match '"source":"docs/pools.md"'

case_ "migrate over TLS: verify-full works, another CA is refused naming the server"
mkdir -p migrations
mig migrations 20260101000000 create_notes "CREATE TABLE notes (id integer PRIMARY KEY);" "DROP TABLE notes;"
expect_exit 0 -- "$STRATA" migrate up --database "$URL?sslmode=verify-full&sslrootcert=$CA" --dir migrations
assert_eq 1 "$(pq "$BASE/team" "SELECT count(*) FROM pg_tables WHERE tablename = 'notes'")" "the migration ran over TLS"
expect_exit 7 -- "$STRATA" migrate status --database "$URL?sslmode=verify-full&sslrootcert=$PWD/other-ca.pem" --dir migrations
expect_error_line "certificate verify failed"
no_password_in_output

e2e_finish
