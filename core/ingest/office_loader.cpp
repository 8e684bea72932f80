#include "ingest/office_loader.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "common/error.h"
#include "common/text.h"
#include "common/utf8.h"
#include "ingest/html_loader.h"
#include "ingest/module_library.h"
#include "ingest/text_decoding.h"

namespace strata::ingest {
namespace {

OfficeReadFunction office_reader() {
  static const auto fn =
      reinterpret_cast<OfficeReadFunction>(module_symbol("strata-office.so", k_office_read_symbol, "Office and EPUB"));
  return fn;
}

std::uint32_t little_endian(std::string_view bytes, std::size_t at, std::size_t width) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < width; ++i) {
    v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  }
  return v;
}

// ODF and EPUB put an uncompressed "mimetype" entry first, so that its content sits at a known
// place in the file: the local header (30 bytes), the name, the extra field, then the content.
std::string_view mimetype_entry(std::string_view bytes) {
  if (bytes.size() < 30 || bytes.substr(0, 4) != "PK\3\4") return {};
  const std::size_t name_length = little_endian(bytes, 26, 2);
  const std::size_t extra_length = little_endian(bytes, 28, 2);
  const std::size_t size = little_endian(bytes, 18, 4);
  const bool stored = little_endian(bytes, 8, 2) == 0;
  if (!stored || bytes.substr(30, name_length) != "mimetype" || size > 100) return {};
  const std::size_t start = 30 + name_length + extra_length;
  if (start + size > bytes.size()) return {};
  return trim(bytes.substr(start, size));
}

// One line of UTF-8 without control characters, of a sane length: the module's message may
// quote the package's bytes.
std::string printable(std::string_view why) {
  std::string out = replace_invalid_utf8(why.substr(0, 400), Utf8Repair::per_sequence);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return out;
}

// Parts joined by a blank line; for slides each part starts a page (an empty one where the next
// begins, as in a PDF).
void append_part(LoadedDocument& doc, std::string_view text, bool pages) {
  text = trim(text);
  if (!text.empty() && !doc.text.empty()) doc.text += "\n\n";
  if (pages) doc.page_starts.push_back(doc.text.size());
  doc.text += text;
}

constexpr std::string_view k_ole2_magic = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

}  // namespace

std::string_view name_of(OfficeFormat format) {
  switch (format) {
    case OfficeFormat::docx: return "docx";
    case OfficeFormat::odt: return "odt";
    case OfficeFormat::pptx: return "pptx";
    case OfficeFormat::epub: return "epub";
  }
  return "docx";
}

std::optional<OfficeFormat> sniff_office_format(std::string_view bytes) {
  if (bytes.substr(0, 4) != "PK\3\4") return std::nullopt;
  const std::string_view mimetype = mimetype_entry(bytes);
  if (mimetype == "application/epub+zip") return OfficeFormat::epub;
  if (mimetype == "application/vnd.oasis.opendocument.text") return OfficeFormat::odt;
  if (!mimetype.empty()) return std::nullopt;  // another ODF kind: a spreadsheet, a drawing
  // Entry names are stored in the clear, in each local header and in the central directory.
  if (bytes.find("[Content_Types].xml") == std::string_view::npos) return std::nullopt;
  if (bytes.find("word/document.xml") != std::string_view::npos) return OfficeFormat::docx;
  if (bytes.find("ppt/presentation.xml") != std::string_view::npos) return OfficeFormat::pptx;
  return std::nullopt;
}

LoadedDocument load_office(OfficeFormat format, std::string_view bytes, const OfficeLimits& limits) {
  const std::string label = "not a readable ." + std::string(name_of(format)) + ": ";
  // libzip reads an empty file as an empty archive, which would be reported as a missing part.
  if (bytes.empty()) throw Error(ExitCode::invalid_input, label + "empty file");
  if (bytes.substr(0, k_ole2_magic.size()) == k_ole2_magic) {
    throw Error(ExitCode::invalid_input,
                label + "an OLE2 file, not a zip archive (a password-protected or pre-2007 Office document; not "
                        "supported)");
  }
  OfficeRawDocument raw;
  office_reader()(format, bytes.data(), bytes.size(), &limits, &raw);
  if (!raw.error.empty()) throw Error(ExitCode::invalid_input, label + printable(raw.error));
  LoadedDocument doc;
  doc.encoding = std::string(name_of(format));
  const bool pages = format == OfficeFormat::pptx;
  std::string first_title;
  for (const std::string& part : raw.parts) {
    LoadedDocument rendered;
    try {
      rendered = load_html(part);
    } catch (const Error&) {
      // A part the HTML loader will not take as a page of its own (an e-book's table of contents
      // when it is nothing but navigation) leaves that part empty, not the whole book unread.
    }
    if (first_title.empty()) first_title = std::move(rendered.title);
    append_part(doc, rendered.text, pages);
  }
  const std::string title(trim(printable(raw.title)));
  doc.title = !title.empty() ? title : first_title;
  return doc;
}

}  // namespace strata::ingest
