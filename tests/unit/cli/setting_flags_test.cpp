// cli/setting_flags.h: the CLI writes each setting core mentions as its flag.
#include "setting_flags.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "common/public.h"
#include "output.h"

namespace strata::cli {
namespace {

TEST(SettingFlags, EverySettingHasItsOwnFlag) {
  std::set<std::string_view> flags;
  for (std::size_t i = 0; i < k_setting_count; ++i) {
    const std::string_view flag = flag_of(static_cast<Setting>(i));
    EXPECT_TRUE(flag.starts_with("--") && flag.size() > 2) << setting_name(static_cast<Setting>(i));
    EXPECT_TRUE(flags.insert(flag).second) << flag << " twice";
  }
}

TEST(SettingFlags, MessagesPrintAsTheyDidWhenCoreSpeltTheFlag) {
  const std::string hint = "lower " + mention(Setting::context_tokens) + ", or use a model with a larger context window";
  EXPECT_EQ(with_flags(hint), "lower --context-tokens, or use a model with a larger context window");
  EXPECT_EQ(safe_line(hint), "lower --context-tokens, or use a model with a larger context window");
  EXPECT_EQ(with_flags(mention(Setting::continue_conversation) + " " + mention(Setting::confirm_tools)), "--continue --yes");
}

// A file name holding the marker bytes around a word prints as the word, never as a flag.
TEST(SettingFlags, StrayMarkersInDataNeverPrintAsAFlag) {
  EXPECT_EQ(safe_line("docs/\x0e" "notes\x0f.md: not UTF-8"), "docs/notes.md: not UTF-8");
  EXPECT_EQ(with_flags("\x0e" "--database\x0f"), "--database") << "the text itself, not a rendering";
  EXPECT_EQ(with_flags("a\x0e" "timeout"), "atimeout");
}

}  // namespace
}  // namespace strata::cli
