#include "ingest/pdf_loader.h"

#include <dlfcn.h>
#include <unistd.h>

#include <array>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/text.h"
#include "ingest/pdf_page_chrome.h"
#include "ingest/pdf_text_abi.h"
#include "ingest/text_decoding.h"

namespace strata::ingest {
namespace {

// Where the strata-pdf module may be: beside an installed binary (relative, so an install moved
// with `cmake --install --prefix` still finds it), at the configured install path, or in the
// build tree (tests and uninstalled builds).
std::vector<std::string> module_candidates() {
  std::vector<std::string> paths;
  std::array<char, 4096> exe{};
  const ssize_t n = readlink("/proc/self/exe", exe.data(), exe.size() - 1);
  if (n > 0) {
    std::string dir(exe.data(), static_cast<std::size_t>(n));
    dir.erase(dir.find_last_of('/') + 1);
    paths.push_back(dir + STRATA_PDF_MODULE_FROM_BINDIR);
  }
  paths.emplace_back(STRATA_PDF_MODULE_INSTALLED);
  paths.emplace_back(STRATA_PDF_MODULE_BUILT);
  return paths;
}

PdfReadFunction load_reader() {
  std::string why;
  for (const std::string& path : module_candidates()) {
    if (access(path.c_str(), F_OK) != 0) continue;
    // Never closed: poppler keeps process-wide state once initialised.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* e = dlerror();
      why = path + ": " + (e != nullptr ? e : "dlopen failed");
      continue;
    }
    if (void* symbol = dlsym(handle, k_pdf_read_symbol)) return reinterpret_cast<PdfReadFunction>(symbol);
    why = path + ": no " + k_pdf_read_symbol;
  }
  if (why.empty()) why = "strata-pdf.so is not installed beside strata (looked in " + std::string(STRATA_PDF_MODULE_INSTALLED) + ")";
  throw Error(ExitCode::unavailable, "PDF support is unavailable: " + why);
}

PdfReadFunction reader() {
  static const PdfReadFunction fn = load_reader();
  return fn;
}

// The first diagnostic without poppler's "error (offset): " prefix, or a generic reason.
std::string reason(std::string_view message) {
  const std::size_t colon = message.find(": ");
  if (message.substr(0, 5) == "error" && colon != std::string_view::npos) message.remove_prefix(colon + 2);
  message = trim(message);
  return message.empty() ? "damaged or not a PDF" : replace_invalid_utf8(message);
}

// Poppler ends every page with a form feed and may put more inside; text is for chunking, so
// they become line breaks, and the page is trimmed.
std::string normalised_page_text(std::string_view raw) {
  std::string text = replace_invalid_utf8(raw);
  for (char& c : text) {
    if (c == '\f') c = '\n';
  }
  return std::string(trim(text));
}

// Pages joined by a blank line; an empty page adds no separator and starts where the next
// page does, so page_of never lands on a page without text.
void append_page(LoadedDocument& doc, const std::string& text) {
  if (!text.empty() && !doc.text.empty()) doc.text += "\n\n";
  doc.page_starts.push_back(doc.text.size());
  doc.text += text;
}

void report_page(void* context, std::size_t done, std::size_t total) noexcept {
  try {
    (*static_cast<const LoadProgress*>(context))(done, total);
  } catch (...) {  // progress is only shown: a failure to show it must not end the load
  }
}

}  // namespace

LoadedDocument load_pdf(std::string_view bytes, const LoadProgress& progress) {
  PdfRawText raw;
  reader()(bytes.data(), bytes.size(), &raw, progress ? report_page : nullptr,
           const_cast<void*>(static_cast<const void*>(&progress)));
  if (raw.status == PdfRawText::Status::unreadable) {
    throw Error(ExitCode::invalid_input, "not a readable PDF: " + reason(raw.diagnostic));
  }
  if (raw.status == PdfRawText::Status::locked) throw Error(ExitCode::invalid_input, "encrypted PDF (not supported)");
  if (raw.pages.empty()) throw Error(ExitCode::invalid_input, "not a readable PDF: no pages");
  LoadedDocument doc;
  doc.loader = "pdf";
  doc.encoding = "pdf";
  for (std::string& page : raw.pages) page = normalised_page_text(page);
  remove_page_chrome(raw.pages);
  for (const std::string& page : raw.pages) append_page(doc, page);
  if (doc.text.empty()) throw Error(ExitCode::invalid_input, "no text layer (scanned PDF?)");
  doc.title = std::string(trim(replace_invalid_utf8(raw.title)));
  return doc;
}

}  // namespace strata::ingest
