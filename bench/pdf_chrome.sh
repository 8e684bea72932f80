#!/usr/bin/env bash
# Page chrome on real PDF manuals: Debian's R manuals (r-doc-pdf: the reference manual, 2,415
# pages of "See Also"/"Value"/"Arguments" headings, and R-exts, R-admin, R-intro, R-lang with
# Texinfo's "Chapter N: Title  page" running headers) and gnuplot's manual (gnuplot-doc: recto and
# verso headers "gnuplot 5.4  N", "Syntax:" opening many pages). The packages are downloaded with
# `apt-get download` (not installed) into $PEERS/pdf-manuals, ingested into a fresh store, and
# bench/pdf_chrome.py compares what was stored with pdftotext's text, shape by shape.
#
#   usage: bench/pdf_chrome.sh
#   env:   STRATA (default <repo>/build/strata), PEERS (~/.cache/strata-peers)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA=${STRATA:-$ROOT/build/strata}
PEERS=${PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-peers}
DIR=$PEERS/pdf-manuals
command -v pdftotext >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends poppler-utils >&2
if [ ! -d "$DIR/x" ]; then
  mkdir -p "$DIR"
  (cd "$DIR" && apt-get download r-doc-pdf gnuplot-doc >&2 && for d in ./*.deb; do dpkg-deb -x "$d" x; done)
fi
R=$DIR/x/usr/share/R/doc/manual
pdfs=("$R/fullrefman.pdf" "$R/R-exts.pdf" "$R/R-admin.pdf" "$R/R-intro.pdf" "$R/R-lang.pdf" "$DIR/x/usr/share/doc/gnuplot/gnuplot.pdf")
store=$(mktemp -d)
trap 'rm -rf "$store"' EXIT
start=$(date +%s.%N)
"$STRATA" ingest --store "$store/s.db" --quiet "${pdfs[@]}"
end=$(date +%s.%N)
echo "strata $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'): ingest of ${#pdfs[@]} PDFs in $(echo "$end - $start" | bc) s" >&2
python3 "$ROOT/bench/pdf_chrome.py" "$store/s.db" "${pdfs[@]}"
