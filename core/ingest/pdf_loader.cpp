#include "ingest/pdf_loader.h"

#include <string>

#include "common/error.h"
#include "common/text.h"
#include "common/utf8.h"
#include "ingest/module_library.h"
#include "ingest/pdf_page_chrome.h"
#include "ingest/pdf_text_abi.h"
#include "ingest/text_decoding.h"

namespace strata::ingest {
namespace {

PdfReadFunction pdf_reader() {
  static const auto fn = reinterpret_cast<PdfReadFunction>(module_symbol("strata-pdf.so", k_pdf_read_symbol, "PDF"));
  return fn;
}

// The first diagnostic without poppler's "error (offset): " prefix, or a generic reason.
std::string reason(std::string_view message) {
  const std::size_t colon = message.find(": ");
  if (message.substr(0, 5) == "error" && colon != std::string_view::npos) message.remove_prefix(colon + 2);
  message = trim(message);
  return message.empty() ? "damaged or not a PDF" : replace_invalid_utf8(message, Utf8Repair::per_sequence);
}

// Poppler ends every page with a form feed and may put more inside; text is for chunking, so
// they become line breaks, and the page is trimmed.
std::string normalised_page_text(std::string_view raw) {
  std::string text = replace_invalid_utf8(raw, Utf8Repair::per_sequence);
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
  pdf_reader()(bytes.data(), bytes.size(), &raw, progress ? report_page : nullptr,
           const_cast<void*>(static_cast<const void*>(&progress)));
  if (raw.status == PdfRawText::Status::unreadable) {
    throw Error(ExitCode::invalid_input, "not a readable PDF: " + reason(raw.diagnostic));
  }
  if (raw.status == PdfRawText::Status::locked) throw Error(ExitCode::invalid_input, "encrypted PDF (not supported)");
  if (raw.pages.empty()) throw Error(ExitCode::invalid_input, "not a readable PDF: no pages");
  LoadedDocument doc;
  doc.encoding = "pdf";
  for (std::string& page : raw.pages) page = normalised_page_text(page);
  remove_page_chrome(raw.pages);
  for (const std::string& page : raw.pages) append_page(doc, page);
  if (doc.text.empty()) throw Error(ExitCode::invalid_input, "no text layer (scanned PDF?)");
  doc.title = std::string(trim(replace_invalid_utf8(raw.title, Utf8Repair::per_sequence)));
  return doc;
}

bool looks_like_pdf(std::string_view bytes) { return bytes.substr(0, 5) == "%PDF-"; }

}  // namespace strata::ingest
