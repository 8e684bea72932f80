// What the user is shown before a tool call that asks first, and which calls ask first
// (ask/tool_confirm.h, ask/mcp_tools.h).
#include "ask/tool_confirm.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "mcp/ask_remote_tools.h"
#include "mcp/client.h"

namespace strata::ask {
namespace {

using Lines = std::vector<std::string>;

std::string json_object(std::initializer_list<std::pair<const std::string, std::string>> members) {
  nlohmann::json o = nlohmann::json::object();
  for (const auto& [k, v] : members) o[k] = v;
  return o.dump();
}

// A model pads one value so that a preview of the first 300 bytes ends before the path: every
// argument is a line of its own, the padded one cut in the middle with its size.
TEST(ShowArguments, APaddedValueDoesNotHideTheNextArgument) {
  const std::string padded = "{\"content\": \"" + std::string(10000, ' ') + "echo pwned\", \"path\": \"/home/u/.bashrc\"}";
  const ArgumentsShown shown = show_arguments(padded);
  ASSERT_TRUE(shown.refused.empty()) << shown.refused;
  ASSERT_EQ(shown.lines.size(), 2U);
  EXPECT_EQ(shown.lines[1], "path = \"/home/u/.bashrc\"");
  EXPECT_TRUE(shown.lines[0].starts_with("content = \"    ")) << shown.lines[0];
  EXPECT_TRUE(shown.lines[0].ends_with("echo pwned\" (10,012 bytes)")) << shown.lines[0];
  EXPECT_LT(shown.lines[0].size(), 200U);
}

// A path padded past the old 160-byte cut hid its "../.." in the cut middle: the path a write
// tool writes is shown whole, however the content next to it is padded.
TEST(ShowArguments, APathIsShownWholeWhateverItsLength) {
  const std::string path = "/tmp/notes/" + std::string(300, 'x') + "/../../../home/u/.bashrc";
  const std::string call = json_object({{"content", std::string(20000, ' ') + "echo pwned"}, {"path", path}});
  const ArgumentsShown shown = show_arguments(call);
  ASSERT_TRUE(shown.refused.empty()) << shown.refused;
  ASSERT_EQ(shown.lines.size(), 2U);
  EXPECT_EQ(shown.lines[1], "path = \"" + path + "\"");
  EXPECT_TRUE(shown.lines[0].ends_with("echo pwned\" (20,012 bytes)")) << shown.lines[0];
  EXPECT_LT(shown.lines[0].size(), 200U);
  // The longest path Linux takes, escapes and all, is still whole; one byte more is content.
  const std::string longest(k_max_whole_value_bytes, 'p');
  EXPECT_EQ(show_arguments(json_object({{"path", longest}})).lines[0], "path = \"" + longest + "\"");
  EXPECT_NE(show_arguments(json_object({{"path", longest + "p"}})).lines[0].find(" … "), std::string::npos);
  const std::string escaped = "/tmp/" + std::string(300, '\n') + "/../../home/u/.bashrc";
  const std::string shown_escaped = show_arguments(json_object({{"path", escaped}})).lines[0];
  EXPECT_EQ(shown_escaped.find(" … "), std::string::npos) << shown_escaped;
  EXPECT_TRUE(shown_escaped.ends_with("/../../home/u/.bashrc\""));
}

// Values shown whole may not add up to more than a screenful or two: padding with several long
// values could otherwise scroll the path far out of sight. Such a call is refused, not cut.
TEST(ShowArguments, WholeValuesPastTheBudgetAreRefused) {
  const std::string pad(3000, 'a');
  const ArgumentsShown shown = show_arguments(json_object({{"path", "/home/u/.bashrc"}, {"a", pad}, {"b", pad}, {"c", pad}}));
  EXPECT_EQ(shown.refused, "the arguments take more than 8192 bytes to show, and a value that could name a path is never cut");
  EXPECT_TRUE(shown.lines.empty());
  EXPECT_TRUE(show_arguments(json_object({{"path", "/home/u/.bashrc"}, {"a", pad}, {"b", pad}})).refused.empty());
}

TEST(ShowArguments, NestedKeysAreShownByTheirPathAndControlsAsEscapes) {
  const ArgumentsShown shown =
      show_arguments(R"({"a": {"b": [1, {"path": "/x"}]}, "text": "line\nstrata: applied\u001b[2J\u202e", "e": {}, "": null})");
  ASSERT_TRUE(shown.refused.empty()) << shown.refused;
  EXPECT_EQ(shown.lines, (Lines{"\"\" = null", "a.b[0] = 1", "a.b[1].path = \"/x\"", "e = {}",
                                "text = \"line\\nstrata: applied\\u001b[2J\""}));
}

TEST(ShowArguments, AKeyThatLooksLikeOtherLinesIsQuoted) {
  const ArgumentsShown shown = show_arguments(R"({"x\n  path = \"/safe\"": 1})");
  ASSERT_EQ(shown.lines.size(), 1U);
  EXPECT_EQ(shown.lines[0], R"("x\n  path = \"/safe\"" = 1)");
}

TEST(ShowArguments, WhatCannotBeShownWholeIsRefused) {
  std::string many = "{";
  for (int i = 0; i <= static_cast<int>(k_max_argument_lines); ++i) many += (i ? ", \"k" : "\"k") + std::to_string(i) + "\": 1";
  many += "}";
  EXPECT_EQ(show_arguments(many).refused, "more than 40 arguments to show");
  EXPECT_TRUE(show_arguments(many).lines.empty());
  EXPECT_EQ(show_arguments("{\"" + std::string(300, 'k') + "\": 1}").refused, "an argument's name is longer than 200 bytes");
  EXPECT_EQ(show_arguments("[1]").refused, "the arguments are not a JSON object");
  EXPECT_EQ(show_arguments("{\"a\": ").refused, "the arguments are not valid JSON");
  EXPECT_TRUE(show_arguments("").refused.empty());
  EXPECT_TRUE(show_arguments("").lines.empty());
}

// readOnlyHint is the server's word: alone it lets nothing run unasked; the user's confirm for
// that server does.
TEST(McpAgentTools, ReadOnlyHintAloneNeverSkipsConfirmation) {
  config::McpServerConfig server;
  server.name = "fake";
  server.command = {"python3", std::string(STRATA_SOURCE_DIR) + "/tests/fixtures/mcp_fake_server.py", "normal"};
  server.where = "test";
  mcp::ClientOptions quick;
  quick.start_timeout = std::chrono::seconds(10);
  mcp::ClientSet set;
  set.clients.push_back(mcp::Client::start(server, quick));
  const auto asks = [&](config::McpConfirm confirm, const std::string& name) {
    config::McpServers configured;
    server.confirm = confirm;
    configured.servers.push_back(server);
    for (const AgentTool& t : mcp::remote_agent_tools(set, configured)) {
      if (t.spec.name == name) return t.asks_first;
    }
    ADD_FAILURE() << "no tool " << name;
    return false;
  };
  // echo has readOnlyHint: true, write_note has none that is true.
  EXPECT_TRUE(asks(config::McpConfirm::always, "fake__echo"));
  EXPECT_TRUE(asks(config::McpConfirm::always, "fake__write_note"));
  EXPECT_FALSE(asks(config::McpConfirm::writes, "fake__echo"));
  EXPECT_TRUE(asks(config::McpConfirm::writes, "fake__write_note"));
  EXPECT_FALSE(asks(config::McpConfirm::never, "fake__write_note"));
  // A server the user's file does not list (it cannot happen today) asks first.
  EXPECT_TRUE(mcp::remote_agent_tools(set, config::McpServers{}).front().asks_first);
}

}  // namespace
}  // namespace strata::ask
