#!/usr/bin/env bash
# End-to-end tests of the configuration: `strata config` (plain lines in a pipe, --json,
# --path), strata.toml found from a subdirectory, the user file under $XDG_CONFIG_HOME, the
# precedence flags > environment > project file > user file > defaults as the commands apply it
# (ingest's store and collection, migrate's dir and database), secrets shown as set/unset only,
# and the refusals (malformed file, unknown key with a suggestion, wrong type, a key in a file),
# each naming file:line:col with exit 2.
#
# Usage: bash tests/e2e/config.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init config "$@"

S() { strata_t "$@"; }
unset STRATA_STORE XDG_CONFIG_HOME OPENAI_API_KEY ANTHROPIC_API_KEY OPENAI_BASE_URL \
    STRATA_LLM_PROVIDER STRATA_LLM_MODEL STRATA_LLM_BASE_URL
export HOME="$E2E_TMP/home"
mkdir -p "$HOME" proj/sub/deeper proj/docs
P="$E2E_TMP/proj"

# value NAME: the value column of NAME in the last plain `strata config` output.
value() { printf '%s\n' "$OUT" | awk -F'\t' -v k="$1" '$1 == k { print $2 }'; }
source_of() { printf '%s\n' "$OUT" | awk -F'\t' -v k="$1" '$1 == k { print $3 }'; }

case_ "no files: defaults, and --path says nothing was found"
cd "$P/sub" || exit 2
expect_exit 0 -- S config
assert_eq ".strata/store.db" "$(value store.path)" "store.path default"
assert_eq "default" "$(source_of store.path)" "store.path from the default"
assert_eq "strata_migrations" "$(value migrate.table)" "migrate.table default"
assert_eq "unset" "$(source_of llm.model)" "llm.model unset"
expect_exit 0 -- S config --path
expect_stdout_match '^project: \(none'
expect_stdout_match "^user: \\(none: $HOME/.config/strata/config.toml does not exist\\)"

case_ "project file found upward, paths relative to it; user file under XDG_CONFIG_HOME"
cat >"$P/strata.toml" <<'EOF'
# the project's settings
[store]
path = "kb/store.db"
collection = "handbook"

[migrate]
dir = "db/migrations"
database = "sqlite:db/app.sqlite3"

[chunk]
size = 600
EOF
export XDG_CONFIG_HOME="$E2E_TMP/xdg"
mkdir -p "$XDG_CONFIG_HOME/strata"
cat >"$XDG_CONFIG_HOME/strata/config.toml" <<'EOF'
[store]
collection = "from-user"
[llm]
model = "llama3.2"
base_url = "http://localhost:11434/v1"
api_key_env = "MY_LLM_KEY"
EOF
cd "$P/sub/deeper" || exit 2
expect_exit 0 -- S config --path
expect_stdout_match "^project: $P/strata.toml\$"
expect_stdout_match "^user: $XDG_CONFIG_HOME/strata/config.toml\$"
expect_exit 0 -- S config
assert_eq "$P/kb/store.db" "$(value store.path)" "store.path relative to strata.toml"
assert_eq "$P/strata.toml:3" "$(source_of store.path)" "store.path source names file:line"
assert_eq "handbook" "$(value store.collection)" "project file beats the user file"
assert_eq "llama3.2" "$(value llm.model)" "user file value"
assert_eq "$XDG_CONFIG_HOME/strata/config.toml:4" "$(source_of llm.model)" "user file source"
assert_eq "$P/db/migrations" "$(value migrate.dir)" "migrate.dir relative to strata.toml"
assert_eq "sqlite:$P/db/app.sqlite3" "$(value migrate.database)" "sqlite: database relative to strata.toml"
assert_eq "600" "$(value chunk.size)" "integer value"

case_ "environment beats the files"
STRATA_STORE="$E2E_TMP/env.db" STRATA_LLM_MODEL=env-model run "$STRATA" config
assert_eq "$E2E_TMP/env.db" "$(value store.path)" "STRATA_STORE beats store.path"
assert_eq "env STRATA_STORE" "$(source_of store.path)" "source names the variable"
assert_eq "env-model" "$(value llm.model)" "STRATA_LLM_MODEL beats the user file"

case_ "secrets: set/unset only, never the value"
expect_exit 0 -- S config
assert_eq "unset" "$(value llm.api_key)" "llm key unset"
assert_eq "env MY_LLM_KEY" "$(source_of llm.api_key)" "llm key from the variable the user file names"
assert_eq "unset" "$(value embed.api_key)" "embed key unset"
MY_LLM_KEY=sk-very-secret-1 OPENAI_API_KEY=sk-very-secret-2 run "$STRATA" config
assert_eq "set" "$(value llm.api_key)" "llm key set"
assert_eq "set" "$(value embed.api_key)" "embed key set"
expect_stdout_nomatch 'sk-very-secret'
MY_LLM_KEY=sk-very-secret-1 run "$STRATA" config --json
expect_stdout_nomatch 'sk-very-secret'
expect_json_true "--json: value, source and where" \
    'd["settings"]["store.path"] == {"value": "'"$P"'/kb/store.db", "source": "project file", "where": "'"$P"'/strata.toml:3"}'
expect_json_true "--json: integers are numbers, unset is null" \
    'd["settings"]["chunk.size"]["value"] == 600 and d["settings"]["embed.model"]["value"] is None'
expect_json_true "--json: secrets" \
    'd["secrets"]["llm.api_key"] == {"variable": "MY_LLM_KEY", "set": True} and d["secrets"]["embed.api_key"]["set"] is False'
expect_json_true "--json: files" 'd["files"]["project"] == "'"$P"'/strata.toml"'

case_ "ingest: store and collection from strata.toml; --store/--collection and STRATA_STORE win"
printf '# Handbook\n\nRollback steps for the database.\n' >"$P/docs/guide.md"
expect_exit 0 -- S ingest "$P/docs"
assert_exists "$P/kb/store.db"
expect_exit 0 -- S collections --json
expect_stdout_match '"name":"handbook"'
expect_exit 0 -- S ingest --store "$E2E_TMP/flag.db" --collection other "$P/docs"
assert_exists "$E2E_TMP/flag.db"
expect_exit 0 -- S collections --json --store "$E2E_TMP/flag.db"
expect_stdout_match '"name":"other"'
expect_stdout_nomatch '"name":"handbook"'
STRATA_STORE="$E2E_TMP/env.db" run "$STRATA" ingest "$P/docs"
assert_eq 0 "$RC" "ingest with STRATA_STORE"
assert_exists "$E2E_TMP/env.db"

case_ "migrate: dir and database from strata.toml, from a subdirectory; -d and --dir win"
mig "$P/db/migrations" 20260101000000 create_notes "CREATE TABLE notes (id INTEGER PRIMARY KEY);" "DROP TABLE notes;"
expect_exit 0 -- S migrate up
assert_true "the database strata.toml names was migrated" table_exists "$P/db/app.sqlite3" notes
expect_exit 0 -- S migrate -d "sqlite:$E2E_TMP/flag.sqlite3" up
assert_true "-d beats strata.toml" table_exists "$E2E_TMP/flag.sqlite3" notes
mig "$E2E_TMP/other-migrations" 20260202000000 create_tags "CREATE TABLE tags (id INTEGER);" "DROP TABLE tags;"
expect_exit 0 -- S migrate -d "sqlite:$E2E_TMP/dir.sqlite3" --dir "$E2E_TMP/other-migrations" up
assert_true "--dir beats strata.toml" table_exists "$E2E_TMP/dir.sqlite3" tags
DATABASE_URL="sqlite:$E2E_TMP/envurl.sqlite3" run "$STRATA" migrate up
assert_eq 0 "$RC" "migrate up with DATABASE_URL"
assert_true "DATABASE_URL beats strata.toml" table_exists "$E2E_TMP/envurl.sqlite3" notes

case_ "chunk: [chunk] from strata.toml; flags win"
printf 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron\n' >"$P/text.txt"
printf '\n[chunk]\nstrategy = "fixed"\nsize = 20\n' >"$P/sub/strata.toml"
cd "$P/sub" || exit 2
expect_exit 0 -- S chunk "$P/text.txt"
assert_eq true "$([ "$(printf '%s\n' "$OUT" | grep -c .)" -ge 4 ] && echo true || echo false)" "size 20 from strata.toml gives several chunks"
expect_exit 0 -- S chunk --size 1000 "$P/text.txt"
assert_eq 1 "$(printf '%s\n' "$OUT" | grep -c .)" "--size beats chunk.size"
rm "$P/sub/strata.toml"
cd "$P/sub/deeper" || exit 2

case_ "embed and ask: [embed] and [llm] from strata.toml; flags and STRATA_LLM_* win"
cp "$P/strata.toml" "$E2E_TMP/strata.toml.good"
printf '\n[embed]\nprovider = "bogus-embed"\n\n[llm]\nprovider = "bogus-llm"\n' >>"$P/strata.toml"
"$STRATA" trust "$P" >/dev/null  # providers that would send content apply in a trusted project only
expect_exit 2 -- S embed
expect_error_line "unknown provider 'bogus-embed'"
expect_exit 0 -- S embed --provider local
expect_stderr_match "handbook"
expect_exit 2 -- S ask "how do I roll back"
expect_error_line "unknown provider 'bogus-llm'"
expect_exit 0 -- S ask --provider none "how do I roll back"
expect_stdout_match "Rollback"
STRATA_LLM_PROVIDER=none run "$STRATA" ask "how do I roll back"
assert_eq 0 "$RC" "STRATA_LLM_PROVIDER beats llm.provider"
cp "$E2E_TMP/strata.toml.good" "$P/strata.toml"

# refuse CONTENT REGEX...: strata.toml holding CONTENT makes `strata config` exit 2 with one
# error line matching each REGEX.
refuse() {
    local content=$1
    shift
    printf '%s' "$content" >"$P/strata.toml"
    expect_exit 2 -- S config
    expect_error_line "$@"
}

case_ "refusals name file:line:col"
cd "$P/sub" || exit 2
refuse $'[store]\ncolection = "x"\n' "strata.toml:2:1: unknown key store.colection; did you mean store.collection\\?"
refuse $'[embedd]\nmodel = "x"\n' "strata.toml:1:2: unknown section \\[embedd\\]; did you mean \\[embed\\]\\?"
refuse $'[chunk]\nsize = "big"\n' "strata.toml:2:8: chunk.size must be a non-negative integer, not a string"
refuse $'[store]\npath = "unterminated\n' "strata.toml:2:"
refuse $'[llm]\napi_key = "sk-very-secret-3"\n' "strata.toml:2:1: llm.api_key: secrets are not read from files" "environment variable"
expect_stderr_nomatch 'sk-very-secret'
refuse $'[embed]\napi_key_env = "sk-very-secret-4"\n' "name of an environment variable"
expect_stderr_nomatch 'sk-very-secret'

case_ "a bad file stops the commands that read it"
printf '[store]\ncolection = "x"\n' >"$P/strata.toml"
expect_exit 2 -- S collections
expect_error_line "strata.toml:2:1: unknown key store.colection"
expect_exit 2 -- S migrate status
expect_error_line "strata.toml:2:1: unknown key store.colection"
printf '[llm]\nmodel = 3\n' >"$XDG_CONFIG_HOME/strata/config.toml"
rm "$P/strata.toml"
expect_exit 2 -- S config
expect_error_line "$XDG_CONFIG_HOME/strata/config.toml:2:9: llm.model must be a string, not an integer"

e2e_finish
