#!/usr/bin/env bash
# Text strata did not write never reaches a terminal raw. Each field an attacker controls (file
# and migration names, titles, a PDF's Title, JSONL ids, chunk text, values in strata.toml, a
# model's name, SQLite's messages quoting SQL) gets a payload of escape sequences: OSC 52
# (clipboard write), OSC 8 (link), OSC 0 (title), CSI 2J (clear), the C1 form of CSI and a bidi
# override. Every command that shows the field runs with stdout and stderr on a pseudo-terminal,
# and the raw bytes the terminal received must hold none of them (NO_COLOR, so strata's own
# colours are off; the progress line's own "\r ESC [2K" is the one sequence allowed). What is
# printed for reading (documents show's record, chunk --format text, chat's echoes) is clean in
# a pipe too, which `| head` or `| less -R` shows on the terminal as it is.
#
# Usage: bash tests/e2e/terminal_safety.sh /path/to/strata
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_init terminal_safety "$@"
. "$HERE/../servers/e2e_helpers.sh"

unset STRATA_STORE STRATA_LLM_PROVIDER STRATA_LLM_MODEL STRATA_LLM_BASE_URL OPENAI_BASE_URL DATABASE_URL
export NO_COLOR=1 HOME="$E2E_TMP/home" XDG_CONFIG_HOME="$E2E_TMP/home/.config"
mkdir -p "$HOME"
start_server

# The payload, and a form without '/' for file names; both end with the direction marks LRM,
# RLM and ALM.
P=$'\e]52;c;cHduZWQ=\a\e]8;;http://evil.example/\e\\link\e]8;;\e\\\e]0;PWNED\a\e[2J\xc2\x9b2J\xe2\x80\xae\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c'
PF=$'\e]52;c;cHduZWQ=\a\e]0;PWNED\a\e[2J\xc2\x9b2J\xe2\x80\xae\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c'

# tty CMD...: CMD with stdout and stderr on one pseudo-terminal; the bytes it received go to
# $E2E_TMP/.tty, the exit code to RC.
tty_run() {
    E2E_CMD="$*"
    on_pty both 0 /dev/null "$@" >"$E2E_TMP/.tty"
    RC=$?
}
# tty_input FILE CMD...: as tty_run, standard input read from FILE.
tty_input() {
    local input=$1
    shift
    E2E_CMD="$* <$input"
    ON_PTY_STDIN=$input on_pty both 0 /dev/null "$@" >"$E2E_TMP/.tty"
    RC=$?
}

# pipe_run CMD...: CMD with stdout and stderr into a file (a pipe into head or a pager shows it on
# the terminal as it is); the bytes go to $E2E_TMP/.tty, the exit code to RC.
pipe_run() {
    E2E_CMD="$* >file"
    "$@" >"$E2E_TMP/.tty" 2>&1 </dev/null
    RC=$?
}

# expect_clean CODE WHAT: the last tty_run's bytes hold no escape sequence, BEL, C1 control or
# bidi override, and it exited with CODE.
expect_clean() {
    local want=$1
    shift
    local found
    found=$(python3 - "$E2E_TMP/.tty" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
for allowed in (b"\r\x1b[2K", b"\r\x1b[K"):
    data = data.replace(allowed, b"\r")
bad = [(b"\x1b", "ESC"), (b"\x07", "BEL"), (b"\xc2\x9b", "C1 CSI"), (b"\xe2\x80\xae", "RLO"),
       (b"\xe2\x80\x8e", "LRM"), (b"\xe2\x80\x8f", "RLM"), (b"\xd8\x9c", "ALM")]
for needle, name in bad:
    at = data.find(needle)
    if at >= 0:
        print(f"{name} at byte {at}: {data[max(0, at - 40):at + 20]!r}")
        break
PY
)
    if [ -z "$found" ]; then
        pass "$1: nothing raw reached the terminal"
    else
        fail "$1: $found"
    fi
    assert_eq "$want" "$RC" "$1: exit $want"
}
# shown WHAT TEXT: the terminal did show TEXT (the payload's harmless part): the field was printed.
shown() {
    if grep -qaF -- "$2" "$E2E_TMP/.tty"; then pass "$1: shown"; else fail "$1: '$2' not shown"; fi
}

# A PDF whose Info dictionary's Title holds the payload.
make_pdf() {
    python3 - "$1" "$P" <<'PY'
import sys
out, title = sys.argv[1], sys.argv[2].encode("utf-8", "surrogateescape")
text = b"BT /F1 12 Tf 72 700 Td (Rolling back a migration runs its down section.) Tj ET"
objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Title <" + title.hex().encode() + b"> >>"]
parts, offsets = [b"%PDF-1.4\n"], []
size = len(parts[0])
for i, o in enumerate(objs):
    offsets.append(size)
    parts.append(b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n")
    size += len(parts[-1])
parts.append(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
parts += [b"%010d 00000 n \n" % off for off in offsets]
parts.append(b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, size))
open(out, "wb").write(b"".join(parts))
PY
}

mkdir -p "docs" "proj$PF/sub"
printf '# Title %s\n\nRolling back %s runs its down section.\n' "$P" "$P" >"docs/note$PF.md"
printf 'plain text about checksums\n' >docs/plain.txt
printf '%%PDF-1.4\nnot a pdf\n' >"docs/broken$PF.pdf"
make_pdf docs/titled.pdf
python3 -c 'import json,sys; print(json.dumps({"id": sys.argv[1], "text": "a record about rollback " + sys.argv[1]}))' "$P" >records.jsonl

case_ "ingest: names in warnings, -v, --dry-run and progress"
tty_run "$STRATA" ingest --store s.db --dry-run docs
expect_clean 8 "ingest --dry-run"
shown "ingest --dry-run" "docs/note"
tty_run "$STRATA" ingest --store s.db -v docs
expect_clean 8 "ingest -v (the broken PDF fails)"
shown "ingest -v" "failed: docs/broken"
tty_run "$STRATA" ingest --store s.db --collection recs --jsonl records.jsonl
expect_clean 0 "ingest --jsonl"

case_ "documents: list, show, show --text, remove"
tty_run "$STRATA" documents list --store s.db
expect_clean 0 "documents list"
shown "documents list" "Title"
tty_run "$STRATA" documents show --store s.db "docs/note$PF.md"
expect_clean 0 "documents show (title, headings, chunk text)"
shown "documents show" "Rolling back"
tty_run "$STRATA" documents show --store s.db --text "docs/note$PF.md"
expect_clean 0 "documents show --text"
tty_run "$STRATA" documents show --store s.db docs/titled.pdf
expect_clean 0 "documents show (a PDF's Title)"
shown "PDF title" "link"
# Not on a terminal: the record is still for reading (| head, | less -R show it as it is), as
# search's snippets are; --text is the document's text for scripts, and keeps its bytes.
pipe_run "$STRATA" documents show --store s.db "docs/note$PF.md"
expect_clean 0 "documents show into a pipe"
shown "documents show into a pipe" "Rolling back"
pipe_run "$STRATA" documents show --store s.db docs/titled.pdf
expect_clean 0 "documents show into a pipe (a PDF's Title)"
pipe_run "$STRATA" documents list --store s.db
expect_clean 0 "documents list into a pipe"
pipe_run "$STRATA" collections --store s.db
expect_clean 0 "collections into a pipe"
"$STRATA" documents show --store s.db --text "docs/note$PF.md" >text.out
if grep -qaF "$P" text.out; then pass "documents show --text into a pipe: the text's bytes as stored"; else fail "documents show --text into a pipe changed the text"; fi
tty_run "$STRATA" documents list --store s.db --collection recs
expect_clean 0 "documents list (a JSONL id)"
tty_run "$STRATA" documents show --store s.db --collection recs "$P"
expect_clean 0 "documents show (a JSONL id)"
tty_run "$STRATA" documents show --store s.db "missing$PF"
expect_clean 3 "documents show (a name not found, quoted in the error)"
tty_run "$STRATA" documents remove --store s.db --collection recs "$P"
expect_clean 0 "documents remove (a JSONL id)"

case_ "search and ask: sources, titles, the model's name"
tty_run "$STRATA" search --store s.db rollback
expect_clean 0 "search"
tty_run "$STRATA" embed --store s.db --provider openai --base-url "$URL" --model "m$P" --dimensions 8
expect_clean 0 "embed with a model named by the payload"
tty_run "$STRATA" search --store s.db --mode hybrid --base-url "$URL" --explain rollback
expect_clean 0 "search's summary (the collection's model)"
shown "search summary" "hybrid search"
printf '[llm]\nmodel = "%s"\n' "$(printf '%s' "$P" | python3 -c 'import sys,json; print(json.dumps(sys.stdin.read())[1:-1])')" >strata.toml
"$STRATA" trust >/dev/null 2>&1  # a model named by the project applies once trusted
tty_run "$STRATA" ask --store s.db --collection recs --base-url "$URL" --no-cache 'what about rollback?'
expect_clean 0 "ask's footer (a model named in strata.toml)"
tty_run "$STRATA" config
expect_clean 0 "config (the value from strata.toml)"
rm strata.toml

case_ "config --path: a project folder named by the payload"
cd "proj$PF/sub" || exit 2
printf '[store]\ncollection = "c"\n' >../strata.toml
tty_run "$STRATA" config --path
expect_clean 0 "config --path"
tty_run "$STRATA" config
expect_clean 0 "config (where: the file's path)"
cd "$E2E_TMP" || exit 2

case_ "migrate: file names and SQLite's messages quoting SQL"
mkdir -p migrations
printf -- '-- migrate:up\nCREATE TABLE t (x);\n-- migrate:down\nDROP TABLE t;\n' >"migrations/20240101000000_a$PF.sql"
tty_run "$STRATA" migrate -d sqlite:m.db up
expect_clean 0 "migrate up"
shown "migrate up" "applied"
tty_run "$STRATA" migrate -d sqlite:m.db status
expect_clean 0 "migrate status"
printf -- '-- migrate:up\nSELECT "x" FROM no_table_%s;\n-- migrate:down\n' "$PF" >"migrations/20240102000000_b.sql"
tty_run "$STRATA" migrate -d sqlite:m.db up
expect_clean 6 "migrate up: SQLite's error quoting the statement"
tty_run "$STRATA" migrate -d sqlite:m.db check
expect_clean 1 "migrate check"
tty_run "$STRATA" migrate -d sqlite:m.db up --dry-run
expect_clean 0 "migrate up --dry-run (the SQL)"
rm migrations/20240102000000_b.sql
printf -- '-- migrate:up\nCREATE TABLE "t_%s" (x);\n-- migrate:down\nDROP TABLE "t_%s";\n' "$PF" "$PF" >"migrations/20240103000000_c.sql"
expect_exit 0 -- "$STRATA" migrate -d sqlite:m.db up
tty_run "$STRATA" migrate -d sqlite:m.db dump
expect_clean 0 "migrate dump (a table named by the payload)"
shown "migrate dump" "CREATE TABLE"

case_ "chunk and tokens: names and text"
tty_run "$STRATA" chunk "docs/note$PF.md"
expect_clean 0 "chunk"
shown "chunk" "Rolling back"
tty_run "$STRATA" tokens "docs/note$PF.md" docs/plain.txt
expect_clean 0 "tokens"
tty_run "$STRATA" tokens --truncate 5 "docs/note$PF.md"
expect_clean 0 "tokens --truncate"
pipe_run "$STRATA" chunk --format text "docs/note$PF.md"
expect_clean 0 "chunk --format text into a pipe"
shown "chunk --format text into a pipe" "Rolling back"

# What no printer sanitises itself: the filter on the terminal (cli/terminal_filter.h).
case_ "the terminal filter: --json, messages of several lines, chat's /model"
tty_run "$STRATA" documents show --store s.db --json "docs/note$PF.md"
expect_clean 0 "documents show --json (JSON strings keep bidi controls and C1 controls raw)"
shown "documents show --json" "Rolling back"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]' "$E2E_TMP/.tty" &&
    pass "documents show --json at a terminal is still JSON" || fail "documents show --json at a terminal is not JSON"
printf '[store]\ncollection = "%s"\n' "$(printf 'c%s' "$P" | python3 -c 'import sys,json; print(json.dumps(sys.stdin.read())[1:-1])')" >strata.toml
tty_run "$STRATA" config --json
expect_clean 0 "config --json (a value from strata.toml)"
shown "config --json" "store.collection"
rm strata.toml
# A CHECK constraint's name with a newline and a line like strata's own: SQLite's error quotes it.
mkdir -p forged
printf -- '-- migrate:up\nCREATE TABLE t (x, CONSTRAINT "c\nstrata: applied 999 fake" CHECK (x > 0));\nINSERT INTO t VALUES (-1);\n-- migrate:down\n' \
    >forged/20240101000000_forged.sql
tty_run "$STRATA" migrate -d sqlite:forged.db --dir forged up
expect_clean 6 "migrate up: an error of two lines"
if grep -qa '^strata: applied 999' "$E2E_TMP/.tty"; then
    fail "the error's second line printed as a line of its own: $(tr -d '\r' <"$E2E_TMP/.tty")"
else
    pass "no forged 'strata: applied' line"
fi
grep -qa '^strata: error: .*CHECK constraint failed: c strata: applied 999 fake' "$E2E_TMP/.tty" &&
    pass "the error is one line, all of it shown" || fail "the error line: $(tr -d '\r' <"$E2E_TMP/.tty")"
printf '/model m%s\n/model\n' "$P" >chat.in
tty_input chat.in "$STRATA" chat --store s.db --collection recs --base-url "$URL" --model first
expect_clean 0 "chat: /model with the payload, echoed"
shown "chat /model" "(openai, $URL)"
# Into a pipe, as chat's answers: /model's and /collection's echoes are cleaned too.
printf '/model m%s\n/model\n/collection\n' "$P" >chat.in
E2E_CMD="chat <chat.in >file"
"$STRATA" chat --store s.db --collection recs --base-url "$URL" --model first <chat.in >"$E2E_TMP/.tty" 2>&1
RC=$?
expect_clean 0 "chat into a pipe: /model with the payload, echoed"
shown "chat /model into a pipe" "(openai, $URL)"
# strata's own colours still reach the terminal.
tty_run "$STRATA" --color always documents list --store s.db
if grep -qaF $'\e[1mSOURCE\e[0m' "$E2E_TMP/.tty"; then pass "--color always: strata's own colours pass"; else fail "--color always: no colour on the terminal"; fi

e2e_finish
