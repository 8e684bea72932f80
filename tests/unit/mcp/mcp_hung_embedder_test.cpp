// An embedding server that hangs (tests/servers/openai_server.py holding a request for minutes):
// a search's deadline turns it into a keyword search that says why, a cancel flag stops it within
// a second, and `strata mcp`'s serve() answers ping meanwhile, drops a cancelled call without a
// reply and returns promptly at end of input. Regression tests for a server that answered nothing,
// not even ping, for six minutes while one search waited for its embedder.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <atomic>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "../../servers/test_server.h"
#include "common/error.h"
#include "mcp/server.h"
#include "net/endpoint_trust.h"
#include "search/searcher.h"
#include "store/embedding_store.h"
#include "store/store.h"
#include "serve_pipes.h"
#include "test_util.h"

namespace strata {
namespace {

using nlohmann::json;
using testing::error_of;
using testing::TempDir;
using testing::TestServer;
using testing::Clock;
using testing::Pipes;
using testing::request;
using testing::seconds_since;

// A store of one collection whose vectors came from `server` (so its queries go there).
class McpHungEmbedderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = tmp_ / "store.db";
    store::Store::open(path_);
    SQLite::Database(path_, SQLite::OPEN_READWRITE)
        .exec("INSERT INTO collections (name) VALUES ('default');"
              "INSERT INTO documents (collection_id, source, content_hash, size_bytes, loader, chunk_count) "
              "VALUES (1, 'a.md', 'h', 1, 'text', 2);"
              "INSERT INTO chunks (document_id, ordinal, text, start_byte, end_byte, line_start, line_end) VALUES "
              "(1, 0, 'rolling back a migration', 0, 1, 1, 1), (1, 1, 'baking bread at home', 0, 1, 2, 2)");
    store::Store st = store::Store::open(path_);
    store::EmbeddingStore es(st);
    const store::EmbeddingModel m{"openai", "test-embed", 2, net::server_of(server_.base_url())};
    es.store_vectors(m, std::vector<store::VectorRow>{{{1, 2}, std::string(8, '\0'), "", false}}, std::int64_t{1});
    server_.script(R"([{"fault": "slow", "ms": 600000}])");  // the next query embedding hangs
  }

  search::SearchRequest hybrid() const {
    search::SearchRequest r;
    r.query = "rolling back";
    r.mode = search::Mode::hybrid;
    return r;
  }

  TestServer server_;
  TempDir tmp_;
  std::string path_;
};

TEST_F(McpHungEmbedderTest, TheEmbeddingDeadlineMakesAKeywordSearchThatSaysWhy) {
  store::Store st = store::Store::open(path_);
  search::Searcher searcher(st);
  search::SearchRequest r = hybrid();
  r.keyword_when_query_fails = true;
  r.embed.timeout = std::chrono::milliseconds(1000);
  r.embed_deadline = std::chrono::milliseconds(1500);
  const auto t0 = Clock::now();
  const search::SearchResult result = searcher.search(r);
  EXPECT_LT(seconds_since(t0), 4.0) << "one attempt, no retry that could not end within the deadline";
  EXPECT_EQ(result.mode, search::Mode::keyword);
  ASSERT_FALSE(result.hits.empty());
  EXPECT_EQ(result.hits.front().chunk.chunk_id, 1);
  EXPECT_NE(result.query_not_embedded.find("timed out"), std::string::npos) << result.query_not_embedded;
  EXPECT_EQ(server_.requests().size(), 1u);
}

TEST_F(McpHungEmbedderTest, ACancelledSearchStopsWithinASecondAndDoesNotFallBack) {
  store::Store st = store::Store::open(path_);
  search::Searcher searcher(st);
  std::atomic<bool> cancel{false};
  search::SearchRequest r = hybrid();
  r.keyword_when_query_fails = true;
  r.cancel = &cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel = true;
  });
  const auto t0 = Clock::now();
  const Error e = error_of([&] { searcher.search(r); });
  canceller.join();
  EXPECT_LT(seconds_since(t0), 2.5);
  EXPECT_STREQ(e.what(), "the search was cancelled");
}

json search_call(int id, const std::string& mode) {
  return request(id, "tools/call", {{"name", "search"}, {"arguments", {{"query", "rolling back"}, {"mode", mode}}}});
}

// Why a search fell back to keywords names settings as core mentions them: an agent reads them
// in its own words (the setting's name), in the text and in structuredContent, no marker bytes.
TEST_F(McpHungEmbedderTest, WhyTheQueryWasNotEmbeddedIsInTheAgentsWords) {
  server_.reset();  // no hang (SetUp's) but a vector of the wrong size: 9 values for a collection of 2
  server_.script(R"([{"fault": "wrong_dims"}])");
  mcp::ServerOptions o;
  o.store_path = path_;
  o.version = "test";
  o.search.embed.max_retries = 0;
  o.search.embed.timeout = std::chrono::milliseconds(5000);
  mcp::Server server(std::move(o));
  ASSERT_TRUE(server.handle_line(request(1, "initialize", {{"protocolVersion", "2025-03-26"}}).dump()));
  const json r = json::parse(*server.handle_line(search_call(2, "hybrid").dump()))["result"];
  ASSERT_EQ(r["structuredContent"]["mode"], "keyword") << r.dump();
  const std::string why = r["structuredContent"]["query_not_embedded"];
  EXPECT_NE(why.find("check model and dimensions"), std::string::npos) << why;
  EXPECT_EQ(why.find_first_of("\x0e\x0f"), std::string::npos) << why;
  const std::string text = r["content"][0]["text"];
  EXPECT_NE(text.find(why), std::string::npos) << text;
}

TEST_F(McpHungEmbedderTest, ServeAnswersPingMeanwhileDropsACancelledCallAndAnswersAtEndOfInput) {
  mcp::ServerOptions o;
  o.store_path = path_;
  o.version = "test";
  o.search.embed.timeout = std::chrono::milliseconds(2500);  // the hung call 1 is cancelled well before
  o.search.embed.max_retries = 0;  // one attempt, as the 15 s timeout within the 20 s deadline gives
  o.breaker_cooldown = std::chrono::milliseconds(0);  // every search reaches the embedding server
  mcp::Server server(std::move(o));
  Pipes p;
  testing::Serving serving(server, p);

  p.send(search_call(1, "hybrid"));
  const auto asked = Clock::now() + std::chrono::seconds(5);
  while (server_.requests().empty() && Clock::now() < asked) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(server_.requests().size(), 1u) << "the hybrid search is waiting for the embedding server";

  auto t0 = Clock::now();
  p.send(request(2, "ping"));
  json r = p.reply(std::chrono::milliseconds(2000));
  EXPECT_EQ(r["id"], 2);
  EXPECT_LT(seconds_since(t0), 0.1) << "ping waits for nothing";

  p.send(search_call(3, "keyword"));
  r = p.reply(std::chrono::milliseconds(2000));
  EXPECT_EQ(r["id"], 3);
  EXPECT_EQ(r["result"]["structuredContent"]["mode"], "keyword");
  EXPECT_FALSE(r["result"]["structuredContent"]["hits"].empty());

  // The cancelled call is never answered, and the embedding lane is free again at once: the next
  // hybrid search is answered (a keyword search, the server's 8-dimension vector not fitting the
  // collection's 2) in well under the request's timeout.
  p.send({{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", 1}}}});
  p.send({{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", 42}}}});
  t0 = Clock::now();
  p.send(search_call(4, "hybrid"));
  r = p.reply(std::chrono::milliseconds(5000));
  EXPECT_EQ(r["id"], 4) << r.dump();
  EXPECT_LT(seconds_since(t0), 3.0);

  // End of input with a call hung: it is answered when its request times out (a keyword search
  // that says why), and serve() returns after that reply.
  server_.script(R"([{"fault": "slow", "ms": 600000}])");
  p.send(search_call(5, "hybrid"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  t0 = Clock::now();
  p.close_input();
  r = p.reply(std::chrono::milliseconds(8000));
  EXPECT_EQ(r["id"], 5) << r.dump();
  EXPECT_EQ(r["result"]["structuredContent"]["mode"], "keyword") << r.dump();
  EXPECT_NE(r.dump().find("timed out"), std::string::npos) << r.dump();
  EXPECT_TRUE(serving.ended_within(std::chrono::seconds(5)));
  EXPECT_LT(seconds_since(t0), 5.0);
  serving.join();
  EXPECT_TRUE(p.reply(std::chrono::milliseconds(100)).is_null()) << "nothing more: not the cancelled 1";
}

// Five searches sent together while the embedding server hangs: they queue on one lane, and
// each used to wait the whole request timeout (15 s in strata mcp: the fourth and fifth passed
// the 60 s a client waits). The first failure is remembered: the four behind it are keyword
// searches at once, saying why, and none reaches the server; after the cool-down it is tried again.
TEST_F(McpHungEmbedderTest, AFailedEmbeddingServerIsNotWaitedOnAgainWithinTheCoolDown) {
  server_.script(R"([{"fault": "slow", "ms": 600000}, {"fault": "slow", "ms": 600000}, {"fault": "slow", "ms": 600000},
                     {"fault": "slow", "ms": 600000}, {"fault": "slow", "ms": 600000}, {"fault": "slow", "ms": 600000}])");
  mcp::ServerOptions o;
  o.store_path = path_;
  o.version = "test";
  o.search.embed.timeout = std::chrono::milliseconds(1000);
  o.search.embed.max_retries = 0;  // one attempt, as the 15 s timeout within the 20 s deadline gives
  o.breaker_cooldown = std::chrono::milliseconds(2500);
  mcp::Server server(std::move(o));
  Pipes p;
  testing::Serving serving(server, p);
  const auto t0 = Clock::now();
  for (int id = 1; id <= 5; ++id) p.send(search_call(id, "hybrid"));
  std::map<int, std::string> notes;
  Clock::time_point failed_by = t0;  // when the first search's failure was answered
  for (int i = 0; i < 5; ++i) {
    const json r = p.reply(std::chrono::milliseconds(8000));
    if (r.is_object() && r["id"] == 1) failed_by = Clock::now();
    ASSERT_TRUE(r.is_object()) << "reply " << i + 1 << " of 5 missing after " << seconds_since(t0) << " s";
    EXPECT_EQ(r["result"]["structuredContent"]["mode"], "keyword") << r.dump();
    EXPECT_FALSE(r["result"]["structuredContent"]["hits"].empty());
    notes[r["id"].get<int>()] = r["result"]["structuredContent"]["query_not_embedded"].get<std::string>();
  }
  EXPECT_LT(seconds_since(t0), 3.5) << "one request timeout (1 s), not five";
  EXPECT_EQ(server_.requests().size(), 1u) << "only the first search reached the hung server";
  EXPECT_NE(notes[1].find("timed out"), std::string::npos) << notes[1];
  for (int id = 2; id <= 5; ++id) {
    EXPECT_TRUE(notes[id].starts_with("not tried: the embedding server of collection 'default' failed 1 s ago (") ||
                notes[id].starts_with("not tried: the embedding server of collection 'default' failed 0 s ago ("))
        << notes[id];
    EXPECT_NE(notes[id].find("it is tried again 2500 ms after a failure"), std::string::npos) << notes[id];
  }
  // Past the cool-down the server is tried again.
  std::this_thread::sleep_until(failed_by + std::chrono::milliseconds(2700));
  p.send(search_call(6, "hybrid"));
  const json r = p.reply(std::chrono::milliseconds(5000));
  EXPECT_EQ(r["id"], 6);
  EXPECT_EQ(server_.requests().size(), 2u) << "tried again after the cool-down";
  p.close_input();
  EXPECT_TRUE(serving.ended_within(std::chrono::seconds(5)));
  serving.join();
}

}  // namespace
}  // namespace strata
