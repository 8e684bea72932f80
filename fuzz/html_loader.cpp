// Target: the HTML loader (gumbo). Checks: it returns, or throws strata::Error(invalid_input)
// for a page of chrome alone, nothing else; the text and title are valid UTF-8; the source-line
// map starts at offset 0, its offsets increase and stay inside the text, its lines are 1 or more
// and no further than the input has lines; the result is deterministic. The same bytes then go
// through load_document() with the .html name (sniffing, decoding and routing).
#include <algorithm>
#include <optional>

#include "common/error.h"
#include "fuzz_util.h"
#include "ingest/html_loader.h"
#include "ingest/loader.h"

using namespace strata;
using namespace strata::ingest;

namespace {

// The loaded document, or nullopt for the one error the loader may throw.
std::optional<LoadedDocument> load_or_chrome_error(std::string_view bytes) {
  try {
    return load_html(bytes);
  } catch (const Error& e) {
    FUZZ_CHECK(e.code() == ExitCode::invalid_input, e.what());
    FUZZ_CHECK(std::string_view(e.what()).rfind("only page chrome", 0) == 0, e.what());
    return std::nullopt;
  }
}

void check_source_lines(const LoadedDocument& d, std::string_view bytes) {
  if (d.text.empty()) return;
  FUZZ_CHECK(!d.source_lines.empty() && d.source_lines.front().text_offset == 0, "source lines must start at 0");
  // Every line ending of any kind, counted generously (UTF-16 input has the same count).
  const auto most_lines = static_cast<std::size_t>(1 + std::count(bytes.begin(), bytes.end(), '\n') +
                                                   std::count(bytes.begin(), bytes.end(), '\r'));
  for (std::size_t i = 0; i < d.source_lines.size(); ++i) {
    const SourceLine& l = d.source_lines[i];
    FUZZ_CHECK(l.text_offset < d.text.size(), "source line run beyond the text");
    FUZZ_CHECK(i == 0 || l.text_offset > d.source_lines[i - 1].text_offset, "source line offsets not increasing");
    FUZZ_CHECK(l.line >= 1, "source line 0");
    // A character reference for a newline counts as one more; bounded by the input's length.
    FUZZ_CHECK(l.line <= most_lines + bytes.size(), "source line beyond the input");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = fuzz::as_text(data, size);
  const std::optional<LoadedDocument> d = load_or_chrome_error(bytes);
  const std::optional<LoadedDocument> again = load_or_chrome_error(bytes);
  FUZZ_CHECK(d.has_value() == again.has_value(), "not deterministic");
  if (d) {
    FUZZ_CHECK(fuzz::is_valid_utf8(d->text), "text not UTF-8");
    FUZZ_CHECK(fuzz::is_valid_utf8(d->title), "title not UTF-8");
    FUZZ_CHECK(again->text == d->text && again->title == d->title, "not deterministic");
    check_source_lines(*d, bytes);
  }
  try {
    const LoadResult r = load_document(bytes, "page.html");
    if (r.document) {
      FUZZ_CHECK(fuzz::is_valid_utf8(r.document->text), "load_document text not UTF-8");
      FUZZ_CHECK(r.document->loader == LoaderKind::html, "load_document: not the html loader's document");
    } else {
      FUZZ_CHECK(!r.skipped_reason.empty(), "skipped without a reason");
    }
  } catch (const Error& e) {
    FUZZ_CHECK(e.code() == ExitCode::invalid_input, e.what());
  }
  return 0;
}
