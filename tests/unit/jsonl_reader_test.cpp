// JsonlReader on its own: lines that nlohmann::json rejects in ways other than a parse error.
#include "ingest/jsonl_reader.h"

#include <gtest/gtest.h>

#include <sstream>
#include <variant>

namespace strata::ingest {
namespace {

// fuzz/regressions/jsonl_reader/number_overflow: a number beyond a double's range made
// nlohmann::json throw out_of_range, which escaped the reader and ended the whole ingest.
TEST(JsonlReader, NumberOverflowIsABadLineAndReadingGoesOn) {
  std::istringstream in(
      "{\"id\": \"a\", \"text\": \"x\", \"metadata\": {\"n\": 1e999}}\n"
      "{\"id\": \"b\", \"text\": \"y\"}\n");
  JsonlReader reader(in);
  const auto first = reader.next();
  ASSERT_TRUE(first.has_value());
  const auto* e = std::get_if<JsonlError>(&*first);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->line, 1u);
  EXPECT_EQ(e->message, "not valid JSON: number overflow parsing '1e999'");
  const auto second = reader.next();
  ASSERT_TRUE(second.has_value());
  const auto* r = std::get_if<JsonlRecord>(&*second);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->id, "b");
  EXPECT_FALSE(reader.next().has_value());
}

// Metadata nested 100,000 levels deep overflowed the stack when serialised (SIGSEGV).
TEST(JsonlReader, NestingDeeperThan64LevelsIsABadLineAndReadingGoesOn) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  std::string at_limit = std::string(63, '[') + "1" + std::string(63, ']');  // 64 with the record
  std::istringstream in("{\"id\": \"a\", \"text\": \"x\", \"metadata\": {\"n\": " + deep + "}}\n" +
                        "{\"id\": \"b\", \"text\": \"[[[{{{ not nesting inside a string\", \"metadata\": {\"n\": " +
                        at_limit.substr(1, at_limit.size() - 2) + "}}\n");
  JsonlReader reader(in);
  const auto first = reader.next();
  ASSERT_TRUE(first.has_value());
  const auto* e = std::get_if<JsonlError>(&*first);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->line, 1u);
  EXPECT_EQ(e->message, "nested deeper than 64 levels");
  const auto second = reader.next();
  ASSERT_TRUE(second.has_value());
  const auto* r = std::get_if<JsonlRecord>(&*second);
  ASSERT_NE(r, nullptr) << std::get<JsonlError>(*second).message;
  EXPECT_EQ(r->id, "b");
  EXPECT_FALSE(reader.next().has_value());
}

}  // namespace
}  // namespace strata::ingest
