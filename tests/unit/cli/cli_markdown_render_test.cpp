// chat's Markdown styling for a terminal (cli/markdown_render.h).
#include "markdown_render.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "terminal_filter.h"

namespace strata::cli {
namespace {

const std::string md_b(k_colour_bold), md_i(k_colour_italic), md_c(k_colour_cyan), md_d(k_colour_dim), md_r(k_colour_reset);

std::string md_rendered(std::string_view text) {
  MarkdownRenderer m;
  std::string out = m.feed(text);
  return out + m.finish();
}

// The same text fed a byte at a time: a stream may cut anywhere.
std::string md_rendered_bytewise(std::string_view text) {
  MarkdownRenderer m;
  std::string out;
  for (const char c : text) out += m.feed(std::string_view(&c, 1));
  return out + m.finish();
}

TEST(CliMarkdownRender, BoldItalicAndCodeSpans) {
  EXPECT_EQ(md_rendered("a **b** c"), "a " + md_b + "b" + md_r + " c");
  EXPECT_EQ(md_rendered("a *b* _c_"), "a " + md_i + "b" + md_r + " " + md_i + "c" + md_r);
  EXPECT_EQ(md_rendered("run `x **y**` now"), "run " + md_c + "x **y**" + md_r + " now");
  EXPECT_EQ(md_rendered("***both***"), md_b + md_i + "both" + md_r);
}

TEST(CliMarkdownRender, MarkersThatAreNotEmphasisStay) {
  EXPECT_EQ(md_rendered("2 * 3 * 4"), "2 * 3 * 4");
  EXPECT_EQ(md_rendered("snake_case_name"), "snake_case_name");
  EXPECT_EQ(md_rendered("a ** b"), "a ** b");
}

TEST(CliMarkdownRender, HeadingsListsAndFences) {
  EXPECT_EQ(md_rendered("## Title\ntext\n"), md_b + "Title" + md_r + "\ntext\n");
  EXPECT_EQ(md_rendered("- one\n  * two\n1. three\n"), "\u2022 one\n  \u2022 two\n1. three\n");
  EXPECT_EQ(md_rendered("```sql\nSELECT *;\n```\nafter *x*\n"),
            md_d + "```sql" + md_r + "\n" + md_c + "SELECT *;" + md_r + "\n" + md_d + "```" + md_r + "\nafter " + md_i + "x" + md_r + "\n");
  EXPECT_EQ(md_rendered("#hashtag"), "#hashtag");
}

TEST(CliMarkdownRender, StylesEndWithTheirLine) {
  EXPECT_EQ(md_rendered("**open\nnext"), md_b + "open" + md_r + "\nnext");
}

TEST(CliMarkdownRender, AStreamCutAnywhereRendersTheSame) {
  for (const std::string text : {"## Head **x**\n- item `c` *i*\n```\ncode\n```\nend", "a **b** c\n\n# T\n"}) {
    EXPECT_EQ(md_rendered_bytewise(text), md_rendered(text)) << text;
  }
}

TEST(CliMarkdownRender, TheModelsEscapeSequencesAreRemovedBeforeStyling) {
  EXPECT_EQ(md_rendered("\x1b[2Ja \x1b]0;t\x07**b**\x1b[31m"), "a " + md_b + "b" + md_r);
  // The model's own colour code does not survive either (the filter would pass strata's).
  EXPECT_EQ(md_rendered("\x1b[1mloud"), "loud");
}

}  // namespace
}  // namespace strata::cli
