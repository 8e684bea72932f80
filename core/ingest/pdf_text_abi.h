#pragma once
// The boundary between core and the strata-pdf module (core/ingest/poppler/), which alone links
// poppler-cpp. poppler and its dependencies (NSS, freetype, fontconfig, lcms, openjpeg, ...) cost
// every command about 5 ms of loading and relocation at start-up when linked, and only `ingest`
// of a PDF needs them, so core opens the module with dlopen on the first PDF. Both sides are built
// from this tree by one compiler, so C++ types cross the boundary; the entry point has C linkage
// only so that dlsym can find it by name.
#include <cstddef>
#include <string>
#include <vector>

namespace strata::ingest {

// What poppler gave, before any of strata's normalisation.
struct PdfRawText {
  enum class Status { ok, unreadable, locked };
  Status status = Status::ok;
  std::string diagnostic;          // poppler's first complaint, raw (may be empty)
  std::vector<std::string> pages;  // each page's text as poppler's UTF-8, reading order
  std::string title;               // document information "Title", UTF-8
};

// Told after each page is read: pages done and the page count. Runs on the reading thread.
using PdfPageCallback = void (*)(void* context, std::size_t done, std::size_t total) noexcept;

// `on_page` may be null.
using PdfReadFunction = void (*)(const char* data, std::size_t size, PdfRawText* out, PdfPageCallback on_page,
                                 void* context) noexcept;
inline constexpr const char* k_pdf_read_symbol = "strata_pdf_read_v2";

}  // namespace strata::ingest
