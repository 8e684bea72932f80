// html: the map from the extracted text back to the lines of the file (LoadedDocument::
// source_lines), and source_line_span over it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/text.h"
#include "ingest/loader.h"
#include "ingest/source_lines.h"

namespace strata::ingest {
namespace {

LoadedDocument load_lines(std::string_view html) {
  LoadResult r = load_document(html, "page.html");
  EXPECT_TRUE(r.document) << r.skipped_reason;
  return r.document.value_or(LoadedDocument{});
}

// The source lines cited for the first occurrence of `needle` in the document's text.
LineSpan lines_of(const LoadedDocument& doc, std::string_view needle) {
  const std::size_t at = doc.text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle << " not in:\n" << doc.text;
  if (at == std::string::npos) return {};
  return source_line_span(doc.source_lines, at, at + needle.size());
}

void expect_lines(const LoadedDocument& doc, std::string_view needle, std::size_t first, std::size_t last) {
  const LineSpan span = lines_of(doc, needle);
  EXPECT_EQ(span.first, first) << needle;
  EXPECT_EQ(span.last, last) << needle;
}

TEST(SourceLineSpan, CoversEveryRunTheRangeTouches) {
  const std::vector<SourceLine> lines{{0, 3}, {10, 4}, {20, 9}, {30, 2}, {40, 12}};
  EXPECT_EQ(source_line_span(lines, 0, 5).first, 3u);
  EXPECT_EQ(source_line_span(lines, 0, 5).last, 3u);
  EXPECT_EQ(source_line_span(lines, 5, 15).last, 4u);
  EXPECT_EQ(source_line_span(lines, 10, 20).last, 4u) << "the range ends where the next run starts";
  // Lines need not grow with offsets: a run moved by the parser.
  const LineSpan moved = source_line_span(lines, 25, 35);
  EXPECT_EQ(moved.first, 2u);
  EXPECT_EQ(moved.last, 9u);
  EXPECT_EQ(source_line_span(lines, 45, 45).first, 12u) << "an empty range: the run holding it";
  EXPECT_EQ(source_line_span(lines, 100, 200).last, 12u) << "past the last run";
}

TEST(LoaderHtmlLines, EachPieceOfTextCitesTheLineItIsOn) {
  const LoadedDocument doc = load_lines(
      "<!doctype html>\n"                       // 1
      "<html><head><title>T</title></head>\n"   // 2
      "<body>\n"                                // 3
      "<h1>Title here</h1>\n"                   // 4
      "<p>A paragraph that\n"                   // 5
      "wraps onto a second line\n"              // 6
      "and a third.</p>\n"                      // 7
      "\n"                                      // 8
      "<ul><li>one</li>\n"                      // 9
      "<li>two <img src=x alt=\"a picture\"></li></ul>\n"  // 10
      "<table><tr><td>cell</td>\n"              // 11
      "<td>other</td></tr></table>\n"           // 12
      "</body></html>\n");
  expect_lines(doc, "# Title here", 4, 4);
  expect_lines(doc, "A paragraph", 5, 5);
  expect_lines(doc, "wraps onto", 6, 6);
  expect_lines(doc, "A paragraph that wraps onto a second line and a third.", 5, 7);
  expect_lines(doc, "- one", 9, 9);
  expect_lines(doc, "a picture", 10, 10);
  expect_lines(doc, "cell | other", 11, 12);
}

TEST(LoaderHtmlLines, CodeLinesAndFencesCiteTheirLines) {
  const LoadedDocument doc = load_lines(
      "<p>Before</p>\n"           // 1
      "<pre>\n"                   // 2 (the newline after <pre> is not content)
      "first = 1\n"               // 3
      "<b>second</b> = 2\n"       // 4
      "\n"                        // 5
      "third = 3\n"               // 6
      "</pre>\n"                  // 7
      "<p>After</p>\n");          // 8
  EXPECT_EQ(doc.text, "Before\n\n```\nfirst = 1\nsecond = 2\n\nthird = 3\n```\n\nAfter");
  expect_lines(doc, "```\nfirst", 2, 3);
  expect_lines(doc, "first = 1", 3, 3);
  expect_lines(doc, "second = 2", 4, 4);
  expect_lines(doc, "third = 3", 6, 6);
  expect_lines(doc, "3\n```", 6, 7);
  expect_lines(doc, "After", 8, 8);
}

TEST(LoaderHtmlLines, CrLfAndLoneCrEndLinesAsInAnEditor) {
  const LoadedDocument doc = load_lines("<p>one</p>\r\n<p>two</p>\r<p>three</p>\r\n");
  expect_lines(doc, "one", 1, 1);
  expect_lines(doc, "two", 2, 2);
  expect_lines(doc, "three", 3, 3);
}

TEST(LoaderHtmlLines, DroppedChromeLeavesTheContentOnItsOwnLines) {
  const LoadedDocument doc = load_lines(
      "<body>\n"                                     // 1
      "<nav>\n<a href=/>Home</a>\n</nav>\n"          // 2-4
      "<div class=body role=main>\n"                 // 5
      "<h1>Real<a class=headerlink href=#r>¶</a></h1>\n"  // 6
      "<p>Content.</p>\n"                            // 7
      "</div>\n"
      "<div class=footer>Copyright</div>\n");
  EXPECT_EQ(doc.text, "# Real\n\nContent.");
  EXPECT_EQ(doc.source_lines.front().text_offset, 0u);
  expect_lines(doc, "# Real", 6, 6);
  expect_lines(doc, "Content.", 7, 7);
}

TEST(LoaderHtmlLines, MisplacedTableTextKeepsItsOwnLine) {
  // The parser moves "stray" before the table ("foster parenting"); it still cites line 2.
  const LoadedDocument doc = load_lines("<table><tr><td>cell</td></tr>\nstray</table>\n<p>after</p>");
  expect_lines(doc, "stray", 2, 2);
  expect_lines(doc, "cell", 1, 1);
}

// Property: on a page with many short lines, every word of the text cites a line of the file
// that contains it.
TEST(LoaderHtmlLines, EveryWordIsOnTheLineItCites) {
  std::string html = "<!doctype html>\n<body>\n";
  for (int i = 0; i < 60; ++i) {
    const std::string n = std::to_string(i);
    switch (i % 4) {
      case 0: html += "<h2>Heading h" + n + "x</h2>\n"; break;
      case 1: html += "<p>para p" + n + "a\n  continues p" + n + "b\n</p>\n"; break;
      case 2: html += "<ul>\n<li>item i" + n + "a</li>\n<li><p>item i" + n + "b</p></li>\n</ul>\n"; break;
      default: html += "<pre><code>code k" + n + "a\n    k" + n + "b\n</code></pre>\n"; break;
    }
  }
  html += "</body>\n";
  const LoadedDocument doc = load_lines(html);
  const std::vector<std::string> source = split(html, '\n');
  std::size_t checked = 0;
  for (std::size_t i = 0; i < doc.text.size();) {
    const std::size_t end = std::min(doc.text.find_first_of(" \n", i), doc.text.size());
    const std::string word = doc.text.substr(i, end - i);
    if (word.size() > 2 && std::isdigit(static_cast<unsigned char>(word[1]))) {
      const LineSpan span = source_line_span(doc.source_lines, i, end);
      ASSERT_EQ(span.first, span.last) << word;
      ASSERT_LE(span.first, source.size());
      EXPECT_NE(source[span.first - 1].find(word), std::string::npos) << word << " cites line " << span.first;
      ++checked;
    }
    i = end + 1;
  }
  EXPECT_EQ(checked, 15u * 2 + 15 + 15 * 2 + 15 * 2);
}

}  // namespace
}  // namespace strata::ingest
