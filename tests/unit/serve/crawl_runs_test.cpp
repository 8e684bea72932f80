// Crawls over HTTP are bounded: one caller runs per_caller at once (429 past it), the server
// at_once (503 past it), each refusal with Retry-After, and a turn comes back when its holder
// (the stream, or a response never streamed) is gone.
#include <gtest/gtest.h>

#include <memory>
#include <string>

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

}  // namespace
}  // namespace strata::serve
