// common/json_limits: the one bounded parse of JSON from outside (size and depth measured before
// nlohmann sees the text), and its messages.
#include "common/json_limits.h"

#include <gtest/gtest.h>

#include <string>


namespace strata {
namespace {

std::string nested(std::size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); }

TEST(JsonLimits, DepthIsCountedOutsideStringsOnly) {
  const JsonLimits limits{.max_depth = 3, .max_bytes = 1000};
  EXPECT_EQ(json_beyond_limits(nested(3), limits), std::nullopt);
  EXPECT_EQ(json_beyond_limits(nested(4), limits), "nested deeper than 3 levels");
  EXPECT_EQ(json_beyond_limits(R"([{"a":[1]}])", limits), std::nullopt);
  EXPECT_EQ(json_beyond_limits(R"([{"a":[[1]]}])", limits), "nested deeper than 3 levels");
  // Brackets in strings, escaped quotes and escaped backslashes do not fool the count.
  EXPECT_EQ(json_beyond_limits(R"(["[[[[{{{{", "\"[[[[", "\\", {"k\\":"]]]]"}])", limits), std::nullopt);
  EXPECT_EQ(json_beyond_limits(R"(["\\"] [[[[)", limits), "nested deeper than 3 levels");
  // Siblings do not add up.
  EXPECT_EQ(json_beyond_limits("[" + nested(2) + "," + nested(2) + "]", limits), std::nullopt);
}

TEST(JsonLimits, SizeIsMeasuredFirst) {
  EXPECT_EQ(json_beyond_limits(std::string(11, ' '), {.max_depth = 3, .max_bytes = 10}), "larger than 10 bytes");
  const ParsedJson p = parse_json_within("[" + std::string(20, ' ') + "]", {.max_depth = 3, .max_bytes = 10});
  EXPECT_EQ(p.problem, ParsedJson::Problem::too_large);
  EXPECT_TRUE(p.beyond_limits());
  EXPECT_TRUE(p.value.is_discarded());
}

// 200,000 levels (400 KB): refused before parsing, so that no copy, dump or comparison of the
// value can recurse through them.
TEST(JsonLimits, DeepNestingIsRefusedUnparsed) {
  const ParsedJson p = parse_json_within(nested(200000));
  EXPECT_EQ(p.problem, ParsedJson::Problem::too_deep);
  EXPECT_EQ(p.message, "nested deeper than 128 levels");
  EXPECT_TRUE(p.value.is_discarded());
  const ParsedJson at_limit = parse_json_within(nested(128));
  ASSERT_TRUE(at_limit.ok()) << at_limit.message;
  const nlohmann::json copy = at_limit.value;  // copies and dumps within the limit are safe
  EXPECT_EQ(copy.dump(), nested(128));
}

TEST(JsonLimits, InvalidJsonSaysWhereInOneLine) {
  ParsedJson p = parse_json_within(R"({"a": tru})");
  EXPECT_EQ(p.problem, ParsedJson::Problem::invalid);
  EXPECT_FALSE(p.beyond_limits());
  EXPECT_EQ(p.message.rfind("not valid JSON: column ", 0), 0U) << p.message;
  p = parse_json_within("[1e999]");  // out_of_range from nlohmann, not parse_error
  EXPECT_EQ(p.message, "not valid JSON: number overflow parsing '1e999'");
  p = parse_json_within("\"" + std::string(5000, 'x'));  // the quoted input is cut
  EXPECT_LT(p.message.size(), 400U);
}

}  // namespace
}  // namespace strata
