// core/http's server against raw sockets on 127.0.0.1: the limits (body 413, header 431), the
// slow-loris header timeout, a full worker queue answered 503 with Retry-After, streamed chunks,
// keep-alive, header values a handler sets that could end a line, and a graceful stop that
// lets the request in flight finish.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <gtest/gtest.h>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"
#include "http/server.h"
#include "test_latch.h"

namespace strata::http {
namespace {

using namespace std::chrono_literals;

// A connected client socket, closed when it goes.
class Client {
 public:
  explicit Client(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    timeval tv{10, 0};  // a bound on a test that would hang, not a measurement
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }
  // Whether read_all() ended because the server closed (not because the receive timed out).
  bool ended() const { return ended_; }
  void send(const std::string& data) { ASSERT_EQ(::send(fd_, data.data(), data.size(), MSG_NOSIGNAL), static_cast<ssize_t>(data.size())); }
  // Everything until the server closes the connection.
  std::string read_all() {
    std::string out;
    char buffer[4096];
    while (true) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n == 0) ended_ = true;
      if (n <= 0) break;
      out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
  }
  // Until `marker` has been read (or the connection ends).
  std::string read_until(const std::string& marker) {
    std::string out;
    char c = 0;
    while (out.find(marker) == std::string::npos && ::recv(fd_, &c, 1, 0) == 1) out += c;
    return out;
  }

 private:
  int fd_;
  bool connected_ = false;
  bool ended_ = false;
};

struct Fixture {
  Metrics metrics;
  std::unique_ptr<Server> server;
  std::vector<AccessRecord> log;
  std::mutex log_mutex;

  explicit Fixture(Router router, ServerOptions o = {}) {
    o.port = 0;
    o.access_log = [this](const AccessRecord& r) {
      const std::lock_guard lock(log_mutex);
      log.push_back(r);
    };
    server = std::make_unique<Server>(std::move(router), std::move(o), metrics);
    server->start();
  }
  ~Fixture() {
    server->stop();
    server->wait();
  }
  std::uint16_t port() const { return server->port(); }
};

Router echo_routes() {
  Router r;
  r.add({Method::get, "/healthz", [](const Request&, Context&) { return Response::json(200, R"({"status":"ok"})"); }, Blocking::no});
  r.add({Method::post, "/echo", [](const Request& q, Context&) { return Response::text(200, q.body); }});
  r.add({Method::get, "/bad-header", [](const Request&, Context&) {
           Response x = Response::json(200, "{}");
           x.headers.emplace_back("X-Evil", "a\r\nSet-Cookie: stolen=1");
           return x;
         }});
  r.add({Method::get, "/stream", [](const Request&, Context&) {
           Response x;
           x.set_header("Content-Type", "text/event-stream");
           x.stream = [](ChunkWriter& w) {
             w.write("data: one\n\n");
             w.write("data: two\n\n");
           };
           return x;
         }});
  return r;
}

TEST(HttpServer, AnswersKeepsAliveAndLogsTheRoutePattern) {
  Fixture f(echo_routes());
  Client c(f.port());
  ASSERT_TRUE(c.connected());
  c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string first = c.read_until("{\"status\":\"ok\"}");
  EXPECT_EQ(first.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << first;
  c.send("POST /echo?secret=query HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
  const std::string second = c.read_all();
  EXPECT_EQ(second.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << second;
  EXPECT_NE(second.find("\r\n\r\nhello"), std::string::npos);
  const std::lock_guard lock(f.log_mutex);
  ASSERT_EQ(f.log.size(), 2U);
  EXPECT_EQ(f.log[1].route, "/echo");
  EXPECT_EQ(f.log[1].method, "POST");
  EXPECT_EQ(f.log[1].status, 200);
}

TEST(HttpServer, UnknownPathIs404AndWrongMethod405WithAllow) {
  Fixture f(echo_routes());
  Client a(f.port());
  a.send("GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string not_found = a.read_all();
  EXPECT_EQ(not_found.rfind("HTTP/1.1 404 ", 0), 0U) << not_found;
  EXPECT_NE(not_found.find(R"({"detail":"Not Found"})"), std::string::npos);
  Client b(f.port());
  b.send("DELETE /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string wrong = b.read_all();
  EXPECT_EQ(wrong.rfind("HTTP/1.1 405 ", 0), 0U) << wrong;
  EXPECT_NE(wrong.find("Allow: GET, HEAD\r\n"), std::string::npos);
}

TEST(HttpServer, ABodyOverTheLimitIs413BeforeItIsRead) {
  ServerOptions o;
  o.limits.max_body_bytes = 10;
  Fixture f(echo_routes(), o);
  Client c(f.port());
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n");
  const std::string r = c.read_all();
  EXPECT_EQ(r.rfind("HTTP/1.1 413 ", 0), 0U) << r;
  EXPECT_NE(r.find(R"({"detail":"the request body is too large"})"), std::string::npos);
  // A chunked body has no length to check first: it is cut where it passes the limit.
  Client d(f.port());
  d.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n");
  const std::string chunked = d.read_all();
  EXPECT_EQ(chunked.rfind("HTTP/1.1 413 ", 0), 0U) << chunked;
}

// The answers the server gives itself take the router's shape for the request's path: 404, 405
// and 413 (read from Content-Length, before the route is known) alike.
TEST(HttpServer, TheServersOwnErrorsTakeTheRoutersShapeForThePath) {
  Router router = echo_routes();
  router.set_error_shape([](int status, std::string_view message, std::string_view path) {
    return path.starts_with("/api/") ? "{\"error\":" + std::to_string(status) + ",\"said\":\"" + std::string(message) + "\"}"
                                     : detail_json(message);
  });
  ServerOptions o;
  o.limits.max_body_bytes = 10;
  Fixture f(std::move(router), o);
  const auto ask = [&f](const std::string& request) {
    Client c(f.port());
    c.send(request);
    return c.read_all();
  };
  const std::string not_found = ask("GET /api/nope?x=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(not_found.rfind("HTTP/1.1 404 ", 0), 0U) << not_found;
  EXPECT_NE(not_found.find(R"({"error":404,"said":"Not Found"})"), std::string::npos) << not_found;
  const std::string too_large = ask("POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n");
  EXPECT_EQ(too_large.rfind("HTTP/1.1 413 ", 0), 0U) << too_large;
  EXPECT_NE(too_large.find(R"({"error":413,"said":"the request body is too large"})"), std::string::npos) << too_large;
  const std::string elsewhere = ask("GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(elsewhere.find(R"({"detail":"Not Found"})"), std::string::npos) << elsewhere;
  const std::string wrong = ask("DELETE /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(wrong.rfind("HTTP/1.1 405 ", 0), 0U) << wrong;
  EXPECT_NE(wrong.find(R"({"detail":"Method Not Allowed"})"), std::string::npos) << wrong;
}

TEST(HttpServer, AHeaderOverTheLimitIs431) {
  ServerOptions o;
  o.limits.max_header_bytes = 1024;
  Fixture f(echo_routes(), o);
  Client c(f.port());
  c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n");
  const std::string r = c.read_all();
  EXPECT_EQ(r.rfind("HTTP/1.1 431 ", 0), 0U) << r;
}

TEST(HttpServer, ASlowLorisIsClosedAfterTheHeaderTimeoutWithoutAnAnswer) {
  ServerOptions o;
  o.limits.header_timeout = 300ms;
  Fixture f(echo_routes(), o);
  Client c(f.port());
  c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n");  // never ends its header
  EXPECT_EQ(c.read_all(), "");                             // closed, nothing written
  // The server still answers others.
  Client d(f.port());
  d.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(d.read_all().rfind("HTTP/1.1 200 OK", 0), 0U);
}

TEST(HttpServer, AnIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout) {
  ServerOptions o;
  o.limits.idle_timeout = 300ms;
  Fixture f(echo_routes(), o);
  Client c(f.port());
  c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string r = c.read_all();  // the answer, then the close when idle
  EXPECT_EQ(r.rfind("HTTP/1.1 200 OK", 0), 0U) << r;
  EXPECT_NE(r.find(R"({"status":"ok"})"), std::string::npos);
}

TEST(HttpServer, AHeaderValueThatCouldEndALineBecomesA500) {
  Fixture f(echo_routes());
  Client c(f.port());
  c.send("GET /bad-header HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string r = c.read_all();
  EXPECT_EQ(r.rfind("HTTP/1.1 500 ", 0), 0U) << r;
  EXPECT_EQ(r.find("Set-Cookie"), std::string::npos);
}

TEST(HttpServer, AStreamIsWrittenAsChunks) {
  Fixture f(echo_routes());
  Client c(f.port());
  c.send("GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string r = c.read_all();
  EXPECT_EQ(r.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << r;
  EXPECT_NE(r.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << r;
  EXPECT_NE(r.find("b\r\ndata: one\n\n\r\nb\r\ndata: two\n\n\r\n0\r\n\r\n"), std::string::npos) << r;
  EXPECT_EQ(f.metrics.streams_open(), 0);
}

// Regression: the stream's watch for a closed client (a wait for the socket to be readable) took
// the readiness of the next request on a kept-alive connection, which was read only when the
// client gave up (a browser's next fetch after a streamed answer hung). A stream now ends its
// connection, saying so, and the next request goes on a new one.
TEST(HttpServer, AStreamEndsItsConnectionAndTheNextRequestIsAnswered) {
  Fixture f(echo_routes());
  {
    Client c(f.port());
    ASSERT_TRUE(c.connected());
    c.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
    const std::string streamed = c.read_all();  // the server closes it
    EXPECT_NE(streamed.find("Connection: close\r\n"), std::string::npos) << streamed;
    EXPECT_NE(streamed.find("data: two\n\n\r\n0\r\n\r\n"), std::string::npos) << streamed;
  }
  Client next(f.port());
  next.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string answer = next.read_all();
  EXPECT_EQ(answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << answer;
}

// A handler that waits until the test lets it go.
using Gate = testing::Latch;

TEST(HttpServer, AFullWorkerQueueIs503WithRetryAfter) {
  Gate gate;
  Router r;
  r.add({Method::get, "/slow", [&gate](const Request&, Context&) {
           gate.wait();
           return Response::json(200, "{}");
         }});
  ServerOptions o;
  o.workers = 1;
  o.queue = 1;
  Fixture f(std::move(r), o);
  Client running(f.port());
  running.send("GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  gate.wait_entered(1);
  Client queued(f.port());
  queued.send("GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  Client third(f.port());
  third.send("GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  // One of the two waits in the queue and the other is refused: which one depends on which
  // the server read first. Wait (bounded) until the refusal is recorded, then let them go.
  for (int i = 0; i < 1000 && f.metrics.text().find("status=\"503\"") == std::string::npos; ++i) std::this_thread::sleep_for(10ms);
  gate.release();
  const std::string a = queued.read_all();
  const std::string b = third.read_all();
  EXPECT_EQ(running.read_all().rfind("HTTP/1.1 200 OK", 0), 0U);
  const std::string& refused = a.rfind("HTTP/1.1 503 ", 0) == 0 ? a : b;
  const std::string& served = a.rfind("HTTP/1.1 503 ", 0) == 0 ? b : a;
  EXPECT_EQ(refused.rfind("HTTP/1.1 503 ", 0), 0U) << refused;
  EXPECT_NE(refused.find("Retry-After: 1\r\n"), std::string::npos) << refused;
  EXPECT_EQ(served.rfind("HTTP/1.1 200 OK", 0), 0U) << served;
}

TEST(HttpServer, StopLetsTheRequestInFlightFinishThenCloses) {
  Gate gate;
  Router r;
  r.add({Method::get, "/slow", [&gate](const Request&, Context&) {
           gate.wait();
           return Response::json(200, R"({"done":true})");
         }});
  Metrics metrics;
  ServerOptions o;
  Server server(std::move(r), o, metrics);
  server.start();
  Client c(server.port());
  c.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  gate.wait_entered(1);
  server.stop();
  std::thread waiter([&] { server.wait(); });
  // Released once the shutdown has begun (the server no longer accepts), bounded.
  for (int i = 0; i < 1000; ++i) {
    const Client probe(server.port());
    if (!probe.connected()) break;
    std::this_thread::sleep_for(10ms);
  }
  gate.release();
  const std::string answer = c.read_all();
  waiter.join();
  EXPECT_EQ(answer.rfind("HTTP/1.1 200 OK", 0), 0U) << answer;
  EXPECT_NE(answer.find("Connection: close\r\n"), std::string::npos) << answer;
  EXPECT_NE(answer.find(R"({"done":true})"), std::string::npos);
  Client after(server.port());
  EXPECT_FALSE(after.connected());  // no longer accepting
}

TEST(HttpServer, TheKeyNameAHandlerReportsIsLoggedForWholeAndStreamedResponses) {
  Router r;
  r.add({Method::get, "/whole", [](const Request&, Context& c) {
           c.key_name = "ci-reader";
           return Response::json(200, "{}");
         }});
  r.add({Method::get, "/streamed", [](const Request&, Context& c) {
           c.key_name = "ci-streamer";
           Response x;
           x.stream = [](ChunkWriter& w) { w.write("data: one\n\n"); };
           return x;
         }});
  r.add({Method::get, "/none", [](const Request&, Context&) { return Response::json(200, "{}"); }, Blocking::no});
  Fixture f(std::move(r));
  for (const char* path : {"/whole", "/streamed", "/none"}) {
    Client c(f.port());
    ASSERT_TRUE(c.connected());
    c.send(std::string("GET ") + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const std::string answer = c.read_all();
    EXPECT_EQ(answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << answer;
  }
  const std::lock_guard lock(f.log_mutex);
  ASSERT_EQ(f.log.size(), 3U);
  EXPECT_EQ(f.log[0].route, "/whole");
  EXPECT_EQ(f.log[0].key, "ci-reader");
  EXPECT_EQ(f.log[1].route, "/streamed");
  EXPECT_EQ(f.log[1].key, "ci-streamer");
  EXPECT_EQ(f.log[2].key, "");
}

}  // namespace
}  // namespace strata::http

namespace strata::http {
namespace {

TEST(HttpServer, HeadAnswersAsGetWithoutTheBodyAnd405And404LogNoRoute) {
  Fixture f(echo_routes());
  Client c(f.port());
  c.send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string head = c.read_until("\r\n\r\n");
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << head;
  EXPECT_NE(head.find("Content-Length: 15\r\n"), std::string::npos) << head;  // {"status":"ok"}'s
  // The same connection answers the next request at once: no body was left to read.
  c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string get = c.read_all();
  EXPECT_EQ(get.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << get;
  EXPECT_NE(get.find("\r\n\r\n{\"status\":\"ok\"}"), std::string::npos) << get;
  Client s(f.port());
  s.send("HEAD /stream HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string stream_head = s.read_all();
  EXPECT_EQ(stream_head.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << stream_head;
  EXPECT_EQ(stream_head.find("data: one"), std::string::npos) << stream_head;
  Client w(f.port());
  w.send("HEAD /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string wrong = w.read_all();
  EXPECT_EQ(wrong.rfind("HTTP/1.1 405 ", 0), 0U) << wrong;
  EXPECT_NE(wrong.find("Allow: POST\r\n"), std::string::npos) << wrong;
  Client n(f.port());
  n.send("GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(n.read_all().rfind("HTTP/1.1 404 ", 0), 0U);
  const std::lock_guard lock(f.log_mutex);
  ASSERT_EQ(f.log.size(), 5U);
  EXPECT_EQ(f.log[0].method, "HEAD");
  EXPECT_EQ(f.log[0].route, "/healthz");
  EXPECT_EQ(f.log[3].status, 405);
  EXPECT_EQ(f.log[3].route, "");  // null in the log line
  EXPECT_EQ(f.log[4].status, 404);
  EXPECT_EQ(f.log[4].route, "");
  EXPECT_NE(access_log_line(f.log[3]).find("\"route\":null"), std::string::npos);
}

TEST(HttpServer, CorsPreflightsAndResponsesFollowTheListedOrigins) {
  ServerOptions o;
  o.cors = CorsPolicy({"https://app.example.com"});
  Fixture f(echo_routes(), o);
  Client p(f.port());
  p.send("OPTIONS /echo HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example.com\r\nAccess-Control-Request-Method: POST\r\n\r\n");
  const std::string ok = p.read_until("\r\n\r\n");
  EXPECT_EQ(ok.rfind("HTTP/1.1 204 ", 0), 0U) << ok;
  EXPECT_NE(ok.find("Access-Control-Allow-Origin: https://app.example.com\r\n"), std::string::npos) << ok;
  EXPECT_NE(ok.find("Access-Control-Allow-Methods: POST\r\n"), std::string::npos) << ok;
  p.send("POST /echo HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example.com\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi");
  const std::string simple = p.read_all();
  EXPECT_NE(simple.find("Access-Control-Allow-Origin: https://app.example.com\r\n"), std::string::npos) << simple;
  EXPECT_NE(simple.find("Vary: Origin\r\n"), std::string::npos) << simple;
  Client q(f.port());
  q.send("OPTIONS /echo HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n");
  const std::string refused = q.read_all();
  EXPECT_EQ(refused.rfind("HTTP/1.1 403 ", 0), 0U) << refused;
  EXPECT_EQ(refused.find("Access-Control-Allow-Origin"), std::string::npos) << refused;
  Client u(f.port());
  u.send("OPTIONS /nope HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example.com\r\nAccess-Control-Request-Method: GET\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(u.read_all().rfind("HTTP/1.1 404 ", 0), 0U);
  const std::lock_guard lock(f.log_mutex);
  ASSERT_EQ(f.log.size(), 4U);
  EXPECT_EQ(f.log[0].method, "OPTIONS");
  EXPECT_EQ(f.log[0].route, "/echo");
  EXPECT_EQ(f.log[0].status, 204);
  EXPECT_EQ(f.log[2].status, 403);
}


// TLS options: files checked at start(), each failure Error(usage) naming its file. A
// self-signed certificate (localhost, P-256, valid for a century) with its key, and another key.
constexpr const char* k_cert = R"(-----BEGIN CERTIFICATE-----
MIIBfjCCASWgAwIBAgIULAqeJEAD7nmcu6/oLNsSvqEXs9gwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNzAyNDE0OVoYDzIxMjYxMTAz
MDI0MTQ5WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAASt2LvdhX5iGFg2B8rPAuqSFOg5Ln9w2ZehygAECxK/FPhrugKaPeDs
Xh3bhWDeo6Gw4q/bUvIq+7zcYUly8QZ/o1MwUTAdBgNVHQ4EFgQU5qquwmNtPnUd
PQ+CiThG/Do3phUwHwYDVR0jBBgwFoAU5qquwmNtPnUdPQ+CiThG/Do3phUwDwYD
VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiBxyxzoqYDtuXebTYQaVpFI
uG3yrXPUChFILP6V3Kn30AIgUfmsuIeL5i5DVJHLKkKpCFpud4EZk8j1DVY5JtDk
9Yo=
-----END CERTIFICATE-----
)";
constexpr const char* k_key = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgDuTF0WHkGLq58kcA
oOJIRtzF31EBNPb353m6VZGoNJahRANCAASt2LvdhX5iGFg2B8rPAuqSFOg5Ln9w
2ZehygAECxK/FPhrugKaPeDsXh3bhWDeo6Gw4q/bUvIq+7zcYUly8QZ/
-----END PRIVATE KEY-----
)";
constexpr const char* k_other_key = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgjKQ7ypA4TpZOuqyn
1nb81P2j5esOg6I+vppkWMhZJzahRANCAASAYfT3IvAHlh0yy4+JjTMkmJ6524u4
juQsKi3fFvG6lJaPv/5h3u9O+YGPt/bU2sgjSjtyB3jdCaXu0bRKxZ8/
-----END PRIVATE KEY-----
)";

struct TlsDir {
  std::string dir = ::testing::TempDir() + "strata-http-tls-" + std::to_string(::getpid());
  TlsDir() {
    std::filesystem::create_directories(dir);
    write("cert.pem", k_cert);
    write("key.pem", k_key);
    write("other.pem", k_other_key);
    write("junk.pem", "not a certificate\n");
  }
  ~TlsDir() { std::filesystem::remove_all(dir); }
  void write(const std::string& name, const char* text) const { std::ofstream(dir + "/" + name) << text; }
  std::string operator()(const std::string& name) const { return dir + "/" + name; }
};

// The message of the Error(usage) start() throws with these files; "" when it starts.
std::string tls_start_error(const std::string& cert, const std::string& key) {
  Metrics metrics;
  ServerOptions o;
  o.port = 0;
  o.tls = TlsFiles{cert, key};
  Server server(echo_routes(), o, metrics);
  try {
    server.start();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage) << e.what();
    return e.what();
  }
  server.stop();
  server.wait();
  return "";
}

TEST(HttpServer, TlsFilesAreCheckedAtStartNamingTheFile) {
  const TlsDir d;
  EXPECT_EQ(tls_start_error(d("cert.pem"), d("key.pem")), "");
  EXPECT_EQ(tls_start_error(d("missing.pem"), d("key.pem")),
            "cannot read the TLS certificate '" + d("missing.pem") + "': No such file or directory");
  EXPECT_EQ(tls_start_error(d("cert.pem"), d("missing.pem")),
            "cannot read the TLS key '" + d("missing.pem") + "': No such file or directory");
  EXPECT_EQ(tls_start_error(d("junk.pem"), d("key.pem")).rfind("the TLS certificate '" + d("junk.pem") + "' cannot be used: ", 0), 0U);
  EXPECT_EQ(tls_start_error(d("cert.pem"), d("junk.pem")).rfind("the TLS key '" + d("junk.pem") + "' cannot be used: ", 0), 0U);
  EXPECT_EQ(tls_start_error(d("cert.pem"), d("other.pem")),
            "the TLS key '" + d("other.pem") + "' is not the key of the certificate '" + d("cert.pem") + "'");
}

// A client that speaks plain HTTP to the TLS port, or never finishes its handshake, is closed
// without an answer; neither holds the socket past the header timeout.
TEST(HttpServer, PlainHttpToTheTlsPortAndAStalledHandshakeAreClosed) {
  const TlsDir d;
  ServerOptions o;
  o.tls = TlsFiles{d("cert.pem"), d("key.pem")};
  o.limits.header_timeout = 300ms;
  Fixture f(echo_routes(), o);
  Client plain(f.port());
  plain.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(plain.read_all().find("HTTP/1.1"), std::string::npos);
  EXPECT_TRUE(plain.ended());
  Client stalled(f.port());
  stalled.send(std::string("\x16\x03\x01", 3));
  EXPECT_EQ(stalled.read_all(), "");
  EXPECT_TRUE(stalled.ended());  // closed by the server, not left open until the client gave up
  const std::lock_guard lock(f.log_mutex);
  EXPECT_TRUE(f.log.empty());
}
// A stream runs on a thread of its own, not on the worker that ran its handler: with one worker,
// a stream waiting on its (slow) source leaves the worker free for the next request, and the
// stream still ends as written once its source goes on.
TEST(HttpServer, AStreamHoldsNoWorker) {
  Gate gate;
  Router r = echo_routes();
  r.add({Method::get, "/slow-stream", [&gate](const Request&, Context&) {
           Response x;
           x.set_header("Content-Type", "text/event-stream");
           x.stream = [&gate](ChunkWriter& w) {
             w.write("data: first\n\n");
             gate.wait();
             w.write("data: last\n\n");
           };
           return x;
         }});
  ServerOptions o;
  o.workers = 1;
  o.queue = 1;
  Fixture f(std::move(r), o);
  Client streaming(f.port());
  streaming.send("GET /slow-stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(streaming.read_until("data: first").find("data: first"), std::string::npos);
  gate.wait_entered(1);
  Client other(f.port());
  other.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
  const std::string answered = other.read_all();
  EXPECT_EQ(answered.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << answered;
  EXPECT_NE(answered.find("\r\n\r\nhello"), std::string::npos) << answered;
  EXPECT_EQ(f.metrics.streams_open(), 1) << "the stream is still open while the worker answered";
  gate.release();
  const std::string rest = streaming.read_all();
  EXPECT_NE(rest.find("data: last\n\n\r\n0\r\n\r\n"), std::string::npos) << rest;
}

// Past max_streams open, one more stream is refused as a full queue is (503, Retry-After) in
// the router's shape; once one ends, the next is served.
TEST(HttpServer, AStreamPastTheLimitIs503WithRetryAfter) {
  Gate gate;
  Router r = echo_routes();
  r.add({Method::get, "/v1/held", [&gate](const Request&, Context&) {
           Response x;
           x.set_header("Content-Type", "text/event-stream");
           x.stream = [&gate](ChunkWriter& w) {
             w.write("data: held\n\n");
             gate.wait();
           };
           return x;
         }});
  r.set_error_shape([](int status, std::string_view message, std::string_view) {
    return "{\"error\": {\"code\": " + std::to_string(status) + ", \"message\": \"" + std::string(message) + "\"}}";
  });
  ServerOptions o;
  o.max_streams = 1;
  Fixture f(std::move(r), o);
  Client held(f.port());
  held.send("GET /v1/held HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(held.read_until("data: held").find("data: held"), std::string::npos);
  Client refused(f.port());
  refused.send("GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string answer = refused.read_all();
  EXPECT_EQ(answer.rfind("HTTP/1.1 503 ", 0), 0U) << answer;
  EXPECT_NE(answer.find("Retry-After: 1\r\n"), std::string::npos) << answer;
  EXPECT_NE(answer.find("{\"error\": {\"code\": 503, \"message\": \"too many streams are open; try again shortly\"}}"),
            std::string::npos)
      << answer;
  gate.release();
  EXPECT_NE(held.read_all().find("0\r\n\r\n"), std::string::npos);
  // The held stream's thread ends a moment after its last chunk: asked again until then.
  std::string served;
  for (int i = 0; i < 500 && served.rfind("HTTP/1.1 200 OK\r\n", 0) != 0; ++i) {
    if (i > 0) std::this_thread::sleep_for(10ms);
    Client next(f.port());
    next.send("GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    served = next.read_all();
  }
  EXPECT_EQ(served.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << served;
  EXPECT_NE(served.find("data: two"), std::string::npos) << served;
}

}  // namespace
}  // namespace strata::http
