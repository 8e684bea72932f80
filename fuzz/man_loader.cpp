// Target: the man loader (roff reduced to text) and compressed documents. Checks: load_man
// never throws; the text and title are valid UTF-8; the source-line map starts at offset 0, its
// offsets increase and stay inside the text, its lines are 1 or more and no further than the
// input has lines; the result is deterministic. The same bytes then go through load_document()
// as "page.1.gz": gzip data is inflated under the caps (or refused with Error(invalid_input)),
// anything else is skipped as a .gz that is not gzip data.
#include <algorithm>

#include "common/error.h"
#include "fuzz_util.h"
#include "ingest/gzip.h"
#include "ingest/loader.h"
#include "ingest/man_loader.h"

using namespace strata;
using namespace strata::ingest;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = fuzz::as_text(data, size);
  const LoadedDocument d = load_man(bytes);
  const LoadedDocument again = load_man(bytes);
  FUZZ_CHECK(again.text == d.text && again.title == d.title, "not deterministic");
  FUZZ_CHECK(fuzz::is_valid_utf8(d.text), "text not UTF-8");
  FUZZ_CHECK(fuzz::is_valid_utf8(d.title), "title not UTF-8");
  FUZZ_CHECK(!d.source_lines.empty() && d.source_lines.front().text_offset == 0, "source lines must start at 0");
  const auto most_lines = static_cast<std::size_t>(1 + std::count(bytes.begin(), bytes.end(), '\n'));
  for (std::size_t i = 0; i < d.source_lines.size(); ++i) {
    const SourceLine& l = d.source_lines[i];
    FUZZ_CHECK(d.text.empty() || l.text_offset < d.text.size(), "source line run beyond the text");
    FUZZ_CHECK(i == 0 || l.text_offset > d.source_lines[i - 1].text_offset, "source line offsets not increasing");
    FUZZ_CHECK(l.line >= 1 && l.line <= most_lines, "source line outside the input");
  }
  (void)looks_like_man(bytes);
  try {
    const LoadResult r = load_document(bytes, "page.1.gz");
    if (r.document) {
      FUZZ_CHECK(is_gzip(bytes), "a .gz that is not gzip data was loaded");
      FUZZ_CHECK(fuzz::is_valid_utf8(r.document->text), "load_document text not UTF-8");
    } else {
      FUZZ_CHECK(!r.skipped_reason.empty(), "skipped without a reason");
    }
  } catch (const Error& e) {
    FUZZ_CHECK(e.code() == ExitCode::invalid_input, e.what());
    FUZZ_CHECK(is_gzip(bytes), "an error for a .gz that is not gzip data");
  }
  return 0;
}
