#pragma once
// Manual pages (the "man" loader): roff source, as in ls.1 or, compressed, ls.1.gz, reduced to
// text without running man or groff. The common macros of man(7) and mdoc(7) are understood
// (sections, subsections, paragraphs, tagged paragraphs, fonts, cross references, mdoc's
// flags and arguments), escapes become the characters they stand for, and the rest of roff
// (number registers, conditionals, macro definitions, drawing) is left out. The output is not a
// typeset page: each text line of the source stays a line, paragraphs are separated by a blank
// line, and chunks cite the lines of the roff source.
#include <string_view>

#include "ingest/document.h"

namespace strata::ingest {

// Whether `bytes` read as a manual page: among the first lines, a title request (.TH of man(7),
// .Dd or .Dt of mdoc(7)) or an include of another page (.so), with only comments and other
// requests before it. A name says nothing of man pages (sections 1 to 9 with suffixes: 3ssl,
// 1p), so the loader is picked by this content test.
bool looks_like_man(std::string_view bytes);

// The text of a manual page: ".SH NAME" as "# NAME", ".SS" as "## ", text lines as written,
// without fonts and with escapes resolved (\- → -, \(em → —, \[u00E9] → é). A page that only
// includes another (".so man1/other.1") reads as "See other.1." Title: the NAME section's line
// ("ls - list directory contents"), else the .TH or .Dt name and section ("LS(1)"). Bytes
// are decoded as text files are (text_decoding.h). Never throws for bad roff: what it does not
// understand is left out.
LoadedDocument load_man(std::string_view bytes, const LoadProgress& progress = {});

}  // namespace strata::ingest
