// net::HttpClient against a real server process (tests/servers/openai_server.py): status and
// headers, streaming, and each transport failure classified as the retry policy needs.
#include "net/http_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "../../servers/test_server.h"
#include "net/http_date.h"

namespace strata {
namespace {

using net::FailureKind;
using testing::TestServer;

net::Request embeddings_request(const TestServer& s, const std::string& body) {
  net::Request r;
  r.url = s.base_url() + "/embeddings";
  r.body = body;
  r.headers.push_back({"Content-Type", "application/json"});
  return r;
}

const std::string k_two_inputs = R"({"model":"m","input":["a","b"]})";

TEST(NetHttpClient, PostsAndReadsStatusBodyAndLowerCasedHeaders) {
  TestServer server;
  net::HttpClient client;
  const net::Response r = client.perform(embeddings_request(server, k_two_inputs));
  ASSERT_EQ(r.failure, FailureKind::none) << r.failure_message;
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"embedding\""), std::string::npos);
  EXPECT_EQ(r.header("Content-Type").value_or(""), "application/json");
  EXPECT_EQ(r.header("content-type").value_or(""), "application/json");
  EXPECT_FALSE(r.header("x-nothing").has_value());
}

TEST(NetHttpClient, AHeaderWithALineBreakIsNeverSent) {
  TestServer server;
  net::HttpClient client;
  net::Request r = embeddings_request(server, k_two_inputs);
  r.headers.push_back({"Authorization", "Bearer sk-abc\r\nX-Injected: 1"});
  const net::Response resp = client.perform(r);
  EXPECT_EQ(resp.failure, FailureKind::other);
  EXPECT_NE(resp.failure_message.find("Authorization header holds a control character"), std::string::npos)
      << resp.failure_message;
  EXPECT_EQ(resp.failure_message.find("sk-abc"), std::string::npos) << "the value is never repeated";
  EXPECT_TRUE(server.requests().empty()) << "the server received nothing";
}

TEST(NetHttpClient, ErrorStatusIsAResponseNotAFailure) {
  TestServer server;
  server.script(R"([{"status": 429, "headers": {"Retry-After": "7"}, "body": {"error": {"message": "slow down"}}}])");
  net::HttpClient client;
  const net::Response r = client.perform(embeddings_request(server, k_two_inputs));
  EXPECT_EQ(r.failure, FailureKind::none);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.header("retry-after").value_or(""), "7");
  EXPECT_NE(r.body.find("slow down"), std::string::npos);
}

TEST(NetHttpClient, StreamsA2xxBodyToTheCallback) {
  TestServer server;
  net::HttpClient client;
  net::Request req = embeddings_request(server, k_two_inputs);
  std::string streamed;
  int pieces = 0;
  req.on_body = [&](std::string_view piece) {
    streamed.append(piece);
    ++pieces;
    return true;
  };
  const net::Response r = client.perform(req);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.body.empty());
  EXPECT_GE(pieces, 1);
  EXPECT_NE(streamed.find("\"embedding\""), std::string::npos);
}

TEST(NetHttpClient, ErrorBodiesAreNotStreamed) {
  TestServer server;
  server.script(R"([{"status": 500, "body": "boom"}])");
  net::HttpClient client;
  net::Request req = embeddings_request(server, k_two_inputs);
  bool called = false;
  req.on_body = [&](std::string_view) {
    called = true;
    return true;
  };
  const net::Response r = client.perform(req);
  EXPECT_EQ(r.status, 500);
  EXPECT_FALSE(called);
  EXPECT_EQ(r.body, "boom");
}

TEST(NetHttpClient, CallbackReturningFalseAborts) {
  TestServer server;
  net::HttpClient client;
  net::Request req = embeddings_request(server, k_two_inputs);
  req.on_body = [](std::string_view) { return false; };
  EXPECT_EQ(client.perform(req).failure, FailureKind::aborted);
}

TEST(NetHttpClient, ARefusedConnectionIsItsOwnKind) {
  // A port that was just free: bind, read the port, close.
  int port = 0;
  {
    TestServer server;
    port = server.port();
  }
  net::HttpClient client;
  net::Request req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/v1/embeddings";
  req.body = k_two_inputs;
  const net::Response r = client.perform(req);
  EXPECT_EQ(r.failure, FailureKind::refused) << r.failure_message;
  EXPECT_STREQ(net::name_of(r.failure), "connection refused");
  EXPECT_TRUE(net::worth_retrying(r.failure)) << "retried, briefly (RetryPolicy::refused_retries)";
  EXPECT_EQ(r.status, 0);
  EXPECT_FALSE(r.failure_message.empty());
}

TEST(NetHttpClient, SlowServerTimesOut) {
  TestServer server;
  server.configure(R"({"latency_ms": 3000})");
  net::HttpClient client;
  net::Request req = embeddings_request(server, k_two_inputs);
  req.total_timeout = std::chrono::milliseconds(300);
  const auto t0 = std::chrono::steady_clock::now();
  const net::Response r = client.perform(req);
  EXPECT_EQ(r.failure, FailureKind::timeout) << r.failure_message;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
}

TEST(NetHttpClient, ConnectionResetIsReset) {
  TestServer server;
  // Two resets: libcurl itself retries once when a reused connection turns out dead, so a
  // single reset would be absorbed on a kept-alive connection; a fresh client has none.
  server.script(R"([{"fault": "reset"}, {"fault": "reset"}])");
  net::HttpClient client;
  const net::Response r = client.perform(embeddings_request(server, k_two_inputs));
  EXPECT_EQ(r.failure, FailureKind::reset) << net::name_of(r.failure) << ": " << r.failure_message;
}

TEST(NetHttpClient, ResponseOverTheCapIsTooLarge) {
  TestServer server;
  net::HttpClient client;
  net::Request req = embeddings_request(server, k_two_inputs);
  req.max_response_bytes = 16;
  EXPECT_EQ(client.perform(req).failure, FailureKind::too_large);
}

TEST(NetHttpClient, CancelFlagStopsARequestInFlight) {
  TestServer server;
  server.configure(R"({"latency_ms": 5000})");
  std::atomic<bool> cancel{false};
  net::HttpClient client;
  net::Request req = embeddings_request(server, k_two_inputs);
  req.cancel = &cancel;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel = true;
  });
  const auto t0 = std::chrono::steady_clock::now();
  const net::Response r = client.perform(req);
  stopper.join();
  EXPECT_EQ(r.failure, FailureKind::aborted);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(4));
}

TEST(NetHttpClient, SendsHeadersAsGivenAndReusesTheConnection) {
  TestServer server;
  net::ClientPool pool;
  for (int i = 0; i < 3; ++i) {
    auto client = pool.acquire();
    net::Request req = embeddings_request(server, k_two_inputs);
    req.headers.push_back({"Authorization", "Bearer sk-test-123"});
    EXPECT_TRUE(client->perform(req).ok());
  }
  const auto log = server.requests();
  ASSERT_EQ(log.size(), 3u);
  for (const auto& r : log) EXPECT_EQ(r["authorization"], "Bearer sk-test-123");
}

TEST(NetHttpClient, FailureMessagesNeverContainHeaderValues) {
  net::HttpClient client;
  net::Request req;
  req.url = "http://127.0.0.1:1/v1/embeddings";  // nothing listens on port 1
  req.headers.push_back({"Authorization", "Bearer sk-canary-never-shown"});
  const net::Response r = client.perform(req);
  EXPECT_NE(r.failure, FailureKind::none);
  EXPECT_EQ(r.failure_message.find("sk-canary"), std::string::npos);
}

TEST(NetHttpDate, ParsesTheThreeHttpDateForms) {
  const auto expected = std::chrono::system_clock::from_time_t(1445412480);  // 2015-10-21 07:28:00 UTC
  EXPECT_EQ(net::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT"), expected);
  EXPECT_EQ(net::parse_http_date("Wednesday, 21-Oct-15 07:28:00 GMT"), expected);
  EXPECT_EQ(net::parse_http_date("Wed Oct 21 07:28:00 2015"), expected);
  EXPECT_FALSE(net::parse_http_date("soon").has_value());
}

}  // namespace
}  // namespace strata
