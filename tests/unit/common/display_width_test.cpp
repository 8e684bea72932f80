// Terminal widths of UTF-8 text and cutting it to a width, for tables that fit the terminal.
#include "common/display_width.h"

#include <gtest/gtest.h>

namespace strata {
namespace {

TEST(DisplayWidth, CountsColumnsNotBytes) {
  EXPECT_EQ(display_width(""), 0u);
  EXPECT_EQ(display_width("abc"), 3u);
  EXPECT_EQ(display_width("héllo"), 5u);          // é is two bytes, one column
  EXPECT_EQ(display_width("依赖注入"), 8u);        // wide: two columns each
  EXPECT_EQ(display_width("e\xCC\x81"), 1u);      // e + combining acute: one column
  EXPECT_EQ(display_width("a\xFF" "b"), 3u);      // an invalid byte shows as one replacement character
}

TEST(DisplayWidth, FitCutsWithAnEllipsisAndNeverSplitsACharacter) {
  EXPECT_EQ(fit_to_width("short", 10), "short");
  EXPECT_EQ(fit_to_width("exactly", 7), "exactly");
  EXPECT_EQ(fit_to_width("a longer text", 8), "a longe\xE2\x80\xA6");
  EXPECT_EQ(display_width(fit_to_width("a longer text", 8)), 8u);
  // A wide character that would straddle the edge is left out whole.
  EXPECT_EQ(fit_to_width("ab依赖注入", 5), "ab依\xE2\x80\xA6");
  EXPECT_EQ(fit_to_width("ab依赖注入", 4), "ab\xE2\x80\xA6");
  EXPECT_EQ(fit_to_width("abc", 1), "\xE2\x80\xA6");
  EXPECT_EQ(fit_to_width("abc", 0), "");
}

}  // namespace
}  // namespace strata
