// GumboParse: one gumbo parse whose memory is an arena (common/gumbo_parse.h).
#include <gtest/gtest.h>

#include <string>

#include "common/gumbo_parse.h"

namespace strata {
namespace {

std::string text_of(const GumboNode& node) {
  if (node.type == GUMBO_NODE_TEXT) return node.v.text.text;
  if (node.type != GUMBO_NODE_ELEMENT) return {};
  std::string out;
  const GumboVector& children = node.v.element.children;
  for (unsigned i = 0; i < children.length; ++i) out += text_of(*static_cast<const GumboNode*>(children.data[i]));
  return out;
}

// The tree is gumbo's own (the arena changes where it lives, not what it is).
TEST(GumboParse, BuildsTheTreeGumboBuilds) {
  const GumboParse parse("<!doctype html><title>T</title><p class=x>one <b>two</b><p>three");
  const GumboNode& root = parse.root();
  ASSERT_EQ(root.type, GUMBO_NODE_ELEMENT);
  EXPECT_EQ(root.v.element.tag, GUMBO_TAG_HTML);
  EXPECT_EQ(text_of(root), "Tone twothree");
  EXPECT_EQ(parse.document().type, GUMBO_NODE_DOCUMENT);
}

// What the arena takes stays linear in the input, large pages and many small tags alike: gumbo's
// frees are not reused, so grown buffers leave their old copies, a constant factor.
TEST(GumboParse, ArenaStaysLinearInTheInput) {
  for (const std::string& unit : {std::string("<p>a paragraph of words, <a href=x.html>a link</a></p>\n"),
                                   std::string("<div><span>x</span></div>"), std::string(1000, 'w')}) {
    std::string small;
    std::string large;
    while (small.size() < 100'000) small += unit;
    while (large.size() < 2'000'000) large += unit;
    const GumboParse a(small);
    const GumboParse b(large);
    const double per_byte_small = static_cast<double>(a.arena_bytes()) / static_cast<double>(small.size());
    const double per_byte_large = static_cast<double>(b.arena_bytes()) / static_cast<double>(large.size());
    EXPECT_LT(per_byte_large, per_byte_small * 1.5) << unit.substr(0, 20);
    EXPECT_LT(per_byte_large, 64.0) << unit.substr(0, 20);
  }
}

// Nesting far past what a page has (the HTML loader bounds depth first; links read it as it is).
TEST(GumboParse, DeepNestingParses) {
  std::string html;
  for (int i = 0; i < 5000; ++i) html += "<div>";
  html += "deep";
  const GumboParse parse(html);
  EXPECT_NE(text_of(parse.root()).find("deep"), std::string::npos);
}

}  // namespace
}  // namespace strata
