#!/usr/bin/env bash
# End-to-end tests of `strata ingest` and of `strata collections` / `strata documents`: exit
# codes, the --json summary, --dry-run, the walk (.gitignore with negation and nesting,
# --no-ignore, hidden files, --glob/--exclude), --files-from with NUL separators, stdin and
# JSONL, where the store is, what stderr holds with and without a terminal, PDF and HTML.
#
# Usage: bash tests/e2e/ingest.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init ingest "$@"

S() { strata_t "$@"; }
# stdin_from FILE CMD...: CMD with FILE on standard input
stdin_from() {
    local f=$1
    shift
    E2E_CMD="$(printf '%q ' "$@") < $f"
    timeout -k 5 "${E2E_CMD_TIMEOUT:-30}" "$@" <"$f"
}
# q DB SQL: one query, read-only
q() { db_q "$1" "$2"; }
ndocs() { q "$1" "SELECT count(*) FROM documents"; }
has_doc() { [ "$(q "$1" "SELECT count(*) FROM documents WHERE source = '$2'")" = 1 ]; }

# consistent DB LABEL: SQLite and FTS5 checks, no orphans, one FTS row per chunk.
consistent() {
    local db=$1 label=$2
    assert_eq ok "$(db_q_rw "$db" 'PRAGMA integrity_check')" "$label: integrity_check"
    assert_eq "" "$(db_q_rw "$db" 'PRAGMA foreign_key_check')" "$label: foreign_key_check"
    assert_eq "" "$(db_q_rw "$db" "INSERT INTO chunks_fts(chunks_fts, rank) VALUES('integrity-check', 1)")" \
        "$label: FTS integrity-check against the chunks"
    assert_eq 0 "$(q "$db" 'SELECT count(*) FROM chunks WHERE document_id NOT IN (SELECT id FROM documents)')" \
        "$label: no orphan chunks"
    assert_eq "$(q "$db" 'SELECT count(*) FROM chunks')" "$(q "$db" 'SELECT count(*) FROM chunks_fts_docsize')" \
        "$label: one FTS row per chunk"
}

# make_pdf OUT [--repeat N] PAGE_TEXT...: a small valid PDF (Helvetica; a page's lines split at
# newlines, drawn top down; the pages N times over, pages of the same text sharing one content
# stream) with a correct cross-reference table, the same construction as the loader's unit tests.
make_pdf() {
    python3 - "$@" <<'PY'
import sys
out, pages = sys.argv[1], sys.argv[2:]
if pages[:1] == ["--repeat"]:
    pages = pages[2:] * int(pages[1])
def lit(t):
    return "(" + t.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"
objs = ["<< /Type /Catalog /Pages 2 0 R >>", None, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
stream_of = {}
for text in dict.fromkeys(pages):
    content = "BT /F1 12 Tf 72 700 Td " + " 0 -20 Td ".join(f"{lit(line)} Tj" for line in text.split("\n")) + " ET"
    objs.append(f"<< /Length {len(content)} >>\nstream\n{content}\nendstream")
    stream_of[text] = len(objs)
kids = []
for text in pages:
    objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {stream_of[text]} 0 R >>")
    kids.append(f"{len(objs)} 0 R")
objs[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>"
parts, size, offsets = [b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"], 15, []
for i, o in enumerate(objs):
    offsets.append(size)
    parts.append(f"{i + 1} 0 obj\n{o}\nendobj\n".encode("latin-1"))
    size += len(parts[-1])
parts.append(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
parts += [f"{off:010d} 00000 n \n".encode() for off in offsets]
parts.append(f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{size}\n%%EOF\n".encode())
open(out, "wb").write(b"".join(parts))
PY
}

# on_tty OUTFILE ERRFILE CMD...: CMD with stderr on a pseudo-terminal (stdout to OUTFILE);
# what the terminal received goes to ERRFILE. Returns CMD's exit code.
on_tty() {
    local out=$1 err=$2
    shift 2
    on_pty stderr 0 "$out" "$@" >"$err"
}

# ---------------------------------------------------------------------------
# A small corpus

mkdir -p c/sub c/build c/.hiddendir
cat >c/guide.md <<'EOF'
# Guide

Strata keeps documents in one SQLite file, the knowledge store.

## Install

Copy the binary anywhere on your PATH.
EOF
printf 'Plain notes about the platypus.\nSecond line.\n' >c/notes.txt
printf 'Nested text about the narwhal.\n' >c/sub/deep.txt
cat >c/page.html <<'EOF'
<!doctype html><html><head><title>Web Page</title>
<style>.x { color: stylecolour }</style><script>var scriptword = 1;</script></head>
<body><h1>Title Here</h1><p>Fish &amp; chips with the word ocelot.</p><script>alert("scriptalert")</script></body></html>
EOF
printf 'hidden file\n' >c/.hidden.md
printf 'in a hidden folder\n' >c/.hiddendir/x.md
# .gitignore: a pattern, a negation, a folder; a nested .gitignore applies to its subtree only.
printf '*.log\n!keep.log\nbuild/\n' >c/.gitignore
printf 'secret.txt\n' >c/sub/.gitignore
printf 'debug output\n' >c/debug.log
printf 'kept log\n' >c/keep.log
printf 'build output\n' >c/build/out.txt
printf 'top-level secret is not ignored\n' >c/secret.txt
printf 'nested secret is ignored\n' >c/sub/secret.txt
# The sources a default walk of c/ stores:
WALKED="c/guide.md c/keep.log c/notes.txt c/page.html c/secret.txt c/sub/deep.txt"
sources() { q "$1" "SELECT group_concat(source, ' ') FROM (SELECT source FROM documents ORDER BY source)"; }

# ---------------------------------------------------------------------------
case_ "usage errors exit 2 and create no store"
expect_exit 2 -- S ingest
expect_error_line 'nothing to ingest'
expect_exit 2 -- S ingest --meta novalue c
expect_error_line 'novalue'
expect_exit 2 -- S ingest --meta =x c
expect_exit 2 -- S ingest --loader rtf c
expect_stderr_match 'rtf|loader'
expect_exit 2 -- S ingest --strategy nope c
expect_stderr_match 'nope|strategy'
expect_exit 2 -- S ingest --size 100 --overlap 100 c
expect_stderr_match 'overlap'
expect_exit 2 -- S ingest --size 0 c
expect_exit 2 -- S ingest - -
expect_error_line 'standard input'
expect_exit 2 -- S ingest --files-from - -
expect_exit 2 -- S ingest --collection '' c
expect_exit 2 -- S ingest --bogus-flag c
assert_absent .strata

# ---------------------------------------------------------------------------
case_ "store unavailable exits 7"
mkdir -p adir.db
expect_exit 7 -- S ingest --store adir.db c
expect_error_line
printf 'not a database, just text that is long enough to be a page of something ....\n%.0s' $(seq 1 80) >junk.db
expect_exit 7 -- S ingest --store junk.db c
expect_error_line 'junk\.db: not a SQLite database'
if [ "$(id -u)" != 0 ]; then
    mkdir -p ro && chmod 555 ro
    expect_exit 7 -- S ingest --store ro/store.db c
    expect_error_line
    chmod 755 ro
elif can_drop_root; then
    # As root, run it as nobody, which may read the corpus and the binary but not write in ro/.
    mkdir -p ro && chmod 755 ro
    chmod o+rx "$E2E_TMP" "$E2E_TMP/.bin"
    chmod -R o+rX c
    expect_exit 7 -- as_nobody "$STRATA" ingest --store ro/store.db c
    expect_error_line
    assert_absent ro/store.db
    chmod o-rx "$E2E_TMP"
else
    skip "read-only store folder: running as root without setpriv"
fi

# ---------------------------------------------------------------------------
case_ "first ingest: default store .strata/store.db under the working directory"
expect_exit 0 -- S ingest c
DB=.strata/store.db
assert_exists "$DB"
assert_eq "$WALKED" "$(sources "$DB")" "walked: .gitignore (negation, nested) and hidden files honoured"
expect_stdout_empty
expect_stderr_match "collection 'default': 6 new, 0 changed, 0 unchanged, 0 removed, 0 failed; [0-9]+ chunks"
consistent "$DB" "first ingest"
assert_eq "markdown|html|text" "$(q "$DB" "SELECT (SELECT loader FROM documents WHERE source = 'c/guide.md') || '|' ||
    (SELECT loader FROM documents WHERE source = 'c/page.html') || '|' || (SELECT loader FROM documents WHERE source = 'c/notes.txt')")" \
    "loaders by extension"
assert_eq "$PWD/c/notes.txt" "$(q "$DB" "SELECT path FROM documents WHERE source = 'c/notes.txt'")" "absolute path recorded"

case_ "no progress and no escapes on stderr when it is not a terminal"
if grep -q $'\x1b' "$E2E_TMP/.err" || grep -q $'\r' "$E2E_TMP/.err"; then
    fail "stderr has an escape or a carriage return"
else
    pass "plain stderr"
fi

case_ "unchanged re-ingest: nothing written"
before=$(db_fingerprint "$DB")
expect_exit 0 -- S ingest c
expect_stderr_match '0 new, 0 changed, 6 unchanged, 0 removed, 0 failed; 0 chunks'
assert_eq "$before" "$(db_fingerprint "$DB")" "store content identical"

case_ "HTML: scripts and styles dropped, entities decoded, headings kept"
html=$(q "$DB" "SELECT group_concat(text, ' ') FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.source = 'c/page.html'")
case $html in *ocelot*) pass "body text stored" ;; *) fail "body text missing: $html" ;; esac
case $html in *'Fish & chips'*) pass "entity decoded" ;; *) fail "entity not decoded: $html" ;; esac
case $html in *scriptword* | *scriptalert* | *stylecolour*) fail "script or style text stored: $html" ;; *) pass "no script or style" ;; esac
assert_eq "Web Page" "$(q "$DB" "SELECT title FROM documents WHERE source = 'c/page.html'")" "title from <title>"
assert_eq '["Title Here"]' "$(q "$DB" "SELECT headings FROM chunks c JOIN documents d ON d.id = c.document_id
    WHERE d.source = 'c/page.html' AND c.text LIKE '%ocelot%'")" "heading path of the HTML chunk"

# ---------------------------------------------------------------------------
case_ "--no-ignore and --hidden"
expect_exit 0 -- S ingest --store noignore.db --no-ignore c
assert_eq "c/build/out.txt c/debug.log c/guide.md c/keep.log c/notes.txt c/page.html c/secret.txt c/sub/deep.txt c/sub/secret.txt" \
    "$(sources noignore.db)" "--no-ignore: ignored files too, hidden still skipped"
expect_exit 0 -- S ingest --store hidden.db --hidden c
assert_true "--hidden: hidden file" has_doc hidden.db c/.hidden.md
assert_true "--hidden: file in a hidden folder" has_doc hidden.db c/.hiddendir/x.md
assert_false "--hidden: still .gitignore'd" has_doc hidden.db c/debug.log

case_ "--glob and --exclude"
expect_exit 0 -- S ingest --store glob.db --glob '*.md' --glob '*.html' c
assert_eq "c/guide.md c/page.html" "$(sources glob.db)" "--glob keeps matching files only"
expect_exit 0 -- S ingest --store excl.db --exclude sub --exclude '*.log' c
assert_eq "c/guide.md c/notes.txt c/page.html c/secret.txt" "$(sources excl.db)" "--exclude skips a folder and a pattern"
expect_exit 0 -- S ingest --store neg.db --glob '!*.txt' c
assert_eq "c/guide.md c/keep.log c/page.html" "$(sources neg.db)" "--glob '!…' excludes"

# ---------------------------------------------------------------------------
case_ "--json summary"
expect_exit 0 -- S ingest --store j.db --json c
expect_json_true "counts" 'd["documents"] == {"new": 6, "changed": 0, "unchanged": 0, "removed": 0, "skipped": 0, "failed": 0}'
expect_json_true "store and collection" 'd["store"] == "j.db" and d["collection"] == "default" and d["dry_run"] is False'
expect_json_true "chunking" 'd["chunking"]["size"] == 1200 and d["chunking"]["strategy"] == "auto" and d["chunking"]["unit"] == "chars"'
chunks=$(q j.db 'SELECT count(*) FROM chunks')
bytes=$(cat c/guide.md c/keep.log c/notes.txt c/page.html c/secret.txt c/sub/deep.txt | wc -c)
expect_json_true "chunks written" "d['chunks'] == $chunks"
expect_json_true "bytes read" "d['bytes'] == $bytes"
expect_json_true "seconds, failures, notes" 'isinstance(d["seconds"], float) and d["failures"] == [] and d["notes"] == []'
expect_stderr_empty
expect_exit 0 -- S ingest --store j.db --json --size 500 c
expect_json_true "a note when the options differ" 'd["documents"]["unchanged"] == 6 and len(d["notes"]) == 1 and "--rechunk" in d["notes"][0]'
expect_json_true "the recorded chunking was used" 'd["chunking"]["size"] == 1200'
expect_exit 0 -- S ingest --store j.db --json --size 500 --rechunk c
expect_json_true "--rechunk re-chunks" 'd["documents"]["changed"] == 6 and d["chunking"]["size"] == 500'
expect_exit 0 -- S ingest --store j.db --size 500 -v c
expect_stderr_match '^unchanged c/guide.md'

# ---------------------------------------------------------------------------
case_ "--dry-run on a fresh store: the plan, nothing written"
expect_exit 0 -- S ingest --store dry/fresh.db --dry-run c
assert_absent dry
assert_eq "6" "$(printf '%s\n' "$OUT" | grep -c '^new  *c/')" "one 'new' line per file on stdout"
expect_stdout_match '^new +c/guide\.md$'
expect_stderr_match '^dry run, nothing written'

case_ "--dry-run on an existing store: new, changed, removed; bytes identical"
cp -r c d
expect_exit 0 -- S ingest --store plan.db d
printf 'Plain notes about the platypus, edited.\n' >d/notes.txt
touch -d '+5 seconds' d/notes.txt
printf 'brand new\n' >d/new.txt
rm d/secret.txt
fp=$(db_fingerprint plan.db)
# (the sqlite3 -readonly queries of this script may leave an empty -wal and a -shm behind)
sigs() { for f in plan.db plan.db-wal plan.db-journal; do echo "$f $(file_sig "$f")"; done; }
sig=$(sigs)
expect_exit 0 -- S ingest --store plan.db --dry-run --prune d
expect_stdout_match '^new +d/new\.txt$'
expect_stdout_match '^changed +d/notes\.txt \(content\)$'
expect_stdout_match '^removed +d/secret\.txt$'
expect_stdout_nomatch 'd/guide\.md'
expect_stderr_match '1 new, 1 changed, 4 unchanged, 1 removed, 0 failed'
assert_eq "$sig" "$(sigs)" "store file and its WAL unchanged (size, mtime, bytes)"
assert_eq "$fp" "$(db_fingerprint plan.db)" "store content unchanged"
expect_exit 0 -- S ingest --store plan.db --dry-run --json --prune d
expect_json_true "plan in --json" 'sorted((p["action"], p["source"]) for p in d["plan"] if p["action"] != "unchanged") == [("changed", "d/notes.txt"), ("new", "d/new.txt"), ("removed", "d/secret.txt")]'

case_ "--prune after the dry run"
expect_exit 0 -- S ingest --store plan.db --prune d
expect_stderr_match '1 new, 1 changed, 4 unchanged, 1 removed, 0 failed'
assert_false "pruned" has_doc plan.db d/secret.txt
consistent plan.db "after --prune"

# ---------------------------------------------------------------------------
case_ "one failing file: exit 8, the failure on stderr, the others stored"
mkdir -p p
printf 'first good file\n' >p/a.txt
printf '%%PDF-1.4\nnot really a pdf\n%%%%EOF\n' >p/broken.pdf
printf 'second good file\n' >p/b.txt
printf 'abc\0def' >p/blob.bin
expect_exit 8 -- S ingest --store p.db p
expect_stderr_match '^strata: warning: failed: p/broken\.pdf: .*PDF'
expect_stderr_match '2 new, 0 changed, 0 unchanged, 0 removed, 1 failed, 1 skipped \(binary 1\)'
expect_stderr_nomatch 'blob\.bin' "a skipped file is counted, not warned about on every run"
expect_exit 8 -- S ingest --store p.db -v p
expect_stderr_match '^skipped p/blob\.bin: binary file'
expect_exit 0 -- S ingest --store p.db p/blob.bin
expect_stderr_match '^strata: warning: skipped p/blob\.bin: binary file' "a file named on the command line is owed a reason"
assert_eq "p/a.txt p/b.txt" "$(sources p.db)" "the good files are stored"
expect_exit 8 -- S ingest --store p.db --json p
expect_json_true "failures in --json" 'd["documents"]["failed"] == 1 and d["failures"][0]["source"] == "p/broken.pdf" and "PDF" in d["failures"][0]["reason"]'
expect_exit 8 -- S ingest --store p.db p/a.txt p/missing.txt
expect_stderr_match 'p/missing\.txt'

# ---------------------------------------------------------------------------
case_ "--files-from - -0 with find -print0: spaces and newlines in names"
mkdir -p f/'with space' f/plain
printf 'spaced\n' >'f/with space/a b.txt'
printf 'newline\n' >"f/plain/new"$'\n'"line.txt"
printf 'ordinary\n' >f/plain/ok.txt
find f -type f -print0 >list0
expect_exit 0 -- stdin_from list0 "$STRATA" ingest --store ff.db --files-from - -0
assert_eq 3 "$(ndocs ff.db)" "three documents"
assert_true "name with a space" has_doc ff.db 'f/with space/a b.txt'
assert_eq 1 "$(q ff.db "SELECT count(*) FROM documents WHERE source = 'f/plain/new' || char(10) || 'line.txt'")" "name with a newline"
find f -type f -name '*.txt' ! -name '*line*' >list
expect_exit 0 -- S ingest --store ff2.db --files-from list
assert_eq 2 "$(ndocs ff2.db)" "newline-separated list"

case_ "'-' with --id, and without"
printf '# From a pipe\n\nA document about the axolotl.\n' >stdin.md
expect_exit 0 -- stdin_from stdin.md "$STRATA" ingest --store in.db - --id notes/piped.md
assert_eq "markdown||" "$(q in.db "SELECT loader || '|' || coalesce(path, '') || '|' FROM documents WHERE source = 'notes/piped.md'")" \
    "id picks the loader, no path"
expect_exit 0 -- stdin_from stdin.md "$STRATA" ingest --store in.db -
assert_true "default id stdin" has_doc in.db stdin
expect_exit 0 -- stdin_from stdin.md "$STRATA" ingest --store in.db - --id notes/piped.md
expect_stderr_match '1 unchanged'

case_ "--jsonl from a file and from stdin, bad lines with their numbers"
cat >rec.jsonl <<'EOF'
{"id": "r1", "text": "record one about the quetzal", "title": "One", "metadata": {"team": "rec"}}
{broken
{"id": "r2", "text": 7}
{"id": "r3", "text": "record three", "metadata": "nope"}
{"text": "no id"}
{"id": "r4", "text": "record four"}
EOF
expect_exit 8 -- S ingest --store jl.db --jsonl --meta team=run --meta src=e2e rec.jsonl
expect_stderr_match 'rec\.jsonl:2'
expect_stderr_match 'rec\.jsonl:3.*text'
expect_stderr_match 'rec\.jsonl:4.*metadata'
expect_stderr_match 'rec\.jsonl:5.*id'
assert_eq "r1 r4" "$(sources jl.db)" "good records stored"
assert_eq '{"src":"e2e","team":"rec"}' "$(q jl.db "SELECT metadata FROM documents WHERE source = 'r1'")" "record metadata over --meta"
assert_eq '{"src":"e2e","team":"run"}' "$(q jl.db "SELECT metadata FROM documents WHERE source = 'r4'")" "--meta alone"
expect_exit 8 -- stdin_from rec.jsonl "$STRATA" ingest --store jl2.db --jsonl
expect_stderr_match 'standard input:2'
assert_eq "r1 r4" "$(sources jl2.db)" "from stdin too"
expect_exit 8 -- stdin_from rec.jsonl "$STRATA" ingest --store jl2.db --jsonl -
expect_stderr_match '0 new, 0 changed, 2 unchanged'

# ---------------------------------------------------------------------------
case_ "STRATA_STORE and --store precedence"
mkdir -p w && cd w || exit 2
expect_exit 0 -- env STRATA_STORE=env.db "$STRATA" ingest ../c/notes.txt
assert_exists env.db
assert_absent .strata
env_fp=$(db_fingerprint env.db)
expect_exit 0 -- env STRATA_STORE=env.db "$STRATA" ingest --store flag.db ../c/guide.md
assert_exists flag.db
assert_eq "$env_fp" "$(db_fingerprint env.db)" "--store wins over STRATA_STORE"
expect_exit 0 -- env STRATA_STORE= "$STRATA" ingest ../c/guide.md
assert_exists .strata/store.db
assert_eq "$E2E_TMP/c/guide.md" "$(q .strata/store.db 'SELECT source FROM documents')" \
    "a file outside the working directory is named by its absolute path"
expect_exit 0 -- env STRATA_STORE=env.db "$STRATA" documents
expect_stdout_match 'c/notes\.txt'
cd "$E2E_TMP" || exit 2

# ---------------------------------------------------------------------------
case_ "stderr on a terminal: progress; NO_COLOR"
mkdir -p t
for i in $(seq 1 30); do printf 'file %s\n' "$i" >"t/f$i.txt"; done
printf 'abc\0def' >t/zz.bin
on_tty tty.out tty.err env -u NO_COLOR TERM=xterm "$STRATA" ingest --store tty.db -v t
rc=$?
assert_eq 0 "$rc" "exit 0 on a terminal"
if grep -q 'files' tty.err && grep -q $'\r' tty.err; then pass "progress drawn on a terminal"; else fail "no progress on a terminal: $(head -c 300 tty.err | od -c | head -5)"; fi
if grep -q $'\x1b\[[0-9;]*m' tty.err; then pass "colour on a terminal"; else fail "no colour on a terminal without NO_COLOR"; fi
rm -f tty.db*
on_tty tty.out tty.err env NO_COLOR=1 TERM=xterm "$STRATA" ingest --store tty.db -v t
if grep -q $'\x1b\[[0-9;]*m' tty.err; then fail "NO_COLOR: colour escapes on stderr"; else pass "NO_COLOR: no colour"; fi
assert_true "the summary counts the skipped file" grep -q '1 skipped (binary 1)' tty.err
rm -f tty.db*
on_tty tty.out tty.err env -u NO_COLOR TERM=xterm "$STRATA" ingest --store tty.db --quiet t
if grep -q 'files' tty.err; then fail "--quiet: progress drawn"; else pass "--quiet: no progress"; fi
expect_exit 0 -- env -u NO_COLOR TERM=xterm "$STRATA" ingest --store tty2.db t
if grep -q $'\x1b' "$E2E_TMP/.err"; then fail "escapes on a non-terminal without NO_COLOR"; else pass "no escapes on a pipe"; fi

# ---------------------------------------------------------------------------
case_ "PDF: page numbers in the chunks"
mkdir -p pdf
make_pdf pdf/report.pdf "The first page talks about the aardvark at length." \
    "The second page describes the badger." "Third page: the capybara."
expect_exit 0 -- S ingest --store pdf.db --size 40 pdf
assert_eq "pdf|3|pdf" "$(q pdf.db "SELECT loader || '|' || page_count || '|' || encoding FROM documents")" "pdf loader, 3 pages"
assert_eq 1 "$(q pdf.db "SELECT page FROM chunks WHERE text LIKE '%aardvark%'")" "page 1"
assert_eq 2 "$(q pdf.db "SELECT page FROM chunks WHERE text LIKE '%badger%'")" "page 2"
assert_eq 3 "$(q pdf.db "SELECT page_end FROM chunks WHERE text LIKE '%capybara%'")" "page 3"
assert_eq 0 "$(q pdf.db "SELECT count(*) FROM chunks WHERE page IS NULL OR page_end IS NULL OR page_end < page")" "every chunk has pages"
expect_exit 0 -- S documents show pdf/report.pdf --store pdf.db
expect_stdout_match 'page 2'
expect_stdout_match '3 pages'

case_ "PDF: running headers, footers and page numbers are not indexed; pages stay right"
mkdir -p pdf2
make_pdf pdf2/guide.pdf $'Field Guide 2.0\nThe aardvark digs burrows at night.\n1' \
    $'Field Guide 2.0\nThe badger guards its sett.\n2' $'Field Guide 2.0\nThe capybara swims well.\n3' \
    $'Field Guide 2.0\nThe dingo hunts in packs.\n4'
expect_exit 0 -- S ingest --store pdf2.db --size 40 --min-size 0 pdf2
assert_eq 4 "$(q pdf2.db "SELECT page_count FROM documents")" "4 pages"
assert_eq 0 "$(q pdf2.db "SELECT count(*) FROM chunks WHERE text LIKE '%Field Guide%'")" "no running header in any chunk"
assert_eq 0 "$(q pdf2.db "SELECT count(*) FROM chunks WHERE text GLOB '*[0-9]*'")" "no page number in any chunk"
assert_eq 2 "$(q pdf2.db "SELECT page FROM chunks WHERE text LIKE '%badger%'")" "badger on page 2"
assert_eq 4 "$(q pdf2.db "SELECT page FROM chunks WHERE text LIKE '%dingo%'")" "dingo on page 4"
mkdir -p pdf3
make_pdf pdf3/template.pdf $'ACME Template\n1' $'ACME Template\n2' $'ACME Template\n3'
expect_exit 0 -- S ingest --store pdf3.db pdf3
assert_eq 1 "$(q pdf3.db "SELECT count(*) FROM chunks WHERE text LIKE 'ACME Template%'")" \
    "a PDF of nothing but page chrome is kept as it is"
# A reference manual's section headings open many pages, but not as a running header does (R's
# reference manual lost about 1,590 "See Also", "Value", "Arguments" lines to a rule that took
# any line repeated at a page edge for chrome).
mkdir -p pdf4
pages=()
animals=(x aardvark badger capybara dingo emu fossa)
for i in 1 2 3 4 5 6; do
    body="The ${animals[i]} is described here at length."
    case $i in 1|3|6) body=$'See Also\n'"$body" ;; esac
    pages+=("Reference Manual"$'\n'"$body"$'\n'"$i")
done
make_pdf pdf4/refman.pdf "${pages[@]}"
expect_exit 0 -- S ingest --store pdf4.db --size 60 --min-size 0 pdf4
assert_eq 0 "$(q pdf4.db "SELECT count(*) FROM chunks WHERE text LIKE '%Reference Manual%'")" \
    "the running header is not indexed"
assert_eq 3 "$(q pdf4.db "SELECT count(*) FROM chunks WHERE text LIKE '%See Also%'")" \
    "a heading opening three scattered pages is text, on each of them"
assert_eq "1|3|6" "$(q pdf4.db "SELECT group_concat(page, '|') FROM (SELECT page FROM chunks WHERE text LIKE '%See Also%' ORDER BY page)")" \
    "each on its own page"

case_ "no chunk is a heading alone: it joins the section below it"
# The section (sentences of 8 words, 1,307 characters) is cut by sentences; its first chunk has
# room for the heading and the introduction (989 characters together: a join never passes --size).
mkdir -p md
{
    printf '# Guide\n\nIntro text of the guide.\n\n## Options\n\n'
    python3 -c 'w = ["option%d" % i for i in range(140)]; print(" ".join(" ".join(w[k:k + 8]).capitalize() + "." for k in range(0, 140, 8)))'
} >md/guide.md
expect_exit 0 -- S ingest --store md.db md
assert_eq 0 "$(q md.db "SELECT count(*) FROM chunks WHERE text = '## Options'")" "no chunk of the heading alone"
assert_eq 1 "$(q md.db "SELECT count(*) FROM chunks WHERE text LIKE '%## Options' || char(10) || char(10) || 'Option0 %'")" \
    "the heading is in the chunk of its section"
expect_exit 0 -- S ingest --store md0.db --min-size 0 md
assert_eq 1 "$(q md0.db "SELECT count(*) FROM chunks WHERE text = '## Options'")" "--min-size 0: the heading alone, as before"
expect_exit 0 -- S collections --store md.db
expect_stdout_match 'auto 1200 chars min 200'

case_ "progress inside one large PDF: the pages read"
mkdir -p big
page=$(for i in $(seq 50); do printf 'Line %d of a long manual about the platypus, the quokka and the numbat.\n' "$i"; done)
make_pdf big/manual.pdf --repeat 6000 "$page"
on_tty tty.out tty.err env NO_COLOR=1 TERM=xterm "$STRATA" ingest --store big.db big
rc=$?
assert_eq 0 "$rc" "a large PDF on a terminal: exit 0"
if grep -aEq 'manual\.pdf page [0-9]+/6000' tty.err; then
    pass "the progress line counts the pages read"
else
    fail "no page count while the PDF loads: $(tr '\r' '\n' <tty.err | tail -3)"
fi
pages_seen=$(tr '\r' '\n' <tty.err | grep -aoE 'manual\.pdf page [0-9]+' | sort -u | wc -l)
if [ "$pages_seen" -ge 2 ]; then pass "the page count moves ($pages_seen values)"; else fail "the page count did not move"; fi

# ---------------------------------------------------------------------------
case_ "collections: list, --json, remove"
expect_exit 0 -- S ingest --store cat.db --collection notes c
expect_exit 0 -- S ingest --store cat.db --collection other --size 300 c/guide.md
expect_exit 0 -- S collections --store cat.db
expect_stdout_match '^COLLECTION'
expect_stdout_match '^notes +6 '
expect_stdout_match '^other +1 '
expect_exit 0 -- S collections list --store cat.db --json
notes_chunks=$(q cat.db "SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id JOIN collections k ON k.id = d.collection_id WHERE k.name = 'notes'")
n_lines=$(printf '%s\n' "$OUT" | grep -c '^{')
assert_eq 2 "$n_lines" "one JSON object per collection"
first=$(printf '%s\n' "$OUT" | head -n 1)
OUT=$first expect_json_true "notes in --json" "d['name'] == 'notes' and d['documents'] == 6 and d['chunks'] == $notes_chunks and d['chunking']['size'] == 1200"
OUT=$(printf '%s\n' "$OUT" | tail -n 1) expect_json_true "other's chunking" "d['name'] == 'other' and d['chunking']['size'] == 300"
expect_exit 3 -- S collections remove nope --store cat.db
expect_error_line 'nope'
expect_exit 0 -- S collections remove other --store cat.db
expect_stderr_match "removed collection 'other'"
assert_eq "notes" "$(q cat.db 'SELECT group_concat(name) FROM collections')" "other removed"
consistent cat.db "after collections remove"
expect_exit 7 -- S collections --store missing.db
assert_absent missing.db

case_ "documents: list, show, --json with chunk_list, remove"
expect_exit 0 -- S documents --store cat.db --collection notes
expect_stdout_match '^SOURCE'
expect_stdout_match '^c/guide\.md +markdown +[0-9]+'
expect_exit 0 -- S documents list --store cat.db --collection notes --json
assert_eq 6 "$(printf '%s\n' "$OUT" | grep -c '^{')" "one JSON object per document"
expect_exit 0 -- S documents show c/guide.md --store cat.db --collection notes
expect_stdout_match 'Copy the binary'
expect_stdout_match 'Guide > Install'
expect_exit 0 -- S documents show c/guide.md --store cat.db --collection notes --json
cc=$(q cat.db "SELECT chunk_count FROM documents WHERE source = 'c/guide.md'")
expect_json_true "chunk_list" "len(d['chunk_list']) == $cc and d['chunks'] == $cc and d['loader'] == 'markdown' and d['encoding'] == 'utf-8'"
expect_json_true "chunk fields" "all(set(['text', 'start', 'end', 'char_start', 'char_end', 'line_start', 'line_end', 'tokens', 'headings', 'chunking']) <= set(c) for c in d['chunk_list'])"
expect_json_true "chunk text is the file's bytes" "d['chunk_list'][0]['text'] == open('c/guide.md').read()[d['chunk_list'][0]['start']:d['chunk_list'][0]['end']]"
expect_exit 3 -- S documents show nope.md --store cat.db --collection notes
expect_error_line 'nope\.md'
before=$(ndocs cat.db)
expect_exit 3 -- S documents remove c/notes.txt nope.md --store cat.db --collection notes
expect_error_line 'nope\.md'
assert_eq "$before" "$(ndocs cat.db)" "unknown source: nothing removed"
expect_exit 0 -- S documents remove c/notes.txt c/keep.log --store cat.db --collection notes
expect_stderr_match 'removed c/notes\.txt'
assert_eq $((before - 2)) "$(ndocs cat.db)" "two removed"
consistent cat.db "after documents remove"
expect_exit 3 -- S documents --store cat.db --collection nope

case_ "a link to a file outside the folder is skipped unless --follow-links"
mkdir -p lk/secret lk/repo/docs
printf 'AWS_SECRET_ACCESS_KEY=canary-secret-value\n' >lk/secret/creds.txt
printf '# Guide\n\nRolling back runs the down section.\n' >lk/repo/docs/guide.md
ln -s ../../secret/creds.txt lk/repo/docs/creds.md
ln -s guide.md lk/repo/docs/alias.md
expect_exit 0 -- S ingest --store lk.db lk/repo
expect_stderr_match '1 skipped \(link-outside 1\)'
assert_eq "lk/repo/docs/alias.md lk/repo/docs/guide.md" "$(db_q lk.db "SELECT group_concat(source, ' ') FROM (SELECT source FROM documents ORDER BY source)")" \
    "the link inside the folder is ingested, the one leaving it is not"
assert_eq 0 "$(db_q lk.db "SELECT count(*) FROM chunks WHERE text LIKE '%canary-secret-value%'")" "the secret is not in the store"
expect_exit 0 -- S ingest --store lk.db -v lk/repo
expect_stderr_match 'skipped lk/repo/docs/creds\.md: a link to a file outside the folder \(--follow-links ingests it\)'
expect_exit 0 -- S ingest --store lk2.db --follow-links lk/repo
assert_eq 1 "$(db_q lk2.db "SELECT count(*) FROM chunks WHERE text LIKE '%canary-secret-value%'")" "--follow-links takes it in"

# ---------------------------------------------------------------------------
case_ "a UTF-8 file with one stray Latin-1 byte keeps its accents, and ingest says so"
mkdir -p mx
printf 'Caf\xc3\xa9 cr\xc3\xa8me br\xc3\xbbl\xc3\xa9e, na\xefve r\xc3\xa9sum\xc3\xa9\n' >mx/mixed.txt
printf 'na\xefve caf\xe9, Latin-1 throughout\n' >mx/latin1.txt
expect_exit 0 -- S ingest --store mx.db mx
expect_stderr_match '^note: 1 file of UTF-8 text holds bytes that are not UTF-8, each read as Windows-1252 \(the rest stays UTF-8\): mx/mixed\.txt \(1 byte\)'
assert_eq "Café crème brûlée, naïve résumé" "$(db_q mx.db "SELECT text FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.source = 'mx/mixed.txt'")" "no mojibake"
assert_eq "utf-8 windows-1252" "$(db_q mx.db "SELECT group_concat(encoding, ' ') FROM (SELECT encoding FROM documents ORDER BY source DESC)")" "encodings"

e2e_finish
