// Target: the PDF loader (poppler-cpp). Checks: it returns or throws
// strata::Error(invalid_input), nothing else; the text and title are valid UTF-8 without form
// feeds; page_starts begins at 0, never decreases and stays inside the text.
#include "common/error.h"
#include "fuzz_util.h"
#include "ingest/pdf_loader.h"

using namespace strata;
using namespace strata::ingest;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const LoadedDocument d = load_pdf(fuzz::as_text(data, size));
    FUZZ_CHECK(fuzz::is_valid_utf8(d.text), "text not UTF-8");
    FUZZ_CHECK(fuzz::is_valid_utf8(d.title), "title not UTF-8");
    FUZZ_CHECK(d.text.find('\f') == std::string::npos, "form feed kept");
    FUZZ_CHECK(!d.page_starts.empty() && d.page_starts[0] == 0, "page_starts must start at 0");
    for (std::size_t i = 1; i < d.page_starts.size(); ++i) {
      FUZZ_CHECK(d.page_starts[i] >= d.page_starts[i - 1], "page_starts decreasing");
    }
    FUZZ_CHECK(d.page_starts.back() <= d.text.size(), "page start beyond the text");
  } catch (const Error& e) {
    FUZZ_CHECK(e.code() == ExitCode::invalid_input, e.what());
  }
  return 0;
}
