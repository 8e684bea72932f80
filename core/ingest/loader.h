#pragma once
// The loader dispatcher for `strata ingest`: the bytes of one file (or one stdin/JSONL document)
// in, the text that gets chunked and stored out. It picks a row of the loader table (loaders.h)
// by name or content, skips binary files and runs the row's load function. No I/O: the caller
// reads the file, and prints any skip reason as a warning.
//
// Text is valid UTF-8 on the way out: sources are read as UTF-8 when valid, UTF-16 with a byte
// order mark, and Windows-1252 otherwise (ingest/text_decoding.h); `encoding` records which.
#include <gumbo.h>

#include <functional>
#include <optional>
#include <string_view>

#include "ingest/document.h"
#include "ingest/loaders.h"

namespace strata::ingest {

// The loader load_document uses when none is forced. `name` is a file name or path, or a
// document id; its extension (or, for Makefile, Dockerfile and CMakeLists.txt, the whole file
// name; case-insensitive) picks the row whose `extensions` (`file_names`) hold it. Content
// sniffing decides when the extension is unknown or absent (standard input without an --id
// that has one): the first row, in table order, whose `sniff` accepts the bytes ("%PDF-" → pdf;
// a zip package of a known format → docx, pptx, odt or epub; HTML, html_loader.h's
// looks_like_html); else text. nullopt for a known binary extension (png, zip, exe, sqlite, …).
std::optional<LoaderKind> pick_loader(std::string_view bytes, std::string_view name);

// Loads one document with the loader pick_loader names, or `forced` (which overrides both the
// name and the content). The document's `loader` is that loader's kind.
//
// Compressed: a `name` ending in ".gz" whose bytes are gzip data is inflated (gzip.h, under its
// caps) and loaded as the name without ".gz" (ls.1.gz as ls.1, notes.md.gz as notes.md); lines
// are those of the inflated text. One whose inner name has a binary extension (x.tar.gz) is
// skipped without being inflated, unless `forced`. A ".gz" that is not gzip data is skipped as
// any .gz.
//
// Binary content is skipped, not an error: a known binary extension (not applied when
// `forced`), the magic number of a common binary format (PNG, ZIP, ELF, SQLite, …; a zip that is
// none of the packages above), or a NUL byte in the first 8 KiB unless the text starts with a
// UTF-16 BOM. The reason says which. A row that is binary by nature (pdf, the zip packages) is
// never tested for binary content.
//
// Throws strata::Error(ExitCode::invalid_input, reason) for a document that is not binary but
// cannot be loaded: a PDF that cannot be parsed ("not a readable PDF: …"), needs a password
// ("encrypted PDF (not supported)") or has no text ("no text layer (scanned PDF?)"), or an HTML
// page whose text is all page chrome ("only page chrome (…), no content"); a zip package that
// cannot be read ("not a readable .docx: …", see office_loader.h). The message does not name
// the document: the caller prefixes "path: ". A compressed file that cannot be inflated, or
// would inflate past gzip.h's caps, throws gunzip's error.
// Throws strata::Error(ExitCode::unavailable) when the PDF or office module cannot be loaded.
// `progress`, when set, follows a PDF page by page (other documents load at once).
LoadResult load_document(std::string_view bytes, std::string_view name, std::optional<LoaderKind> forced = {},
                         const LoadProgress& progress = {});

// load_document(bytes, name, LoaderKind::html) for a page that is not gzip data (a crawled page,
// its transfer encoding undone), and `tree` given the page's parse tree (html_loader.h).
LoadResult load_html_document(std::string_view bytes, const std::function<void(const GumboNode& root)>& tree);

}  // namespace strata::ingest
