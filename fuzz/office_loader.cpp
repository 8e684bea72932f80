// Targets docx_loader, odt_loader, pptx_loader, epub_loader: one office format each (libzip and
// libxml2 in the strata-office module, then the HTML loader). Checks: it returns or throws
// strata::Error(invalid_input) whose message is one line of UTF-8 naming the format; the text and
// title are valid UTF-8; a pptx has one page start per slide, from 0, never decreasing, inside the
// text; the result is deterministic. Caps are smaller than the defaults so that every run is fast.
#include <string>

#include "common/error.h"
#include "fuzz_util.h"
#include "ingest/office_loader.h"

using namespace strata;
using namespace strata::ingest;

namespace {

constexpr OfficeFormat k_format = OfficeFormat::FUZZ_OFFICE_FORMAT;

OfficeLimits limits() {
  OfficeLimits l;
  l.max_entries = 2000;
  l.max_entry_bytes = 4U << 20;
  l.max_total_bytes = 8U << 20;
  return l;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = fuzz::as_text(data, size);
  try {
    const LoadedDocument d = load_office(k_format, bytes, limits());
    FUZZ_CHECK(fuzz::is_valid_utf8(d.text), "text not UTF-8");
    FUZZ_CHECK(fuzz::is_valid_utf8(d.title), "title not UTF-8");
    FUZZ_CHECK(d.loader == name_of(k_format), d.loader);
    if (k_format == OfficeFormat::pptx) {
      for (std::size_t i = 0; i < d.page_starts.size(); ++i) {
        FUZZ_CHECK(i > 0 || d.page_starts[0] == 0, "page_starts must start at 0");
        FUZZ_CHECK(i == 0 || d.page_starts[i] >= d.page_starts[i - 1], "page_starts decreasing");
        FUZZ_CHECK(d.page_starts[i] <= d.text.size(), "page start beyond the text");
      }
    } else {
      FUZZ_CHECK(d.page_starts.empty(), "pages outside pptx");
    }
    const LoadedDocument again = load_office(k_format, bytes, limits());
    FUZZ_CHECK(again.text == d.text && again.title == d.title, "not deterministic");
  } catch (const Error& e) {
    const std::string message = e.what();
    FUZZ_CHECK(e.code() == ExitCode::invalid_input, message);
    FUZZ_CHECK(message.rfind("not a readable ." + std::string(name_of(k_format)) + ": ", 0) == 0, message);
    FUZZ_CHECK(message.find('\n') == std::string::npos, "message of more than one line: " + message);
    FUZZ_CHECK(fuzz::is_valid_utf8(message), "message not UTF-8");
  }
  return 0;
}
