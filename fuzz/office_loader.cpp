// Targets docx_loader, odt_loader, pptx_loader, epub_loader: one office format each (libzip and
// libxml2 in the strata-office module, then the HTML loader). The first byte chooses what the rest
// is: even, a whole package as a file would hold it (libzip's reading of damaged archives); odd,
// the format's main XML part, which the target puts into a valid package (stored, with correct
// CRCs), so that mutations reach the XML parser and the format's reader instead of stopping at a
// CRC check. Checks: it returns or throws strata::Error(invalid_input) whose message is one line
// of UTF-8 naming the format; the text and title are valid UTF-8; a pptx has page starts from 0,
// never decreasing, inside the text, the others none; the result is deterministic. Caps are
// smaller than the defaults so that every run is fast.
#include <string>
#include <vector>

#include "../tests/unit/zip_writer.h"
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

const std::string k_rels_ns = "http://schemas.openxmlformats.org/package/2006/relationships";
const std::string k_type = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";

std::string relationship(const std::string& type, const std::string& target) {
  return "<Relationships xmlns=\"" + k_rels_ns + "\"><Relationship Id=\"rId1\" Type=\"" + k_type + type +
         "\" Target=\"" + target + "\"/></Relationships>";
}

// A package around `xml`, the format's main part.
std::string package_around(std::string xml) {
  using testing::ZipEntry;
  std::vector<ZipEntry> entries;
  switch (k_format) {
    case OfficeFormat::docx:
      entries = {{"_rels/.rels", relationship("officeDocument", "word/document.xml")},
                 {"word/document.xml", std::move(xml)}};
      break;
    case OfficeFormat::odt:
      entries = {{"mimetype", "application/vnd.oasis.opendocument.text"}, {"content.xml", std::move(xml)}};
      break;
    case OfficeFormat::pptx:
      entries = {{"_rels/.rels", relationship("officeDocument", "ppt/presentation.xml")},
                 {"ppt/presentation.xml",
                  "<p:presentation xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\" "
                  "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><p:sldIdLst>"
                  "<p:sldId id=\"256\" r:id=\"rId1\"/></p:sldIdLst></p:presentation>"},
                 {"ppt/_rels/presentation.xml.rels", relationship("slide", "slides/slide1.xml")},
                 {"ppt/slides/slide1.xml", std::move(xml)}};
      break;
    case OfficeFormat::epub:
      entries = {{"mimetype", "application/epub+zip"},
                 {"META-INF/container.xml",
                  "<container xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\"><rootfiles><rootfile "
                  "full-path=\"OPS/book.opf\" media-type=\"application/oebps-package+xml\"/></rootfiles></container>"},
                 {"OPS/book.opf", std::move(xml)},
                 {"OPS/c.xhtml", "<html><head><title/></head><body><h1>Chapter</h1><p>text</p></body></html>"}};
      break;
  }
  return testing::make_zip(entries);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const bool wrapped = (in.byte() & 1U) != 0;
  const std::string bytes = wrapped ? package_around(std::string(in.rest())) : std::string(in.rest());
  try {
    const LoadedDocument d = load_office(k_format, bytes, limits());
    FUZZ_CHECK(fuzz::is_valid_utf8(d.text), "text not UTF-8");
    FUZZ_CHECK(fuzz::is_valid_utf8(d.title), "title not UTF-8");
    FUZZ_CHECK(d.encoding == name_of(k_format), d.encoding);
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
