// `strata __complete-spec --json` (cli/interface_spec.h): the command tree the build writes the
// shell completions from (scripts/completions.py) and the man-page check reads
// (scripts/interface_text.py), and a command no user is shown.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_run.h"
#include "ingest/loaders.h"

namespace strata::cli {
namespace {

using testing::CliResult;
using testing::run_cli;

const nlohmann::json* find_named(const nlohmann::json& list, const std::string& key, const std::string& name) {
  for (const nlohmann::json& item : list) {
    if (item[key].is_array() ? std::find(item[key].begin(), item[key].end(), name) != item[key].end() : item[key] == name) {
      return &item;
    }
  }
  return nullptr;
}

TEST(CliInterfaceSpec, ListsEveryCommandWithItsOptionsDefaultsAndChoices) {
  const CliResult r = run_cli({"__complete-spec", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json spec = nlohmann::json::parse(r.out);
  EXPECT_EQ(spec["name"], "strata");
  EXPECT_EQ(find_named(spec["subcommands"], "name", "__complete-spec"), nullptr);

  const nlohmann::json* search = find_named(spec["subcommands"], "name", "search");
  ASSERT_NE(search, nullptr);
  const nlohmann::json* weight = find_named((*search)["options"], "names", "--vector-weight");
  ASSERT_NE(weight, nullptr);
  EXPECT_TRUE((*weight)["takes_value"]);
  EXPECT_NE((*weight)["default"].get<std::string>().find("0.03"), std::string::npos) << *weight;
  const nlohmann::json* mode = find_named((*search)["options"], "names", "--mode");
  ASSERT_NE(mode, nullptr);
  EXPECT_EQ((*mode)["choices"], nlohmann::json({"keyword", "vector", "hybrid"}));
  const nlohmann::json* json_flag = find_named((*search)["options"], "names", "--json");
  ASSERT_NE(json_flag, nullptr);
  EXPECT_FALSE((*json_flag)["takes_value"]);
  EXPECT_TRUE((*json_flag)["default"].is_null());
  ASSERT_EQ((*search)["positionals"].size(), 1u);
  EXPECT_EQ((*search)["positionals"][0]["name"], "QUERY");

  const nlohmann::json* migrate = find_named(spec["subcommands"], "name", "migrate");
  ASSERT_NE(migrate, nullptr);
  const nlohmann::json* check = find_named((*migrate)["subcommands"], "name", "check");
  ASSERT_NE(check, nullptr);
  EXPECT_EQ((*check)["path"], "strata migrate check");
  const nlohmann::json* write_baseline = find_named((*check)["options"], "names", "--write-baseline");
  ASSERT_NE(write_baseline, nullptr);
  EXPECT_TRUE((*write_baseline)["value_optional"]);
}

// The completions offer an option's values only when the tree lists them: every option whose
// value is a name from a fixed list says so (set_choices or a CLI11 check), the loaders' from
// the loader table itself.
TEST(CliInterfaceSpec, NamesTheValuesOfEveryOptionThatTakesAFixedList) {
  const CliResult r = run_cli({"__complete-spec", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json spec = nlohmann::json::parse(r.out);
  auto choices = [&](const std::string& command, const std::string& option) {
    const nlohmann::json* c = find_named(spec["subcommands"], "name", command);
    if (c == nullptr) return nlohmann::json("no command " + command);
    const nlohmann::json* o = find_named((*c)["options"], "names", option);
    return o == nullptr ? nlohmann::json("no option " + option) : (*o)["choices"];
  };
  nlohmann::json loaders = nlohmann::json::array();
  for (const std::string& name : ingest::loader_choices()) loaders.push_back(name);
  EXPECT_EQ(choices("ingest", "--loader"), loaders);
  EXPECT_EQ(choices("chunk", "--format"), nlohmann::json({"jsonl", "json", "text"}));
  EXPECT_EQ(choices("chunk", "--strategy"),
            nlohmann::json({"fixed", "recursive", "paragraph", "sentence", "markdown", "token"}));
  EXPECT_EQ(choices("ingest", "--strategy"),
            nlohmann::json({"auto", "fixed", "recursive", "paragraph", "sentence", "markdown", "token"}));
  EXPECT_EQ(choices("chunk", "--compat"), nlohmann::json({"langchain"}));
  EXPECT_EQ(choices("tokens", "--tokenizer"), nlohmann::json({"cl100k_base", "o200k_base"}));
  EXPECT_EQ(choices("embed", "--provider"), nlohmann::json({"local", "openai"}));
  EXPECT_EQ(choices("ask", "--provider"), nlohmann::json({"openai", "anthropic", "none"}));
  EXPECT_EQ(choices("chat", "--provider"), nlohmann::json({"openai", "anthropic", "none"}));
}

TEST(CliInterfaceSpec, IsHiddenFromHelpAndSuggestions) {
  const CliResult help = run_cli({"--help"});
  EXPECT_EQ(help.out.find("__complete"), std::string::npos) << help.out;
  const CliResult typo = run_cli({"__complete-spc"});
  EXPECT_NE(typo.code, 0);
  EXPECT_EQ(typo.err.find("did you mean"), std::string::npos) << typo.err;
}

}  // namespace
}  // namespace strata::cli
