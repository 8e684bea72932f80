#include "serve/answer_streams.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace strata::serve {
namespace {

using namespace std::chrono_literals;

struct SseClient final : http::ChunkWriter {
  std::string body;
  std::atomic<bool> gone{false};
  std::atomic<bool> server_stopping{false};
  bool stopping() const override { return server_stopping; }
  bool write(std::string_view chunk) override {
    if (gone) return false;
    body += chunk;
    return true;
  }
  bool cancelled() const override { return gone; }
};

TEST(AnswerStreams, EventsAreFramedWithIdsAndReadAfterAnId) {
  AnswerLog log("ci", 1 << 20);
  log.append("sources", R"({"sources":[]})");
  log.append("token", R"({"content":"a"})");
  log.append("token", R"({"content":"b"})");
  EXPECT_EQ(sse_frame({2, "token", R"({"content":"a"})"}), "id: 2\nevent: token\ndata: {\"content\":\"a\"}\n\n");
  AnswerLog::Read r = log.read_after(1, 0ms);
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].id, 2u);
  EXPECT_EQ(r.events[1].id, 3u);
  EXPECT_FALSE(r.ended);
  EXPECT_FALSE(r.lost);
  log.finish(std::chrono::steady_clock::now());
  r = log.read_after(3, 0ms);
  EXPECT_TRUE(r.events.empty());
  EXPECT_TRUE(r.ended);
}

TEST(AnswerStreams, ALogKeepsItsLastBytesAndAResumeFromBeforeThemIsLost) {
  AnswerLog log("", 40);
  for (int i = 0; i < 10; ++i) log.append("token", R"({"content":"x"})");  // 20 bytes each
  AnswerLog::Read r = log.read_after(0, 0ms);
  EXPECT_TRUE(r.lost);
  r = log.read_after(8, 0ms);  // the last two are kept
  EXPECT_FALSE(r.lost);
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].id, 9u);
}

TEST(AnswerStreams, AnAnswerIsItsCallersAndBoundsRefuse) {
  AnswerStreams streams(AnswerStreamBounds{.running = 2, .per_caller = 1, .kept = 3, .keep_for = 50ms});
  http::Response refused;
  auto a = streams.open("alice", refused);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->id.size(), 32u);
  EXPECT_EQ(streams.find(a->id, "alice"), a->log);
  EXPECT_EQ(streams.find(a->id, "bob"), nullptr);  // another caller's: as unknown
  EXPECT_EQ(streams.find("0123", "alice"), nullptr);
  EXPECT_FALSE(streams.open("alice", refused));  // per caller
  EXPECT_EQ(refused.status, 429);
  auto b = streams.open("bob", refused);
  ASSERT_TRUE(b);
  EXPECT_FALSE(streams.open("carol", refused));  // on the server
  EXPECT_EQ(refused.status, 503);
  ASSERT_NE(refused.header("Retry-After"), nullptr);
  EXPECT_EQ(streams.running(), 2u);
  a->running.reset();  // alice's answer was written
  a->log->finish(std::chrono::steady_clock::now());
  EXPECT_EQ(streams.running(), 1u);
  EXPECT_EQ(streams.find(a->id, "alice"), a->log);  // kept for a while after it ends
  std::this_thread::sleep_for(80ms);
  EXPECT_EQ(streams.find(a->id, "alice"), nullptr);  // then forgotten
  EXPECT_EQ(streams.find(b->id, "bob"), b->log);     // one still being written stays
}

TEST(AnswerStreams, FollowWritesTheRestThenEndsAndHeartbeatsWhileIdle) {
  AnswerLog log("", 1 << 20);
  log.append("sources", "{}");
  std::thread writer([&log] {
    std::this_thread::sleep_for(250ms);
    log.append("token", R"({"content":"late"})");
    log.append("done", "{}");
    log.finish(std::chrono::steady_clock::now());
  });
  SseClient client;
  EXPECT_TRUE(follow(log, 1, client, 100ms));
  writer.join();
  EXPECT_EQ(client.body.find("id: 1\n"), std::string::npos);  // after Last-Event-ID 1
  EXPECT_NE(client.body.find(": keep-alive\n\n"), std::string::npos);
  EXPECT_NE(client.body.find("id: 2\nevent: token\ndata: {\"content\":\"late\"}\n\n"), std::string::npos);
  EXPECT_TRUE(client.body.ends_with("id: 3\nevent: done\ndata: {}\n\n"));
}

// The answer goes on when its client leaves: a resume gets the rest, the done event included.
TEST(AnswerStreams, AnAnswerWhoseClientLeftGoesOnForAResume) {
  AnswerStreams streams;
  AskJob job;
  job.run = [](ask::AskObserver& observer, const std::atomic<bool>& cancel) {
    for (const char* piece : {"one ", "two ", "three ", "four"}) {
      observer.text(piece);
      std::this_thread::sleep_for(50ms);
    }
    ask::AskResult result;
    result.answer = cancel ? "cancelled" : "one two three four";
    return result;
  };
  const http::Response r = ask_response(std::move(job), streams);
  ASSERT_EQ(r.status, 200);
  ASSERT_TRUE(r.stream);
  ASSERT_NE(r.header("X-Strata-Answer"), nullptr);
  const std::string id = *r.header("X-Strata-Answer");
  SseClient first;
  std::thread leave([&first] {
    std::this_thread::sleep_for(70ms);
    first.gone = true;
  });
  r.stream(first);  // returns once the answer is written, though its client left
  leave.join();
  EXPECT_NE(first.body.find("id: 1\nevent: token"), std::string::npos) << first.body;
  EXPECT_EQ(first.body.find("event: done"), std::string::npos);
  const http::Response again = ask_events_response(id, Caller{}, 1, nullptr, streams);
  ASSERT_EQ(again.status, 200);
  SseClient second;
  again.stream(second);
  EXPECT_EQ(second.body.find("id: 1\n"), std::string::npos);
  EXPECT_NE(second.body.find("id: 2\nevent: token\ndata: {\"content\":\"two \"}"), std::string::npos) << second.body;
  EXPECT_NE(second.body.find("\"answer\":\"one two three four\""), std::string::npos);  // not cancelled
  EXPECT_EQ(ask_events_response("unknown", Caller{}, 0, nullptr, streams).status, 404);
  EXPECT_EQ(streams.running(), 0u);
}

// A server shutting down cancels an answer whose client left, instead of waiting for its end.
TEST(AnswerStreams, AServerShuttingDownCancelsAnAnswerWhoseClientLeft) {
  AnswerStreams streams;
  AskJob job;
  job.run = [](ask::AskObserver& observer, const std::atomic<bool>& cancel) {
    ask::AskResult result;
    for (int i = 0; i < 200 && !cancel; ++i) {  // 10 s unless cancelled
      observer.text("piece ");
      std::this_thread::sleep_for(50ms);
    }
    result.answer = cancel ? "cancelled" : "whole";
    return result;
  };
  const http::Response r = ask_response(std::move(job), streams);
  SseClient client;
  std::thread stop([&client] {
    std::this_thread::sleep_for(120ms);
    client.gone = true;
    client.server_stopping = true;
  });
  const auto start = std::chrono::steady_clock::now();
  r.stream(client);
  stop.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  const http::Response again = ask_events_response(*r.header("X-Strata-Answer"), Caller{}, 0, nullptr, streams);
  SseClient resumed;
  again.stream(resumed);
  EXPECT_NE(resumed.body.find("\"answer\":\"cancelled\""), std::string::npos) << resumed.body;
}

// A response dropped unsent (a HEAD, the server's streams full): its answer never starts, its
// place is given back and a resume is told so instead of waiting for ever.
TEST(AnswerStreams, AnAnswerDroppedUnsentEndsWithAnError) {
  AnswerStreams streams;
  std::string id;
  {
    AskJob job;
    job.run = [](ask::AskObserver&, const std::atomic<bool>&) { return ask::AskResult{}; };
    const http::Response r = ask_response(std::move(job), streams);
    id = *r.header("X-Strata-Answer");
    EXPECT_EQ(streams.running(), 1u);
  }
  EXPECT_EQ(streams.running(), 0u);
  const http::Response again = ask_events_response(id, Caller{}, 0, nullptr, streams);
  ASSERT_EQ(again.status, 200);
  SseClient client;
  again.stream(client);
  EXPECT_NE(client.body.find("event: error\ndata: {\"detail\":\"the answer was not started\",\"status\":503}"), std::string::npos)
      << client.body;
}

}  // namespace
}  // namespace strata::serve
