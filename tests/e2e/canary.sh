#!/usr/bin/env bash
# The canary API key of the suite (STRATA_CANARY_KEY, exported by lib.sh as OPENAI_API_KEY and
# ANTHROPIC_API_KEY for every e2e script) must appear in no output, log, store, cache or core
# file. This script sends it on every path that touches a key: embed (collection and --text),
# search, ask (OpenAI and Anthropic shapes, streamed and whole, --json, the response cache),
# logs, config, and the error paths (a server that rejects the key and repeats it in its error,
# a 500 whose body holds it, the key pasted where a variable name belongs, a key written in
# strata.toml). It also checks that --redact removes a key glued to the word before it. Then it looks for the key, its middle
# 16 characters, its base64 (at the three alignments) and its hex form in every stdout and
# stderr, every file under the test's directory (stores, their WAL and vector snapshots, the
# home directory with any cache), and any core file.
#
# Usage: bash tests/e2e/canary.sh /path/to/strata
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_init canary "$@"
. "$HERE/../servers/e2e_helpers.sh"

KEY=$STRATA_CANARY_KEY
unset STRATA_STORE STRATA_LLM_PROVIDER STRATA_LLM_MODEL STRATA_LLM_BASE_URL OPENAI_BASE_URL
export HOME="$E2E_TMP/home" XDG_CONFIG_HOME="$E2E_TMP/home/.config" XDG_CACHE_HOME="$E2E_TMP/home/.cache"
mkdir -p "$HOME" outputs
ulimit -c unlimited 2>/dev/null  # a crash anywhere below leaves a core file to search
start_server --require-key "$KEY"
# ask embeds its question with the collection's model: through the same server.
export OPENAI_BASE_URL=$URL
chat_script() { ctl POST /_control/chat_script "{\"responses\": $1}"; }

N_OUT=0
# r CMD...: runs like `run` and keeps its stdout and stderr for the search at the end.
r() {
    run "$@"
    N_OUT=$((N_OUT + 1))
    cp "$E2E_TMP/.out" "$E2E_TMP/outputs/$N_OUT.out"
    cp "$E2E_TMP/.err" "$E2E_TMP/outputs/$N_OUT.err"
}

mkdir -p docs
printf '# Rollback\n\nRolling back a migration runs its down section.\n' >docs/rollback.md
printf '# Checksums\n\nEvery applied migration is recorded with a checksum.\n' >docs/checksums.md
r "$STRATA" ingest --store store.db --collection docs docs
assert_eq 0 "$RC" "ingest"

case_ "embed, search and ask send the key and succeed"
r "$STRATA" embed --store store.db --collection docs --provider openai --base-url "$URL" --dimensions 8
assert_eq 0 "$RC" "embed a collection"
assert_eq "Bearer $KEY" "$(server_log 'reqs[-1]["authorization"]')" "the key was sent"
r "$STRATA" embed --text hello --provider openai --base-url "$URL" --dimensions 8 --json
assert_eq 0 "$RC" "embed --text"
r "$STRATA" search --store store.db --collection docs --base-url "$URL" --explain rollback
assert_eq 0 "$RC" "hybrid search"
r "$STRATA" search --store store.db --collection docs --base-url "$URL" --mode vector --json checksum
assert_eq 0 "$RC" "vector search"
A=(ask --store store.db --collection docs --base-url "$URL" --model test-model)
r "$STRATA" "${A[@]}" 'how do I roll back?'
assert_eq 0 "$RC" "ask, streamed"
r "$STRATA" "${A[@]}" 'how do I roll back?'
assert_eq 0 "$RC" "ask again: from the response cache"
r "$STRATA" "${A[@]}" --no-stream --no-cache --json 'what is a checksum?'
assert_eq 0 "$RC" "ask --no-stream --json"
r "$STRATA" "${A[@]}" --context-only 'what is a checksum?'
assert_eq 0 "$RC" "ask --context-only"
r "$STRATA" ask --store store.db --collection docs --provider anthropic --base-url "http://127.0.0.1:$PORT" \
    --model claude-test 'what is a checksum?'
assert_eq 0 "$RC" "ask, Anthropic"
r "$STRATA" "${A[@]}" --continue 'and then?'
assert_eq 0 "$RC" "ask --continue"

case_ "--redact removes a key glued to the word before it from the sources sent"
# Not the canary (strata never puts its own key in a prompt): a key in a user's document.
FAKE="sk-proj-Zx9Lm2Wc8Rt5Yh1Kd4Np6Vb0Gs3J7Qf3"
mkdir -p notes
printf 'The maximum context lengthsk%s is set in the config.\n' "${FAKE#sk}" >notes/config.md
r "$STRATA" ingest --store notes.db --collection notes notes
r "$STRATA" ask --store notes.db --collection notes --base-url "$URL" --model test-model --redact --context-only \
    'what is the maximum context length?'
assert_eq 0 "$RC" "ask --redact --context-only"
expect_stdout_match 'context length\[key\]'
expect_stdout_nomatch "${FAKE:8:16}"

case_ "the server rejects the key and repeats it in its error"
server_config "{\"require_key\": \"sk-other-key-0000000000000000000000\", \"echo_key\": true}"
r "$STRATA" embed --text hello --provider openai --base-url "$URL" --dimensions 8
assert_eq 7 "$RC" "embed: 401"
expect_stderr_match '^strata: error: .*HTTP 401'
r "$STRATA" search --store store.db --collection docs --base-url "$URL" --mode vector rollback
assert_eq 7 "$RC" "search: 401"
r "$STRATA" "${A[@]}" --no-cache 'how do I roll back?'
assert_eq 7 "$RC" "ask: 401 when embedding the question"
r "$STRATA" "${A[@]}" --mode keyword --no-cache 'how do I roll back?'
assert_eq 2 "$RC" "ask: 401 from the chat server"
r "$STRATA" "${A[@]}" --mode keyword --no-cache --no-stream --json 'how do I roll back?'
assert_eq 2 "$RC" "ask --json: 401 from the chat server"
server_reset

case_ "a 500 whose body holds the key"
server_script "[{\"status\": 500, \"body\": \"upstream said: bad key $KEY\"}]"
r "$STRATA" embed --text hello --provider openai --base-url "$URL" --dimensions 8 --max-retries 0
assert_eq 7 "$RC" "embed: 500"
expect_stderr_match '^strata: error: .*HTTP 500'
chat_script "[{\"status\": 500, \"body\": {\"error\": {\"message\": \"bad key $KEY\"}}}]"
r "$STRATA" "${A[@]}" --no-cache --max-retries 0 'how do I roll back?'
assert_eq 7 "$RC" "ask: 500"
expect_stderr_match '^strata: error: .*HTTP 500'

case_ "a server echoes the key without its prefix, split by a space and a line break"
# KEY minus "sk-", then cut in two by a space and in two again by a line break (as JSON "\\n").
BARE=${KEY#sk-}
HALF=$(( ${#BARE} / 2 ))
SPLIT="${BARE:0:$HALF} ${BARE:$HALF:8}\\n${BARE:$((HALF + 8))}"
server_script "[{\"status\": 500, \"body\": {\"error\": {\"message\": \"upstream rejected $SPLIT\"}}}]"
r "$STRATA" embed --text hello --provider openai --base-url "$URL" --dimensions 8 --max-retries 0
assert_eq 7 "$RC" "embed: 500"
expect_stderr_match '^strata: error: .*upstream rejected \[redacted\]'
chat_script "[{\"status\": 500, \"body\": {\"error\": {\"message\": \"upstream rejected $SPLIT\"}}}]"
r "$STRATA" "${A[@]}" --mode keyword --no-cache --max-retries 0 'how do I roll back?'
assert_eq 7 "$RC" "ask: 500"
expect_stderr_match '^strata: error: .*upstream rejected \[redacted\]'
# No 8 characters in a row of the key, once spaces and line breaks are taken out.
if python3 - "$BARE" "$E2E_TMP/.err" "$E2E_TMP/outputs/$((N_OUT - 1)).err" <<'EOF'
import re, sys
key = sys.argv[1]
for path in sys.argv[2:]:
    text = re.sub(r"\s", "", open(path, encoding="utf-8", errors="replace").read())
    if any(key[i:i + 8] in text for i in range(len(key) - 7)):
        sys.exit(1)
EOF
then pass "no 8-character piece of the key in either error"; else fail "a piece of the key was printed"; fi

case_ "the key where a variable name belongs, and in strata.toml"
r "$STRATA" embed --text hello --provider openai --base-url "$URL" --api-key-env "$KEY"
assert_eq 2 "$RC" "embed --api-key-env KEY"
r "$STRATA" "${A[@]}" --api-key-env "$KEY" 'x'
assert_eq 2 "$RC" "ask --api-key-env KEY"
mkdir -p proj
printf '[llm]\napi_key = "%s"\n' "$KEY" >proj/strata.toml
cd proj || exit 2
r "$STRATA" config
assert_eq 2 "$RC" "config refuses a key in strata.toml"
cd "$E2E_TMP" || exit 2
rm -rf proj  # the one file this test wrote the key into

case_ "logs and config show no key"
r "$STRATA" logs --store store.db
assert_eq 0 "$RC" "logs"
r "$STRATA" logs --store store.db --json -n 0
assert_eq 0 "$RC" "logs --json"
r "$STRATA" config
assert_eq 0 "$RC" "config"
r "$STRATA" config --json
assert_eq 0 "$RC" "config --json"
expect_stdout_match 'OPENAI_API_KEY'

# ---------------------------------------------------------------------------------------------
case_ "the canary key, in any form, is nowhere"
# The forms: the key, its middle 16 characters, its base64 at each of the three alignments (the
# characters that do not depend on the bytes around it) and its hex, lower and upper case.
forms=$(python3 - "$KEY" <<'EOF'
import base64, sys
k = sys.argv[1].encode()
out = [k.decode(), k[len(k) // 2 - 8:len(k) // 2 + 8].decode(), k.hex(), k.hex().upper()]
for pad in range(3):
    b = base64.b64encode(b"\0" * pad + k).decode()
    start = (pad * 8 + 5) // 6 + 1
    out.append(b[start:-4])
print("\n".join(out))
EOF
)
assert_eq 7 "$(printf '%s\n' "$forms" | grep -c .)" "seven forms to look for"
cores=$(find "$E2E_TMP" -name 'core' -o -name 'core.[0-9]*' | grep -c .)
assert_eq 0 "$cores" "no core file"
pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
case "$pattern" in
    /*) core_dir=$(dirname "$pattern") ;;
    *) core_dir="" ;;
esac
leaks=""
while IFS= read -r form; do
    # Everything the test directory holds, but the binary, the scripts' own control files and
    # the server's stderr (the server is the other side and knows the key).
    found=$(grep -rlaF --exclude-dir=.bin --exclude=.server.err --exclude=.port -- "$form" "$E2E_TMP" 2>/dev/null)
    if [ -n "$core_dir" ] && [ -d "$core_dir" ]; then
        found="$found$(find "$core_dir" -maxdepth 1 -type f -newer "$E2E_TMP/.port" -name '*core*' \
            -exec grep -laF -- "$form" {} + 2>/dev/null)"
    fi
    [ -n "$found" ] && leaks="$leaks [$form in: $(printf '%s' "$found" | tr '\n' ' ')]"
done <<<"$forms"
assert_eq "" "$leaks" "the canary key is in no output, store, cache, log or core file"
searched=$(find "$E2E_TMP" -type f ! -path '*/.bin/*' | grep -c .)
note "searched $searched files ($N_OUT stdout/stderr pairs) for 7 forms of the key"

e2e_finish
