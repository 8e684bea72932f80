// pdf: text per page through poppler, page offsets, title, and the PDFs we refuse.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "ingest/loader.h"
#include "test_util.h"

namespace strata::ingest {
namespace {

using strata::testing::error_of;

// A PDF string literal: backslash and parentheses escaped.
std::string pdf_string(const std::string& text) {
  std::string out = "(";
  for (const char c : text) {
    if (c == '\\' || c == '(' || c == ')') out += '\\';
    out += c;
  }
  return out + ")";
}

struct PdfSpec {
  std::vector<std::string> pages;  // lines split by '\n', drawn top down; "" = a page with nothing drawn
  std::string title;               // raw PDF string literal body (PDFDocEncoding), or none
  bool locked = false;             // an /Encrypt dictionary no empty password opens
  std::string header_comment = "%\xE2\xE3\xCF\xD3";  // the customary binary comment line
};

// A small, valid PDF written by hand: catalog, page tree, one Helvetica (a standard Type 1 font,
// so no font file is embedded), a page and a content stream per page, optional info and
// encryption dictionaries, and a cross-reference table with each object's real byte offset.
std::string make_pdf(const PdfSpec& spec) {
  std::vector<std::string> objects;  // object i+1
  objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  objects.push_back("");  // page tree, once the page object numbers are known
  objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  std::string kids;
  for (const std::string& text : spec.pages) {
    const std::size_t page_number = objects.size() + 1;
    kids += std::to_string(page_number) + " 0 R ";
    std::string page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       "/Resources << /Font << /F1 3 0 R >> >>";
    if (!text.empty()) page += " /Contents " + std::to_string(page_number + 1) + " 0 R";
    objects.push_back(page + " >>");
    if (!text.empty()) {
      std::string content = "BT /F1 24 Tf 72 700 Td";
      std::size_t from = 0;
      for (std::size_t line = 0; from <= text.size(); ++line) {
        const std::size_t to = std::min(text.find('\n', from), text.size());
        content += (line > 0 ? " 0 -40 Td " : " ") + pdf_string(text.substr(from, to - from)) + " Tj";
        from = to + 1;
      }
      content += " ET";
      objects.push_back("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content +
                        "\nendstream");
    }
  }
  objects[1] = "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(spec.pages.size()) + " >>";
  std::string trailer_extra;
  if (!spec.title.empty()) {
    objects.push_back("<< /Title (" + spec.title + ") >>");
    trailer_extra += " /Info " + std::to_string(objects.size()) + " 0 R";
  }
  if (spec.locked) {
    const std::string junk(64, 'A');  // 32 bytes of 0xAA: matches no password
    objects.push_back("<< /Filter /Standard /V 1 /R 2 /P -4 /O <" + junk + "> /U <" + junk + "> >>");
    trailer_extra += " /Encrypt " + std::to_string(objects.size()) +
                     " 0 R /ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>]";
  }

  std::string pdf = "%PDF-1.4\n" + spec.header_comment + "\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const std::size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (const std::size_t offset : offsets) {
    char entry[21];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", offset);  // exactly 20 bytes
    pdf += entry;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R" + trailer_extra +
         " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

PdfSpec two_pages() {
  PdfSpec spec;
  spec.pages = {"First page text", "Second (page) text"};
  return spec;
}

LoadedDocument load_pdf_bytes(const std::string& bytes, std::string_view name = "report.pdf") {
  LoadResult r = load_document(bytes, name);
  EXPECT_TRUE(r.document.has_value()) << r.skipped_reason;
  return r.document.value_or(LoadedDocument{});
}

TEST(LoaderPdf, PagesAreJoinedByABlankLineWithTheirStartOffsets) {
  const LoadedDocument doc = load_pdf_bytes(make_pdf(two_pages()));
  EXPECT_EQ(doc.text, "First page text\n\nSecond (page) text");
  EXPECT_EQ(doc.loader, LoaderKind::pdf);
  EXPECT_EQ(doc.encoding, "pdf");
  EXPECT_EQ(doc.page_starts, (std::vector<std::size_t>{0, 17}));
  EXPECT_EQ(doc.text.substr(doc.page_starts[1], 6), "Second");
}

TEST(LoaderPdf, RunningHeadersAndPageNumbersAreRemovedAndPagesStillStartRight) {
  PdfSpec spec;
  spec.pages = {"User Manual 2.0\nAlpha text here\n1", "User Manual 2.0\nBeta text here\n2",
                "User Manual 2.0\nGamma text here\n3"};
  const LoadedDocument doc = load_pdf_bytes(make_pdf(spec));
  EXPECT_EQ(doc.text, "Alpha text here\n\nBeta text here\n\nGamma text here");
  EXPECT_EQ(doc.page_starts, (std::vector<std::size_t>{0, 17, 33}));
  EXPECT_EQ(page_of(doc.page_starts, doc.text.find("Gamma")), 3u);
}

TEST(LoaderPdf, ProgressIsToldAfterEveryPage) {
  PdfSpec spec;
  spec.pages = {"Alpha", "", "Gamma"};
  std::vector<std::pair<std::size_t, std::size_t>> seen;
  load_document(make_pdf(spec), "three.pdf", std::nullopt,
                [&seen](std::size_t done, std::size_t total) { seen.emplace_back(done, total); });
  EXPECT_EQ(seen, (std::vector<std::pair<std::size_t, std::size_t>>{{1, 3}, {2, 3}, {3, 3}}));
}

TEST(LoaderPdf, PageOfMapsEveryByteToItsPage) {
  const LoadedDocument doc = load_pdf_bytes(make_pdf(two_pages()));
  EXPECT_EQ(page_of(doc.page_starts, 0), 1u);
  EXPECT_EQ(page_of(doc.page_starts, doc.text.find("text")), 1u);
  EXPECT_EQ(page_of(doc.page_starts, doc.text.find("Second")), 2u);
  EXPECT_EQ(page_of(doc.page_starts, doc.text.size() - 1), 2u);
}

TEST(LoaderPdf, FormFeedsAreGone) {
  const LoadedDocument doc = load_pdf_bytes(make_pdf(two_pages()));
  EXPECT_EQ(doc.text.find('\f'), std::string::npos);
}

TEST(LoaderPdf, TitleComesFromTheDocumentInformation) {
  PdfSpec spec = two_pages();
  spec.title = "Caf\\351 report";  // PDFDocEncoding \351 = é
  EXPECT_EQ(load_pdf_bytes(make_pdf(spec)).title, "Café report");
  EXPECT_EQ(load_pdf_bytes(make_pdf(two_pages())).title, "");
}

TEST(LoaderPdf, AnEmptyPageAddsNoSeparatorAndStartsWhereTheNextDoes) {
  PdfSpec spec;
  spec.pages = {"Alpha", "", "Gamma"};
  const LoadedDocument doc = load_pdf_bytes(make_pdf(spec));
  EXPECT_EQ(doc.text, "Alpha\n\nGamma");
  EXPECT_EQ(doc.page_starts, (std::vector<std::size_t>{0, 5, 7}));
  EXPECT_EQ(page_of(doc.page_starts, doc.text.find("Gamma")), 3u);
}

TEST(LoaderPdf, IsRecognisedByItsMagicWithoutAnExtension) {
  const LoadedDocument doc = load_pdf_bytes(make_pdf(two_pages()), "doc-42");
  EXPECT_EQ(doc.loader, LoaderKind::pdf);
  EXPECT_EQ(doc.page_starts.size(), 2u);
}

TEST(LoaderPdf, IsNeverSkippedAsBinary) {
  PdfSpec spec = two_pages();
  spec.header_comment = std::string("%\xE2\xE3\0\xD3", 5);  // a NUL in the first 8 KiB
  EXPECT_EQ(load_pdf_bytes(make_pdf(spec)).text, "First page text\n\nSecond (page) text");
}

TEST(LoaderPdf, ForcedPdfLoaderIgnoresTheName) {
  const LoadResult r = load_document(make_pdf(two_pages()), "notes.txt", LoaderKind::pdf);
  ASSERT_TRUE(r.document);
  EXPECT_EQ(r.document->loader, LoaderKind::pdf);
}

TEST(LoaderPdf, CorruptPdfIsInvalidInput) {
  const Error e = error_of([] { load_document("%PDF-1.4 garbage", "broken.pdf"); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  // Our prefix, then poppler's own first complaint (its wording is poppler's, not asserted).
  const std::string message = e.what();
  EXPECT_EQ(message.rfind("not a readable PDF: ", 0), 0u) << message;
  EXPECT_GT(message.size(), std::string("not a readable PDF: ").size()) << message;
  EXPECT_EQ(std::string(e.what()).find("broken.pdf"), std::string::npos) << "the caller names the file";
}

TEST(LoaderPdf, NonPdfBytesNamedPdfAreInvalidInput) {
  const Error e = error_of([] { load_document("<html>not a pdf</html>", "saved.pdf"); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
}

TEST(LoaderPdf, BrokenCrossReferenceOffsetIsRepaired) {
  // Poppler rebuilds the table by scanning for objects, as viewers do; files edited by hand
  // or by careless tools often have a wrong startxref.
  std::string pdf = make_pdf(two_pages());
  const std::size_t at = pdf.find("startxref\n") + 10;
  pdf.replace(at, pdf.find('\n', at) - at, "3");
  EXPECT_EQ(load_pdf_bytes(pdf).text, "First page text\n\nSecond (page) text");
}

TEST(LoaderPdf, TruncatedPdfIsInvalidInput) {
  const std::string pdf = make_pdf(two_pages());
  const Error e = error_of([&] { load_document(pdf.substr(0, 20), "cut.pdf"); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
}

TEST(LoaderPdf, PasswordProtectedPdfIsInvalidInput) {
  PdfSpec spec = two_pages();
  spec.locked = true;
  const std::string pdf = make_pdf(spec);
  const Error e = error_of([&] { load_document(pdf, "secret.pdf"); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_STREQ(e.what(), "encrypted PDF (not supported)");
}

TEST(LoaderPdf, PdfWithoutPagesIsInvalidInput) {
  const std::string pdf = make_pdf(PdfSpec{});
  const Error e = error_of([&] { load_document(pdf, "empty.pdf"); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_STREQ(e.what(), "not a readable PDF: no pages");
}

TEST(LoaderPdf, PdfWithoutTextIsInvalidInput) {
  PdfSpec spec;
  spec.pages = {"", ""};
  const std::string pdf = make_pdf(spec);
  const Error e = error_of([&] { load_document(pdf, "scan.pdf"); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_STREQ(e.what(), "no text layer (scanned PDF?)");
}

}  // namespace
}  // namespace strata::ingest
