// Running headers, footers and page numbers found on synthetic page texts shaped like the ones
// poppler gives for real manuals (gnuplot's, R's).
#include "ingest/pdf_page_chrome.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace strata::ingest {
namespace {

using Pages = std::vector<std::string>;

// Two lines of text that differ from page to page (not only in their digits).
std::string body(int page) {
  static const char* const k_words[] = {"aardvark", "badger", "capybara", "dingo", "echidna",
                                        "ferret",   "gazelle", "heron",   "ibis",  "jackal"};
  const std::string w = k_words[page % 10];
  return "The " + w + " section starts here.\nIt says more about the " + w + ".";
}

TEST(PdfPageChrome, AHeaderOnEveryPageAndPageNumbersThatSwapSidesAreRemoved) {
  // gnuplot.pdf: "gnuplot 5.4" and the page number, in either order on odd and even pages.
  Pages pages;
  for (int p = 95; p < 101; ++p) {
    pages.push_back(p % 2 == 0 ? std::to_string(p) + "\n\ngnuplot 5.4\n\n" + body(p)
                               : "gnuplot 5.4\n\n" + std::to_string(p) + "\n\n" + body(p));
  }
  EXPECT_EQ(remove_page_chrome(pages), 12u);
  for (int p = 95; p < 101; ++p) EXPECT_EQ(pages[static_cast<std::size_t>(p - 95)], body(p));
}

TEST(PdfPageChrome, AHeaderAndNumberOnOneLineIsOneLineWithDigitsFolded) {
  // "96 gnuplot 5.4" / "gnuplot 5.4 97": digits count as one, so each side is one repeated line.
  Pages pages;
  for (int p = 96; p < 102; ++p) {
    pages.push_back((p % 2 == 0 ? std::to_string(p) + " gnuplot 5.4" : "gnuplot 5.4 " + std::to_string(p)) + "\n" +
                    body(p));
  }
  EXPECT_EQ(remove_page_chrome(pages), 6u);
  EXPECT_EQ(pages[0], body(96));
}

TEST(PdfPageChrome, ChapterHeadersAndFootersThatRepeatOnSomePagesAreRemoved) {
  Pages pages;
  for (int p = 1; p <= 8; ++p) {
    const std::string chapter = p <= 4 ? "Chapter 1: Creating packages" : "Chapter 2: Writing documentation";
    pages.push_back(chapter + "\n" + std::to_string(p) + "\n" + body(p) + "\nCopyright 2024 Example Corp.");
  }
  EXPECT_EQ(remove_page_chrome(pages), 24u);
  for (int p = 1; p <= 8; ++p) EXPECT_EQ(pages[static_cast<std::size_t>(p - 1)], body(p));
}

TEST(PdfPageChrome, PageNumbersMustFollowThePages) {
  // Front matter numbered apart from the body is still a page sequence; a bare number that
  // does not advance with the pages (a value in a table) is text.
  Pages pages = {"i\n" + body(1), "ii\n" + body(2), "1\n" + body(3), "2\n" + body(4), "3\n" + body(5),
                 body(6) + "\n42", body(7) + "\n17"};
  remove_page_chrome(pages);
  EXPECT_EQ(pages[2], body(3));
  EXPECT_EQ(pages[3], body(4));
  EXPECT_EQ(pages[4], body(5));
  EXPECT_EQ(pages[5], body(6) + "\n42");
  EXPECT_EQ(pages[6], body(7) + "\n17");
}

TEST(PdfPageChrome, DecoratedPageNumbersAreRecognised) {
  Pages pages;
  for (int p = 1; p <= 3; ++p) pages.push_back(body(p) + "\n- " + std::to_string(p) + " -");
  for (int p = 4; p <= 5; ++p) pages.push_back(body(p) + "\nPage " + std::to_string(p));
  EXPECT_EQ(remove_page_chrome(pages), 5u);
  for (int p = 1; p <= 5; ++p) EXPECT_EQ(pages[static_cast<std::size_t>(p - 1)], body(p));
}

TEST(PdfPageChrome, LinesInsideThePageAndShortCodeLinesAreKept) {
  // The same line on every page, but deep inside it; and a lone "}" at every page's top.
  Pages pages;
  for (int p = 1; p <= 5; ++p) pages.push_back("}\n" + body(p) + "\nSee the index.\n" + body(p + 5) + "\n" + body(p + 3));
  const Pages before = pages;
  EXPECT_EQ(remove_page_chrome(pages), 0u);
  EXPECT_EQ(pages, before);
}

TEST(PdfPageChrome, TwoPagesDoNotMakeARunningHeader) {
  Pages pages = {"Results\n" + body(1), "Results\n" + body(2), "Discussion\n" + body(3)};
  EXPECT_EQ(remove_page_chrome(pages), 0u);
}

TEST(PdfPageChrome, ADocumentOfChromeOnlyIsKeptAsItIs) {
  Pages pages = {"ACME Template\n1", "ACME Template\n2", "ACME Template\n3"};
  const Pages before = pages;
  EXPECT_EQ(remove_page_chrome(pages), 0u);
  EXPECT_EQ(pages, before);
}

TEST(PdfPageChrome, EmptyPagesAndASinglePageAreLeftAlone) {
  Pages one = {"Title\n1"};
  EXPECT_EQ(remove_page_chrome(one), 0u);
  Pages pages = {"", "Header line\n" + body(1), "", "Header line\n" + body(2), "Header line\n" + body(3)};
  EXPECT_EQ(remove_page_chrome(pages), 3u);
  EXPECT_EQ(pages[0], "");
  EXPECT_EQ(pages[1], body(1));
}

TEST(PdfPageChrome, HeadingsThatStartScatteredPagesAreKept) {
  // R's reference manual: "Arguments" or "See Also" opens many pages, never a run of them.
  Pages pages;
  for (int p = 0; p < 24; ++p) {
    const bool heading = p % 4 == 1 || p == 10;
    pages.push_back("R reference\n" + std::string(heading ? "Arguments\n" : "") + body(p) + "\n" +
                    std::to_string(p + 1));
  }
  EXPECT_EQ(remove_page_chrome(pages), 48u);  // the header and the folio of each page
  EXPECT_EQ(pages[1], "Arguments\n" + body(1));
  EXPECT_EQ(pages[9], "Arguments\n" + body(9));
  EXPECT_EQ(pages[10], "Arguments\n" + body(10));
}

TEST(PdfPageChrome, VersoAndRectoHeadersAreRemoved) {
  // A two-sided book: the book's title on even pages, the chapter's on odd ones.
  Pages pages;
  for (int p = 0; p < 8; ++p) {
    pages.push_back((p % 2 == 0 ? "A Book of Networks" : "Chapter 2: Routing") + std::string("\n") + body(p));
  }
  EXPECT_EQ(remove_page_chrome(pages), 8u);
  for (int p = 0; p < 8; ++p) EXPECT_EQ(pages[static_cast<std::size_t>(p)], body(p));
}

TEST(PdfPageChrome, AHeaderIsRemovedAcrossAFigurePageWithoutOne) {
  Pages pages;
  for (int p = 0; p < 5; ++p) {
    pages.push_back(p == 2 ? std::string("Figure 3. The whole network.") : "Routing in practice\n" + body(p));
  }
  EXPECT_EQ(remove_page_chrome(pages), 4u);
  EXPECT_EQ(pages[1], body(1));
  EXPECT_EQ(pages[3], body(3));
  EXPECT_EQ(pages[2], "Figure 3. The whole network.");
}

TEST(PdfPageChrome, AFootnoteCounterOnConsecutivePagesIsNotAPageNumber) {
  // Folios in the header line; footnote marks 4, 5, 6 at the foot of three consecutive pages.
  Pages pages;
  for (int p = 0; p < 20; ++p) {
    std::string page = "Chapter 1: Basics " + std::to_string(p + 1) + "\n" + body(p);
    static const char* const k_notes[] = {"See the appendix.", "First shown in 1962.", "Not in the draft."};
    if (p >= 7 && p <= 9) page += "\n" + std::to_string(p - 3) + "\n" + k_notes[p - 7];
    pages.push_back(page);
  }
  remove_page_chrome(pages);
  EXPECT_EQ(pages[7], body(7) + "\n4\nSee the appendix.");
  EXPECT_EQ(pages[8], body(8) + "\n5\nFirst shown in 1962.");
  EXPECT_EQ(pages[9], body(9) + "\n6\nNot in the draft.");
  EXPECT_EQ(pages[0], body(0));
}

}  // namespace
}  // namespace strata::ingest
