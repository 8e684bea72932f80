#include "ingest/pdf_loader.h"

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <climits>
#include <memory>
#include <mutex>
#include <string>

#include "common/error.h"
#include "common/text.h"
#include "ingest/text_decoding.h"

namespace strata::ingest {
namespace {

// Poppler reports problems through one process-wide callback, by default to stderr (which
// would interleave with our own output). The callback runs on the thread that is parsing, so a
// thread-local sink gives each load its own first message, for the error, without locking.
thread_local std::string* t_poppler_message = nullptr;

void keep_first_poppler_message(const std::string& message, void* /*closure*/) {
  if (t_poppler_message != nullptr && t_poppler_message->empty()) *t_poppler_message = message;
}

// Collects poppler's first diagnostic while it lives (one per thread at a time).
class PopplerDiagnostics {
 public:
  PopplerDiagnostics() {
    static std::once_flag routed;
    std::call_once(routed, [] { poppler::set_debug_error_function(keep_first_poppler_message, nullptr); });
    t_poppler_message = &first_;
  }
  ~PopplerDiagnostics() { t_poppler_message = nullptr; }
  PopplerDiagnostics(const PopplerDiagnostics&) = delete;
  PopplerDiagnostics& operator=(const PopplerDiagnostics&) = delete;

  // The first message without poppler's "error (offset): " prefix, or a generic reason.
  std::string reason() const {
    std::string_view message = first_;
    const std::size_t colon = message.find(": ");
    if (message.substr(0, 5) == "error" && colon != std::string_view::npos) message.remove_prefix(colon + 2);
    message = trim(message);
    return message.empty() ? "damaged or not a PDF" : replace_invalid_utf8(message);
  }

 private:
  std::string first_;
};

std::string to_utf8(const poppler::ustring& text) {
  const poppler::byte_array bytes = text.to_utf8();
  return replace_invalid_utf8(std::string_view(bytes.data(), bytes.size()));
}

// Poppler ends every page with a form feed and may put more inside; text is for chunking, so
// they become line breaks, and the page is trimmed.
std::string normalised_page_text(std::string text) {
  for (char& c : text) {
    if (c == '\f') c = '\n';
  }
  return std::string(trim(text));
}

std::string page_text(const poppler::document& doc, int index) {
  const std::unique_ptr<poppler::page> page(doc.create_page(index));
  if (!page) return {};
  // Reading order, as pdftotext gives by default; physical_layout (the default of text())
  // pads columns with spaces, raw_order_layout follows the content stream's drawing order.
  const poppler::ustring text = page->text(poppler::rectf(), poppler::page::non_raw_non_physical_layout);
  return normalised_page_text(to_utf8(text));
}

// Pages joined by a blank line; an empty page adds no separator and starts where the next
// page does, so page_of never lands on a page without text.
void append_page(LoadedDocument& doc, const std::string& text) {
  if (!text.empty() && !doc.text.empty()) doc.text += "\n\n";
  doc.page_starts.push_back(doc.text.size());
  doc.text += text;
}

std::unique_ptr<poppler::document> open_pdf(std::string_view bytes) {
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) {
    throw Error(ExitCode::invalid_input, "not a readable PDF: larger than 2 GiB");
  }
  const PopplerDiagnostics diagnostics;
  // load_from_raw_data reads `bytes` in place (no copy); they outlive the document.
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!doc) throw Error(ExitCode::invalid_input, "not a readable PDF: " + diagnostics.reason());
  // Locked means no password we could give (the empty one) opens it. A PDF encrypted only to
  // restrict printing or editing opens with the empty password and is read like any other.
  if (doc->is_locked()) throw Error(ExitCode::invalid_input, "encrypted PDF (not supported)");
  return doc;
}

}  // namespace

LoadedDocument load_pdf(std::string_view bytes) {
  const std::unique_ptr<poppler::document> pdf = open_pdf(bytes);
  const PopplerDiagnostics silence;  // broken pages still report while their text is read
  LoadedDocument doc;
  doc.loader = "pdf";
  doc.encoding = "pdf";
  const int pages = pdf->pages();
  if (pages <= 0) throw Error(ExitCode::invalid_input, "not a readable PDF: no pages");
  for (int i = 0; i < pages; ++i) append_page(doc, page_text(*pdf, i));
  if (doc.text.empty()) throw Error(ExitCode::invalid_input, "no text layer (scanned PDF?)");
  doc.title = std::string(trim(to_utf8(pdf->get_title())));
  return doc;
}

}  // namespace strata::ingest
