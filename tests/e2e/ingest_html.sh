#!/usr/bin/env bash
# End-to-end tests of HTML ingest on real documentation pages (tests/e2e/data/html: DocBook
# pages of the PostgreSQL manual, Sphinx pages of the Python manual): page chrome is not stored,
# every paragraph is, chunks cite lines of the file that hold their words, `search` prints those
# lines, `documents show --text` prints the extracted text the offsets index into, XHTML and
# piped HTML are sniffed as HTML, and a page of chrome alone fails on its own (exit 8, the other
# files ingested, nothing of it stored).
#
# With STRATA_DOCS_QA=DIR (the docs-qa corpora, DIR/postgresql and DIR/python), the citation and
# paragraph checks also run over every page of both manuals.
#
# Usage: bash tests/e2e/ingest_html.sh /path/to/strata
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_init ingest_html "$@"

S() { strata_t "$@"; }
q() { db_q "$1" "$2"; }
CHECK="$HERE/html_check.py"
cp -a "$HERE/data/html" pages

# ---------------------------------------------------------------------------------------------
case_ "real pages: ingested, chrome left out"
expect_exit 0 -- S ingest --store s.db pages
assert_eq 6 "$(q s.db "SELECT count(*) FROM documents WHERE loader = 'html'")" "six HTML documents (and SOURCE.md)"
for chrome in 'Logo' 'This Page' 'Show Source' 'Report a Bug' 'Previous topic' 'Next topic' 'Quick search' \
    'Prev |' '| Next' 'Table of Contents' '¶' 'Python Software Foundation' 'Found a bug'; do
    n=$(q s.db "SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id
        WHERE d.loader = 'html' AND instr(c.text, '$chrome') > 0")
    assert_eq 0 "$n" "no chunk holds the chrome text [$chrome]"
done
assert_eq 0 "$(q s.db "SELECT count(*) FROM (SELECT text FROM chunks GROUP BY text HAVING count(*) > 1)")" \
    "no two chunks are the same text"
assert_eq "## Chapter 29. Monitoring Disk Usage

This chapter discusses how to monitor the disk usage of a PostgreSQL database system." \
    "$(q s.db "SELECT replace(group_concat(c.text, '|'), char(160), ' ') FROM chunks c
        JOIN documents d ON d.id = c.document_id WHERE d.source = 'pages/postgresql/diskusage.html'")" \
    "a chapter page keeps its title and text, not its table of contents"
assert_eq "CREATE INDEX" "$(q s.db "SELECT title FROM documents WHERE source = 'pages/postgresql/sql-createindex.html'")" \
    "title from <title>"

case_ "real pages: every paragraph is kept"
run python3 "$CHECK" paragraphs s.db
if [ "$RC" = 0 ]; then pass "$OUT"; else fail "paragraphs lost"; fi
case $(q s.db "SELECT group_concat(text, ' ') FROM chunks") in
    *'The so-called CSV (Comma Separated Values) format is the most common import and export format'*)
        pass "the csv module's first sentence is stored" ;;
    *) fail "the csv module's first sentence is missing" ;;
esac

case_ "real pages: chunks cite the lines of the file that hold their words"
run python3 "$CHECK" citations s.db
if [ "$RC" = 0 ]; then pass "$OUT"; else fail "citations off"; fi
# The check can fail: a chunk whose lines are moved off its text is caught.
cp s.db moved.db
db_q_rw moved.db "UPDATE chunks SET line_start = line_start + 40, line_end = line_end + 40
    WHERE id = (SELECT min(c.id) FROM chunks c JOIN documents d ON d.id = c.document_id
                WHERE d.source = 'pages/python/library/csv.html')" >/dev/null
run python3 "$CHECK" citations moved.db
if [ "$RC" = 1 ]; then pass "moved lines are reported"; else fail "the check missed lines moved off the text"; fi

case_ "search prints the lines of the file"
line=$(grep -n 'The so-called CSV (Comma Separated Values) format' pages/python/library/csv.html | cut -d: -f1)
expect_exit 0 -- S search --store s.db --json -k 1 -- "so-called CSV Comma Separated Values format"
lines=$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; h=json.loads(sys.stdin.readline()); print(h["source"], *h["lines"])')
read -r src first last <<<"$lines"
assert_eq pages/python/library/csv.html "$src" "the csv page is the hit"
assert_true "the hit's lines $first-$last hold the sentence at line $line" [ "$first" -le "$line" -a "$line" -le "$last" ]
expect_exit 0 -- S search --store s.db -k 1 -- "so-called CSV Comma Separated Values format"
expect_stdout_match "pages/python/library/csv.html:$first-$last"

case_ "a table of contents no longer wins over the section it lists"
expect_exit 0 -- S search --store s.db --json -k 1 -- "Determining Disk Usage"
case $OUT in
    *'"source":"pages/postgresql/disk-usage.html"'*) pass "the section page is the first hit" ;;
    *) fail "first hit is not disk-usage.html" ;;
esac

case_ "documents show --text prints the extracted text the chunk offsets index into"
expect_exit 0 -- S documents show --store s.db pages/postgresql/sql-createindex.html --text
printf '%s' "$OUT" >text.txt
case $OUT in
    '## CREATE INDEX'*) pass "the text starts with the page's heading" ;;
    *) fail "unexpected start: ${OUT:0:80}" ;;
esac
case $OUT in *'<div'* | *'navheader'*) fail "markup in the text" ;; *) pass "no markup" ;; esac
expect_exit 0 -- S documents show --store s.db pages/postgresql/sql-createindex.html --json
printf '%s\n' "$OUT" >doc.json
run python3 - text.txt doc.json <<'PY'
import json, sys
text = open(sys.argv[1], "rb").read()
doc = json.load(open(sys.argv[2]))
bad = [c["index"] for c in doc["chunk_list"] if text[c["start"]:c["end"]].decode() != c["text"]]
print(len(doc["chunk_list"]), "chunks", "mismatched:", bad)
sys.exit(1 if bad or not doc["chunk_list"] else 0)
PY
if [ "$RC" = 0 ]; then pass "every chunk is text[start:end]: $OUT"; else fail "offsets do not index into --text"; fi
expect_exit 0 -- S documents show --store s.db pages/postgresql/sql-createindex.html --text --json
expect_stdout_match '"text":"## CREATE INDEX'

# ---------------------------------------------------------------------------------------------
case_ "XHTML and piped HTML are sniffed as HTML"
{ printf '<?xml version="1.0" encoding="UTF-8"?>\n'; printf '<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>XHTML page</h1><p>Piped in.</p></body></html>\n'; } >xhtml.in
run sh -c "\"$STRATA\" ingest --store pipe.db - <xhtml.in"
assert_eq 0 "$RC" "piped XHTML ingested"
assert_eq "html|XHTML page" "$(q pipe.db "SELECT loader || '|' || title FROM documents WHERE source = 'stdin'")" \
    "sniffed as HTML"
printf '<h2 id="usage">Usage</h2>\n<p>A fragment such as a converter prints.</p>\n' >fragment.in
run sh -c "\"$STRATA\" ingest --store pipe.db --id usage - <fragment.in"
assert_eq 0 "$RC" "piped fragment ingested"
assert_eq "html|## Usage

A fragment such as a converter prints." \
    "$(q pipe.db "SELECT d.loader || '|' || c.text FROM documents d JOIN chunks c ON c.document_id = d.id WHERE d.source = 'usage'")" \
    "fragment sniffed as HTML"

# ---------------------------------------------------------------------------------------------
case_ "a page of chrome alone fails on its own"
mkdir -p site
cp pages/postgresql/disk-usage.html site/
printf '<!doctype html>\n<html><head><title>Index</title></head><body>\n<nav><a href="a.html">A</a> <a href="b.html">B</a></nav>\n<div class="footer">&copy; 2024 Example</div>\n</body></html>\n' >site/menu.html
expect_exit 8 -- S ingest --store site.db site
expect_stderr_match '^strata: warning: failed: site/menu.html: only page chrome \(navigation, header, footer, sidebar, table of contents\), no content$'
assert_eq "site/disk-usage.html" "$(q site.db "SELECT group_concat(source) FROM documents")" "the other page is ingested"
run sh -c "\"$STRATA\" ingest --store pipe.db --id menu.html - <site/menu.html"
assert_eq 3 "$RC" "piped alone: every input failed"
assert_eq 0 "$(q pipe.db "SELECT count(*) FROM documents WHERE source = 'menu.html'")" "nothing stored for it"

# ---------------------------------------------------------------------------------------------
case_ "a page stored by an older HTML reader is read again, once"
# What a store built before page chrome was dropped looks like: the page's document at loader
# version 1, its chunk holding the navigation.
expect_exit 0 -- S ingest --store old.db site/disk-usage.html
db_q_rw old.db "UPDATE documents SET loader_version = 1; UPDATE chunks SET text = 'Prev Up Next Home' WHERE ordinal = 0" >/dev/null
expect_exit 0 -- S ingest --store old.db site/disk-usage.html
expect_stderr_match '^note: read 1 unchanged file again \(html 1\): this version of strata reads it differently than the one that stored it$'
expect_output_match "0 new, 1 changed, 0 unchanged"
assert_eq "2|0" "$(q old.db "SELECT loader_version, (SELECT count(*) FROM chunks WHERE text = 'Prev Up Next Home') FROM documents")" \
    "loader version 2, the stale chunk gone"
expect_exit 0 -- S ingest --store old.db site/disk-usage.html
expect_output_match "0 new, 0 changed, 1 unchanged"
expect_stderr_nomatch "read .* again"

# ---------------------------------------------------------------------------------------------
if [ -n "${STRATA_DOCS_QA:-}" ]; then
    for corpus in postgresql python; do
        case_ "whole $corpus manual"
        E2E_CMD_TIMEOUT=600 expect_exit 0 -- S ingest --store "$corpus.db" --glob '*.html' "$STRATA_DOCS_QA/$corpus"
        E2E_CMD_TIMEOUT=600 run python3 "$CHECK" citations "$corpus.db"
        if [ "$RC" = 0 ]; then pass "$OUT"; else fail "$corpus: citations off"; fi
        E2E_CMD_TIMEOUT=600 run python3 "$CHECK" paragraphs "$corpus.db"
        if [ "$RC" = 0 ]; then pass "$OUT"; else fail "$corpus: paragraphs lost"; fi
    done
fi

e2e_finish
