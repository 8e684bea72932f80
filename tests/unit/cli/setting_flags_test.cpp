// cli/setting_flags.h: the CLI writes each setting core mentions as its flag.
#include "setting_flags.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "commands/migrate_lint_command.h"
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

// A command line the user is told to run names the flag whichever door renders it: installed,
// the CLI's words stand for a command's setting in any renderer (strata mcp's too).
TEST(SettingFlags, ACommandLineNamesTheFlagInEveryDoor) {
  const std::string hint = "list them with: strata documents list " + command_mention(Setting::collection) + " docs";
  const Renderer names = [](Setting s) { return std::string(setting_name(s)); };
  EXPECT_EQ(with_flags(hint), "list them with: strata documents list --collection docs");
  install_command_words();
  EXPECT_EQ(render(hint, names), "list them with: strata documents list --collection docs");
  EXPECT_EQ(render("raise " + mention(Setting::timeout), names), "raise timeout") << "prose stays the door's";
  EXPECT_EQ(as_typed("pass " + mention(Setting::follow_links)), "pass --follow-links");
  set_command_words(nullptr);
}

// check's and lint's findings, in every format (table, --json, SARIF, GitHub, strata mcp's
// migrate_check), print a mentioned setting as its flag.
TEST(SettingFlags, FindingsPrintTheirSettingsAsFlags) {
  migrate::CheckReport r;
  migrate::Finding f;
  f.code = "password-in-migration";
  f.message = "write PASSWORD '${NAME}' and run with " + mention(Setting::envsub);
  f.fix = "strata migrate up " + command_mention(Setting::resume);
  f.detail = "no setting here";
  r.findings.push_back(f);
  const migrate::CheckReport out = with_flags(r);
  ASSERT_EQ(out.findings.size(), 1u);
  EXPECT_EQ(out.findings[0].message, "write PASSWORD '${NAME}' and run with --envsub");
  EXPECT_EQ(out.findings[0].fix, "strata migrate up --resume");
  EXPECT_EQ(out.findings[0].detail, "no setting here");
  EXPECT_EQ(out.findings[0].code, "password-in-migration");
}

}  // namespace
}  // namespace strata::cli
