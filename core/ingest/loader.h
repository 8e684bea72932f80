#pragma once
// Document loaders for `strata ingest`: the bytes of one file (or one stdin/JSONL document) in,
// the text that gets chunked and stored out. No I/O: the caller reads the file, and prints any
// skip reason as a warning.
//
//   loader     picked by                                  text
//   markdown   .md .markdown .mdx .mkd                    as is
//   html       .html .htm .xhtml, or sniffed (see below)  markdown-like text via gumbo,
//                                                         without page chrome
//   pdf        .pdf, or %PDF- at the start                per-page text via poppler-cpp
//   docx       .docx .docm .dotx .dotm, or a zip holding  markdown-like text (office_loader.h)
//              word/document.xml
//   pptx       .pptx .pptm .potx .potm .ppsx .ppsm, or a  markdown-like text, a page per slide
//              zip holding ppt/presentation.xml
//   odt        .odt .ott, or a zip whose mimetype says so markdown-like text
//   epub       .epub, or a zip whose mimetype says so     markdown-like text, chapters in order
//   code       .c .cpp .py .go .rs … Makefile Dockerfile  as is
//   text       .txt .rst .csv .json … and anything else   as is
//
// Text is valid UTF-8 on the way out: sources are read as UTF-8 when valid, UTF-16 with a byte
// order mark, and Windows-1252 otherwise (ingest/text_decoding.h); `encoding` records which.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/source_lines.h"

namespace strata::ingest {

struct LoadedDocument {
  std::string text;        // valid UTF-8: what gets chunked and stored
  std::string loader;      // "text" | "markdown" | "html" | "pdf" | "code" | "docx" | "odt" |
                           // "pptx" | "epub"
  std::string encoding;    // encoding of the source bytes: "utf-8", "utf-16le", "utf-16be",
                           // "windows-1252", or for pdf and the zip formats the loader's name
  std::string title;       // empty when none found (caller falls back to the file name)
  std::size_t repaired_bytes = 0;  // "utf-8" text: bytes that were not UTF-8, each read as Windows-1252
  std::vector<std::size_t> page_starts;  // pdf and pptx (a slide is a page): byte offset in `text` where page i+1
                                         // begins; page_starts[0] == 0; one entry per page,
                                         // so page_starts.size() is the page count. A page
                                         // without text starts where the next one does.
  std::vector<SourceLine> source_lines;  // html only: the source file's line of each run of
                                         // `text` (ingest/source_lines.h); empty when the text
                                         // is the file's own, whose lines are its lines
};

// Told how far a long load has got: for a PDF, after each page, (pages read, page count). Runs
// on the loading thread.
using LoadProgress = std::function<void(std::size_t done, std::size_t total)>;

struct LoadResult {
  std::optional<LoadedDocument> document;  // empty = skipped
  std::string skipped_reason;              // e.g. "binary file (NUL byte at offset 12)";
                                           // set when skipped
};

// Loads one document. `name` is a file name or path, or a document id; its extension (or, for
// Makefile, Dockerfile and CMakeLists.txt, the whole file name; case-insensitive) picks the
// loader. Content sniffing decides when the extension is unknown or absent (standard input
// without an --id that has one): "%PDF-" → pdf; a zip
// package of a known format → docx, pptx, odt or epub (sniff_office_format); html when, past whitespace, an XML declaration
// and comments, the bytes start with one of WHATWG MIME Sniffing's HTML patterns ("<!doctype
// html", "<html", "<head", "<body", "<div", "<p", "<h1", "<table", "<a", …) or another heading
// or common block element ("<h2".."<h6", "<section", "<ul", "<pre", …), then a space or '>', so
// XHTML and fragments are HTML too; else text. `forced` (one of the loader names above)
// overrides both.
//
// Binary content is skipped, not an error: a known binary extension (png, zip, exe, sqlite, …;
// not applied when `forced`), the magic number of a common binary format (PNG, ZIP, ELF,
// SQLite, …; a zip that is none of the packages above), or a NUL byte in the first 8 KiB unless
// the text starts with a UTF-16 BOM. The reason says which. A pdf or zip package is never
// sniffed as binary.
//
// Throws strata::Error(ExitCode::invalid_input, reason) for a document that is not binary but
// cannot be loaded: a PDF that cannot be parsed ("not a readable PDF: …"), needs a password
// ("encrypted PDF (not supported)") or has no text ("no text layer (scanned PDF?)"), or an HTML
// page whose text is all page chrome ("only page chrome (…), no content"); a zip package that cannot be read ("not a
// readable .docx: …", see office_loader.h). The message does not
// name the document: the caller prefixes "path: ".
// Throws strata::Error(ExitCode::unavailable) when the PDF or office module cannot be loaded.
// Throws strata::Error(ExitCode::usage) when `forced` is not a loader name.
// `progress`, when set, follows a PDF page by page (other documents load at once).
LoadResult load_document(std::string_view bytes, std::string_view name,
                         std::optional<std::string_view> forced = {}, const LoadProgress& progress = {});

// True for the loader names above: the values `forced` accepts, so the CLI can reject a bad
// --loader before reading any file.
bool is_loader_name(std::string_view name);
// "text, markdown, html, pdf, code, docx, odt, pptx or epub": for messages.
std::string loader_names();

// The version of what this loader makes of a file, stored with each document
// (documents.loader_version). It goes up when a release changes the text a loader produces for
// the same bytes (html 2: page chrome dropped and lines cited in the source file; pdf 2: running
// headers and footers dropped), so that `strata ingest` reads an unchanged file again when its
// document was made by an older version. 1 for every other loader, and for a name it does not
// know.
std::int64_t loader_version(std::string_view loader);

// Whether text from this loader is markdown-like (headings as "# " lines), so that the "auto"
// chunking strategy picks the markdown one: markdown, html, the zip formats, and "converter"
// (an external converter's output, ingest/external_converter.h).
bool has_markdown_structure(std::string_view loader);

// The page (1-based) of a pdf's text that contains byte `offset`, found by binary search in
// `page_starts`; offsets past the end belong to the last page. 0 when page_starts is empty
// (not a pdf).
std::size_t page_of(const std::vector<std::size_t>& page_starts, std::size_t offset);

}  // namespace strata::ingest
