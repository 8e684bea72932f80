// Crawls over HTTP are bounded: one caller runs per_caller at once (429 past it), the server
// at_once (503 past it), each refusal with Retry-After, and a turn comes back when its holder
// (the stream, or a response never streamed) is gone.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "serve/crawl_runs.h"

namespace strata::serve {
namespace {

TEST(ServeCrawlRuns, OneCrawlPerCallerAndABoundOnTheServer) {
  CrawlRuns runs(CrawlBounds{.at_once = 2, .per_caller = 1});
  http::Response refusal;
  std::shared_ptr<CrawlRuns::Turn> alice = runs.try_enter("key alice", refusal);
  ASSERT_NE(alice, nullptr);

  EXPECT_EQ(runs.try_enter("key alice", refusal), nullptr);
  EXPECT_EQ(refusal.status, 429);
  EXPECT_NE(refusal.body.find("crawl running"), std::string::npos) << refusal.body;
  ASSERT_NE(refusal.header("Retry-After"), nullptr);

  std::shared_ptr<CrawlRuns::Turn> bob = runs.try_enter("key bob", refusal);
  ASSERT_NE(bob, nullptr);
  EXPECT_EQ(runs.running(), 2u);

  refusal = {};
  EXPECT_EQ(runs.try_enter("key carol", refusal), nullptr);
  EXPECT_EQ(refusal.status, 503);
  EXPECT_NE(refusal.body.find("2 crawls"), std::string::npos) << refusal.body;
  ASSERT_NE(refusal.header("Retry-After"), nullptr);

  alice.reset();  // the stream ended (or the response was dropped unsent)
  EXPECT_EQ(runs.running(), 1u);
  EXPECT_NE(runs.try_enter("key carol", refusal), nullptr);  // its turn back at once, and gone again
  EXPECT_NE(runs.try_enter("key alice", refusal), nullptr);
  EXPECT_EQ(runs.running(), 1u);
}

TEST(ServeCrawlRuns, WithoutKeysEveryCallerIsOne) {
  CrawlRuns runs;
  http::Response refusal;
  const auto first = runs.try_enter("", refusal);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(runs.try_enter("", refusal), nullptr);
  EXPECT_EQ(refusal.status, 429);
}

TEST(ServeCrawlRuns, ARefusedCrawlIsAnsweredBeforeAnythingIsFetched) {
  CrawlRuns runs(CrawlBounds{.at_once = 1, .per_caller = 1});
  http::Response refusal;
  const auto held = runs.try_enter("", refusal);
  ASSERT_NE(held, nullptr);
  CrawlJob job;
  job.request.url = "http://127.0.0.1:9/docs/";
  job.request.collection = "web";
  job.request.crawl = web::CrawlOptions{};
  const http::Response r = crawl_response(job, runs);
  EXPECT_EQ(r.status, 429);
  EXPECT_FALSE(r.stream);
  EXPECT_EQ(runs.running(), 1u);
}

TEST(ServeCrawlRuns, AnAcceptedCrawlIsStreamedAndItsTurnHeldUntilTheResponseGoes) {
  CrawlRuns runs(CrawlBounds{.at_once = 1, .per_caller = 1});
  CrawlJob job;
  job.request.url = "http://127.0.0.1:9/docs/";
  job.request.collection = "web";
  job.request.crawl = web::CrawlOptions{};
  {
    const http::Response r = crawl_response(job, runs);
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.stream);
    ASSERT_NE(r.header("Content-Type"), nullptr);
    EXPECT_EQ(*r.header("Content-Type"), "application/json");
    EXPECT_EQ(runs.running(), 1u);
  }
  EXPECT_EQ(runs.running(), 0u);  // never streamed (a HEAD, the server's streams full): given back
}

// A client: what it was sent, and whether it is still there.
struct Client final : http::ChunkWriter {
  std::vector<std::string> chunks;
  std::atomic<bool> gone{false};
  bool refuse_writes = false;  // a write fails (the peer reset), though no close was seen
  bool write(std::string_view chunk) override {
    if (gone || refuse_writes) return false;
    chunks.emplace_back(chunk);
    return true;
  }
  bool cancelled() const override { return gone; }
};

using Clock = std::chrono::steady_clock;

// A crawl that runs until it is stopped (or `cap` passes), saying how long it ran and when it ended.
CrawlJob endless_job(std::chrono::milliseconds& ran, std::chrono::milliseconds cap = std::chrono::seconds(10),
                     Clock::time_point* ended = nullptr) {
  CrawlJob job;
  job.request.url = "http://127.0.0.1:9/docs/";
  job.request.collection = "web";
  job.request.crawl = web::CrawlOptions{};
  job.run = [&ran, cap, ended](const std::function<bool()>& stop) {
    const auto start = Clock::now();
    while (!stop() && Clock::now() - start < cap) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ran = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    if (ended != nullptr) *ended = Clock::now();
    return nlohmann::json{{"new", 0}, {"stopped", stop()}};
  };
  return job;
}

TEST(ServeCrawlStream, ACallerWhoLeavesCancelsTheCrawlAtOnce) {
  CrawlRuns runs;
  std::chrono::milliseconds ran{0};
  Clock::time_point ended;
  const http::Response r = crawl_response(endless_job(ran, std::chrono::seconds(10), &ended), runs);
  ASSERT_TRUE(r.stream);
  Client client;
  Clock::time_point left;
  std::thread leave([&client, &left] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    left = Clock::now();
    client.gone = true;
  });
  const auto start = Clock::now();
  r.stream(client);
  leave.join();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
  // Stopped by the caller's leaving, not before it (the crawl's thread may start a little after the
  // caller's clock does, so its own running time is no measure of that).
  EXPECT_GE(ended, left);
  EXPECT_LT(ran.count(), 1000);  // noticed within the watch's 100 ms, not at the cap
}

TEST(ServeCrawlStream, HeartbeatsUntilTheResultAndAFailedOneCancels) {
  CrawlRuns runs(CrawlBounds{.heartbeat = std::chrono::milliseconds(100)});
  std::chrono::milliseconds ran{0};
  {
    const http::Response r = crawl_response(endless_job(ran, std::chrono::milliseconds(450)), runs);
    Client client;
    r.stream(client);
    ASSERT_GE(client.chunks.size(), 4u);  // newlines, then the result
    for (std::size_t i = 0; i + 1 < client.chunks.size(); ++i) EXPECT_EQ(client.chunks[i], "\n");
    std::string body;
    for (const std::string& c : client.chunks) body += c;
    const nlohmann::json result = nlohmann::json::parse(body);  // one JSON value, whitespace first
    EXPECT_EQ(result["new"], 0);
    EXPECT_EQ(result["stopped"], false);
  }  // its turn given back

  // A heartbeat that cannot be written is a client gone, whether or not a close was seen.
  const http::Response again = crawl_response(endless_job(ran), runs);
  ASSERT_TRUE(again.stream);
  Client reset;
  reset.refuse_writes = true;
  again.stream(reset);
  EXPECT_LT(ran.count(), 1000);
}

TEST(ServeCrawlStream, TheServersTimeBoundCancelsTheCrawl) {
  CrawlRuns runs(CrawlBounds{.time_bound = std::chrono::milliseconds(200), .grace = std::chrono::milliseconds(100)});
  std::chrono::milliseconds ran{0};
  CrawlJob job = endless_job(ran);
  const http::Response r = crawl_response(job, runs);
  Client client;
  r.stream(client);
  EXPECT_GE(ran.count(), 300);
  EXPECT_LT(ran.count(), 1000);
  EXPECT_EQ(nlohmann::json::parse(client.chunks.back())["stopped"], true);
  EXPECT_EQ(runs.running(), 1u);  // r still holds the turn: the response lives
}

}  // namespace
}  // namespace strata::serve
