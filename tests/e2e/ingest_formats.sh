#!/usr/bin/env bash
# End-to-end tests of the zip-based formats (.docx, .odt, .pptx, .epub) and of external converters
# (`[ingest.loaders]` in the user's own configuration file, `--loader-cmd`): what is indexed
# (headings, titles, slides as pages), the packages refused one line each while the run goes on
# (zip bombs, truncated zips, XML entity bombs, external entities, deep nesting, DRM), converters
# that hang, crash, print garbage or nothing, paths that are not shell-safe, and a cloned
# project's strata.toml whose commands are never run.
#
# Usage: bash tests/e2e/ingest_formats.sh /path/to/strata
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
e2e_init ingest_formats "$@"
DOCS="python3 $HERE/../fixtures/office_docs.py"

S() { strata_t "$@"; }
q() { db_q "$1" "$2"; }
# dtext DB SOURCE: the document's chunks joined in order (chunks may overlap; fine for grep)
dtext() {
    q "$1" "SELECT group_concat(text, char(10)) FROM (SELECT c.text FROM chunks c JOIN documents d ON d.id = c.document_id
            WHERE d.source = '$2' ORDER BY c.ordinal)"
}
# has_text DB SOURCE STRING LABEL
has_text() { assert_true "$4" eval "dtext '$1' '$2' | grep -qF -- '$3'"; }
lacks_text() { assert_false "$4" eval "dtext '$1' '$2' | grep -qF -- '$3'"; }
export HOME="$E2E_TMP/home"
unset XDG_CONFIG_HOME STRATA_STORE
mkdir -p "$HOME"

# ---------------------------------------------------------------------------------------------
case_ "docx, odt, pptx and epub are read with their headings and titles"
mkdir -p good
for k in docx odt pptx epub; do $DOCS "$k" "good/sample.$k"; done
printf '# Plain\n\nalpha in markdown\n' >good/plain.md
expect_exit 0 S ingest --store f.db good
for k in docx odt pptx epub; do
    assert_eq "$k" "$(q f.db "SELECT loader FROM documents WHERE source = 'good/sample.$k'")" "$k: loader"
    assert_eq "Sample $k title" "$(q f.db "SELECT title FROM documents WHERE source = 'good/sample.$k'")" "$k: title from the metadata"
    assert_true "$k: a chunk under 'Second section'" eval "[ \"\$(q f.db \"SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id
        WHERE d.source = 'good/sample.$k' AND c.headings LIKE '%Second section%'\")\" -ge 1 ]"
done
expect_exit 0 S search --store f.db charlie --json
for k in docx odt pptx epub; do expect_stdout_match "good/sample\\.$k" "search finds the $k"; done
assert_eq 2 "$(q f.db "SELECT page_count FROM documents WHERE source = 'good/sample.pptx'")" "pptx: a page per slide"
lacks_text f.db "good/sample.docx" "deleted words" "docx: deleted revisions are not text"
has_text f.db "good/sample.pptx" "Speaker note words." "pptx: speaker notes are text"
has_text f.db good/sample.docx "charlie | delta" "docx: a table row"

case_ "footnotes, endnotes and image descriptions of docx and odt are text a search finds"
mkdir -p notes
$DOCS docx-notes notes/notes.docx
$DOCS odt-notes notes/notes.odt
expect_exit 0 S ingest --store notes.db notes
for k in docx odt; do
    has_text notes.db notes/notes.$k "The quokka rule decides the order." "$k: footnote text"
    has_text notes.db notes/notes.$k "Wombat migrations are listed last." "$k: endnote text"
    has_text notes.db notes/notes.$k "[image: Schema diagram. The numbat table joins users to orders]" "$k: image title and description"
done
has_text notes.db notes/notes.docx "Migrations run in order[1]." "docx: the mark where the reference is"
has_text notes.db notes/notes.odt "The appendix lists the rest[i]" "odt: the note's own citation"
for word in quokka wombat numbat; do
    expect_exit 0 S search --store notes.db "$word" --json
    expect_stdout_match '"source": *"notes/notes\.docx"'
    expect_stdout_match '"source": *"notes/notes\.odt"'
done

case_ "a package is found by its content when the extension says nothing, an unknown zip stays skipped"
mkdir -p sniff
$DOCS epub sniff/book.bin.data
$DOCS zip sniff/archive.data
expect_exit 0 S ingest --store sniff.db sniff -v
assert_eq epub "$(q sniff.db "SELECT loader FROM documents WHERE source = 'sniff/book.bin.data'")" "epub sniffed"
expect_stderr_match "sniff/archive\\.data: binary file \\(ZIP archive\\)"
expect_stderr_match "skipped \\(binary 1\\)"

case_ "real documents written by pandoc, and pandoc's own reference documents"
if command -v pandoc >/dev/null 2>&1; then
    mkdir -p real
    printf -- '---\ntitle: Pandoc Handbook\n---\n\n# Getting started\n\nInstall the tool.\n\n## Rollbacks\n\n- undo the last migration\n- check the history\n\n| Name | Value |\n|---|---|\n| zulu | 26 |\n' >real.md
    for k in docx odt pptx epub; do pandoc -s real.md -o "real/handbook.$k"; done
    for k in docx pptx odt; do pandoc --print-default-data-file "reference.$k" >"real/reference.$k"; done
    expect_exit 0 S ingest --store real.db real
    for k in docx odt pptx epub; do
        assert_eq "Pandoc Handbook" "$(q real.db "SELECT title FROM documents WHERE source = 'real/handbook.$k'")" "pandoc $k: title"
        has_text real.db "real/handbook.$k" "zulu | 26" "pandoc $k: table row"
    done
    for k in docx odt epub; do
        has_text real.db "real/handbook.$k" "## Rollbacks" "pandoc $k: a level-2 heading"
    done
    has_text real.db "real/reference.docx" "# Heading 1" "Word's reference.docx: its heading styles"
else
    skip "pandoc is not installed"
fi

# ---------------------------------------------------------------------------------------------
case_ "broken packages fail one line each, exit 8, the other documents are ingested"
mkdir -p mixed
cp good/plain.md mixed/
for k in docx-bomb docx-lying-bomb docx-truncated docx-not-xml docx-entity-bomb docx-xxe docx-deep epub-drm \
    epub-no-package odt-entity-bomb; do
    $DOCS "$k" "mixed/$k.${k%%-*}"
done
run /usr/bin/time -f 'maxrss %M' "$STRATA" ingest --store mixed.db --threads 2 mixed
assert_eq 8 "$RC" "exit 8: some documents failed"
for spec in \
    "docx-bomb.docx: not a readable .docx: word/document.xml is larger than 64 MiB uncompressed (zip bomb?)" \
    "docx-lying-bomb.docx: not a readable .docx: zip archive expands more than 200 times (81 KiB to over 15 MiB) at word/document.xml (zip bomb?)" \
    "docx-truncated.docx: not a readable .docx: damaged zip archive: no central directory (truncated?)" \
    "docx-not-xml.docx: not a readable .docx: word/document.xml: not well-formed XML" \
    "docx-entity-bomb.docx: not a readable .docx: word/document.xml: declares XML entities" \
    "docx-xxe.docx: not a readable .docx: word/document.xml: declares XML entities" \
    "docx-deep.docx: not a readable .docx: word/document.xml: elements nested deeper than 256 levels" \
    "epub-drm.epub: not a readable .epub: OEBPS/text/ch1.xhtml is encrypted (DRM-protected e-books are not supported)" \
    "epub-no-package.epub: not a readable .epub: missing OEBPS/content.opf" \
    "odt-entity-bomb.odt: not a readable .odt: content.xml: declares XML entities"; do
    assert_eq 1 "$(grep -cF -- "strata: warning: failed: mixed/$spec" "$E2E_TMP/.err")" "one line: ${spec%%:*}"
done
assert_eq 1 "$(q mixed.db 'SELECT count(*) FROM documents')" "only the good document is stored"
rss=$(sed -n 's/^maxrss //p' "$E2E_TMP/.err")
assert_true "memory stays bounded by the caps (max RSS ${rss:-?} KB)" eval "[ \"${rss:-999999}\" -lt 400000 ]"
expect_stderr_nomatch "AddressSanitizer|terminate called|internal error"

# ---------------------------------------------------------------------------------------------
# Converters: small scripts that behave well or badly.
mkdir -p conv bin
cat >bin/good-conv <<'SH'
#!/bin/sh
printf '# Converted %s\n\nconverted words from the file\n' "$(basename "$1")"
SH
cat >bin/argv-conv <<'SH'
#!/bin/sh
# Prints its arguments one per line: proves {path} arrives as one argument, untouched.
printf '# Arguments\n\n'
for a in "$@"; do printf 'arg=[%s]\n\n' "$a"; done
SH
cat >bin/hang-conv <<'SH'
#!/bin/sh
sleep 600
SH
cat >bin/stray-conv <<'SH'
#!/bin/sh
# Leaves a child behind that keeps standard output open, then exits.
sleep 600 &
printf 'partial\n'
SH
cat >bin/crash-conv <<'SH'
#!/bin/sh
kill -SEGV $$
SH
cat >bin/binary-conv <<'SH'
#!/bin/sh
printf 'ab\000cd'
SH
cat >bin/latin1-conv <<'SH'
#!/bin/sh
printf 'caf\351\n'
SH
cat >bin/empty-conv <<'SH'
#!/bin/sh
exit 0
SH
cat >bin/fail-conv <<'SH'
#!/bin/sh
echo "conv: cannot parse $1" >&2
exit 3
SH
cat >bin/flood-conv <<'SH'
#!/bin/sh
yes 'flood flood flood flood flood flood flood flood'
SH
chmod +x bin/*
export PATH="$E2E_TMP/bin:$PATH"
printf '{\\rtf1 converted}\n' >conv/a.rtf
cp good/plain.md conv/

case_ "--loader-cmd converts files of its extension, without a shell"
expect_exit 0 S ingest --store c1.db --loader-cmd '.rtf=good-conv {path}' conv
assert_eq converter "$(q c1.db "SELECT loader FROM documents WHERE source = 'conv/a.rtf'")" "loader converter"
assert_eq "Converted a.rtf" "$(q c1.db "SELECT title FROM documents WHERE source = 'conv/a.rtf'")" "title from its output"
expect_exit 0 S search --store c1.db "converted words" --json
expect_stdout_match "conv/a\\.rtf"
mkdir -p odd
name='odd/we ird;$(touch pwned) `touch pwned2` $HOME.rtf'
printf 'x\n' >"$name"
expect_exit 0 S ingest --store c2.db --loader-cmd ".RTF=argv-conv --in={path} 'two words' \"\\\$HOME\"" odd
txt=$(q c2.db "SELECT group_concat(text, char(10)) FROM chunks")
want="arg=[--in=$E2E_TMP/$name]"
assert_true "{path} is one argument, inside its word" eval "printf '%s' \"\$txt\" | grep -qF -- \"\$want\""
assert_true "quotes group words" eval "printf '%s' \"\$txt\" | grep -qF -- 'arg=[two words]'"
assert_true "no variable expansion" eval "printf '%s' \"\$txt\" | grep -qF -- 'arg=[\$HOME]'"
assert_absent pwned
assert_absent pwned2

case_ "converters that hang, leave children, crash, print garbage or nothing: one line each, exit 8"
bad_conv() {  # bad_conv NAME CONVERTER EXPECTED...
    local n=$1 c=$2
    shift 2
    rm -rf "cv-$n" && mkdir -p "cv-$n" && cp conv/a.rtf conv/plain.md "cv-$n/"
    # Only the timeout cases need a short one: a loaded machine may take seconds to print 64 MiB.
    local timeout=60
    case "$1" in "timed out"*) timeout=2 ;; esac
    run "$STRATA" ingest --store "cv-$n.db" --loader-timeout "$timeout" --loader-cmd ".rtf=$c {path}" "cv-$n"
    assert_eq 8 "$RC" "$n: exit 8"
    assert_eq 1 "$(grep -cF -- "strata: warning: failed: cv-$n/a.rtf: converter '$c' $1" "$E2E_TMP/.err")" "$n: one line"
    assert_eq 1 "$(q "cv-$n.db" 'SELECT count(*) FROM documents')" "$n: the other document is stored"
}
start=$(date +%s)
bad_conv hang hang-conv "timed out after 2 s"
bad_conv stray stray-conv "timed out after 2 s"
assert_true "timeouts are honoured" eval "[ \$((\$(date +%s) - start)) -lt 20 ]"
bad_conv crash crash-conv "was killed by signal SIGSEGV"
bad_conv binary binary-conv "printed binary output (NUL byte at offset 2)"
bad_conv latin1 latin1-conv "printed output that is not UTF-8 (at byte 3)"
bad_conv empty empty-conv "printed nothing"
bad_conv fail fail-conv "exited with status 3: conv: cannot parse $E2E_TMP/cv-fail/a.rtf"
bad_conv flood flood-conv "printed more than 64 MiB"
bad_conv missing no-such-conv "not found on PATH"
sleep 0.2
assert_eq "" "$(pgrep -f 'sleep 600' | tr '\n' ' ')" "no converter or child of one is left running"

case_ "the user's own configuration file names converters; a project's strata.toml cannot"
mkdir -p "$HOME/.config/strata" proj/docs
printf '[ingest.loaders]\n".rtf" = "good-conv {path}"\n' >"$HOME/.config/strata/config.toml"
cp conv/a.rtf proj/docs/
(cd proj && expect_exit 0 S ingest --store u.db docs)
assert_eq converter "$(q proj/u.db "SELECT loader FROM documents WHERE source = 'docs/a.rtf'")" "user file's converter used"
rm "$HOME/.config/strata/config.toml"
printf '[ingest]\nloader_timeout = 5\n\n[ingest.loaders]\n".rtf" = "touch %s/pwned-by-project {path}"\n' "$E2E_TMP" >proj/strata.toml
(cd proj && expect_exit 0 S ingest --store p.db docs)
assert_eq 1 "$(grep -c '^strata: warning: .*strata.toml:4: \[ingest.loaders\] ignored: converter commands are taken only from your own configuration file' "$E2E_TMP/.err")" \
    "one warning naming the project file"
assert_absent "$E2E_TMP/pwned-by-project"
assert_eq text "$(q proj/p.db "SELECT loader FROM documents WHERE source = 'docs/a.rtf'")" "read as text instead"

case_ "bad converter settings are usage errors naming where"
expect_exit 2 S ingest --store x.db --loader-cmd '.rtf' conv
expect_stderr_match "--loader-cmd '.rtf': expected EXTENSION=COMMAND"
expect_exit 2 S ingest --store x.db --loader-cmd '.rtf=good-conv' conv
expect_stderr_match "--loader-cmd: the command for .rtf has no \\{path\\}"
expect_exit 2 S ingest --store x.db --loader-cmd ".rtf=good-conv '{path}" conv
expect_stderr_match "unterminated ' in the command"
expect_exit 2 S ingest --store x.db --loader-timeout 0 --loader-cmd '.rtf=good-conv {path}' conv
expect_stderr_match "--loader-timeout must be a whole number of seconds from 1 to 86400"
printf '[ingest.loaders]\n".rtf" = 3\n' >"$HOME/.config/strata/config.toml"
expect_exit 2 S ingest --store x.db conv
expect_stderr_match "config.toml:2:10: ingest.loaders.\".rtf\" must be a string"
printf '[ingest.loaders]\n"r/tf" = "good-conv {path}"\n' >"$HOME/.config/strata/config.toml"
expect_exit 2 S ingest --store x.db conv
expect_stderr_match "config.toml:2: ingest.loaders: 'r/tf' is not a file extension"
rm "$HOME/.config/strata/config.toml"
assert_absent x.db

case_ "compressed documents are read as their inner type; a gzip bomb, a truncated and a corrupt file are refused one line each"
mkdir -p gz
printf '# Zipped guide\n\nThe quokka setting lives here.\n' | gzip -c >gz/guide.md.gz
printf '<html><head><title>Zipped page</title></head><body><h1>Zipped page</h1><p>wombat in html</p></body></html>' | gzip -c >gz/page.html.gz
printf 'numbat in a changelog\n' | gzip -c >gz/changelog.Debian.gz
printf '.TH FROB 1 "2024" "frob 1.0"\n.SH NAME\nfrob \\- twiddle the bits\n.SH OPTIONS\n.TP\n\\fB\\-\\-platypus\\fR\nenable the platypus mode\n' >gz/frob.1
gzip -c gz/frob.1 >gz/frob.1.gz
head -c 200M /dev/zero | gzip -c >gz/bomb.txt.gz
seq 1 200000 | gzip -c | head -c 20000 >gz/cut.txt.gz
{ printf '\037\213\010\000\000\000\000\000\000\003'; head -c 300 /dev/urandom; } >gz/bad.txt.gz
tar -czf gz/archive.tar.gz gz/frob.1
expect_exit 8 S ingest --store gz.db gz
assert_eq markdown "$(q gz.db "SELECT loader FROM documents WHERE source = 'gz/guide.md.gz'")" ".md.gz read as markdown"
assert_eq "Zipped guide" "$(q gz.db "SELECT title FROM documents WHERE source = 'gz/guide.md.gz'")" ".md.gz: title"
assert_eq html "$(q gz.db "SELECT loader FROM documents WHERE source = 'gz/page.html.gz'")" ".html.gz read as html"
assert_eq text "$(q gz.db "SELECT loader FROM documents WHERE source = 'gz/changelog.Debian.gz'")" "changelog.Debian.gz read as text"
assert_eq "man|frob - twiddle the bits" "$(q gz.db "SELECT loader, title FROM documents WHERE source = 'gz/frob.1.gz'")" ".1.gz read as a man page"
assert_eq "man" "$(q gz.db "SELECT loader FROM documents WHERE source = 'gz/frob.1'")" "a plain .1 read as a man page"
has_text gz.db gz/frob.1.gz "--platypus" "man page: fonts and escapes resolved"
lacks_text gz.db gz/frob.1 '\fB' "man page: no roff left"
expect_stderr_match "gz/bomb\\.txt\\.gz: gzip data expands more than 200 times \\(.*a gzip bomb\\?\\)"
expect_stderr_match "gz/cut\\.txt\\.gz: truncated gzip data"
expect_stderr_match "gz/bad\\.txt\\.gz: not readable gzip data: "
assert_eq 0 "$(q gz.db "SELECT count(*) FROM documents WHERE source IN ('gz/bomb.txt.gz', 'gz/cut.txt.gz', 'gz/bad.txt.gz')")" "nothing stored of the refused files"
assert_eq 0 "$(q gz.db "SELECT count(*) FROM documents WHERE source = 'gz/archive.tar.gz'")" "a .tar.gz is skipped"
expect_exit 0 S search --store gz.db quokka --json
expect_stdout_match '"source": *"gz/guide\.md\.gz"'
expect_exit 0 S search --store gz.db platypus --json
expect_stdout_match '"source": *"gz/frob\.1\.gz"'

case_ "a real converter: pandoc"
if command -v pandoc >/dev/null 2>&1; then
    mkdir -p rst
    printf 'Rollback guide\n==============\n\nUndo a migration with care.\n\nDetails\n-------\n\nThe history records it.\n' >rst/guide.rst
    expect_exit 0 S ingest --store pandoc.db --loader-cmd '.rst=pandoc -f rst -t gfm {path}' rst
    assert_eq "Rollback guide" "$(q pandoc.db "SELECT title FROM documents")" "title from pandoc's heading"
    assert_true "headings for chunking" eval "[ \"\$(q pandoc.db \"SELECT count(*) FROM chunks WHERE headings LIKE '%Details%'\")\" -ge 1 ]"
else
    skip "pandoc is not installed"
fi

e2e_finish
