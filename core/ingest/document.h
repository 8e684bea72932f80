#pragma once
// What a loader makes of one file: the types every loader (text_loader.h, markdown_loader.h,
// html_loader.h, pdf_loader.h, office_loader.h) produces and the dispatcher (loader.h) returns.
// The loaders include this header, never loader.h.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ingest/source_lines.h"

namespace strata::ingest {

// Which loader made a document: one row each in the loader table (loaders.h, k_loaders), where
// its name, extensions, sniff, load function and version are. The name is what users see
// (`--loader NAME`, documents.loader, JSON); code compares the kind. In the table's order, with
// converter last (loaders.cpp checks both when it compiles).
enum class LoaderKind { text, markdown, html, pdf, code, docx, odt, pptx, epub, man, converter };

struct LoadedDocument {
  std::string text;                       // valid UTF-8: what gets chunked and stored
  LoaderKind loader = LoaderKind::text;   // set by the dispatcher (load_document) from its row
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

// The page (1-based) of a pdf's text that contains byte `offset`, found by binary search in
// `page_starts`; offsets past the end belong to the last page. 0 when page_starts is empty
// (not a pdf).
std::size_t page_of(const std::vector<std::size_t>& page_starts, std::size_t offset);

}  // namespace strata::ingest
