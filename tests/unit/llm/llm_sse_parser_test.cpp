#include "llm/sse_parser.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "common/error.h"
#include "test_util.h"

namespace strata::llm {
namespace {

using strata::testing::error_of;
using Events = std::vector<SseEvent>;

}  // namespace

void PrintTo(const SseEvent& e, std::ostream* os) {
  *os << "{type " << ::testing::PrintToString(e.type) << ", data " << ::testing::PrintToString(e.data)
      << ", id " << ::testing::PrintToString(e.id) << "}";
}

namespace {

SseEvent ev(std::string data, std::string type = "message", std::string id = "") {
  return SseEvent{std::move(type), std::move(data), std::move(id)};
}

// Feeds `stream` cut at the given positions (ascending) and returns every event.
Events feed_split(std::string_view stream, const std::vector<std::size_t>& cuts) {
  SseParser parser;
  Events out;
  std::size_t from = 0;
  for (std::size_t cut : cuts) {
    parser.feed(stream.substr(from, cut - from), out);
    from = cut;
  }
  parser.feed(stream.substr(from), out);
  return out;
}

// A script that holds every case at once: comments, both `data:` spellings, all three line
// ends, multi-line data, event names, ids, retry, a BOM, UTF-8 text, [DONE].
const std::string kScript =
    "\xEF\xBB\xBF: keep-alive\r\n"
    "retry: 2500\n"
    "data: {\"a\":1}\n\n"
    "data:{\"b\":2}\r\r"
    "event: content_block_delta\r\n"
    "id: 7\r\n"
    "data: line one\r\n"
    "data: line two\n"
    "data:\n"
    ": another comment\n"
    "\r\n"
    "data: caf\xC3\xA9 \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x94\xA5\r"
    "\n"
    "\n"
    "event: ping\n"
    "\n"  // no data line: nothing dispatched
    "data: [DONE]\n\n";

const Events kScriptEvents = {
    ev("{\"a\":1}"),
    ev("{\"b\":2}"),
    ev("line one\nline two\n", "content_block_delta", "7"),
    ev("caf\xC3\xA9 \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x94\xA5", "message", "7"),
    ev("[DONE]", "message", "7"),
};

TEST(LlmSseParser, ParsesTheWholeScript) {
  SseParser parser;
  EXPECT_EQ(parser.feed(kScript), kScriptEvents);
  EXPECT_EQ(parser.retry_ms(), 2500u);
  EXPECT_EQ(parser.comments(), 2u);
  EXPECT_TRUE(parser.at_event_boundary());
  EXPECT_TRUE(kScriptEvents.back().is_done());
}

TEST(LlmSseParser, SameEventsFedByteByByte) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < kScript.size(); ++i) cuts.push_back(i);
  EXPECT_EQ(feed_split(kScript, cuts), kScriptEvents);
}

TEST(LlmSseParser, SameEventsWithEveryCutInTwo) {
  for (std::size_t i = 0; i <= kScript.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(feed_split(kScript, {i}), kScriptEvents);
  }
}

TEST(LlmSseParser, SameEventsWithRandomSplits) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 2000; ++trial) {
    std::vector<std::size_t> cuts;
    std::uniform_int_distribution<std::size_t> pos(0, kScript.size());
    const std::size_t n = std::uniform_int_distribution<std::size_t>(0, 20)(rng);
    for (std::size_t i = 0; i < n; ++i) cuts.push_back(pos(rng));
    std::sort(cuts.begin(), cuts.end());
    ASSERT_EQ(feed_split(kScript, cuts), kScriptEvents) << trial;
  }
}

TEST(LlmSseParser, CrAtTheEndOfOneReadAndLfAtTheStartOfTheNextIsOneLineEnd) {
  SseParser parser;
  EXPECT_TRUE(parser.feed("data: a\r").empty());
  EXPECT_FALSE(parser.at_event_boundary());  // data pending
  // If the LF were a second line end, the event would be dispatched here.
  EXPECT_TRUE(parser.feed("\n").empty());
  EXPECT_EQ(parser.feed("\r\n"), (Events{ev("a")}));
  // An empty read in between changes nothing.
  EXPECT_TRUE(parser.feed("data: b\r").empty());
  EXPECT_TRUE(parser.feed("").empty());
  EXPECT_TRUE(parser.feed("\n").empty());
  EXPECT_EQ(parser.feed("\n"), (Events{ev("b")}));
}

TEST(LlmSseParser, TwoCrsAreTwoLineEnds) {
  SseParser parser;
  EXPECT_EQ(parser.feed("data: a\r\r"), (Events{ev("a")}));
}

TEST(LlmSseParser, FieldSpellings) {
  SseParser parser;
  // Only one space is removed; a bare field name has an empty value; unknown fields are ignored.
  EXPECT_EQ(parser.feed("data:  two spaces\nfoo: bar\ndata\n\n"), (Events{ev(" two spaces\n")}));
  EXPECT_EQ(parser.feed("data: a:b: c\n\n"), (Events{ev("a:b: c")}));
  EXPECT_EQ(parser.feed("data\n\n"), (Events{ev("")}));  // one empty data line: an empty event
  EXPECT_EQ(parser.feed("event:\ndata: x\n\n"), (Events{ev("x")}));  // empty name: "message"
  EXPECT_EQ(parser.feed("DATA: x\n\n"), (Events{}));  // field names are case-sensitive
}

TEST(LlmSseParser, IdPersistsAndNulIdIsIgnored) {
  SseParser parser;
  EXPECT_EQ(parser.feed("id: 1\ndata: a\n\ndata: b\n\n"), (Events{ev("a", "message", "1"), ev("b", "message", "1")}));
  EXPECT_EQ(parser.feed(std::string("id: 2\0x\ndata: c\n\n", 17)), (Events{ev("c", "message", "1")}));
  EXPECT_EQ(parser.feed("id\ndata: d\n\n"), (Events{ev("d")}));  // an empty id resets it
}

TEST(LlmSseParser, RetryTakesDigitsOnly) {
  SseParser parser;
  parser.feed("retry: 10x\nretry: -5\nretry:\n");
  EXPECT_FALSE(parser.retry_ms().has_value());
  parser.feed("retry:300\n");
  EXPECT_EQ(parser.retry_ms(), 300u);
  parser.feed("retry: 99999999999999999999999\n");  // out of range: ignored
  EXPECT_EQ(parser.retry_ms(), 300u);
}

TEST(LlmSseParser, EventTypeResetsAfterDispatch) {
  SseParser parser;
  EXPECT_EQ(parser.feed("event: a\ndata: 1\n\ndata: 2\n\n"), (Events{ev("1", "a"), ev("2")}));
}

TEST(LlmSseParser, BomOnlyAtTheStartOfTheStream) {
  SseParser parser;
  EXPECT_EQ(parser.feed("\xEF\xBB"), (Events{}));
  EXPECT_EQ(parser.feed("\xBF" "data: a\n\n"), (Events{ev("a")}));
  // Later, a BOM is part of the line: "\uFEFFdata" is an unknown field.
  EXPECT_EQ(parser.feed("\xEF\xBB\xBF" "data: b\n\n"), (Events{}));
}

TEST(LlmSseParser, InvalidUtf8BecomesReplacementCharacters) {
  SseParser parser;
  EXPECT_EQ(parser.feed("data: a\xFF" "b\xE2\x82\n\n"), (Events{ev("a\xEF\xBF\xBD" "b\xEF\xBF\xBD")}));
}

TEST(LlmSseParser, UnterminatedEventIsNotDispatched) {
  SseParser parser;
  EXPECT_TRUE(parser.feed("data: {\"partial\"").empty());
  EXPECT_FALSE(parser.at_event_boundary());
  SseParser other;
  EXPECT_TRUE(other.feed("data: complete line\n").empty());
  EXPECT_FALSE(other.at_event_boundary());  // the blank line never came
  EXPECT_TRUE(SseParser().at_event_boundary());
}

TEST(LlmSseParser, RunawayLineIsAnError) {
  SseParser parser(SseLimits{1024, 1 << 20});
  EXPECT_NO_THROW(parser.feed("data: " + std::string(1018, 'x') + "\n"));  // exactly 1024
  const Error e = error_of([&] {
    for (int i = 0; i < 100; ++i) parser.feed(std::string(100, 'y'));  // no line end, ever
  });
  EXPECT_EQ(e.code(), ExitCode::unavailable);
  EXPECT_NE(std::string(e.what()).find("1024 bytes"), std::string::npos) << e.what();
}

TEST(LlmSseParser, DefaultLineLimitIsOneMebibyte) {
  SseParser parser;
  EXPECT_NO_THROW(parser.feed(std::string(1 << 20, 'x')));
  const Error e = error_of([&] { parser.feed("x"); });
  EXPECT_NE(std::string(e.what()).find("1 MiB"), std::string::npos) << e.what();
}

TEST(LlmSseParser, RunawayEventIsAnError) {
  SseParser parser(SseLimits{1024, 4096});
  const Error e = error_of([&] {
    for (int i = 0; i < 100; ++i) parser.feed("data: " + std::string(100, 'z') + "\n");
  });
  EXPECT_EQ(e.code(), ExitCode::unavailable);
}

TEST(LlmSseParser, ManyEventsInOneRead) {
  std::string stream;
  for (int i = 0; i < 1000; ++i) stream += "data: " + std::to_string(i) + "\n\n";
  SseParser parser;
  const Events events = parser.feed(stream);
  ASSERT_EQ(events.size(), 1000u);
  EXPECT_EQ(events[999].data, "999");
}

}  // namespace
}  // namespace strata::llm
