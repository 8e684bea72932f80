#!/usr/bin/env bash
# End-to-end tests of `strata chunk`: offsets exact for every strategy, formats, defaults by
# file type, stdin, several files, the bad-input catalogue, a shell pipeline, and a large
# single-line input with bounded memory.
#
# Usage: bash tests/e2e/chunk.sh /path/to/strata
# Knobs: LARGE=1 makes the single-line input 1 GB (default 50 MB; 5 MB under AddressSanitizer,
# detected with ldd, where the memory check is skipped, as it is without /usr/bin/time).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_init chunk "$@"

# ---------------------------------------------------------------------------
# Inputs

cat >notes.md <<'EOF'
# Install

strata is one binary. Copy it anywhere on your PATH; nothing else is needed.
Dr. Smith, e.g. the maintainer, says 3.14 is not a version... "Really?" (Yes.)

## Debian

Run apt-get install strata as root, or use the .deb from the releases page.

```sh
# not a heading: inside a fence
sudo apt-get install strata
    indented   with   spaces
```

## From source

1. Install a C++20 compiler.
2. Run cmake and ninja.
   - ninja builds everything in about a minute.

| flag | meaning |
|------|---------|
| -j   | jobs    |

# Use

Café, naïve, 日本語のテキスト, emoji 👩‍👩‍👧 and 👍🏽 stay whole.
Ünïcödé everywhere. Tabs	and  double  spaces   stay.

Last paragraph.
EOF
# Combining marks and a flag (two regional indicators): one grapheme each.
printf 'e\xcc\x81 and n\xcc\x83 combine; the flag \xf0\x9f\x87\xaf\xf0\x9f\x87\xb5 is one grapheme.' >>notes.md
cp notes.md notes.txt
cp notes.md notes.markdown
cp notes.md NOTES.MD
printf 'line one\r\nline two\r\n\r\nsecond paragraph here.\r\n' >crlf.txt
python3 -c '
import random
random.seed(7)
words = ["alpha", "beta", "gamma", "delta", "epsilon", "café", "日本", "naïve", "🙂", "x"]
out = []
for p in range(40):
    sent = []
    for s in range(random.randint(1, 6)):
        sent.append(" ".join(random.choice(words) for _ in range(random.randint(3, 25))).capitalize() + random.choice([".", "!", "?", "..."]))
    out.append(" ".join(sent))
open("random.txt", "w", encoding="utf-8").write("\n\n".join(out) + "\n")
'
: >empty.txt

# check.py INPUT [--unit U --size N --overlap M --min-size K --lossy --markdown] < JSONL: every
# invariant the command promises that can be checked from outside. Prints "ok" or the first problem.
cat >check.py <<'EOF'
import json, sys, unicodedata
args = sys.argv[2:]
def opt(name, default=None):
    return args[args.index(name) + 1] if name in args else default
unit, size, overlap = opt("--unit", "chars"), int(opt("--size", "1200")), int(opt("--overlap", "0"))
min_size = int(opt("--min-size", str(size // 6)))  # the default, as the command's (ingest's)
# The size is a maximum in every unit: joined chunks and moved boundaries keep to it.
limit = size
lossy, markdown = "--lossy" in args, "--markdown" in args
data = open(sys.argv[1], "rb").read()
dec = lambda b: b.decode("utf-8", "replace" if lossy else "strict")
keys = ["source", "index", "text", "start", "end", "char_start", "char_end", "line_start", "line_end", "tokens"]
if markdown:
    keys.append("headings")
def measure(c):
    if unit == "chars": return len(c["text"])
    if unit == "bytes": return len(c["text"].encode("utf-8"))
    return c["tokens"]
chunks = [json.loads(line) for line in sys.stdin.read().splitlines()]
def bad(msg, c=None):
    print(msg + ("" if c is None else ": " + json.dumps(c, ensure_ascii=False)[:300]))
    sys.exit(0)
for i, c in enumerate(chunks):
    want = keys + (["oversized"] if "oversized" in c else [])
    if list(c.keys()) != want: bad("keys %s, expected %s" % (list(c.keys()), want), c)
    if "oversized" in c and c["oversized"] is not True: bad("oversized present but not true", c)
    if c["index"] != i: bad("index %d at position %d" % (c["index"], i), c)
    s, e = c["start"], c["end"]
    if not 0 <= s < e <= len(data): bad("bad range", c)
    if dec(data[s:e]) != c["text"]: bad("input[start:end] != text", c)
    if c["char_start"] != len(dec(data[:s])) or c["char_end"] != len(dec(data[:e])): bad("char offsets", c)
    if c["line_start"] != data[:s].count(b"\n") + 1: bad("line_start", c)
    if c["line_end"] != data[:e - 1].count(b"\n") + 1: bad("line_end", c)
    t = c["text"]
    if unicodedata.category(t[0]) in ("Mn", "Me") or t[0] in "\u200d\ufe0f" or "\U0001F3FB" <= t[0] <= "\U0001F3FF":
        bad("chunk starts inside a grapheme", c)
    if t[-1] == "\u200d": bad("chunk ends inside a grapheme", c)
    if measure(c) > limit and not c.get("oversized"):
        bad("chunk of %d %s > %d (--size %d, --min-size %d)" % (measure(c), unit, limit, size, min_size), c)
    if min_size and len(chunks) > 1 and measure(c) < min_size and unit != "tokens":
        # A chunk below the minimum is left only when joining it would pass the limit.
        for o in ([chunks[i - 1]] if i > 0 else []) + ([chunks[i + 1]] if i + 1 < len(chunks) else []):
            a, b = min(o["start"], s), max(o["end"], e)
            joined = {"text": dec(data[a:b])}
            if measure(joined) <= limit and not o.get("oversized"):
                bad("chunk below --min-size %d left beside a neighbour it could join" % min_size, c)
    if c.get("oversized") and len(t) > 1 and t != "\r\n" and unicodedata.category(t[1]) not in ("Mn", "Me", "Cf", "Sk", "So"):
        bad("oversized chunk holds more than one grapheme", c)
    if i > 0:
        p = chunks[i - 1]
        if s < p["start"] or e <= p["end"]: bad("chunks out of order", c)
        shared = max(0, p["end"] - s)
        if overlap == 0:
            if shared: bad("overlap with --overlap 0", c)
            if dec(data[p["end"]:s]).strip(): bad("non-whitespace lost between chunks", c)
        else:
            rep = {"chars": len(dec(data[s:s + shared])), "bytes": shared}.get(unit)
            if rep is not None and rep > overlap: bad("overlap of %d %s > --overlap %d" % (rep, unit, overlap), c)
if overlap == 0 and chunks:
    if dec(data[:chunks[0]["start"]]).strip() or dec(data[chunks[-1]["end"]:]).strip():
        bad("non-whitespace lost before the first or after the last chunk")
if not chunks and dec(data).strip():
    bad("no chunks for a non-empty input")
print("ok")
EOF

# chunk_ok DESCRIPTION INPUT [check.py flags] -- STRATA ARGS: runs `strata chunk ARGS INPUT` and
# checks its JSONL with check.py.
chunk_ok() {
    local desc=$1 input=$2
    shift 2
    local -a flags=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do flags+=("$1"); shift; done
    shift
    run "$STRATA" chunk "$@" "$input"
    if [ "$RC" != 0 ]; then
        fail "$desc: exit $RC"
        return
    fi
    local r
    r=$(python3 check.py "$input" "${flags[@]+"${flags[@]}"}" <"$E2E_TMP/.out" 2>&1)
    if [ "$r" = ok ]; then pass "$desc"; else fail "$desc: $r"; fi
}

# ---------------------------------------------------------------------------
case_ "offsets are exact for every strategy, unit and overlap"
for input in notes.txt random.txt crlf.txt; do
    for strategy in fixed recursive paragraph sentence markdown; do
        md=""
        [ $strategy = markdown ] && md=--markdown
        for size in 40 200 1000; do
            chunk_ok "$strategy --size $size $input" $input --size $size $md -- --strategy $strategy --size $size
        done
        chunk_ok "$strategy bytes $input" $input --unit bytes --size 64 $md -- --strategy $strategy --size 64 --unit bytes
        chunk_ok "$strategy tokens $input" $input --unit tokens --size 30 $md -- --strategy $strategy --size 30 --unit tokens
        chunk_ok "$strategy overlap $input" $input --size 120 --overlap 40 $md -- \
            --strategy $strategy --size 120 --overlap 40
    done
    chunk_ok "token $input" $input --unit tokens --size 25 -- --strategy token --size 25
    chunk_ok "token overlap $input" $input --unit tokens --size 25 --overlap 5 -- --strategy token --size 25 --overlap 5
    chunk_ok "o200k tokens $input" $input --unit tokens --size 25 -- --strategy token --size 25 --tokenizer o200k_base
done
chunk_ok "size 1: one grapheme per chunk, oversized when needed" notes.txt --size 1 -- --strategy fixed --size 1
chunk_ok "size 1 byte: multi-byte graphemes are oversized" notes.txt --unit bytes --size 1 -- \
    --strategy fixed --size 1 --unit bytes
run "$STRATA" chunk --strategy fixed --size 1 --unit bytes notes.txt
expect_stdout_match '"oversized":true'
expect_stdout_match '"text":"a","start":[0-9]+,"end":[0-9]+,"char_start":[0-9]+,"char_end":[0-9]+,"line_start":[0-9]+,"line_end":[0-9]+,"tokens":1}'

case_ "markdown: heading paths and whole fences"
run "$STRATA" chunk --size 200 notes.md
# shellcheck disable=SC2016  # Python code, not shell
r=$(python3 -c '
import json, sys
cs = [json.loads(l) for l in open(sys.argv[1])]
fence = "```sh\n# not a heading: inside a fence\nsudo apt-get install strata\n    indented   with   spaces\n```"
assert any(fence in c["text"] for c in cs), "the fence is split"
deb = [c for c in cs if "Run apt-get install" in c["text"]]
assert deb and all(c["headings"] == ["Install", "Debian"] for c in deb), [c["headings"] for c in deb]
use = [c for c in cs if "Last paragraph." in c["text"]]
assert use and use[-1]["headings"] == ["Use"], [c["headings"] for c in use]
assert not any("not a heading" in h for c in cs for h in c["headings"]), "a fenced line became a heading"
print("ok")' "$E2E_TMP/.out" 2>&1 | tail -1)
assert_eq ok "$r" "heading path [Install, Debian], fence kept whole, # in a fence is not a heading"

case_ "deterministic"
run "$STRATA" chunk --strategy sentence --size 150 --overlap 50 random.txt
first=$OUT
run "$STRATA" chunk --strategy sentence --size 150 --overlap 50 random.txt
assert_eq "$first" "$OUT" "same input and options, same chunks"

case_ "separators: --separator and --separators"
chunk_ok "--separators JSON" random.txt --size 100 -- --separators '["\n\n", ". ", " ", ""]' --size 100
run "$STRATA" chunk --separators '["\n\n", "\n", " ", ""]' --size 100 random.txt
a=$OUT
run "$STRATA" chunk --separator '\n\n' --separator '\n' --separator ' ' --separator '' --size 100 random.txt
assert_eq "$a" "$OUT" "--separator with escapes equals --separators JSON"
run "$STRATA" chunk --size 100 random.txt
assert_eq "$a" "$OUT" "the default separators are \\n\\n, \\n, space, graphemes"
run "$STRATA" chunk --separators '["\n\n"]' notes.md
expect_stdout_nomatch '"headings"' # separators choose recursive even for .md
chunk_ok "--compat langchain keeps offsets exact" random.txt --size 200 --overlap 50 --min-size 0 -- \
    --compat langchain --size 200 --overlap 50

case_ "--min-size: small chunks join a neighbour; a fifth of the size by default (as ingest), off with 0 and with --compat"
for input in notes.txt notes.md random.txt crlf.txt; do
    md=""
    case $input in *.md) md=--markdown ;; esac
    chunk_ok "--min-size 40 $input" $input --size 200 --min-size 40 $md -- --size 200 --min-size 40
    chunk_ok "--min-size with overlap $input" $input --size 120 --overlap 40 --min-size 30 $md -- \
        --size 120 --overlap 40 --min-size 30
    chunk_ok "--min-size bytes $input" $input --unit bytes --size 100 --min-size 25 $md -- \
        --unit bytes --size 100 --min-size 25
    chunk_ok "--min-size tokens $input" $input --unit tokens --size 40 --min-size 8 $md -- \
        --unit tokens --size 40 --min-size 8
done
# A section of three sentences (202 characters) too long to share a chunk with its heading: cut
# by sentences, its first chunk (two sentences, 131 characters) has room for the heading.
{
    printf '# Guide\n\nIntro.\n\n## Options\n\n'
    python3 -c 'print(" ".join(" ".join("word%d" % i for i in range(k, k + 10)).capitalize() + "." for k in (0, 10, 20)))'
} >heading.md
run "$STRATA" chunk --size 200 --min-size 0 heading.md
expect_stdout_match '"text":"## Options",' # --min-size 0: the heading alone
run "$STRATA" chunk --size 200 --min-size 40 heading.md
expect_stdout_nomatch '"text":"## Options",'
expect_stdout_match '## Options\\n\\nWord0 word1' # the heading with its section
run "$STRATA" chunk --size 200 heading.md
expect_stdout_nomatch '"text":"## Options",' # the default: 200 / 6 = 33, as ingest
expect_stdout_match '## Options\\n\\nWord0 word1'
printf '[chunk]\nmin_size = 0\n' >strata.toml
run "$STRATA" chunk --size 200 heading.md
expect_stdout_match '"text":"## Options",' # chunk.min_size from strata.toml
printf '[chunk]\nmin_size = 40\n' >strata.toml
run "$STRATA" chunk --compat langchain --size 200 heading.md
assert_eq 0 "$RC" "--compat langchain: a file's chunk.min_size does not apply"
rm -f strata.toml
expect_exit 2 -- "$STRATA" chunk --compat langchain --min-size 40 heading.md
expect_error_line '--min-size' '--compat langchain'
expect_exit 2 -- "$STRATA" chunk --size 100 --min-size 100 heading.md
expect_error_line '--min-size' '--size'

case_ "--size is a maximum, also for a joined chunk: --unit tokens --size 256 over real pages"
# The pages of the PostgreSQL and Python manuals in tests/e2e/data/html (with STRATA_DOCS_QA=DIR,
# every page of DIR/postgresql too). Joining small chunks under the default --min-size (51) gave
# chunks of up to 306 tokens: 2,088 of the manual's 20,087, and 5 of these pages' 74.
# over256 JSONL: "N M" (chunks, chunks over 256 tokens that are not a single oversized grapheme).
over256() {
    python3 -c '
import json, sys
chunks = [json.loads(l) for l in open(sys.argv[1])]
print(len(chunks), sum(1 for c in chunks if c["tokens"] > 256 and not c.get("oversized")))' "$1"
}
html_pages="$HERE/data/html"
"$STRATA" chunk --unit tokens --size 256 --format jsonl $(find "$html_pages" -name '*.html' | sort) >pages.jsonl
read -r n over <<<"$(over256 pages.jsonl)"
assert_eq 0 "$over" "no chunk of the $n over 256 tokens"
[ "$n" -gt 50 ] && pass "the pages gave $n chunks" || fail "the pages gave $n chunks"
if [ -n "${STRATA_DOCS_QA:-}" ] && [ -d "$STRATA_DOCS_QA/postgresql" ]; then
    find "$STRATA_DOCS_QA/postgresql" -name '*.html' -print0 | sort -z |
        xargs -0 "$STRATA" chunk --unit tokens --size 256 --format jsonl >manual.jsonl
    read -r n over <<<"$(over256 manual.jsonl)"
    assert_eq 0 "$over" "the whole PostgreSQL manual: no chunk of the $n over 256 tokens"
fi
# Every strategy in every unit over the same real pages (the issue's figures: 531 of 38,673
# chunks over 1,000 characters in the shared corpus, up to 2,651 of a manual's 22,418 over 800).
# over_size JSONL UNIT SIZE: "N M" (chunks, chunks over SIZE in UNIT that are not oversized).
over_size() {
    python3 -c '
import json, sys
unit, size = sys.argv[2], int(sys.argv[3])
def measure(c):
    if unit == "chars": return len(c["text"])
    if unit == "bytes": return len(c["text"].encode("utf-8"))
    return c["tokens"]
chunks = [json.loads(l) for l in open(sys.argv[1])]
print(len(chunks), sum(1 for c in chunks if measure(c) > size and not c.get("oversized")))' "$@"
}
mapfile -t real_pages < <(find "$html_pages" -name '*.html' | sort)
for strategy in fixed recursive paragraph sentence markdown; do
    for spec in "chars 800" "chars 1200" "bytes 800" "tokens 200"; do
        read -r unit size <<<"$spec"
        "$STRATA" chunk --strategy "$strategy" --unit "$unit" --size "$size" --format jsonl "${real_pages[@]}" >sizes.jsonl
        read -r n over <<<"$(over_size sizes.jsonl "$unit" "$size")"
        assert_eq 0 "$over" "real pages, $strategy --unit $unit --size $size: none of the $n chunks over the size"
    done
done
# Sections of 246 to 279 tokens under their headings: each heading joined its section.
python3 -c '
import random
random.seed(7)
words = "the store keeps every chunk with its offsets and a heading path so that search can cite lines".split()
out = []
for k in range(12):
    out += ["## Section %d\n" % k, " ".join(random.choice(words) for _ in range(240 + 3 * k)) + ".\n"]
open("sections.md", "w").write("\n".join(out))'
chunk_ok "sections under headings, --unit tokens --size 256" sections.md --unit tokens --size 256 --markdown -- \
    --unit tokens --size 256
"$STRATA" chunk --unit tokens --size 256 sections.md >sections.jsonl
read -r n over <<<"$(over256 sections.jsonl)"
assert_eq 0 "$over" "sections.md: no chunk of the $n over 256 tokens"
# What ingest stores: the same chunks from the Markdown file, none over the size from the pages
# (the HTML loader's text).
mkdir -p tokpages && cp -a "$html_pages/postgresql" "$html_pages/python" sections.md tokpages/
expect_exit 0 -- "$STRATA" ingest --store tok$$.db --unit tokens --size 256 tokpages
assert_eq 0 "$(db_q tok$$.db "SELECT count(*) FROM chunks WHERE token_count > 256")" "ingest stores no chunk over 256 tokens"
assert_eq 1 "$(db_q tok$$.db "SELECT count(*) > 50 FROM chunks")" "ingest stored the pages' chunks"
assert_eq "$(python3 -c 'import json, sys; [print(c["start"], c["end"]) for c in map(json.loads, open(sys.argv[1]))]' sections.jsonl)" \
    "$(db_q tok$$.db "SELECT c.start_byte || ' ' || c.end_byte FROM chunks c JOIN documents d ON d.id = c.document_id
        WHERE d.source = 'tokpages/sections.md' ORDER BY c.ordinal")" "sections.md: ingest stores the chunks chunk shows"
rm -rf tok$$.db* tokpages

case_ "strata chunk previews the chunks ingest stores, with the defaults and with the same flags"
mkdir -p same
cp notes.md notes.txt random.txt same/
for flags in "" "--size 300" "--size 300 --overlap 30 --min-size 0" "--size 80 --unit tokens" "--size 48 --unit tokens"; do
    rm -f same/same$$.db*  # a new collection each time: a recorded one would lend its settings
    # shellcheck disable=SC2086
    (cd same && "$STRATA" ingest --store "same$$.db" $flags notes.md notes.txt random.txt >/dev/null 2>&1)
    for f in notes.md notes.txt random.txt; do
        # shellcheck disable=SC2086
        previewed=$(cd same && "$STRATA" chunk $flags --no-tokens "$f" | python3 -c '
import json, sys
for line in sys.stdin:
    c = json.loads(line)
    print(c["start"], c["end"])')
        stored=$(db_q "same/same$$.db" "SELECT c.start_byte || ' ' || c.end_byte FROM chunks c JOIN documents d ON d.id = c.document_id
            WHERE d.source = '$f' ORDER BY c.ordinal")
        assert_eq "$stored" "$previewed" "$f ${flags:-(defaults)}: the same chunks from chunk and ingest"
    done
done
rm -f same/same$$.db*

# ---------------------------------------------------------------------------
case_ "formats"
run "$STRATA" chunk --size 300 notes.txt
jsonl=$OUT
run "$STRATA" chunk --format jsonl --size 300 notes.txt
assert_eq "$jsonl" "$OUT" "jsonl is the default when stdout is not a terminal"
expect_stderr_empty
run "$STRATA" chunk --format json --size 300 notes.txt
r=$(printf '%s' "$OUT" | python3 -c '
import json, sys
arr = json.load(sys.stdin)
lines = [json.loads(l) for l in sys.argv[1].splitlines()]
print("ok" if arr == lines and len(arr) > 1 else "differs")' "$jsonl" 2>&1)
assert_eq ok "$r" "--format json is one array of the jsonl objects"
run "$STRATA" chunk --format json empty.txt
assert_eq "[]" "$OUT" "--format json of empty input is []"
run "$STRATA" chunk --format json empty.txt notes.txt
expect_json_true "--format json over several inputs is one array" 'len(d) == 1 and d[0]["source"] == "notes.txt"'
run "$STRATA" chunk --format text --size 300 notes.md
expect_stdout_match '^--- notes.md #0  bytes 0-[0-9]+  lines 1-[0-9]+  [0-9]+ chars  [0-9]+ tokens  \[Install\]$'
expect_stdout_match '^--- notes.md #1 '
expect_stdout_match '^Last paragraph\.$'
expect_stdout_nomatch $'\x1b' # NO_COLOR
run "$STRATA" chunk --format text --color always --size 300 notes.md
expect_stdout_match $'^\x1b\\[2m--- notes.md #0'
if script -qec true /dev/null >/dev/null 2>&1; then
    script -qec "'$STRATA' chunk --size 300 notes.md" /dev/null >tty.out 2>&1
    if grep -q '^--- notes.md #0 ' tty.out && ! grep -q '"source"' tty.out; then
        pass "text is the default on a terminal"
    else
        fail "on a terminal the default format is not text: $(head -c 300 tty.out)"
    fi
else
    skip "script(1) cannot allocate a terminal"
fi
expect_exit 2 -- "$STRATA" chunk --format yaml notes.md
expect_error_line '--format' 'jsonl, json, text'

case_ "--no-tokens leaves out only the tokens field"
run "$STRATA" chunk --format jsonl --size 300 notes.txt
with_tokens=$OUT
run "$STRATA" chunk --format jsonl --size 300 --no-tokens notes.txt
r=$(printf '%s' "$OUT" | python3 -c '
import json, sys
a = [json.loads(l) for l in sys.argv[1].splitlines()]
b = [json.loads(l) for l in sys.stdin.read().splitlines()]
ok = len(a) == len(b) > 1 and all("tokens" not in y and {k: v for k, v in x.items() if k != "tokens"} == y for x, y in zip(a, b))
print("ok" if ok else "differs")' "$with_tokens" 2>&1)
assert_eq ok "$r" "same chunks, no tokens field"
run "$STRATA" chunk --format jsonl --size 50 --unit tokens --no-tokens notes.txt
r=$(printf '%s' "$OUT" | python3 -c '
import json, sys
print("ok" if all("tokens" in json.loads(l) for l in sys.stdin.read().splitlines()) else "missing")' 2>&1)
assert_eq ok "$r" "--unit tokens keeps the count (it is made while sizing)"

case_ "a grapheme larger than --size: flagged in the JSON and reported on stderr"
printf 'ab\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7cd' >family.txt
expect_exit 0 -- "$STRATA" chunk --format jsonl --size 3 --unit bytes family.txt
r=$(printf '%s' "$OUT" | python3 -c '
import json, sys
cs = [json.loads(l) for l in sys.stdin.read().splitlines()]
big = [c for c in cs if c.get("oversized")]
print("ok" if len(big) == 1 and big[0]["start"] == 2 and big[0]["end"] == 20 else "got %r" % cs)' 2>&1)
assert_eq ok "$r" "the family emoji is one oversized chunk at bytes 2-20"
expect_stderr_match "warning: family\.txt: 1 chunk\(s\) exceed --size .*byte offset 2" "stderr names the file and the offset"

case_ "defaults from the file type"
for f in notes.md notes.markdown NOTES.MD; do
    run "$STRATA" chunk "$f"
    r=$(head -1 "$E2E_TMP/.out" | python3 -c 'import json,sys; print("headings" in json.load(sys.stdin))')
    assert_eq True "$r" "$f: markdown strategy by default (headings present)"
done
run "$STRATA" chunk notes.txt
r=$(head -1 "$E2E_TMP/.out" | python3 -c 'import json,sys; print("headings" in json.load(sys.stdin))')
assert_eq False "$r" "notes.txt: recursive by default (no headings)"
run "$STRATA" chunk notes.txt
n=$(printf '%s\n' "$OUT" | wc -l)
assert_eq 1 "$n" "default size 1200 chars: the ~1 KB notes.txt is one chunk"
run "$STRATA" chunk --strategy recursive notes.md
expect_stdout_nomatch '"headings"'
run "$STRATA" chunk --size 300 notes.txt
r=$(printf '%s\n' "$OUT" | python3 check.py notes.txt --size 300)
assert_eq ok "$r" "default strategy respects --size and is exact"

case_ "standard input"
run "$STRATA" chunk --size 300 notes.txt
from_file=$(printf '%s\n' "$OUT" | sed 's/"source":"notes.txt"/"source":"-"/')
run bash -c "'$STRATA' chunk --size 300 <notes.txt"
assert_eq "$from_file" "$OUT" "no FILE reads stdin; source is -"
run bash -c "cat notes.txt | '$STRATA' chunk --size 300 -"
assert_eq "$from_file" "$OUT" "- reads stdin from a pipe"
run bash -c "'$STRATA' chunk --size 300 - <notes.md"
expect_stdout_nomatch '"headings"' # stdin has no file type: recursive
run bash -c "'$STRATA' chunk <empty.txt"
assert_eq "0:" "$RC:$OUT" "empty stdin: no chunks, exit 0"

case_ "several files"
run "$STRATA" chunk --size 300 notes.txt random.txt crlf.txt
r=$(printf '%s\n' "$OUT" | python3 -c '
import json, sys
cs = [json.loads(l) for l in sys.stdin]
order = []
for c in cs:
    if not order or order[-1] != c["source"]: order.append(c["source"])
firsts = [c["index"] for c in cs if c["index"] == 0]
print(",".join(order), len(firsts))')
assert_eq "notes.txt,random.txt,crlf.txt 3" "$r" "inputs in order, index restarts at 0 for each"
for f in notes.txt random.txt crlf.txt; do
    r=$(printf '%s\n' "$OUT" | grep "\"source\":\"$f\"" | python3 check.py $f --size 300)
    assert_eq ok "$r" "$f within several inputs is exact"
done
run "$STRATA" chunk notes.md notes.txt
r=$(printf '%s\n' "$OUT" | python3 -c '
import json, sys
print(sorted({(json.loads(l)["source"], "headings" in json.loads(l)) for l in sys.stdin}))')
assert_eq "[('notes.md', True), ('notes.txt', False)]" "$r" "the strategy is chosen per file"

# ---------------------------------------------------------------------------
case_ "bad input: empty file"
expect_exit 0 -- "$STRATA" chunk empty.txt
expect_stdout_empty
expect_stderr_empty
printf ' \n\n \t\n' >blank.txt
chunk_ok "whitespace-only input" blank.txt -- --size 10

case_ "bad input: binary file"
printf 'PK\003\004\000\000binary' >archive.zip
expect_exit 3 -- "$STRATA" chunk archive.zip
expect_error_line 'archive\.zip' 'binary'
expect_stdout_empty
python3 -c 'open("late_nul.txt","wb").write(b"a" * 9000 + b"\0" + b"b")'
expect_exit 0 -- "$STRATA" chunk late_nul.txt
expect_stdout_match '\\u0000' # a NUL after the first 8 KiB is text, escaped in JSON

case_ "bad input: invalid UTF-8"
printf 'good line\nbad \xff\xfe here\n' >latin.txt
expect_exit 3 -- "$STRATA" chunk latin.txt
expect_error_line 'latin\.txt' 'UTF-8' 'byte offset 14' 'line 2'
expect_stderr_match '^strata: hint: .*--lossy'
expect_stdout_empty
run bash -c "'$STRATA' chunk <latin.txt"
expect_error_line 'standard input' 'byte offset 14'

case_ "--lossy: U+FFFD in the text, offsets into the original bytes"
chunk_ok "--lossy latin.txt" latin.txt --lossy -- --lossy
expect_stdout_match $'"text":"good line\\\\nbad \xef\xbf\xbd\xef\xbf\xbd here"'
python3 -c '
import random
random.seed(3)
atoms = [b"a", b" ", b"\n", b"\n\n", "é".encode(), "€".encode(), "🙂".encode(), b"\xff", b"\x80", b"\xc3", b"\xe2\x82", b"\xf0\x9f", b"\xed\xa0\x80", b"\xc0\xaf", b". "]
open("garbage.txt", "wb").write(b"".join(random.choice(atoms) for _ in range(4000)))'
for s in fixed recursive paragraph sentence; do
    chunk_ok "--lossy $s on random bytes" garbage.txt --lossy --size 50 -- --lossy --strategy $s --size 50
done
chunk_ok "--lossy token" garbage.txt --lossy --unit tokens --size 20 -- --lossy --strategy token --size 20
chunk_ok "--lossy on valid input changes nothing" notes.txt --lossy --size 100 -- --lossy --size 100

case_ "bad input: --size and --overlap"
for v in 0 -1 abc 1.5 ''; do
    expect_exit 2 -- "$STRATA" chunk --size="$v" notes.txt
    expect_error_line '--size'
    expect_stdout_empty
done
expect_exit 2 -- "$STRATA" chunk --size 99999999999999999999999 notes.txt
expect_error_line '--size'
expect_exit 2 -- "$STRATA" chunk --size 100 --overlap 100 notes.txt
expect_error_line '--overlap' '100'
expect_exit 2 -- "$STRATA" chunk --overlap 1200 notes.txt
expect_error_line '^strata: error: --overlap \(1200\) must be below --size \(1200\)$'
expect_exit 2 -- "$STRATA" chunk --overlap=-1 notes.txt
expect_error_line '--overlap'
expect_exit 2 -- "$STRATA" chunk --size 10 --overlap 10 <empty.txt
expect_error_line '--overlap' # checked before any input is read

case_ "bad input: unknown names"
expect_exit 2 -- "$STRATA" chunk --strategy semantic notes.txt
expect_error_line "^strata: error: --strategy: unknown strategy 'semantic'$"
expect_stderr_match '^strata: hint: use fixed, recursive, paragraph, sentence, markdown or token$'
expect_exit 2 -- "$STRATA" chunk --unit words notes.txt
expect_error_line "^strata: error: --unit: unknown unit 'words'$"
expect_stderr_match '^strata: hint: use chars, bytes or tokens$'
expect_exit 2 -- "$STRATA" chunk --tokenizer gpt2 notes.txt
expect_error_line "^strata: error: --tokenizer: unknown tokenizer 'gpt2'$"
expect_stderr_match '^strata: hint: use cl100k_base or o200k_base$'
expect_exit 2 -- "$STRATA" chunk --compat llamaindex notes.txt
expect_error_line "llamaindex" 'langchain'
expect_exit 2 -- "$STRATA" chunk --strategy token --unit chars notes.txt
expect_error_line '--unit'
expect_exit 2 -- "$STRATA" chunk --strategy markdown --separators '["\n"]' notes.md
expect_error_line '--separators'
expect_exit 2 -- "$STRATA" chunk --strategy sentence --compat langchain notes.md
expect_error_line '--compat'
expect_exit 2 -- "$STRATA" chunk --separators 'not json' notes.txt
expect_error_line '--separators'
expect_exit 2 -- "$STRATA" chunk --separators '[]' notes.txt
expect_error_line '--separators'
expect_exit 2 -- "$STRATA" chunk --separators '["a", 1]' notes.txt
expect_error_line '--separators'
expect_exit 2 -- "$STRATA" chunk --separator '\q' notes.txt
expect_error_line '--separator'
expect_exit 2 -- "$STRATA" chunk --separator x --separators '["y"]' notes.txt
expect_error_line '--separator'
expect_exit 2 -- "$STRATA" chunk --no-such-flag notes.txt
expect_exit 2 -- "$STRATA" chunk --size

case_ "bad input: missing and unreadable files"
expect_exit 3 -- "$STRATA" chunk no-such-file.md
expect_error_line 'no-such-file\.md'
expect_stdout_empty
expect_exit 3 -- "$STRATA" chunk notes.txt no-such-file.md random.txt
expect_error_line 'no-such-file\.md'
r=$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; print(sorted({json.loads(l)["source"] for l in sys.stdin}))')
assert_eq "['notes.txt', 'random.txt']" "$r" "the other inputs are still chunked (like cat and wc)"
mkdir -p somedir
expect_exit 3 -- "$STRATA" chunk somedir
expect_error_line 'somedir' 'directory'
if [ "$(id -u)" != 0 ]; then
    cp notes.txt locked.txt && chmod 000 locked.txt
    expect_exit 3 -- "$STRATA" chunk locked.txt
    expect_error_line 'locked\.txt'
elif can_drop_root; then
    cp notes.txt locked.txt && chmod 000 locked.txt && chmod 755 "$E2E_TMP" "$E2E_TMP/.bin"
    expect_exit 3 -- as_nobody "$STRATA" chunk "$E2E_TMP/locked.txt"
    expect_error_line 'locked\.txt' 'Permission denied'
fi
run "$STRATA" chunk --format json notes.txt no-such-file.md
r=$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>&1)
assert_eq 1 "$r" "--format json stays a valid array when an input fails"

# ---------------------------------------------------------------------------
case_ "pipeline: cat notes.md | strata chunk --size 300 --unit tokens | python3"
# shellcheck disable=SC2002  # the pipeline of the issue, cat included
r=$(cat notes.md | "$STRATA" chunk --size 60 --unit tokens | python3 -c '
import json, sys
cs = [json.loads(l) for l in sys.stdin]
data = open("notes.md", "rb").read()
assert len(cs) > 2, len(cs)
assert all(c["tokens"] <= 60 for c in cs)
assert all(data[c["start"]:c["end"]].decode() == c["text"] for c in cs)
print("ok", len(cs) > 0)' 2>&1 | tail -1)
assert_eq "ok True" "$r" "a shell pipeline reads stdin and writes JSONL"
# shellcheck disable=SC2002
r=$(cat notes.md | "$STRATA" chunk --size 300 --unit tokens | python3 -c '
import json, sys
cs = [json.loads(l) for l in sys.stdin]
print(len(cs) >= 1 and all(1 <= c["tokens"] <= 300 for c in cs))' 2>&1)
assert_eq True "$r" "cat notes.md | strata chunk --size 300 --unit tokens: chunks of at most 300 tokens"
r=$("$STRATA" chunk --size 300 --unit tokens notes.md | head -c 10)
assert_eq '{"source":' "$r" "the output can be cut short by head"

case_ "tokens field agrees with strata tokens"
if printf 'a' | "$STRATA" tokens >/dev/null 2>&1; then
    run "$STRATA" chunk --strategy sentence --size 80 random.txt
    head -5 "$E2E_TMP/.out" >five.jsonl
    while IFS= read -r line; do
        printf '%s' "$line" | python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin)["text"])' >piece.txt
        want=$(printf '%s' "$line" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tokens"])')
        got=$("$STRATA" tokens piece.txt | awk '{print $1}')
        assert_eq "$want" "$got" "tokens of a chunk = strata tokens of its text"
    done <five.jsonl
else
    skip "strata tokens is not available"
fi

# ---------------------------------------------------------------------------
case_ "a large single line: bounded memory, no crash"
asan=0
ldd "$STRATA" 2>/dev/null | grep -q libasan && asan=1
if [ "${LARGE:-0}" = 1 ]; then mb=1024; elif [ $asan = 1 ]; then mb=5; else mb=50; fi
python3 -c '
import sys
mb = int(sys.argv[1])
unit = ("lorem ipsum dolor sit amet, café 日本 " * 64).encode()
with open("big.txt", "wb") as f:
    left = mb * 1024 * 1024
    while left > 0:
        f.write(unit[:left]); left -= len(unit)' "$mb"
size=$(stat -c %s big.txt)
if [ $asan = 1 ]; then
    skip "AddressSanitizer build: memory is not representative; $mb MB only"
    E2E_CMD_TIMEOUT=900 run "$STRATA" chunk big.txt
    assert_eq 0 "$RC" "$mb MB single line: exit 0"
elif [ -x /usr/bin/time ]; then
    E2E_CMD_TIMEOUT=900 run /usr/bin/time -v -o time.txt "$STRATA" chunk big.txt
    assert_eq 0 "$RC" "$mb MB single line: exit 0"
    rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' time.txt)
    note "$mb MB single line: peak RSS $((rss_kb / 1024)) MB, $(awk -F': ' '/Elapsed/ {print $2}' time.txt) wall"
    limit_kb=$((size * 3 / 1024 + 64 * 1024))
    if [ "${rss_kb:-0}" -gt 0 ] && [ "$rss_kb" -le "$limit_kb" ]; then
        pass "peak RSS ${rss_kb} kB <= 3x input + 64 MB"
    else
        fail "peak RSS ${rss_kb:-?} kB > 3x input + 64 MB ($limit_kb kB)"
    fi
    r=$(python3 -c '
import json, sys
n = size = last = 0
for line in open(sys.argv[1]):
    c = json.loads(line)
    assert c["start"] >= last, "order"
    assert len(c["text"]) <= 1200
    n += 1; last = c["end"]; size = max(size, len(c["text"]))
print(n > 0, last == int(sys.argv[2]))' "$E2E_TMP/.out" "$size" 2>&1 | tail -1)
    assert_eq "True True" "$r" "chunks of at most 1200 chars (the default size) cover the whole line"
    E2E_CMD_TIMEOUT=900 run /usr/bin/time -v -o time.txt bash -c "cat big.txt | '$STRATA' chunk --strategy token --size 500 - >/dev/null"
    assert_eq 0 "$RC" "$mb MB single line, token strategy from a pipe: exit 0"
    rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' time.txt)
    if [ "${rss_kb:-0}" -gt 0 ] && [ "$rss_kb" -le "$limit_kb" ]; then
        pass "token strategy peak RSS ${rss_kb} kB <= 3x input + 64 MB"
    else
        fail "token strategy peak RSS ${rss_kb:-?} kB > 3x input + 64 MB ($limit_kb kB)"
    fi
else
    skip "/usr/bin/time is not installed"
fi
rm -f big.txt

e2e_finish
