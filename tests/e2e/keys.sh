#!/usr/bin/env bash
# strata keys: create prints a key's secret once (text or JSON), list shows every key without a
# secret or hash, revoke marks it; bad names, scopes, rates and durations are one-line usage errors
# naming the field; a name in use and an unknown name are exit 3; the secret is nowhere in the
# store file, only its SHA-256. (authenticate, allows and the rate limiter: tests/unit/auth.)
# Usage: bash tests/e2e/keys.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init keys "$@"

export STRATA_STORE="$E2E_TMP/keys.db"

# ---------------------------------------------------------------------------------------------
case_ "create prints the secret once on stdout, a note on stderr"
expect_exit 0 -- "$STRATA" keys create ci-bot
expect_stdout_match '^sk-strata-[A-Za-z0-9_-]{43}$'
assert_eq 1 "$(printf '%s\n' "$OUT" | wc -l)" "one line on stdout"
expect_stderr_match "created key 'ci-bot' \(read\).*cannot be shown again"
SECRET=$OUT
HASH=$(printf '%s' "$SECRET" | sha256sum | cut -d' ' -f1)

case_ "create --json: name, key, scope, collections, rate and expiry"
expect_exit 0 -- "$STRATA" keys create app --scope write --collection docs --collection faq --rate 120/min --expires 30d --json
expect_json_true "the fields" 'd["name"] == "app" and d["key"].startswith("sk-strata-") and len(d["key"]) == 53 and d["scope"] == "write" and d["collections"] == ["docs", "faq"] and d["rate_per_minute"] == 120 and d["tokens_per_minute"] is None'
expect_json_true "expires in 30 days, ISO 8601 UTC" '__import__("datetime").datetime.strptime(d["expires_at"], "%Y-%m-%dT%H:%M:%SZ") - __import__("datetime").datetime.utcnow() > __import__("datetime").timedelta(days=29, hours=23)'
APP_SECRET=$(json_eval 'd["key"]')
expect_exit 0 -- "$STRATA" keys create ops --scope admin -q
expect_stderr_empty

case_ "list shows every key, never a secret or a hash"
expect_exit 0 -- "$STRATA" keys list
expect_stdout_match '^NAME +SCOPE +COLLECTIONS +RATE +TOKENS +CREATED +EXPIRES +REVOKED +LAST USED'
expect_stdout_match '^app +write +docs,faq +120/min '
expect_stdout_match '^ci-bot +read +all +- '
expect_output_nomatch "sk-strata-|$HASH"
expect_exit 0 -- "$STRATA" keys list --json
assert_eq 3 "$(printf '%s\n' "$OUT" | wc -l)" "one JSON line per key"
assert_eq "app ci-bot ops" "$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; print(" ".join(json.loads(l)["name"] for l in sys.stdin))')" "by name"
assert_eq "collections,created_at,expires_at,last_used_at,name,rate_per_minute,revoked_at,scope,tokens_per_minute" \
    "$(printf '%s\n' "$OUT" | head -1 | python3 -c 'import json,sys; print(",".join(sorted(json.load(sys.stdin))))')" "the fields, none a secret"
expect_output_nomatch "sk-strata-|$HASH"

case_ "the store holds the secret's SHA-256, never the secret"
assert_eq "$HASH" "$(sqlite3 keys.db "SELECT secret_sha256 FROM api_keys WHERE name = 'ci-bot'")" "the hash is stored"
if grep -aqF -- "${SECRET#sk-strata-}" keys.db* || grep -aqF -- "${APP_SECRET#sk-strata-}" keys.db*; then
    fail "a secret is in the store file"
else
    pass "no secret in the store file"
fi

case_ "a name in use is refused, revoked or not"
expect_exit 3 -- "$STRATA" keys create ci-bot --scope admin
expect_error_line "a key named 'ci-bot' exists"
expect_stdout_empty

case_ "bad input: one line naming the field, exit 2, nothing stored"
expect_exit 2 -- "$STRATA" keys create -- -bot
expect_error_line "key name: it starts with '-'"
expect_exit 2 -- "$STRATA" keys create 'has space'
expect_error_line "key name: it has a character other than"
expect_exit 2 -- "$STRATA" keys create "$(printf 'a%.0s' $(seq 65))"
expect_error_line "key name: it is longer than 64"
expect_exit 2 -- "$STRATA" keys create x --scope root
expect_error_line "^strata: error: --scope: 'root' is not a scope"
expect_exit 2 -- "$STRATA" keys create x --rate 0/min
expect_error_line "^strata: error: --rate: '0/min' lets no request through"
expect_exit 2 -- "$STRATA" keys create x --rate 10/hour
expect_error_line "^strata: error: --rate: '10/hour' is not a rate per minute"
expect_exit 2 -- "$STRATA" keys create x --tokens 0/min
expect_error_line "^strata: error: --tokens: '0/min' lets no token through"
expect_exit 2 -- "$STRATA" keys create x --tokens 40k
expect_error_line "^strata: error: --tokens: '40k' is not a number of tokens per minute"
expect_exit 2 -- "$STRATA" keys create x --expires 30x
expect_error_line "^strata: error: --expires: '30x' has an unknown unit"
expect_exit 2 -- "$STRATA" keys create x --expires soon
expect_error_line "^strata: error: --expires: 'soon' is not a duration"
expect_exit 2 -- "$STRATA" keys create x --collection ''
expect_error_line "collection"
expect_exit 2 -- "$STRATA" keys
expect_exit 0 -- "$STRATA" keys list --json
assert_eq 3 "$(printf '%s\n' "$OUT" | wc -l)" "no key was added"
expect_exit 7 -- "$STRATA" keys list --store "$E2E_TMP/none.db"
expect_error_line "no store"
assert_absent "$E2E_TMP/none.db"

case_ "revoke marks the key; again keeps the first time; an unknown name is exit 3"
expect_exit 0 -- "$STRATA" keys revoke ci-bot --json
expect_json_true "revoked now" 'd["name"] == "ci-bot" and d["revoked_at"].endswith("Z")'
FIRST=$(json_eval 'd["revoked_at"]')
expect_exit 0 -- "$STRATA" keys revoke ci-bot
expect_stderr_match "revoked key 'ci-bot' \(at $FIRST\)"
expect_exit 0 -- "$STRATA" keys list --json
expect_output_match "\"name\":\"ci-bot\",\"rate_per_minute\":null,\"revoked_at\":\"$FIRST\""
expect_output_match '"name":"app",.*"revoked_at":null'
expect_exit 3 -- "$STRATA" keys revoke nobody
expect_error_line "no key named 'nobody'"

e2e_finish
