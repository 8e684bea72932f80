// The bound on HTML nesting before gumbo parses it (ingest/html_depth.h).
#include "ingest/html_depth.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "ingest/loader.h"

namespace strata::ingest {
namespace {

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

TEST(HtmlDepth, OrdinaryPagesAreLeftAlone) {
  const std::string page =
      "<!doctype html><html><head><title>a <b> title</title><style>div > p { }</style></head>"
      "<body><!-- <div><div> --><ul><li>one<li>two</ul><p>para<p>another<br><img src=\"a>b\">"
      "<script>if (a < b) { document.write('<div><div><div>'); }</script><div class='x>y'>z</div></body></html>";
  const BoundedHtml b = bound_html_depth(page, 3);
  EXPECT_EQ(b.blanked, 0u) << "comments, raw text, quoted '>', void and optional-end elements are not depth";
  EXPECT_TRUE(b.text.empty()) << "nothing copied";
}

TEST(HtmlDepth, TagsBeyondTheBoundAreBlankedKeepingEveryOffsetAndTheText) {
  const std::string html = repeat("<div class=\"d\">\n", 10) + "deep text" + repeat("</div>\n", 10);
  const BoundedHtml b = bound_html_depth(html, 4);
  EXPECT_EQ(b.blanked, 6u);
  ASSERT_EQ(b.text.size(), html.size());
  EXPECT_EQ(std::count(b.text.begin(), b.text.end(), '\n'), std::count(html.begin(), html.end(), '\n'));
  for (std::size_t i = 0; i < html.size(); ++i) {
    if (html[i] == '\n') {
      ASSERT_EQ(b.text[i], '\n') << "line " << i;
    }
  }
  EXPECT_EQ(std::count(b.text.begin(), b.text.end(), '<'), 8) << "4 start and their 4 end tags kept";
  EXPECT_NE(b.text.find("deep text"), std::string::npos);
}

// Found by issue 19's attacks: 320 KB of 40,000 nested lists took 30 s (gumbo walks its stack
// of open elements on each start tag); 900 KB, over 120 s.
TEST(HtmlDepth, FortyThousandNestedListsLoadWithEveryItem) {
  const std::string html = "<html><body>" + repeat("<ul><li>x", 40000) + repeat("</li></ul>", 40000) + "</body></html>";
  EXPECT_EQ(bound_html_depth(html).blanked, 40000u - (kMaxHtmlDepth - 1)) << "body and 511 lists are kept";
  const LoadResult r = load_document(html, "nested.html");
  ASSERT_TRUE(r.document);
  EXPECT_EQ(std::count(r.document->text.begin(), r.document->text.end(), 'x'), 40000);
}

}  // namespace
}  // namespace strata::ingest
