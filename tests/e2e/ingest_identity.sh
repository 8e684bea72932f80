#!/usr/bin/env bash
# End-to-end tests of which files become documents and under which id: one file is one
# document whether it is named from the project's top, from a subfolder or by absolute path
# (ids relative to the folder of strata.toml, else of .git); --prune from a subfolder; stores
# written with ids of other working directories renamed once, with a note; `documents show` with
# a path as typed, and a did-you-mean; generated and non-text files (SVG, Sphinx _sources,
# searchindex.js, ...) skipped and counted by kind, listed by -v, ingested with
# --include-generated or [ingest] include_generated, and when named.
#
# Usage: bash tests/e2e/ingest_identity.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init ingest_identity "$@"

S() { strata_t "$@"; }
q() { db_q "$1" "$2"; }
sources() { q "$1" "SELECT group_concat(source, ' ') FROM (SELECT source FROM documents ORDER BY source)"; }

# ---------------------------------------------------------------------------
case_ "one file, one document: from the project root, a subfolder, or by absolute path"
mkdir -p proj/docs/sub
printf '[store]\npath = ".strata/store.db"\n' >proj/strata.toml
printf '# Guide\n\nHow the quokka keeps its notes.\n' >proj/docs/guide.md
printf '# Deep\n\nA page deep in the tree.\n' >proj/docs/sub/deep.md
DB=$E2E_TMP/proj/.strata/store.db
cd proj
expect_exit 0 -- S ingest docs/guide.md
expect_stderr_match '1 new'
cd docs
expect_exit 0 -- S ingest guide.md
expect_stderr_match '0 new, 0 changed, 1 unchanged'
cd sub
expect_exit 0 -- S ingest "$E2E_TMP/proj/docs/guide.md" ../guide.md ./../../docs/guide.md
expect_stderr_match '0 new, 0 changed, 3 unchanged'
assert_eq "docs/guide.md" "$(sources "$DB")" "one document, named from the project root"
expect_exit 0 -- S ingest --json .
expect_json_true "a subfolder's file gets its project id" 'd["documents"]["new"] == 1'
assert_eq "docs/guide.md docs/sub/deep.md" "$(sources "$DB")" "ids from the project root"
cd "$E2E_TMP"

# ---------------------------------------------------------------------------
case_ "documents show: a path as typed from any folder, the id as listed, a did-you-mean"
cd proj/docs/sub
expect_exit 0 -- S documents show deep.md
expect_stdout_match '^docs/sub/deep\.md$'
expect_exit 0 -- S documents show ../guide.md
expect_stdout_match '^docs/guide\.md$'
expect_exit 0 -- S documents show docs/guide.md
expect_stdout_match '^docs/guide\.md$' "the id as listed works from anywhere in the project"
expect_exit 0 -- S documents show "$E2E_TMP/proj/docs/guide.md" --json
expect_json_true "an absolute path" 'd["source"] == "docs/guide.md"'
expect_exit 3 -- S documents show ../gide.md
expect_error_line "no document '\.\./gide\.md'" "did you mean 'docs/guide\.md'\?"
expect_exit 3 -- S documents show guide.md
expect_error_line "did you mean 'docs/guide\.md'\?"
expect_exit 3 -- S documents show nothing-like-it.txt
expect_error_line "^strata: error: no document 'nothing-like-it\.txt' \(nor 'docs/sub/nothing-like-it\.txt'\) in collection 'default'$"
expect_exit 0 -- S documents remove deep.md
expect_stderr_match 'removed docs/sub/deep\.md'
cd "$E2E_TMP"

# ---------------------------------------------------------------------------
case_ "--prune works from a subfolder of the project"
cd proj
expect_exit 0 -- S ingest docs
printf 'to be deleted\n' >docs/sub/gone.md
expect_exit 0 -- S ingest docs
rm docs/sub/gone.md
cd docs/sub
expect_exit 0 -- S ingest --prune .
expect_stderr_match '1 removed'
assert_eq "docs/guide.md docs/sub/deep.md" "$(sources "$DB")" "the deleted file's document is gone, the others kept"
cd "$E2E_TMP"

# ---------------------------------------------------------------------------
case_ "the store keeps working when the project moves (another checkout location)"
mv proj moved
cd moved/docs
expect_exit 0 -- S ingest .
expect_stderr_match '0 new, 0 changed, 2 unchanged'
expect_stderr_nomatch 'project root' "nothing to rename: the ids are the project's"
rm sub/deep.md
expect_exit 0 -- S ingest --prune .
expect_stderr_match '1 removed'
assert_eq "docs/guide.md" "$(sources "$E2E_TMP/moved/.strata/store.db")" "pruned by id, though the recorded paths are the old ones"
expect_exit 0 -- S documents show guide.md
expect_stdout_match '^docs/guide\.md$'
cd "$E2E_TMP"

# ---------------------------------------------------------------------------
case_ "a git work tree without strata.toml: ids from the repository's top"
mkdir -p repo/.git repo/docs
printf 'repo notes\n' >repo/docs/notes.txt
cd repo/docs
expect_exit 0 -- S ingest --store "$E2E_TMP/repo.db" notes.txt
assert_eq "docs/notes.txt" "$(sources "$E2E_TMP/repo.db")" "relative to the .git folder's parent"
# Without --store, every folder of the work tree uses the store at its top.
expect_exit 0 -- S ingest notes.txt
assert_exists "$E2E_TMP/repo/.strata/store.db"
assert_absent "$E2E_TMP/repo/docs/.strata"
cd "$E2E_TMP/repo"
expect_exit 0 -- S ingest docs/notes.txt
expect_output_match "0 new, 0 changed, 1 unchanged"
mkdir -p deep/er && cd deep/er
expect_exit 0 -- S documents
expect_stdout_match "docs/notes\.txt"
cd "$E2E_TMP"

# ---------------------------------------------------------------------------
case_ "a store written with ids of other working directories: renamed once, said in one line"
mkdir -p old/docs
printf 'alpha text\n' >old/docs/a.md
printf 'beta text\n' >old/docs/b.md
# No project marker: ids are relative to the working directory, as strata always did.
cd old/docs
expect_exit 0 -- S ingest --store "$E2E_TMP/old.db" a.md b.md
cd "$E2E_TMP"
expect_exit 0 -- S ingest --store "$E2E_TMP/old.db" old/docs/a.md
assert_eq "old/docs/a.md old/docs/b.md" "$(sources old.db)" \
    "the first run's documents were given this run's ids (no marker: relative to the working directory)"
# The same file three times over, as before ids were project-relative.
sqlite3 old.db "INSERT INTO documents (collection_id, source, path, title, content_hash, size_bytes, loader)
  SELECT collection_id, path, path, title, content_hash, size_bytes, loader FROM documents WHERE source = 'old/docs/a.md'"
assert_eq 3 "$(q old.db 'SELECT count(*) FROM documents')" "setup: a copy under the absolute id"
printf '[store]\npath = "../old.db"\n' >old/strata.toml
S trust old >/dev/null  # a store outside the project is the project's to choose once trusted
cd old/docs
expect_exit 0 -- S ingest --dry-run .
expect_stderr_match 'would give'
assert_eq 3 "$(q "$E2E_TMP/old.db" 'SELECT count(*) FROM documents')" "a dry run renames nothing"
expect_exit 0 -- S ingest .
expect_stderr_match "^note: gave 2 documents their ids relative to the project root $E2E_TMP/old and removed 1 more copy of the same files"
assert_eq 1 "$(grep -c 'project root' "$E2E_TMP/.err")" "said in one line"
expect_stderr_match '0 new, 0 changed, 2 unchanged'
assert_eq "docs/a.md docs/b.md" "$(sources "$E2E_TMP/old.db")" "one document per file, ids from the project root"
expect_exit 0 -- S ingest .
expect_stderr_nomatch 'project root' "once"
cd "$E2E_TMP"

# ---------------------------------------------------------------------------
case_ "documents show finds a document stored under an old id by its file"
mkdir -p legacy/docs
printf 'legacy text\n' >legacy/docs/l.md
cd legacy/docs
expect_exit 0 -- S ingest --store "$E2E_TMP/legacy.db" l.md
cd "$E2E_TMP/legacy"
mkdir .git
expect_exit 0 -- S documents show --store "$E2E_TMP/legacy.db" docs/l.md
expect_stdout_match '^l\.md$' "found by the path it recorded, before any ingest renamed it"
cd "$E2E_TMP"

# ---------------------------------------------------------------------------
case_ "generated and non-text files: skipped, counted by kind once, listed with -v"
mkdir -p site/_sources/library site/_static site/library site/img
page() { printf '<!doctype html><html><head><title>%s</title></head><body><h1>%s</h1><p>%s</p></body></html>\n' "$1" "$1" "$2"; }
page "Index" "Welcome to the manual." >site/index.html
page "os" "Miscellaneous operating system interfaces." >site/library/os.html
page "Index" "A B C" >site/genindex.html
page "Search" "Please activate JavaScript." >site/search.html
printf 'Welcome\n=======\n\nWelcome to the manual.\n' >site/_sources/index.rst.txt
printf 'os\n==\n\nMiscellaneous operating system interfaces.\n' >site/_sources/library/os.rst.txt
printf 'Search.setIndex({"docnames":["index","library/os"],"terms":{"manual":0}})\n' >site/searchindex.js
printf '# Sphinx inventory version 2\n# Project: demo\nx\x9c\x01\x00\x00' >site/objects.inv
printf 'div.body { margin: 0 }\n' >site/_static/basic.css
printf 'const Documentation = {};\n' >site/_static/doctools.js
# A terminal recording as FastAPI's docs ship them: an SVG with an embedded base64 font.
python3 - site/img/terminal.svg <<'PY'
import base64, os, sys
font = base64.b64encode(os.urandom(24000)).decode()
svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="880" height="420"><defs><style>'
       '@font-face{font-family:"Fira Code";src:url(data:font/woff2;base64,' + font + ') format("woff2")}'
       '</style></defs><rect width="880" height="420" fill="#1e1e1e"/>'
       '<text x="20" y="40" font-family="Fira Code">$ fastapi dev main.py</text></svg>\n')
open(sys.argv[1], "w").write(svg)
PY
printf '<mxfile><diagram name="flow">7VlNc5swEP01HJNBYBx8TOI0PbQzmcmhyVEGGdQIRIUcm/z6rkCy+bJjp2k7=</diagram></mxfile>\n' >site/img/flow.drawio
cp site/img/terminal.svg site/_static/py.svg
expect_exit 0 -- S ingest --store site.db site
expect_stderr_match "^collection 'default': 2 new, 0 changed, 0 unchanged, 0 removed, 0 failed, 11 skipped \(site-assets 4, search-index 2, sphinx-sources 2, drawio 1, index-page 1, svg 1\); [0-9]+ chunks; "
expect_stderr_nomatch 'terminal\.svg|searchindex|_sources' "no line per skipped file"
assert_eq "site/index.html site/library/os.html" "$(sources site.db)" "only the pages"
html_bytes=$(( $(stat -c %s site/index.html) + $(stat -c %s site/library/os.html) ))
expect_exit 0 -- S ingest --store site.db --json site
expect_json_true "--json carries the counts by kind" 'd["documents"]["skipped"] == 11 and d["skipped_by_kind"] == {"site-assets": 4, "search-index": 2, "sphinx-sources": 2, "drawio": 1, "index-page": 1, "svg": 1}'
expect_json_true "bytes count what was ingested" "d['bytes'] == $html_bytes"
expect_exit 0 -- S ingest --store site.db -v site
expect_stderr_match '^skipped site/img/terminal\.svg: generated file \(svg\)$'
expect_stderr_match '^skipped site/_sources/library/os\.rst\.txt: generated file \(sphinx-sources\)$'
expect_stderr_match '^skipped site/searchindex\.js: generated file \(search-index\)$'
expect_exit 0 -- S ingest --store site.db -v --json site
expect_json_true "-v --json lists them with their kind" 'any(e["action"] == "skipped" and e["kind"] == "svg" and e["source"] == "site/img/terminal.svg" for e in d["plan"])'

# ---------------------------------------------------------------------------
case_ "a _sources copy without its page is the page's only text: ingested"
rm site/library/os.html
expect_exit 0 -- S ingest --store site.db --prune site
expect_stderr_match '1 new, 0 changed, 1 unchanged, 1 removed'
assert_eq "site/_sources/library/os.rst.txt site/index.html" "$(sources site.db)" "the copy stands in for the deleted page"
page "os" "Miscellaneous operating system interfaces." >site/library/os.html

# ---------------------------------------------------------------------------
case_ "a file named on the command line is ingested, generated or not"
expect_exit 0 -- S ingest --store named.db site/searchindex.js site/img/terminal.svg
expect_stderr_match '2 new'
assert_eq "site/img/terminal.svg site/searchindex.js" "$(sources named.db)" "both stored"

# ---------------------------------------------------------------------------
case_ "--include-generated and [ingest] include_generated ingest them all"
expect_exit 0 -- S ingest --store all.db --include-generated site
expect_stderr_match '12 new, .*1 skipped \(binary 1\)'
assert_true "the SVG is a document" [ "$(q all.db "SELECT count(*) FROM documents WHERE source = 'site/img/terminal.svg'")" = 1 ]
mkdir -p cfg
cp -r site cfg/site
printf '[ingest]\ninclude_generated = true\n' >cfg/strata.toml
cd cfg
expect_exit 0 -- S ingest --store cfg.db site
expect_stderr_match '12 new, .*1 skipped \(binary 1\)'
expect_exit 0 -- S config --json
expect_json_true "strata config shows the setting" 'd["settings"]["ingest.include_generated"]["value"] is True'
printf '[ingest]\ninclude_generated = "yes"\n' >strata.toml
expect_exit 2 -- S ingest --store cfg.db site
expect_error_line 'strata\.toml:2:[0-9]+: ingest\.include_generated must be true or false, not a string'
cd "$E2E_TMP"

# ---------------------------------------------------------------------------
case_ "a folder of nothing but generated files says how to ingest them"
mkdir -p pics
cp site/img/terminal.svg pics/
expect_exit 0 -- S ingest --store pics.db pics
expect_stderr_match '0 new, .*1 skipped \(svg 1\)'
expect_stderr_match '^note: every file was generated or not text \(svg 1\); --include-generated ingests them$'

e2e_finish
