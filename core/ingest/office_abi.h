#pragma once
// The boundary between core and the strata-office module (core/ingest/office/), which alone links
// libzip and libxml2. Linked into the binary they (and libxml2's ICU, libzip's libcrypto) cost
// every command about 7 ms of loading and relocation at start-up, measured on Debian 12, and only
// `ingest` of an office document or e-book needs them; so core opens the module with dlopen on the
// first such document, as it does strata-pdf (pdf_text_abi.h). Both sides are built from this tree
// by one compiler, so C++ types cross the boundary; the entry point has C linkage only so that
// dlsym can find it by name.
//
// The module turns a package into HTML, and core renders that HTML with its HTML loader: one
// renderer for headings, lists and tables, whatever the format.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace strata::ingest {

enum class OfficeFormat { docx, odt, pptx, epub };

// Caps on what one document may make the module inflate and parse. Each is checked on the bytes
// actually inflated, not only on the sizes the zip's headers claim, so a header that understates
// an entry (a zip bomb) is stopped all the same.
struct OfficeLimits {
  std::uint64_t max_entries = 50'000;              // entries in the zip's central directory
  std::uint64_t max_entry_bytes = 64ULL << 20;     // one entry, uncompressed
  std::uint64_t max_total_bytes = 256ULL << 20;    // every entry read for one document together
};

// What the module read from one package.
struct OfficeRawDocument {
  std::string error;               // empty when read; else why not: one line of UTF-8
  std::string title;               // the package's metadata title (dc:title), may be empty
  std::vector<std::string> parts;  // HTML in reading order: one document for docx and odt, one
                                   // per slide for pptx, each spine item's XHTML for epub
};

using OfficeReadFunction = void (*)(OfficeFormat format, const char* data, std::size_t size,
                                    const OfficeLimits* limits, OfficeRawDocument* out) noexcept;
inline constexpr const char* k_office_read_symbol = "strata_office_read_v1";

}  // namespace strata::ingest
