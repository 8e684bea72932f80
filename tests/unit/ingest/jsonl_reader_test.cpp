// JsonlReader on its own: lines that nlohmann::json rejects in ways other than a parse error.
#include "ingest/jsonl_reader.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <variant>

namespace strata::ingest {
namespace {

// Reads `input`: its first line must be refused with `message`, and reading must go on to a
// second line holding the record `next_id`, then end.
void expect_bad_line_then_record(const std::string& input, const std::string& message, const std::string& next_id) {
  std::istringstream in(input);
  JsonlReader reader(in);
  const auto first = reader.next();
  ASSERT_TRUE(first.has_value());
  const auto* e = std::get_if<JsonlError>(&*first);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->line, 1u);
  EXPECT_EQ(e->message, message);
  const auto second = reader.next();
  ASSERT_TRUE(second.has_value());
  const auto* r = std::get_if<JsonlRecord>(&*second);
  ASSERT_NE(r, nullptr) << std::get<JsonlError>(*second).message;
  EXPECT_EQ(r->id, next_id);
  EXPECT_FALSE(reader.next().has_value());
}

// fuzz/regressions/jsonl_reader/number_overflow: a number beyond a double's range made
// nlohmann::json throw out_of_range, which escaped the reader and ended the whole ingest.
TEST(JsonlReader, NumberOverflowIsABadLineAndReadingGoesOn) {
  expect_bad_line_then_record(
      "{\"id\": \"a\", \"text\": \"x\", \"metadata\": {\"n\": 1e999}}\n"
      "{\"id\": \"b\", \"text\": \"y\"}\n",
      "not valid JSON: number overflow parsing '1e999'", "b");
}

// Metadata nested 100,000 levels deep overflowed the stack when serialised (SIGSEGV).
TEST(JsonlReader, NestingDeeperThan64LevelsIsABadLineAndReadingGoesOn) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  // 62 arrays inside the record and its metadata: 64 levels, the most allowed.
  const std::string at_limit = std::string(62, '[') + "1" + std::string(62, ']');
  expect_bad_line_then_record("{\"id\": \"a\", \"text\": \"x\", \"metadata\": {\"n\": " + deep + "}}\n" +
                                  "{\"id\": \"b\", \"text\": \"[[[{{{ not nesting inside a string\", \"metadata\": {\"n\": " +
                                  at_limit + "}}\n",
                              "nested deeper than 64 levels", "b");
}

}  // namespace
}  // namespace strata::ingest
