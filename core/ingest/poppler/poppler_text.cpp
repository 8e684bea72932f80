// The strata-pdf module: poppler-cpp behind the entry point declared in ingest/pdf_text_abi.h.
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <climits>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <type_traits>

#include "ingest/pdf_text_abi.h"

namespace {

using strata::ingest::PdfRawText;

// Poppler reports problems through one process-wide callback, by default to stderr (which
// would interleave with our own output). The callback runs on the thread that is parsing, so a
// thread-local sink gives each load its own first message without locking. initial-exec puts
// the pointer in glibc's static TLS reserve for dlopen'ed modules instead of a dynamic TLS block:
// no __tls_get_addr per access, and GCC 12's LeakSanitizer crashes walking a dlopen'ed module's
// dynamic TLS block at exit ("Tracer caught signal 11"), which failed every PDF test under ASan.
thread_local std::string* t_poppler_message __attribute__((tls_model("initial-exec"))) = nullptr;

void keep_first_poppler_message(const std::string& message, void* /*closure*/) {
  if (t_poppler_message != nullptr && t_poppler_message->empty()) *t_poppler_message = message;
}

class PopplerDiagnostics {
 public:
  explicit PopplerDiagnostics(std::string* sink) {
    static std::once_flag routed;
    std::call_once(routed, [] { poppler::set_debug_error_function(keep_first_poppler_message, nullptr); });
    t_poppler_message = sink;
  }
  ~PopplerDiagnostics() { t_poppler_message = nullptr; }
  PopplerDiagnostics(const PopplerDiagnostics&) = delete;
  PopplerDiagnostics& operator=(const PopplerDiagnostics&) = delete;
};

std::string to_utf8(const poppler::ustring& text) {
  const poppler::byte_array bytes = text.to_utf8();
  return std::string(bytes.data(), bytes.size());
}

void read(const char* data, std::size_t size, PdfRawText& out, strata::ingest::PdfPageCallback on_page,
          void* context) {
  const PopplerDiagnostics diagnostics(&out.diagnostic);
  if (size > static_cast<std::size_t>(INT_MAX)) {
    out.status = PdfRawText::Status::unreadable;
    out.diagnostic = "larger than 2 GiB";
    return;
  }
  // load_from_raw_data reads `data` in place (no copy); it outlives the document.
  const std::unique_ptr<poppler::document> doc(poppler::document::load_from_raw_data(data, static_cast<int>(size)));
  if (!doc) {
    out.status = PdfRawText::Status::unreadable;
    return;
  }
  // Locked means no password we could give (the empty one) opens it. A PDF encrypted only to
  // restrict printing or editing opens with the empty password and is read like any other.
  if (doc->is_locked()) {
    out.status = PdfRawText::Status::locked;
    return;
  }
  const int pages = doc->pages();
  for (int i = 0; i < pages; ++i) {
    const std::unique_ptr<poppler::page> page(doc->create_page(i));
    // Reading order, as pdftotext gives by default; physical_layout (the default of text())
    // pads columns with spaces, raw_order_layout follows the content stream's drawing order.
    out.pages.push_back(page ? to_utf8(page->text(poppler::rectf(), poppler::page::non_raw_non_physical_layout))
                             : std::string());
    if (on_page != nullptr) on_page(context, static_cast<std::size_t>(i) + 1, static_cast<std::size_t>(pages));
  }
  out.title = to_utf8(doc->get_title());
}

}  // namespace

extern "C" __attribute__((visibility("default"))) void strata_pdf_read_v2(
    const char* data, std::size_t size, PdfRawText* out, strata::ingest::PdfPageCallback on_page,
    void* context) noexcept {
  try {
    read(data, size, *out, on_page, context);
  } catch (const std::bad_alloc&) {
    out->status = PdfRawText::Status::unreadable;
    out->diagnostic = "out of memory";
  } catch (...) {
    out->status = PdfRawText::Status::unreadable;
  }
}

static_assert(std::is_same_v<decltype(&strata_pdf_read_v2), strata::ingest::PdfReadFunction>);
