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

// `n` letters in which no unit of 8 bytes or fewer repeats (a step of 7 through 26 letters).
std::string varied(int n, int seed) {
  std::string out;
  for (int j = 0; j < n; ++j) out += static_cast<char>('a' + (j * 7 + seed) % 26);
  return out;
}

// A model pads one value so that the argument that matters scrolls out of sight: every
// argument is a line of its own, padding is counted (nothing lost, a few bytes shown), and the
// path comes last, right above the question, whatever its key sorts as.
TEST(ShowArguments, APaddedValueDoesNotHideTheNextArgument) {
  const std::string padded = "{\"content\": \"" + std::string(10000, ' ') + "echo pwned\", \"path\": \"/home/u/.bashrc\"}";
  const ArgumentsShown shown = show_arguments(padded);
  ASSERT_TRUE(shown.refused.empty()) << shown.refused;
  EXPECT_EQ(shown.lines, (Lines{"content = \"«\" \" × 10,000»echo pwned\"", "path = \"/home/u/.bashrc\""}));
  EXPECT_EQ(shown.places, 1U);
  // Newlines too, and a key that sorts first: the place still comes last.
  const ArgumentsShown newlines =
      show_arguments(json_object({{"destination", "~/.ssh/authorized_keys"}, {"text", std::string(10000, '\n') + "ssh-ed25519 AAAA"}}));
  ASSERT_TRUE(newlines.refused.empty()) << newlines.refused;
  EXPECT_EQ(newlines.lines, (Lines{"text = \"«\"\\n\" × 10,000»ssh-ed25519 AAAA\"", "destination = \"~/.ssh/authorized_keys\""}));
  std::size_t bytes = 0;
  for (const std::string& line : newlines.lines) bytes += line.size();
  EXPECT_LT(bytes, 100U) << "the whole question fits a screen";
}

// Padding inside the path itself: counted, never cut, so its "../.." stays in sight.
TEST(ShowArguments, APathIsShownWholeHoweverItIsPadded) {
  const std::string path = "/tmp/notes/" + std::string(3000, 'x') + "/../../../home/u/.bashrc";
  const ArgumentsShown shown = show_arguments(json_object({{"content", "hi"}, {"path", path}}));
  ASSERT_TRUE(shown.refused.empty()) << shown.refused;
  EXPECT_EQ(shown.lines, (Lines{"content = \"hi\"", "path = \"/tmp/notes/«\"x\" × 3,000»/../../../home/u/.bashrc\""}));
  // 10,000 newlines or spaces before it, under any key: it looks like a path, so it is one.
  EXPECT_EQ(show_arguments(json_object({{"x", std::string(10000, ' ') + "/etc/passwd"}})).lines,
            (Lines{"x = \"«\" \" × 10,000»/etc/passwd\""}));
  EXPECT_EQ(show_arguments(json_object({{"path", std::string(10000, '\n') + "/etc/passwd"}})).lines,
            (Lines{"path = \"«\"\\n\" × 10,000»/etc/passwd\""}));
  // A repeated unit, not only a character.
  EXPECT_EQ(show_arguments(json_object({{"file", "/srv/a" + [] {
                                                    std::string up;
                                                    for (int i = 0; i < 500; ++i) up += "/..";
                                                    return up;
                                                  }() + "/etc/shadow"}})).lines,
            (Lines{"file = \"/srv/a«\"/..\" × 500»/etc/shadow\""}));
  // What padding cannot be counted away is refused, never cut.
  std::string noise;
  for (int i = 0; i < 400; ++i) noise += "d" + std::to_string(i) + "/../";
  const ArgumentsShown refused = show_arguments(json_object({{"path", "/tmp/" + noise + "home/u/.bashrc"}}));
  EXPECT_EQ(refused.refused,
            "the argument path names a path or an address and takes more than 1,024 bytes to show (repeats counted), "
            "and such a value is never cut");
  EXPECT_TRUE(refused.lines.empty());
}

// Any other long value is cut in the middle, saying how many of its bytes are not shown.
TEST(ShowArguments, ContentIsCutInTheMiddleSayingHowMuch) {
  std::string content;
  for (int i = 0; content.size() < 10000; ++i) content += "echo " + std::to_string(i) + "\n";
  const ArgumentsShown shown = show_arguments(json_object({{"content", content}}));
  ASSERT_EQ(shown.lines.size(), 1U);
  const std::string& line = shown.lines[0];
  EXPECT_TRUE(line.starts_with("content = \"echo 0\\necho 1\\n")) << line;
  EXPECT_TRUE(line.ends_with("\\n\"")) << line;
  EXPECT_LE(line.size(), 200U) << line;
  const std::size_t open = line.find("«"), close = line.find("»");
  ASSERT_NE(open, std::string::npos);
  const std::string marker = line.substr(open, close + 2 - open);
  EXPECT_TRUE(marker.ends_with(" bytes cut»")) << marker;
  // The bytes shown and the bytes said cut add up to the value.
  std::size_t cut = 0;
  for (const char c : marker) {
    if (c >= '0' && c <= '9') cut = cut * 10 + static_cast<std::size_t>(c - '0');
  }
  const std::string before = line.substr(11, open - 11), after = line.substr(close + 2, line.size() - close - 3);
  const auto own = [](const std::string& escaped) {  // each "\n" is one byte of the value
    std::size_t n = 0;
    for (std::size_t i = 0; i < escaped.size(); ++i, ++n) i += escaped[i] == '\\';
    return n;
  };
  EXPECT_EQ(own(before) + cut + own(after), content.size()) << line;
}

// A value cannot forge a marker, and what a terminal would act on shows escaped.
TEST(ShowArguments, MarkersCannotBeForgedAndControlsShowEscaped) {
  EXPECT_EQ(show_arguments(json_object({{"note", "«\" \" × 3» fine"}})).lines, (Lines{"note = \"\\u00ab\\\" \\\" × 3\\u00bb fine\""}));
  EXPECT_EQ(show_arguments(json_object({{"t", "a\u202Eb\u0085c\x7f"}})).lines, (Lines{"t = \"a\\u202eb\\u0085c\\u007f\""}));
  EXPECT_EQ(count_runs("ab"), "ab");
  EXPECT_EQ(count_runs(std::string(15, 'a')), std::string(15, 'a')) << "short runs are shown as they are";
  EXPECT_EQ(count_runs(std::string(16, 'a')), "«\"a\" × 16»");
  EXPECT_EQ(count_runs("é é é é é é é é é "), "«\"é \" × 9»");
}

// Lines of other values may add up to more than a screen; the places never scroll away, and a
// call whose lines are more than 8192 bytes in all is refused.
TEST(ShowArguments, ManyValuesKeepThePlaceLastAndAreBounded) {
  nlohmann::json call = {{"path", "/home/u/.bashrc"}};
  for (int i = 0; i < 30; ++i) call["a" + std::to_string(i)] = std::string(150, static_cast<char>('a' + i % 26)) + "x";
  const ArgumentsShown shown = show_arguments(call.dump());
  ASSERT_TRUE(shown.refused.empty()) << shown.refused;
  ASSERT_EQ(shown.lines.size(), 31U);
  EXPECT_EQ(shown.lines.back(), "path = \"/home/u/.bashrc\"");
  nlohmann::json big;
  for (int i = 0; i < 39; ++i) big[std::string(195, 'k') + std::to_string(i)] = varied(150, i);
  EXPECT_EQ(show_arguments(big.dump()).refused, "the arguments take more than 8,192 bytes to show");
}

TEST(ShowArguments, NestedKeysAreShownByTheirPathAndControlsAsEscapes) {
  const ArgumentsShown shown =
      show_arguments(R"({"a": {"b": [1, {"path": "/x"}]}, "text": "line\nstrata: applied\u001b[2J", "e": {}, "": null})");
  ASSERT_TRUE(shown.refused.empty()) << shown.refused;
  EXPECT_EQ(shown.lines, (Lines{"\"\" = null", "a.b[0] = 1", "e = {}", "text = \"line\\nstrata: applied\\u001b[2J\"",
                                "a.b[1].path = \"/x\""}));
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
  // Several places, each within its bound, that together would not fit above the question.
  nlohmann::json places;
  for (int i = 0; i < 3; ++i) places["path" + std::to_string(i)] = "/" + varied(600, i);
  EXPECT_EQ(show_arguments(places.dump()).refused,
            "the paths and addresses take more than 1,536 bytes to show, and such a value is never cut");
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
