// "Did you mean" for the command line: the unknown word is found the way CLI11 walks argv
// (subcommands descend, option values are skipped, `--` ends it) and the closest name is offered.
#include "suggest.h"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace strata::cli {
namespace {

class SuggestTest : public ::testing::Test {
 protected:
  SuggestTest() : app_("test", "strata") {
    app_.add_option("--color", color_);
    CLI::App* search = app_.add_subcommand("search");
    search->add_option("QUERY", words_);
    search->add_option("--collection", text_);
    search->add_option("-k", text_);
    search->add_flag("--json", flag_);
    CLI::App* migrate = app_.add_subcommand("migrate");
    migrate->add_option("-d,--database", text_);
    migrate->add_subcommand("status")->add_flag("--json", flag_);
    migrate->add_subcommand("up")->add_flag("--dry-run", flag_);
  }

  std::optional<UnknownWord> find(std::vector<std::string> args) const { return find_unknown_word(app_, args); }

  CLI::App app_;
  std::string color_, text_;
  std::vector<std::string> words_;
  bool flag_ = false;
};

TEST_F(SuggestTest, MistypedCommandGetsTheClosestOne) {
  const auto u = find({"serach", "x"});
  ASSERT_TRUE(u);
  EXPECT_EQ(u->message, "unknown command 'serach'; did you mean 'search'?");
  EXPECT_EQ(u->hint, "run 'strata --help' for the list of commands");
}

TEST_F(SuggestTest, MistypedSubSubcommandNamesItsParent) {
  const auto u = find({"migrate", "-d", "sqlite:x.db", "stauts"});
  ASSERT_TRUE(u);
  EXPECT_EQ(u->message, "unknown command 'stauts' for 'strata migrate'; did you mean 'status'?");
}

TEST_F(SuggestTest, MistypedOptionGetsTheClosestOfItsCommand) {
  const auto u = find({"search", "--colection", "x", "query"});
  ASSERT_TRUE(u);
  EXPECT_EQ(u->message, "unknown option '--colection' for 'strata search'; did you mean '--collection'?");
  EXPECT_EQ(u->hint, "run 'strata search --help' for its options");
  const auto v = find({"search", "q", "--jsno=1"});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->message, "unknown option '--jsno' for 'strata search'; did you mean '--json'?");
  const auto w = find({"migrate", "up", "--dryrun"});
  ASSERT_TRUE(w);
  EXPECT_EQ(w->message, "unknown option '--dryrun' for 'strata migrate up'; did you mean '--dry-run'?");
}

TEST_F(SuggestTest, NothingCloseIsStillNamed) {
  const auto u = find({"frobnicate"});
  ASSERT_TRUE(u);
  EXPECT_EQ(u->message, "unknown command 'frobnicate'");
}

TEST_F(SuggestTest, OptionValuesAndPositionalsAreNotCommands) {
  EXPECT_FALSE(find({"--color", "never", "search", "serach", "-k", "5", "--collection", "docs"}));
  EXPECT_FALSE(find({"search", "--", "--not-an-option"}));
  EXPECT_FALSE(find({"migrate", "status", "--json"}));
}

}  // namespace
}  // namespace strata::cli

// --- documents named as the user typed them ---------------------------------------------------

namespace strata::cli {
namespace {

const std::vector<std::string> k_sources = {"README.md", "docs/guide.md", "docs/intro.md", "docs/sub/deep.md", "stdin"};

TEST(ClosestSourceTest, ATypoOfAnIdOrOfTheMappedPath) {
  EXPECT_EQ(closest_source({"docs/gide.md"}, k_sources), "docs/guide.md");
  EXPECT_EQ(closest_source({"gide.md", "docs/gide.md"}, k_sources), "docs/guide.md") << "the id mapped from a subfolder";
  EXPECT_EQ(closest_source({"docs/intro.mdx"}, k_sources), "docs/intro.md");
}

TEST(ClosestSourceTest, TheSameFileNameInAnotherFolder) {
  EXPECT_EQ(closest_source({"deep.md"}, k_sources), "docs/sub/deep.md");
  EXPECT_EQ(closest_source({"other/intro.md"}, k_sources), "docs/intro.md");
}

TEST(ClosestSourceTest, NothingCloseIsNothing) {
  EXPECT_EQ(closest_source({"completely/else.txt"}, k_sources), std::nullopt);
  EXPECT_EQ(closest_source({"x"}, k_sources), std::nullopt);
  EXPECT_EQ(closest_source({"docs/guide.md"}, {}), std::nullopt);
}

}  // namespace
}  // namespace strata::cli
