// The JSON string writer (cli/json_text.h) gives exactly what nlohmann::json would.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "json_text.h"

namespace strata::cli {
namespace {

std::string as_json(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

TEST(JsonEscape, Basics) {
  EXPECT_EQ(as_json(""), "\"\"");
  EXPECT_EQ(as_json("plain"), "\"plain\"");
  EXPECT_EQ(as_json("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(as_json("\n\t\r\b\f"), "\"\\n\\t\\r\\b\\f\"");
  EXPECT_EQ(as_json(std::string("\0\x01\x1f\x7f", 4)), "\"\\u0000\\u0001\\u001f\x7f\"");
  EXPECT_EQ(as_json("caf\xC3\xA9 \xF0\x9F\x98\x80"), "\"caf\xC3\xA9 \xF0\x9F\x98\x80\"");
  std::string appended = "x";
  append_json_string(appended, "y");
  EXPECT_EQ(appended, "x\"y\"");
}

TEST(JsonEscape, SameAsNlohmannOnRandomText) {
  std::mt19937 rng(7);
  const std::vector<std::string> atoms = {"a", "Z", " ", "\n", "\t", "\"", "\\", "/", std::string(1, '\0'),
                                          "\x01", "\x1b", "\x7f", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                                          "\xE2\x80\xA8"};
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    const int n = static_cast<int>(rng() % 30);
    for (int k = 0; k < n; ++k) s += atoms[rng() % atoms.size()];
    ASSERT_EQ(as_json(s), nlohmann::json(s).dump());
    ASSERT_EQ(nlohmann::json::parse(as_json(s)).get<std::string>(), s);
  }
}

}  // namespace
}  // namespace strata::cli
