#pragma once
// PDF text extraction through poppler-cpp (the "pdf" loader: .pdf files and bytes looks_like_pdf
// picks). Poppler lives in the strata-pdf.so module (pdf_text_abi.h), opened on the first PDF.
#include <string_view>

#include "ingest/document.h"

namespace strata::ingest {

// The text of every page in reading order (poppler's non-raw, non-physical layout, the one
// pdftotext uses by default), as UTF-8; pages joined by a blank line, with `page_starts`
// recording where each begins; form feeds removed; running headers, footers and page numbers
// removed (ingest/pdf_page_chrome.h). Title: the document information "Title".
// Encoding "pdf". Poppler's own diagnostics never reach stderr. `progress`, when
// set, is told after each page is read (pages done, page count), on the calling thread.
//
// Throws strata::Error(ExitCode::invalid_input):
//   "not a readable PDF: <why>"       poppler cannot parse it (why: poppler's first complaint),
//                                     or it has no pages
//   "encrypted PDF (not supported)"   it needs a password (a PDF encrypted with an empty user
//                                     password, i.e. only restricted, opens and is read)
//   "no text layer (scanned PDF?)"    no page has any text
// Throws strata::Error(ExitCode::unavailable) when the module cannot be loaded.
LoadedDocument load_pdf(std::string_view bytes, const LoadProgress& progress = {});

// The pdf loader's sniff: the bytes start with "%PDF-".
bool looks_like_pdf(std::string_view bytes);

}  // namespace strata::ingest
