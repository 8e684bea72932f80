#!/usr/bin/env bash
# A cloned repository's files choosing where the user's secrets go. A project's strata.toml that
# names a server (llm.base_url, embed.base_url, rerank.base_url) and a ./.env that names a
# database get none of the user's secrets from the environment (API keys, $PGPASSWORD) unless the
# user trusts that server ($STRATA_TRUSTED_ENDPOINTS or trust.endpoints in their own file); the
# file that chose the server is named on stderr. Passwords inside URLs are refused in files and
# masked where strata shows or stores a URL (`strata config`, messages, llm_calls, `logs`).
# Each case has its positive control: the same secret does go where the user chose.
# The projects here are trusted (`strata trust`, strata-security(7)): trusting a project lets its
# settings choose servers, but never lets its files send the user's keys to them; an untrusted
# project's servers are not used at all (tests/e2e/trust.sh).
#
# Usage: bash tests/e2e/project_secrets.sh /path/to/strata
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_init project_secrets "$@"
. "$HERE/../servers/e2e_helpers.sh"

unset STRATA_STORE STRATA_LLM_PROVIDER STRATA_LLM_MODEL STRATA_LLM_BASE_URL OPENAI_BASE_URL \
    STRATA_TRUSTED_ENDPOINTS DATABASE_URL PGHOST PGDATABASE PGSERVICE PGPASSFILE
export HOME="$E2E_TMP/home" XDG_CONFIG_HOME="$E2E_TMP/home/.config" XDG_CACHE_HOME="$E2E_TMP/home/.cache"
mkdir -p "$HOME/.config/strata" repo/docs
export OPENAI_API_KEY="sk-user-openai-key-0123456789abcdef"
export AWS_SECRET_ACCESS_KEY="aws-secret-0123456789abcdefghij"
start_server
# auth_seen: every Authorization header the server received since the last reset, one per line.
auth_seen() {
    ctl_out GET /_control/log | python3 -c '
import json, sys
for r in json.load(sys.stdin)["requests"]:
    if r.get("authorization"): print(r["authorization"])'
}

cd repo || exit 2
printf '# Rollback\n\nRolling back a migration runs its down section.\n' >docs/rollback.md
expect_exit 0 -- strata_t ingest --store store.db docs

case_ "ask: a project file choosing the server and the variable sends no key"
cat >strata.toml <<EOF
[llm]
base_url = "$URL"
model = "test-model"
api_key_env = "AWS_SECRET_ACCESS_KEY"
EOF
strata_t trust >/dev/null 2>&1  # the project is trusted: its servers are used, its key choice is not
server_reset
expect_exit 0 -- strata_t ask --store store.db --no-cache 'how do I roll back?'
assert_eq "" "$(auth_seen)" "no Authorization header reached the project's server"
expect_stderr_match "strata.toml:2 \\(llm.base_url\\) chose the endpoint http://127.0.0.1:$PORT/v1; no key is sent to it"
expect_stderr_match "STRATA_TRUSTED_ENDPOINTS=http://127.0.0.1:$PORT"

case_ "ask: the same server, trusted by the user, gets the key the project names"
server_reset
STRATA_TRUSTED_ENDPOINTS="http://127.0.0.1:$PORT" expect_exit 0 -- strata_t ask --store store.db --no-cache 'how do I roll back?'
assert_eq "Bearer $AWS_SECRET_ACCESS_KEY" "$(auth_seen | head -1)" "the key went once the user trusted the server"
expect_stderr_match "note: .*strata.toml:2 \\(llm.base_url\\) chose the endpoint"
server_reset
printf '[trust]\nendpoints = "https://elsewhere.example http://127.0.0.1:%s"\n' "$PORT" >"$HOME/.config/strata/config.toml"
expect_exit 0 -- strata_t ask --store store.db --no-cache 'how do I roll back?'
assert_eq "Bearer $AWS_SECRET_ACCESS_KEY" "$(auth_seen | head -1)" "trusted in the user's own file"
rm "$HOME/.config/strata/config.toml"

case_ "ask: --base-url typed by the user sends the key"
server_reset
expect_exit 0 -- strata_t ask --store store.db --no-cache --base-url "$URL" 'how do I roll back?'
assert_eq "Bearer $AWS_SECRET_ACCESS_KEY" "$(auth_seen | head -1)" "a server the user typed gets the key"

case_ "ask: --api-key-env toward a server the project chose is refused before anything is sent"
server_reset
expect_exit 2 -- strata_t ask --store store.db --no-cache --api-key-env OPENAI_API_KEY 'how do I roll back?'
expect_stderr_match "--api-key-env asks to send a key, but .*strata.toml:2 \\(llm.base_url\\) chose the endpoint"
assert_eq "0" "$(ctl_out GET /_control/log | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["requests"]))')" "no request"

case_ "a project file may not trust servers for the user"
printf '[trust]\nendpoints = "http://127.0.0.1:%s"\n' "$PORT" >>strata.toml
strata_t trust >/dev/null 2>&1
server_reset
expect_exit 2 -- strata_t ask --store store.db --no-cache 'how do I roll back?'
expect_stderr_match "strata.toml:6:[0-9]*: trust.endpoints is read from your own config file"
assert_eq "" "$(auth_seen)" "nothing sent"

case_ "embed: the default key is not sent to a server the project chose"
cat >strata.toml <<EOF
[embed]
base_url = "$URL"
EOF
strata_t trust >/dev/null 2>&1  # the project is trusted: its servers are used, its key choice is not
server_reset
expect_exit 0 -- strata_t ingest --store embedded.db docs
expect_exit 0 -- strata_t embed --store embedded.db --provider openai --model test-embed --dimensions 8
assert_eq "" "$(auth_seen)" "no Authorization header"
expect_stderr_match "strata.toml:2 \\(embed.base_url\\) chose the endpoint"
server_reset
expect_exit 0 -- strata_t embed --text hello --provider openai --model test-embed --dimensions 8 --base-url "$URL"
assert_eq "Bearer $OPENAI_API_KEY" "$(auth_seen | head -1)" "control: a typed --base-url gets the key"
expect_exit 2 -- strata_t embed --text hello --provider openai --model test-embed --dimensions 8 --api-key-env OPENAI_API_KEY
expect_stderr_match "--api-key-env asks to send a key"

case_ "rerank: the user's own key variable is not sent to a reranker the project chose"
printf '[rerank]\napi_key_env = "OPENAI_API_KEY"\n' >"$HOME/.config/strata/config.toml"
cat >strata.toml <<EOF
[rerank]
base_url = "$URL"
EOF
strata_t trust >/dev/null 2>&1  # the project is trusted: its servers are used, its key choice is not
server_reset
expect_exit 0 -- strata_t search --store store.db --rerank rollback
assert_eq "" "$(auth_seen)" "no Authorization header to the reranker"
expect_stderr_match "strata.toml:2 \\(rerank.base_url\\) chose the endpoint"
server_reset
expect_exit 0 -- strata_t search --store store.db --rerank --rerank-url "$URL" rollback
assert_eq "Bearer $OPENAI_API_KEY" "$(auth_seen | head -1)" "control: a typed --rerank-url gets the key"
rm "$HOME/.config/strata/config.toml" strata.toml

case_ "a password inside a URL in strata.toml is refused, never repeated"
printf '[migrate]\ndatabase = "postgres://app:hunter2pw@db.example/app"\n' >strata.toml
expect_exit 2 -- strata_t config
expect_stderr_match "strata.toml:2:[0-9]*: migrate.database: the URL holds a password; secrets are not read from files"
expect_output_nomatch "hunter2pw"
printf '[llm]\nbase_url = "http://u:hunter2pw@llm.example/v1"\n' >strata.toml
expect_exit 2 -- strata_t config
expect_output_nomatch "hunter2pw"
rm strata.toml

case_ "strata config masks a password in DATABASE_URL"
DATABASE_URL="postgres://app:hunter2pw@db.example/app" expect_exit 0 -- strata_t config
expect_stdout_match "postgres://app:\\*\\*\\*@db.example/app"
expect_output_nomatch "hunter2pw"
DATABASE_URL="postgres://app:hunter2pw@db.example/app" expect_exit 0 -- strata_t config --json
expect_output_nomatch "hunter2pw"

case_ "a password in --base-url is masked in messages, llm_calls and logs"
server_reset
expect_exit 0 -- strata_t ask --store store.db --no-cache --base-url "http://u:hunter2pw@127.0.0.1:$PORT/v1" --model test-model 'roll back?'
expect_output_nomatch "hunter2pw"
expect_exit 0 -- strata_t logs --store store.db --json
expect_stdout_match "http://u:\\*\\*\\*@127.0.0.1:$PORT/v1"
expect_output_nomatch "hunter2pw"
expect_exit 0 -- strata_t logs --store store.db
expect_output_nomatch "hunter2pw"
assert_eq "0" "$(grep -c hunter2pw store.db store.db-wal 2>/dev/null | awk -F: '{s += $2} END {print s + 0}')" "not in the store"
expect_exit 2 -- strata_t ask --store store.db --base-url "ftp://u:hunter2pw@127.0.0.1/v1" --model m 'q'
expect_output_nomatch "hunter2pw"
server_script '[{"status": 500, "body": "{\"error\": {\"message\": \"down\"}}"}, {"status": 500}, {"status": 500}, {"status": 500}, {"status": 500}, {"status": 500}]'
expect_exit 7 -- strata_t embed --text hello --provider openai --model test-embed --dimensions 8 --max-retries 0 \
    --base-url "http://u:hunter2pw@127.0.0.1:$PORT/v1"
expect_output_nomatch "hunter2pw"

case_ "migrate: ./.env choosing a PostgreSQL server gets no \$PGPASSWORD"
rm -f "$E2E_TMP/.pgport" "$E2E_TMP/pg.log"
python3 "$HERE/../servers/pg_password_catcher.py" "$E2E_TMP/.pgport" "$E2E_TMP/pg.log" &
e2e_bg $!
disown $! 2>/dev/null  # no "Killed" notice from bash when the cleanup kills it
for _ in $(seq 1 100); do [ -s "$E2E_TMP/.pgport" ] && break; sleep 0.05; done
PGPORT_=$(cat "$E2E_TMP/.pgport")
mkdir -p migrations
printf 'DATABASE_URL=postgres://app@127.0.0.1:%s/app?sslmode=disable\n' "$PGPORT_" >.env
PGPASSWORD=pg-canary-secret expect_exit 7 -- strata_t migrate status
assert_eq "no password" "$(cat "$E2E_TMP/pg.log")" "the server asked in clear text and got nothing"
expect_stderr_match "\\./\\.env chose the database postgres://app@127.0.0.1:$PGPORT_/app"
expect_stderr_match "no password supplied"
expect_output_nomatch "pg-canary-secret"
: >"$E2E_TMP/pg.log"
mkdir -p "$HOME"; printf '*:*:*:*:pgpass-canary-secret\n' >"$HOME/.pgpass"; chmod 600 "$HOME/.pgpass"
expect_exit 7 -- strata_t migrate status
assert_eq "no password" "$(cat "$E2E_TMP/pg.log")" "nor the password in ~/.pgpass"
rm "$HOME/.pgpass"
: >"$E2E_TMP/pg.log"
STRATA_TRUSTED_ENDPOINTS="postgres://127.0.0.1:$PGPORT_" PGPASSWORD=pg-canary-secret expect_exit 7 -- strata_t migrate status
assert_eq "password=pg-canary-secret" "$(cat "$E2E_TMP/pg.log")" "control: a trusted server gets it"
: >"$E2E_TMP/pg.log"
DATABASE_URL="postgres://app@127.0.0.1:$PGPORT_/app?sslmode=disable" PGPASSWORD=pg-canary-secret \
    expect_exit 7 -- strata_t migrate status
assert_eq "password=pg-canary-secret" "$(cat "$E2E_TMP/pg.log")" "control: \$DATABASE_URL is the user's own choice"
expect_stderr_nomatch "chose the database"
expect_output_nomatch "pg-canary-secret"
rm .env

case_ "migrate: a project strata.toml choosing the database gets no \$PGPASSWORD either"
: >"$E2E_TMP/pg.log"
printf '[migrate]\ndatabase = "postgres://app@127.0.0.1:%s/app?sslmode=disable"\n' "$PGPORT_" >strata.toml
PGPASSWORD=pg-canary-secret expect_exit 7 -- strata_t migrate status
assert_eq "no password" "$(cat "$E2E_TMP/pg.log")" "nothing sent"
expect_stderr_match "strata.toml:2 chose the database"
rm strata.toml

e2e_finish
