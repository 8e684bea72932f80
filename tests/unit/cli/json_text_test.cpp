// --json output that cannot fail on names that are not UTF-8 (cli/json_text.h).
#include "json_text.h"

#include <gtest/gtest.h>

#include <random>

namespace strata::cli {
namespace {

using nlohmann::json;

TEST(JsonText, ValidTextIsWrittenExactlyAsDumpWritesIt) {
  const json j = {{"source", "docs/caf\xc3\xa9 \"q\" \\ \x1b]0;t\x07.md"},
                  {"n", 3},
                  {"x", 0.25},
                  {"list", {1, "two", nullptr, true, json::object()}},
                  {"nested", {{"b", "\t\n\r\b\f"}, {"a", json::array()}}}};
  EXPECT_EQ(json_text(j), j.dump());
  std::mt19937 rng(7);
  for (int round = 0; round < 500; ++round) {
    std::string s;
    for (int i = 0; i < 20; ++i) s += static_cast<char>(rng() % 0x80);  // ASCII, controls included
    s += "\xe2\x82\xac\xf0\x9f\x98\x80";
    const json k = {{"s", s}};
    ASSERT_EQ(json_text(k), k.dump()) << round;
  }
}

// Found by issue 19's attacks: a file name with a Latin-1 byte made `documents list --json` and
// `tokens --json` end in "internal error [json.exception...]".
TEST(JsonText, BytesThatAreNotUtf8AreEscapedOneByOneAndNothingIsLost) {
  const json j = {{"source", std::string("d/caf\xe9.md")}};
  EXPECT_THROW((void)j.dump(), json::type_error) << "what the commands used to call";
  EXPECT_EQ(json_text(j), R"({"source":"d/caf\udce9.md"})");
  // A valid character after a bad byte stays itself; a truncated sequence is escaped byte by byte.
  EXPECT_EQ(json_text(json(std::string("\xff\xc3\xa9\xe2\x82"))), "\"\\udcff\xc3\xa9\\udce2\\udc82\"");
  EXPECT_EQ(json_text(json(std::string("a\"\x80\n"))), "\"a\\\"\\udc80\\n\"");
  // Keys too.
  json k = json::object();
  k[std::string("k\xfe")] = 1;
  EXPECT_EQ(json_text(k), "{\"k\\udcfe\":1}");
}

}  // namespace
}  // namespace strata::cli
