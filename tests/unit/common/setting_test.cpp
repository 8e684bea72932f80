// core/common/setting.h: core names a setting, each door writes it in its own words.
#include "common/setting.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace strata {
namespace {

std::string upper(Setting s) {
  std::string name(setting_name(s));
  for (char& c : name) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return "<" + name + ">";
}

TEST(Setting, EveryNameIsFoundAgain) {
  for (std::size_t i = 0; i < k_setting_count; ++i) {
    const auto s = static_cast<Setting>(i);
    EXPECT_EQ(find_setting(setting_name(s)), s) << setting_name(s);
  }
  EXPECT_EQ(find_setting("no_such_setting"), std::nullopt);
  EXPECT_EQ(find_setting(""), std::nullopt);
}

TEST(Setting, AMentionRendersAsTheDoorsWords) {
  const std::string text = "raise " + mention(Setting::timeout) + ", or check " + mention(Setting::base_url) + ".";
  EXPECT_NE(text, "raise timeout, or check base_url.") << "the token is marked, not plain text";
  EXPECT_EQ(render(text, upper), "raise <TIMEOUT>, or check <BASE_URL>.");
  std::vector<Setting> seen;
  render(text, [&](Setting s) {
    seen.push_back(s);
    return std::string();
  });
  EXPECT_EQ(seen, (std::vector<Setting>{Setting::timeout, Setting::base_url}));
}

TEST(Setting, TextWithoutMarkersIsUnchanged) {
  EXPECT_EQ(render("", upper), "");
  EXPECT_EQ(render("pass --database or DATABASE_URL", upper), "pass --database or DATABASE_URL");
  EXPECT_EQ(render("caf\xc3\xa9 \xe2\x80\x94 \t\n", upper), "caf\xc3\xa9 \xe2\x80\x94 \t\n");
}

// Marker bytes can come from data (a file name, a server's answer): only a whole token of a
// known setting becomes the door's words; every other marker byte is dropped, never a flag.
TEST(Setting, StrayOrMalformedMarkersAreDroppedNeverRendered) {
  EXPECT_EQ(render("a\x0e" "b", upper), "ab") << "opened, never closed";
  EXPECT_EQ(render("a\x0f" "b", upper), "ab") << "closed, never opened";
  EXPECT_EQ(render("\x0e" "frobnicate\x0f", upper), "frobnicate") << "an unknown name";
  EXPECT_EQ(render("\x0e" "Timeout\x0f", upper), "Timeout") << "names are exact";
  EXPECT_EQ(render("\x0e\x0f", upper), "") << "an empty name";
  EXPECT_EQ(render("\x0e" "time\x0e" "out\x0f", upper), "timeout") << "a token opened inside another";
  EXPECT_EQ(render("\x0e\x0e" "timeout\x0f", upper), "<TIMEOUT>") << "a stray opener before a whole token";
  EXPECT_EQ(render("file\x0f\x0e" ".md", upper), "file.md");
  EXPECT_EQ(render(std::string("x\0\x0e" "y", 4), upper), std::string("x\0y", 3)) << "other bytes are kept";
  // A name the door does not know cannot reach it: the renderer is asked only for known settings.
  bool asked = false;
  render("\x0e" "no_such\x0f \x0e" "base_url", [&](Setting) {
    asked = true;
    return std::string("--x");
  });
  EXPECT_FALSE(asked);
}

TEST(Setting, AMentionAlwaysRendersToItsWordsWhateverSurroundsIt) {
  for (std::size_t i = 0; i < k_setting_count; ++i) {
    const auto s = static_cast<Setting>(i);
    EXPECT_EQ(render("\x0f" + mention(s) + "\x0e", upper), upper(s)) << setting_name(s);
  }
}

std::string_view typed(Setting s) { return s == Setting::collection ? "--collection" : "--other"; }

// Uninstalls the command words a test installed (the process has one set).
struct CommandWordsGuard {
  explicit CommandWordsGuard(CommandWords words) { set_command_words(words); }
  ~CommandWordsGuard() { set_command_words(nullptr); }
  CommandWordsGuard(const CommandWordsGuard&) = delete;
  CommandWordsGuard& operator=(const CommandWordsGuard&) = delete;
};

// A command line the user runs names a setting as the CLI spells it, whatever door renders the
// text; before the CLI installs its words, a door's own words stand in.
TEST(Setting, ACommandsMentionRendersAsTheInstalledCommandWords) {
  const std::string text = "run: strata embed " + command_mention(Setting::collection) + " docs (or raise " +
                           mention(Setting::timeout) + ")";
  EXPECT_NE(command_mention(Setting::collection), mention(Setting::collection));
  EXPECT_EQ(render(text, upper), "run: strata embed <COLLECTION> docs (or raise <TIMEOUT>)") << "none installed";
  {
    const CommandWordsGuard guard(typed);
    EXPECT_EQ(render(text, upper), "run: strata embed --collection docs (or raise <TIMEOUT>)");
    EXPECT_EQ(as_typed(text), "run: strata embed --collection docs (or raise --other)");
  }
  EXPECT_EQ(as_typed(text), "run: strata embed collection docs (or raise timeout)") << "the names, none installed";
  for (std::size_t i = 0; i < k_setting_count; ++i) {
    const auto s = static_cast<Setting>(i);
    EXPECT_EQ(render("\x0f" + command_mention(s) + "\x0e", upper), upper(s)) << setting_name(s);
  }
}

TEST(Setting, MentionsAreTheSettingsAskedForNotACommandsWords) {
  const std::string text = mention(Setting::database) + " or " + mention(Setting::dir) + ", then `strata migrate up " +
                           command_mention(Setting::resume) + "`; " + mention(Setting::database) + " again";
  EXPECT_EQ(mentions(text), (std::vector<Setting>{Setting::database, Setting::dir}));
  EXPECT_TRUE(mentions("pass --database").empty()) << "a flag's spelling is text, not a mention";
  EXPECT_TRUE(mentions("\x0e" "frobnicate\x0f \x0e>resume").empty());
}

TEST(Setting, AMalformedCommandTokenIsText) {
  EXPECT_EQ(render("\x0e>frobnicate\x0f", upper), ">frobnicate") << "an unknown name";
  EXPECT_EQ(render("\x0e>\x0f", upper), ">");
  EXPECT_EQ(render("\x0e>>timeout\x0f", upper), ">>timeout");
  EXPECT_EQ(render("\x0e" " >timeout\x0f", upper), " >timeout");
}

}  // namespace
}  // namespace strata
