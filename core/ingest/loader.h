#pragma once
// Document loaders for `strata ingest`: the bytes of one file (or one stdin/JSONL document) in,
// the text that gets chunked and stored out. No I/O: the caller reads the file, and prints any
// skip reason as a warning.
//
//   loader     picked by                                  text
//   markdown   .md .markdown .mdx .mkd                    as is
//   html       .html .htm .xhtml, or <!doctype html/<html  markdown-like text via gumbo
//   pdf        .pdf, or %PDF- at the start                per-page text via poppler-cpp
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

namespace strata::ingest {

struct LoadedDocument {
  std::string text;        // valid UTF-8: what gets chunked and stored
  std::string loader;      // "text" | "markdown" | "html" | "pdf" | "code"
  std::string encoding;    // encoding of the source bytes: "utf-8", "utf-16le", "utf-16be",
                           // "windows-1252", or "pdf"
  std::string title;       // empty when none found (caller falls back to the file name)
  std::vector<std::size_t> page_starts;  // pdf only: byte offset in `text` where page i+1
                                         // begins; page_starts[0] == 0; one entry per page,
                                         // so page_starts.size() is the page count. A page
                                         // without text starts where the next one does.
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
// loader. Content sniffing decides when the extension is unknown or absent: "%PDF-" → pdf,
// "<!doctype html" or "<html" after leading whitespace → html, else text. `forced` (one of the
// loader names above) overrides both.
//
// Binary content is skipped, not an error: a known binary extension (png, zip, exe, sqlite, …;
// not applied when `forced`), the magic number of a common binary format (PNG, ZIP, ELF,
// SQLite, …), or a NUL byte in the first 8 KiB unless the text starts with a UTF-16 BOM. The
// reason says which. A pdf is never sniffed as binary.
//
// Throws strata::Error(ExitCode::invalid_input, reason) for a document that is not binary but
// cannot be loaded: a PDF that cannot be parsed ("not a readable PDF: …"), needs a password
// ("encrypted PDF (not supported)") or has no text ("no text layer (scanned PDF?)"). The message
// does not name the document: the caller prefixes "path: ".
// Throws strata::Error(ExitCode::usage) when `forced` is not a loader name.
// `progress`, when set, follows a PDF page by page (other documents load at once).
LoadResult load_document(std::string_view bytes, std::string_view name,
                         std::optional<std::string_view> forced = {}, const LoadProgress& progress = {});

// True for "text", "markdown", "html", "pdf" and "code": the values `forced` accepts, so the
// CLI can reject a bad --loader before reading any file.
bool is_loader_name(std::string_view name);

// The page (1-based) of a pdf's text that contains byte `offset`, found by binary search in
// `page_starts`; offsets past the end belong to the last page. 0 when page_starts is empty
// (not a pdf).
std::size_t page_of(const std::vector<std::size_t>& page_starts, std::size_t offset);

}  // namespace strata::ingest
