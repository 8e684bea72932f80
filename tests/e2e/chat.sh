#!/usr/bin/env bash
# End-to-end tests of `strata chat`: not on a terminal (a question or a slash command per line of
# standard input): offline and with the test server (OpenAI and Anthropic shapes), each question
# after the first continuing the same conversation in the store, /new, /collection, /sources,
# /model, /tools, /help, --conversation ID resuming one; bad input (an unknown /command, an
# unknown collection, no such conversation, a line that is not UTF-8) with its exit code and
# the session going on; a line that starts with a path is a question. Then in a real
# pseudo-terminal (chat_pty.py): typing, editing, history,
# Ctrl-C in the middle of a slow stream and at the prompt, Ctrl-D (also the moment the prompt
# shows, under strace), a bracketed paste, ':::', /edit, Tab, /new and the cache, Markdown;
# and the history file. Piped: ':::' and '!multi' blocks, Markdown left as it is.
#
# Usage: bash tests/e2e/chat.sh /path/to/strata
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_init chat "$@"
. "$HERE/../servers/e2e_helpers.sh"

unset STRATA_LLM_PROVIDER STRATA_LLM_MODEL STRATA_LLM_BASE_URL OPENAI_API_KEY ANTHROPIC_API_KEY XDG_STATE_HOME
export HOME="$E2E_TMP/home"
mkdir -p "$HOME"
export STRATA_STORE="$E2E_TMP/store.db"
start_server
# C ARGS...: strata chat with the lines of $E2E_TMP/in.txt on standard input (not a terminal).
C() { timeout -k 5 60 "$STRATA" chat "$@" <"$E2E_TMP/in.txt"; }
lines() { printf '%s\n' "$@" >"$E2E_TMP/in.txt"; }
calls() { db_q "$STRATA_STORE" 'SELECT count(*) FROM llm_calls'; }
last_conversations() { db_q "$STRATA_STORE" "SELECT group_concat(ifnull(conversation_id, 'none'), ' ') FROM (SELECT conversation_id FROM llm_calls ORDER BY id DESC LIMIT $1)"; }

migration_docs docs
mkdir -p notes
printf 'Bananas are yellow and grow in bunches on large plants in warm places.\n' >notes/fruit.txt

# ---------------------------------------------------------------------------------------------
case_ "help, and the command is listed"
expect_exit 0 -- "$STRATA" chat --help
for opt in --store --collection -k --mode --where --provider --model --base-url --api-key-env --temperature \
    --max-tokens --context-tokens --conversation --no-cache --no-stream --redact --raw --system --tools --quiet --color; do
    printf '%s\n' "$OUT" | grep -q -- "$opt" || fail "--help does not list $opt"
done
expect_stdout_match '^Examples:$'
expect_exit 0 -- "$STRATA" --help
expect_stdout_match '^  chat '
expect_exit 2 -- "$STRATA" chat 'a question'
expect_exit 7 -- "$STRATA" chat --store "$E2E_TMP/none.db"
expect_error_line 'no store'
assert_absent "$E2E_TMP/none.db"

case_ "ingest"
expect_exit 0 -- strata_t ingest docs -q
expect_exit 0 -- strata_t ingest --collection notes notes -q

# ---------------------------------------------------------------------------------------------
case_ "offline, piped: two questions, one conversation"
lines 'how do I roll back a migration?' '' '   ' 'and the redo command?'
N=$(calls)
expect_exit 0 -- C
expect_stdout_match 'down section.*\[1\]'
expect_stdout_match '^\[1\] docs/rollback\.md:L[0-9]+-L[0-9]+$'
expect_stdout_match 'redo command rolls back'
expect_stdout_nomatch 'default> '
expect_stderr_match 'offline answer.*conversation [0-9]+'
expect_stderr_nomatch 'error'
assert_eq $((N + 2)) "$(calls)" "two answers logged (blank lines are ignored)"
read -r second first <<<"$(last_conversations 2)"
assert_ne none "$first" "the first question started a conversation"
assert_eq "$first" "$second" "the follow-up continued it"
assert_eq 1 "$(db_q "$STRATA_STORE" "SELECT count(DISTINCT conversation_id) FROM llm_calls WHERE conversation_id = $first")" \
    "one conversation"
OFFLINE_CONV=$first

case_ "offline: -q prints the answers alone"
lines 'what is a checksum?'
expect_exit 0 -- C -q
expect_stderr_empty
expect_stdout_match 'checksum'

case_ "slash commands, piped"
lines '/help' '/tools' '/tools on' '/tools' '/model' '/collection' '/sources' 'how do I roll back a migration?' '/sources' \
    '/collection notes' '/collection' 'what colour are bananas?' '/new' 'and yellow?' '//etc/hosts?' '/quit' 'never asked'
N=$(calls)
expect_exit 2 -- C
expect_stdout_match '^  /collection NAME +ask the collection NAME'
expect_stdout_match '^  /quit '
assert_eq "tools: off
tools: on
tools: on" "$(grep '^tools:' "$E2E_TMP/.out")" "/tools shows and sets the state"
expect_stdout_match '^extractive \(offline: no model configured\)$'
assert_eq "default
notes" "$(grep -Ex 'default|notes' "$E2E_TMP/.out")" "/collection shows the collection, and switches"
expect_stderr_match "^strata: error: there is no answer yet$"
assert_eq 2 "$(grep -c '^\[1\] docs/rollback\.md' "$E2E_TMP/.out")" "/sources prints the last answer's sources again"
expect_stdout_match 'Bananas are yellow'
expect_stdout_match '^\[1\] notes/fruit\.txt'
assert_eq $((N + 4)) "$(calls)" "four questions answered; nothing after /quit"
assert_eq "/etc/hosts?" "$(db_q "$STRATA_STORE" 'SELECT question FROM llm_calls ORDER BY id DESC LIMIT 1')" "// asks a question that starts with /"
read -r q4 q3 q2 q1 <<<"$(last_conversations 4)"
assert_ne "$q1" "$q2" "/collection starts a new conversation"
assert_ne "$q2" "$q3" "/new starts a new conversation"
assert_eq "$q3" "$q4" "the question after it continues the new one"

case_ "a line that starts with a path is a question, not an unknown command"
# A traceback's or a compiler's line: only '/' and letters make a command's word.
lines '/usr/lib/python3/foo.py line 3, in migrate' '/tmp: No space left on device' '/etc is full' '//etc is full'
N=$(calls)
expect_exit 2 -- C -q
assert_eq $((N + 3)) "$(calls)" "three questions asked; '/etc is full' refused"
assert_eq "/usr/lib/python3/foo.py line 3, in migrate|/tmp: No space left on device|/etc is full" \
    "$(db_q "$STRATA_STORE" "SELECT group_concat(question, '|') FROM (SELECT * FROM (SELECT id, question FROM llm_calls ORDER BY id DESC LIMIT 3) ORDER BY id)")" \
    "asked as written ('//' asks the one that reads as a command)"
expect_error_line "^strata: error: unknown command '/etc'\$"
expect_stderr_match '^strata: hint: /help lists the commands; //WORD asks a question that starts with /WORD$'

case_ "multi-line questions, piped: ':::' ... ':::' and '!multi' ... '!end' are one question each"
lines ':::' 'how do I roll back' 'a migration?' ':::' '!multi' 'and what does' '' 'redo do?' '!end' '/edit'
N=$(calls)
expect_exit 2 -- C -q
assert_eq $((N + 2)) "$(calls)" "two questions, not seven"
assert_eq "how do I roll back
a migration?|and what does

redo do?" "$(db_q "$STRATA_STORE" "SELECT group_concat(question, '|') FROM (SELECT * FROM (SELECT id, question FROM llm_calls ORDER BY id DESC LIMIT 2) ORDER BY id)")" \
    "each block's lines, line ends kept"
expect_error_line '/edit needs a terminal'

case_ "--conversation ID resumes a conversation"
lines 'and checksums?'
expect_exit 0 -- C --conversation "$OFFLINE_CONV"
assert_eq "$OFFLINE_CONV" "$(last_conversations 1)" "the answer is a turn of that conversation"
assert_eq 3 "$(db_q "$STRATA_STORE" "SELECT count(*) FROM llm_calls WHERE conversation_id = $OFFLINE_CONV")" "three turns"

# ---------------------------------------------------------------------------------------------
case_ "openai: streamed answers, the follow-up continues the conversation"
server_reset
chat_script '[{"answer": "Run strata migrate down [1]."}, {"answer": "what does the redo command do?"}, {"answer": "Redo rolls back and re-applies [1]."}]'
lines 'how do I roll back a migration?' 'and the other command?'
expect_exit 0 -- C --provider openai --base-url "$URL" --model test-model --no-cache
expect_stdout_match '^Run strata migrate down \[1\]\.$'
expect_stdout_match '^Redo rolls back and re-applies \[1\]\.$'
expect_stdout_match '^\[1\] docs/rollback\.md'
expect_stderr_match 'test-model .* conversation [0-9]+'
assert_eq 3 "$(chat_requests)" "the answer, then the follow-up's rewrite and answer"
assert_eq True "$(chat_log 'reqs[0]["stream"] and reqs[2]["stream"]')" "streamed"
assert_eq '["system", "user", "assistant", "user"]' "$(chat_log '[m["role"] for m in reqs[2]["messages"]]')" \
    "the follow-up was sent with the earlier turn"
read -r second first <<<"$(last_conversations 2)"
assert_eq "$first" "$second" "one conversation in the store"
SERVER_CONV=$first

case_ "openai: --conversation ID"
chat_script '[{"answer": "how are checksums kept?"}, {"answer": "A checksum per file [1]."}]'
lines 'and checksums?'
expect_exit 0 -- C --provider openai --base-url "$URL" --model test-model --conversation "$SERVER_CONV"
assert_eq 6 "$(chat_log 'len(reqs[4]["messages"])')" "the two earlier turns were sent"
assert_eq "$SERVER_CONV" "$(last_conversations 1)" "the answer continues the conversation"

case_ "openai: /model NAME"
server_reset
lines '/model other-model' 'what is a checksum?'
expect_exit 0 -- C --provider openai --base-url "$URL" --model test-model
expect_stdout_match '^other-model \(openai, http://127\.0\.0\.1:[0-9]+/v1\)$'
assert_eq other-model "$(chat_log 'reqs[0]["model"]')" "the question went to the model /model set"

case_ "anthropic"
server_reset
lines 'what is a checksum?' 'and rollback?'
expect_exit 0 -- C --provider anthropic --base-url "http://127.0.0.1:$PORT" --model claude-test
expect_stdout_match '^Strata reads your documents \[1\]\.$'
assert_eq /v1/messages "$(chat_log 'reqs[0]["path"]')" "the Messages API"
assert_eq 3 "$(chat_requests)" "the follow-up: rewrite and answer"
read -r second first <<<"$(last_conversations 2)"
assert_eq "$first" "$second" "one conversation"

case_ "sanitised output"
server_reset
chat_script '[{"answer": "Safe \u001b[31mred\u001b[0m \u001b]0;pwned\u0007text \u202eevil [1]."}]'
lines 'what is a checksum, in colour?'
expect_exit 0 -- C --provider openai --base-url "$URL" --model test-model --no-cache
if grep -q $'\x1b' "$E2E_TMP/.out" || grep -q $'\x07' "$E2E_TMP/.out" || grep -q $'\xe2\x80\xae' "$E2E_TMP/.out"; then
    fail "escape sequences or bidi controls reached stdout"
else
    pass "sanitised"
fi
expect_stdout_match '^Safe red text evil \[1\]\.$'

case_ "Markdown is not styled when piped"
server_reset
chat_script '[{"answer": "# Title\nUse **strong words** and `code` [1]."}]'
lines 'how is markdown shown in a pipe?'
expect_exit 0 -- C --provider openai --base-url "$URL" --model test-model -q
expect_stdout_match '^# Title$'
expect_stdout_match '^Use \*\*strong words\*\* and `code` \[1\]\.$'

case_ "a cut stream: exit 8 at the end, the session went on"
server_reset
chat_script '[{"answer": "one two three four", "cut_after": 2}]'
lines 'what is cut?' '/tools'
expect_exit 8 -- C --provider openai --base-url "$URL" --model test-model --no-cache --max-retries 0
expect_stdout_match 'partial answer: the stream was cut'
expect_stdout_match '^tools: off$'

# ---------------------------------------------------------------------------------------------
case_ "bad input: an unknown slash command"
lines '/sourcs' 'how do I roll back a migration?'
expect_exit 2 -- C -q
expect_error_line "unknown command '/sourcs'; did you mean '/sources'\\?"
expect_stderr_match '^strata: hint: /help lists the commands; //WORD asks a question that starts with /WORD$'
expect_stdout_match 'down section'
lines '/serach'
expect_exit 2 -- C -q
expect_error_line "^strata: error: unknown command '/serach'\$"

case_ "bad input: a slash command with a bad argument"
lines '/tools maybe' '/new now'
expect_exit 2 -- C
expect_stderr_match "'/tools' takes on or off"
expect_stderr_match "'/new' takes no argument"

case_ "bad input: /collection of a collection the store does not have"
lines '/collection nope' '/collection'
expect_exit 3 -- C -q
expect_error_line "no collection named 'nope'"
expect_stdout_match '^default$'

case_ "bad input: --collection and --conversation that do not exist"
lines 'x'
expect_exit 3 -- C --collection nope
expect_error_line "no collection named 'nope'"
expect_exit 2 -- C --conversation 999
expect_error_line 'there is no conversation 999'
expect_stdout_empty

case_ "bad input: a line that is not UTF-8, a line over 1 MiB"
printf 'caf\xe9?\nwhat is a checksum?\n' >"$E2E_TMP/in.txt"
expect_exit 2 -- C -q
expect_error_line 'the question is not UTF-8 text \(invalid byte at offset 3\)'
expect_stdout_match 'checksum'
python3 -c 'import sys; sys.stdout.write("a" * (1 << 21) + "\nwhat is a checksum?\n")' >"$E2E_TMP/in.txt"
expect_exit 2 -- C -q
expect_error_line 'a line is longer than 1 MiB'
expect_stdout_match 'checksum'

case_ "bad input: a model the configuration refuses"
lines '/model' 
expect_exit 0 -- C
lines '/model gpt-4o' '/model'
expect_exit 2 -- C
expect_error_line 'no API key'
expect_stdout_match '^extractive'

# ---------------------------------------------------------------------------------------------
case_ "in a pseudo-terminal: typing, editing, history, Ctrl-C, Ctrl-D"
export XDG_STATE_HOME="$E2E_TMP/state"
server_reset
E2E_CMD="python3 chat_pty.py"
if TERM=xterm timeout -k 5 120 python3 "$HERE/chat_pty.py" "$STRATA" "$STRATA_STORE" "$PORT" >"$E2E_TMP/pty.out" 2>&1; then
    pass "chat_pty.py"
else
    fail "chat_pty.py failed: $(cat "$E2E_TMP/pty.out")"
fi
H="$XDG_STATE_HOME/strata/chat_history"
assert_exists "$H"
assert_eq 600 "$(stat -c %a "$H")" "the history file is the user's alone"
assert_true "the history holds the edited question" grep -q 'checksum' "$H"
assert_false "the abandoned line is not in the history" grep -q 'half' "$H"

e2e_finish
