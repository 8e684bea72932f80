#!/usr/bin/env bash
# `strata tokens`: wc-style counts, --ids, --decode, --truncate, --json, both tokenizers, and
# the bad-input catalogue (missing, directory, binary, invalid UTF-8, unknown tokenizer, bad ids).
# Expected ids are tiktoken's (js-tiktoken@1.0.21 gives the same).
# Usage: bash tests/e2e/tokens.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init tokens "$@"

T() { strata_t tokens "$@"; }
# Tin FILE ARGS...: the same, reading FILE on standard input.
Tin() {
    local f=$1
    shift
    strata_t tokens "$@" <"$f"
}

printf 'hello world' >hello.txt
printf 'The quick brown fox.\n' >fox.txt
: >empty.txt
# Whitespace runs, a contraction, digits, CJK, an emoji ZWJ sequence, a combining mark, Arabic,
# special-token text, U+00A0 and a tab.
printf "Line one\n\n  \nit's 1234567 中文 👨‍👩‍👧 e\xcc\x81 مرحبا <|endoftext|>\xc2\xa0x\tend  \n" >mixed.txt

# ---------------------------------------------------------------------------
case_ "count from standard input prints just the number"
expect_exit 0 -- Tin hello.txt
assert_eq 2 "$OUT" "hello world is 2 tokens"
expect_stderr_empty
expect_exit 0 -- Tin hello.txt -
assert_eq 2 "$OUT" "'-' alone is standard input too"

case_ "count of files prints COUNT FILE, and a total for several"
expect_exit 0 -- T hello.txt
assert_eq "2 hello.txt" "$OUT" "one file"
expect_exit 0 -- T hello.txt fox.txt empty.txt
assert_eq "2 hello.txt
5 fox.txt
0 empty.txt
7 total" "$OUT" "three files and the total"

case_ "empty input has no tokens"
expect_exit 0 -- Tin empty.txt
assert_eq 0 "$OUT" "empty stdin"
expect_exit 0 -- Tin empty.txt --ids
assert_eq "" "$OUT" "no ids"

case_ "--ids under both tokenizers"
expect_exit 0 -- Tin hello.txt --ids
assert_eq "15339 1917" "$OUT" "cl100k_base ids"
expect_exit 0 -- Tin hello.txt --ids --tokenizer o200k_base
assert_eq "24912 2375" "$OUT" "o200k_base ids"
expect_exit 0 -- Tin hello.txt --ids --json
assert_eq "[15339,1917]" "$OUT" "JSON array"
expect_exit 0 -- T --ids hello.txt fox.txt
assert_eq 2 "$(printf '%s\n' "$OUT" | wc -l)" "one line per input"

case_ "contractions, whitespace runs and special-token text (tiktoken's ids)"
printf "we'LL\n\n  \n" >ws.txt
expect_exit 0 -- T --ids ws.txt
assert_eq "906 6 4178 271 2355" "$OUT" "cl100k_base"
expect_exit 0 -- T --ids --tokenizer o200k_base ws.txt
assert_eq "854 6 7454 154642" "$OUT" "o200k_base"
printf '<|endoftext|>' >special.txt
expect_exit 0 -- T --ids special.txt
assert_eq "27 91 8862 728 428 91 29" "$OUT" "special-token text is ordinary text"

case_ "count equals the number of ids, on mixed text"
for enc in cl100k_base o200k_base; do
    expect_exit 0 -- Tin mixed.txt --tokenizer $enc
    n=$OUT
    expect_exit 0 -- Tin mixed.txt --tokenizer $enc --ids
    assert_eq "$n" "$(printf '%s\n' "$OUT" | wc -w)" "$enc: count matches --ids"
done

case_ "--decode turns ids back into the exact bytes"
for enc in cl100k_base o200k_base; do
    "$STRATA" tokens --ids --tokenizer $enc mixed.txt >ids.txt
    expect_exit 0 -- T --decode --tokenizer $enc ids.txt
    assert_eq "$(file_sha mixed.txt)" "$(file_sha .out)" "$enc: round trip is byte-identical"
    "$STRATA" tokens --ids --json --tokenizer $enc mixed.txt >ids.json
    expect_exit 0 -- T --decode --tokenizer $enc ids.json
    assert_eq "$(file_sha mixed.txt)" "$(file_sha .out)" "$enc: --ids --json output decodes too"
done
printf '100257\n' >eot.txt
expect_exit 0 -- T --decode eot.txt
assert_eq "<|endoftext|>" "$OUT" "a special id decodes to its text"
expect_exit 0 -- T --decode --json --tokenizer o200k_base ids.json
expect_json_true "--decode --json prints a JSON string" "d == open('mixed.txt', encoding='utf-8').read()"

case_ "--decode rejects unknown ids and words"
printf '15339 100256\n' >unknown.txt
expect_exit 3 -- T --decode unknown.txt
expect_error_line 'unknown\.txt' '100256'
printf '15339 hello\n' >words.txt
expect_exit 3 -- T --decode words.txt
expect_error_line 'words\.txt' "'hello'" 'byte offset 6'
expect_stdout_empty

case_ "--truncate cuts at a token count, never inside a character"
printf '😀😀😀' >emoji.txt
expect_exit 0 -- T --ids emoji.txt
per=$(( $(printf '%s\n' "$OUT" | wc -w) / 3 ))
assert_true "an emoji is more than one token" test "$per" -gt 1
expect_exit 0 -- T --truncate 1 emoji.txt
assert_eq 0 "$(wc -c <.out)" "one token is part of a character: nothing"
expect_exit 0 -- T --truncate "$per" emoji.txt
assert_eq "😀" "$OUT" "exactly one emoji"
expect_exit 0 -- T --truncate $((per * 2 + 1)) emoji.txt
assert_eq "😀😀" "$OUT" "a partial third emoji is dropped"
expect_exit 0 -- T --truncate 1000 mixed.txt
assert_eq "$(file_sha mixed.txt)" "$(file_sha .out)" "more tokens than the input has: all of it, byte for byte"
expect_exit 0 -- T --truncate 0 mixed.txt
expect_stdout_empty
for n in 1 2 3 5 8 13 21; do
    expect_exit 0 -- T --truncate $n --tokenizer o200k_base mixed.txt
    cp .out cut.txt
    assert_true "--truncate $n: a prefix of the input" python3 -c '
import sys
cut, full = open("cut.txt", "rb").read(), open("mixed.txt", "rb").read()
cut.decode("utf-8")
sys.exit(0 if full.startswith(cut) else 1)'
    c=$("$STRATA" tokens --tokenizer o200k_base <cut.txt)
    assert_true "--truncate $n: $c tokens at most $n" test "$c" -le "$n"
done
expect_exit 0 -- T --truncate 3 --json hello.txt
expect_json_true "--truncate --json object" "d['text'] == 'hello world' and d['tokens'] == 2 and not d['truncated']"

case_ "--json count summary"
expect_exit 0 -- T --json hello.txt fox.txt
expect_json_true "total and inputs" \
    "d['tokenizer'] == 'cl100k_base' and d['total'] == 7 and [i['tokens'] for i in d['inputs']] == [2, 5] and d['inputs'][0]['source'] == 'hello.txt' and d['inputs'][1]['bytes'] == 21"

case_ "unknown tokenizer: usage error listing the valid ones"
expect_exit 2 -- T --tokenizer p50k_base hello.txt
expect_error_line 'p50k_base' 'cl100k_base' 'o200k_base'
expect_stdout_empty

case_ "conflicting modes are a usage error"
expect_exit 2 -- T --ids --decode hello.txt
expect_error_line 'excludes'
expect_exit 2 -- T --truncate many hello.txt
expect_error_line "'many'"

case_ "missing file: named, exit 3, the others still counted"
expect_exit 3 -- T hello.txt missing.txt fox.txt
expect_error_line 'missing\.txt' 'no such file'
expect_stdout_match '^2 hello\.txt$'
expect_stdout_match '^5 fox\.txt$'

case_ "invalid UTF-8: named with the byte offset"
printf 'abc\xff\xfedef' >bad.txt
expect_exit 3 -- T bad.txt
expect_error_line 'bad\.txt' 'byte offset 3'
expect_exit 3 -- Tin bad.txt --ids
expect_error_line 'standard input' 'byte offset 3'
expect_stdout_empty

case_ "binary file and directory"
printf 'ELF\0\1\2' >bin.dat
expect_exit 3 -- T bin.dat
expect_error_line 'bin\.dat' 'binary'
mkdir -p adir
expect_exit 3 -- T adir
expect_error_line 'adir' 'directory'

case_ "binary input is refused from its first block, never read whole"
truncate -s 1G zeros.bin  # sparse: 1 GB of NUL bytes, no disk used
run python3 -c '
import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=open(sys.argv[1] + ".err", "w"))
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
sys.exit(rc)' "$E2E_TMP/zeros" "$STRATA" tokens zeros.bin
assert_eq 3 "$RC" "exit 3"
assert_true "binary file named" grep -q "zeros.bin: binary file (NUL byte at byte offset 0)" "$E2E_TMP/zeros.err"
# Reading it whole would take over 1,024 MB; 400 leaves room for a sanitizer's shadow memory.
assert_true "the 1 GB were not read: max RSS $(cat "$E2E_TMP/.out") MB < 400 MB" test "$(cat "$E2E_TMP/.out")" -lt 400
rm -f zeros.bin

case_ "help and start-up"
expect_exit 0 -- strata_t --help
expect_stdout_match 'tokens'
expect_exit 0 -- T --help
expect_stdout_match '--truncate'
run_timed T hello.txt
assert_eq 0 "$RC" "tiny input"
expect_stdout_match '^2 hello.txt$'
# Start-up time is measured in bench/tokens.sh, never asserted here: under ASan on a loaded CI
# machine a correct run can take over a second.
note "start-up and a tiny input: ${MS} ms"

e2e_finish
