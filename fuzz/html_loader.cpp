// Target: the HTML loader (gumbo). Checks: it never throws, the text and title are valid UTF-8,
// the title is one line, and the result is deterministic. The same bytes then go through
// load_document() with the .html name (sniffing, decoding and routing).
#include "common/error.h"
#include "fuzz_util.h"
#include "ingest/html_loader.h"
#include "ingest/loader.h"

using namespace strata;
using namespace strata::ingest;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = fuzz::as_text(data, size);
  const LoadedDocument d = load_html(bytes);
  FUZZ_CHECK(fuzz::is_valid_utf8(d.text), "text not UTF-8");
  FUZZ_CHECK(fuzz::is_valid_utf8(d.title), "title not UTF-8");
  FUZZ_CHECK(d.loader == "html", d.loader);
  const LoadedDocument again = load_html(bytes);
  FUZZ_CHECK(again.text == d.text && again.title == d.title, "not deterministic");
  const LoadResult r = load_document(bytes, "page.html");
  if (r.document) FUZZ_CHECK(fuzz::is_valid_utf8(r.document->text), "load_document text not UTF-8");
  else FUZZ_CHECK(!r.skipped_reason.empty(), "skipped without a reason");
  return 0;
}
