// core/serve's /mcp (MCP over Streamable HTTP) called through the router as the server calls it
// (no sockets), over a real SQLite store: sessions (initialize's Mcp-Session-Id, 400 without, 404
// unknown, DELETE, the revision header, the bound on their number, idle expiry), 2026-07-28's
// stateless requests and their headers, 202 for notifications, malformed and refused bodies,
// the Origin check, and a key's reach over the tools and resources.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "auth/key.h"
#include "http/metrics.h"
#include "http/router.h"
#include "serve/api.h"
#include "mcp/http_route.h"
#include "test_util.h"

#include "served_api.h"

namespace strata::serve {
namespace {

using mcp::McpHttpOptions;
using mcp::McpRoute;
using nlohmann::json;
using Headers = std::map<std::string, std::string>;

struct McpServed : ServedApi {
  explicit McpServed(McpHttpOptions mcp = {}) {
    serve(2, [&mcp](ApiOptions& o) { o.mcp = std::move(mcp); });
  }
  void ingest(const std::string& collection, const std::string& source, const std::string& text) {
    const http::Response r = call(http::Method::post, "/api/v1/collections/" + collection + "/documents",
                                  json{{"source", source}, {"text", text}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // A POST to /mcp of `message` with JSON's content type and the given headers.
  http::Response post(const json& message, Headers headers = {}) {
    headers.emplace("content-type", "application/json");
    return call(http::Method::post, "/mcp", message.dump(), std::move(headers));
  }
  // initialize: the session id issued.
  std::string open(const std::string& version = "2025-11-25") {
    const http::Response r = post(request(1, "initialize", {{"protocolVersion", version}, {"capabilities", json::object()},
                                                             {"clientInfo", {{"name", "t"}, {"version", "1"}}}}));
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json::parse(r.body)["result"]["protocolVersion"], version);
    const std::string* id = r.header("Mcp-Session-Id");
    EXPECT_NE(id, nullptr);
    return id ? *id : std::string();
  }
  static json request(int id, const std::string& method, json params = json::object()) {
    return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
  }
  static json modern(int id, const std::string& method, json params = json::object()) {
    params["_meta"] = {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                       {"io.modelcontextprotocol/clientCapabilities", json::object()}};
    return request(id, method, std::move(params));
  }
};

TEST(ServeMcp, ASessionFromInitializeToDelete) {
  McpServed s;
  s.ingest("docs", "guide.md", "# Rollback\n\nTo roll back a migration run down.\n");
  const std::string id = s.open();
  ASSERT_EQ(id.size(), 32U);
  EXPECT_NE(s.open(), id);  // each initialize its own session

  http::Response r = s.post({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}, {{"mcp-session-id", id}});
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, "");

  r = s.post(McpServed::request(2, "tools/list"));
  EXPECT_EQ(r.status, 400) << "no session id";
  EXPECT_EQ(json::parse(r.body)["error"]["code"], -32600);
  EXPECT_EQ(json::parse(r.body)["id"], 2);
  r = s.post(McpServed::request(2, "tools/list"), {{"mcp-session-id", "0123456789abcdef0123456789abcdef"}});
  EXPECT_EQ(r.status, 404) << "unknown session";
  r = s.post(McpServed::request(2, "tools/list"), {{"mcp-session-id", id}, {"mcp-protocol-version", "2099-01-01"}});
  EXPECT_EQ(r.status, 400) << "a revision the server does not speak";
  r = s.post(McpServed::request(2, "tools/list"), {{"mcp-session-id", id}, {"mcp-protocol-version", "2026-07-28"}});
  EXPECT_EQ(r.status, 400) << "a stateless revision's header on a session";

  r = s.post(McpServed::request(3, "tools/list"), {{"mcp-session-id", id}, {"mcp-protocol-version", "2025-11-25"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(*r.header("Content-Type"), "application/json");
  const json tools = json::parse(r.body)["result"]["tools"];
  EXPECT_EQ(tools.size(), 6U);

  r = s.post(McpServed::request(4, "tools/call", {{"name", "search"}, {"arguments", {{"query", "roll back"}, {"mode", "keyword"}}}}),
             {{"mcp-session-id", id}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json found = json::parse(r.body)["result"];
  EXPECT_FALSE(found.value("isError", false)) << r.body;
  ASSERT_EQ(found["structuredContent"]["hits"].size(), 1U);
  EXPECT_EQ(found["structuredContent"]["hits"][0]["citation"], "guide.md:L1-L3");

  r = s.post(McpServed::request(5, "resources/read", {{"uri", "strata://docs/guide.md"}}), {{"mcp-session-id", id}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(json::parse(r.body)["result"]["contents"][0]["text"].get<std::string>().find("roll back"), std::string::npos);

  EXPECT_EQ(s.call(http::Method::del, "/mcp", "", {{"mcp-session-id", id}}).status, 204);
  EXPECT_EQ(s.call(http::Method::del, "/mcp", "", {{"mcp-session-id", id}}).status, 404);
  EXPECT_EQ(s.call(http::Method::del, "/mcp").status, 400);
  EXPECT_EQ(s.post(McpServed::request(6, "ping"), {{"mcp-session-id", id}}).status, 404) << "ended";
}

TEST(ServeMcp, BatchesOnlyInA20250326Session) {
  McpServed s;
  const json batch = json::array({McpServed::request(1, "ping"), McpServed::request(2, "tools/list")});
  const std::string old = s.open("2025-03-26");
  http::Response r = s.post(batch, {{"mcp-session-id", old}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body).size(), 2U);
  const std::string current = s.open("2025-11-25");
  r = s.post(batch, {{"mcp-session-id", current}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["error"]["code"], -32600);
}

TEST(ServeMcp, StatelessRequestsNeedNoSessionAndTheirHeadersMustAgree) {
  McpServed s;
  http::Response r = s.post(McpServed::request(1, "server/discover"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["result"]["supportedVersions"][0], "2026-07-28");
  EXPECT_EQ(r.header("Mcp-Session-Id"), nullptr);

  r = s.post(McpServed::modern(2, "tools/list"), {{"mcp-protocol-version", "2026-07-28"}, {"mcp-method", "tools/list"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["result"]["resultType"], "complete");
  EXPECT_EQ(json::parse(r.body)["result"]["tools"].size(), 6U);

  r = s.post(McpServed::modern(3, "tools/list"), {{"mcp-protocol-version", "2025-11-25"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["id"], 3);
  r = s.post(McpServed::modern(4, "tools/list"), {{"mcp-method", "tools/call"}});
  EXPECT_EQ(r.status, 400);

  json future = McpServed::modern(5, "server/discover");
  future["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"] = "2099-01-01";
  r = s.post(future);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], -32022);
  EXPECT_EQ(json::parse(r.body)["error"]["data"]["requested"], "2099-01-01");
  EXPECT_EQ(s.api->openapi()["paths"]["/mcp"].size(), 3U) << "post, delete, get";
}

TEST(ServeMcp, BadMessagesAndRefusedRequests) {
  McpServed s;
  http::Response r = s.call(http::Method::post, "/mcp", "{not json", {{"content-type", "application/json"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], -32700);
  r = s.call(http::Method::post, "/mcp", R"({"jsonrpc":"2.0","id":1})", {{"content-type", "application/json"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], -32600);
  r = s.call(http::Method::post, "/mcp", McpServed::request(1, "server/discover").dump(), {{"content-type", "text/plain"}});
  EXPECT_EQ(r.status, 415) << "a browser's simple request";
  r = s.post(McpServed::request(1, "server/discover"), {{"accept", "text/html"}});
  EXPECT_EQ(r.status, 406);
  r = s.call(http::Method::get, "/mcp");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(*r.header("Allow"), "POST, DELETE");

  // Origin is the gate's rule, as on every route (serve/origin_rules.h): another site's page is
  // refused, a page of the origin the request's Host names is let in.
  r = s.post(McpServed::request(1, "server/discover"), {{"origin", "http://evil.example:8765"}, {"host", "127.0.0.1:8765"}});
  EXPECT_EQ(r.status, 403);
  r = s.post(McpServed::request(1, "server/discover"), {{"origin", "http://127.0.0.1:8765"}, {"host", "127.0.0.1:8765"}});
  EXPECT_EQ(r.status, 200) << r.body;
  r = s.post(McpServed::request(1, "server/discover"), {{"origin", "http://localhost:9999"}, {"host", "127.0.0.1:8765"}});
  EXPECT_EQ(r.status, 403);
}

TEST(ServeMcp, SessionsAreBoundedAndExpireWhenIdle) {
  auto now = std::chrono::steady_clock::time_point{};
  McpHttpOptions o;
  o.max_sessions = 2;
  o.session_idle = std::chrono::minutes(10);
  o.now = [&now] { return now; };
  McpServed s(o);
  const std::string a = s.open();
  s.open();
  http::Response r = s.post(McpServed::request(1, "initialize", {{"protocolVersion", "2025-11-25"}}));
  EXPECT_EQ(r.status, 503) << "a third session";
  EXPECT_NE(r.header("Retry-After"), nullptr);
  now += std::chrono::minutes(9);
  EXPECT_EQ(s.post(McpServed::request(2, "ping"), {{"mcp-session-id", a}}).status, 200);  // a's clock restarts
  now += std::chrono::minutes(9);
  EXPECT_EQ(s.post(McpServed::request(3, "ping"), {{"mcp-session-id", a}}).status, 200);
  s.open();  // the other one expired: its place is free
  now += std::chrono::minutes(10);
  EXPECT_EQ(s.post(McpServed::request(4, "ping"), {{"mcp-session-id", a}}).status, 404) << "expired";
}

TEST(ServeMcp, AKeyReachesOnlyItsCollections) {
  McpServed s;
  s.ingest("docs", "guide.md", "# Rollback\n\nTo roll back a migration run down.\n");
  s.ingest("secret", "plan.md", "# Plan\n\nThe rollback plan is secret.\n");
  mcp::ServerOptions server;
  server.store_path = (s.dir.path() / "store.db").string();
  server.collection = "docs";
  McpRoute route(server, {}, 1);
  Caller caller;
  auth::Key reader;
  reader.name = "reader";
  reader.collections = {"docs"};
  caller.key = reader;
  const Call call{0, caller};
  const auto post = [&](const json& message, Headers headers = {}) {
    http::Request r;
    r.method = http::Method::post;
    r.path = "/mcp";
    r.body = message.dump();
    r.headers = std::move(headers);
    r.headers.emplace("content-type", "application/json");
    return route.answer(r, call);
  };
  const auto result = [&](const json& message) {
    const http::Response r = post(message);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body);
  };
  json r = result(McpServed::modern(1, "tools/call", {{"name", "list_collections"}, {"arguments", json::object()}}));
  ASSERT_EQ(r["result"]["structuredContent"]["collections"].size(), 1U) << r.dump();
  EXPECT_EQ(r["result"]["structuredContent"]["collections"][0]["name"], "docs");
  r = result(McpServed::modern(2, "tools/call", {{"name", "search"}, {"arguments", {{"query", "rollback"}, {"collection", "secret"}}}}));
  EXPECT_TRUE(r["result"]["isError"].get<bool>()) << r.dump();
  EXPECT_NE(r["result"]["content"][0]["text"].get<std::string>().find("may not read collection 'secret'"), std::string::npos);
  r = result(McpServed::modern(3, "tools/call", {{"name", "read_document"}, {"arguments", {{"source", "plan.md"}, {"collection", "secret"}}}}));
  EXPECT_TRUE(r["result"]["isError"].get<bool>()) << r.dump();
  r = result(McpServed::modern(4, "tools/call", {{"name", "list_documents"}, {"arguments", {{"collection", "secret"}}}}));
  EXPECT_TRUE(r["result"]["isError"].get<bool>()) << r.dump();
  r = result(McpServed::modern(5, "resources/list"));
  ASSERT_EQ(r["result"]["resources"].size(), 1U) << r.dump();
  EXPECT_EQ(r["result"]["resources"][0]["uri"], "strata://docs/guide.md");
  r = result(McpServed::modern(6, "resources/read", {{"uri", "strata://secret/plan.md"}}));
  EXPECT_EQ(r["error"]["code"], -32602) << r.dump();
  r = result(McpServed::modern(7, "tools/call", {{"name", "search"}, {"arguments", {{"query", "rollback"}, {"mode", "keyword"}}}}));
  EXPECT_FALSE(r["result"].value("isError", false)) << r.dump();
  EXPECT_EQ(r["result"]["structuredContent"]["hits"][0]["source"], "guide.md");

  // A session belongs to the key that opened it.
  const http::Response opened = post(McpServed::request(8, "initialize", {{"protocolVersion", "2025-11-25"}}));
  ASSERT_EQ(opened.status, 200);
  const std::string id = *opened.header("Mcp-Session-Id");
  Caller other;
  auth::Key key;
  key.name = "other";
  other.key = key;
  http::Request ping;
  ping.method = http::Method::post;
  ping.path = "/mcp";
  ping.body = McpServed::request(9, "ping").dump();
  ping.headers = {{"content-type", "application/json"}, {"mcp-session-id", id}};
  EXPECT_EQ(route.answer(ping, Call{0, other}).status, 404);
  EXPECT_EQ(route.answer(ping, call).status, 200);
}

// /mcp's route called directly with callers of the test's choosing (keys, rate limits).
struct McpRouteCalled {
  explicit McpRouteCalled(McpServed& s, McpHttpOptions o = {}) : route(options_of(s), std::move(o), 1) {}
  static mcp::ServerOptions options_of(McpServed& s) {
    mcp::ServerOptions server;
    server.store_path = (s.dir.path() / "store.db").string();
    server.collection = "docs";
    return server;
  }
  static Caller keyed(const std::string& name) {
    Caller c;
    auth::Key k;
    k.name = name;
    c.key = k;
    return c;
  }
  http::Response post(const Caller& caller, const json& message, Headers headers = {}) {
    http::Request r;
    r.method = http::Method::post;
    r.path = "/mcp";
    r.body = message.dump();
    r.headers = std::move(headers);
    r.headers.emplace("content-type", "application/json");
    return route.answer(r, Call{0, caller});
  }
  http::Response initialize(const Caller& caller, const std::string& version = "2025-11-25") {
    return post(caller, McpServed::request(1, "initialize", {{"protocolVersion", version}, {"capabilities", json::object()},
                                                             {"clientInfo", {{"name", "t"}, {"version", "1"}}}}));
  }
  McpRoute route;
};

// One key cannot take every session: past its own bound it is refused (429, naming the bound),
// while another key, and the keyless caller (one principal), still open theirs.
TEST(ServeMcp, SessionsAreBoundedPerKey) {
  auto now = std::chrono::steady_clock::time_point{};
  McpServed s;
  McpHttpOptions o;
  o.max_sessions = 10;
  o.max_sessions_per_key = 3;
  o.session_idle = std::chrono::minutes(10);
  o.now = [&now] { return now; };
  McpRouteCalled m(s, o);
  const Caller greedy = McpRouteCalled::keyed("greedy");
  std::string first;
  for (int i = 0; i < 3; ++i) {
    const http::Response r = m.initialize(greedy);
    ASSERT_EQ(r.status, 200) << r.body;
    if (i == 0) first = *r.header("Mcp-Session-Id");
    now += std::chrono::minutes(1);
  }
  http::Response r = m.initialize(greedy);
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_NE(r.body.find("too many MCP sessions open for key 'greedy' (3, the most one key may hold)"), std::string::npos) << r.body;
  ASSERT_NE(r.header("Retry-After"), nullptr);
  EXPECT_EQ(*r.header("Retry-After"), "420") << "the first session expires 7 minutes from now";
  EXPECT_EQ(m.initialize(McpRouteCalled::keyed("other")).status, 200) << "another key still opens one";
  const Caller keyless{};
  EXPECT_EQ(m.initialize(keyless).status, 200);
  EXPECT_EQ(m.initialize(keyless).status, 200);
  EXPECT_EQ(m.initialize(keyless).status, 200);
  r = m.initialize(keyless);
  EXPECT_EQ(r.status, 429) << "callers without a key are one principal";
  EXPECT_NE(r.body.find("callers without a key"), std::string::npos) << r.body;
  EXPECT_EQ(m.route.sessions(), 7u);

  // A session ended makes room for that key; so does one that expired.
  http::Request del;
  del.method = http::Method::del;
  del.path = "/mcp";
  del.headers = {{"mcp-session-id", first}};
  EXPECT_EQ(m.route.answer(del, Call{0, greedy}).status, 204);
  EXPECT_EQ(m.initialize(greedy).status, 200);
  EXPECT_EQ(m.initialize(greedy).status, 429);
  now += std::chrono::minutes(9);  // the second (opened at minute 1) expires at minute 11
  EXPECT_EQ(m.initialize(greedy).status, 200);
}

// The key's rate counts a batch's calls: with room for 3 requests a minute (the gate took the
// first), a batch of 40 searches runs 3 and answers the other 37 with -32029, each in its place;
// a ping costs nothing.
TEST(ServeMcp, ABatchTakesOneRequestOfTheRatePerCall) {
  McpServed s;
  s.ingest("docs", "guide.md", "# Rollback\n\nTo roll back a migration run down.\n");
  McpRouteCalled m(s);
  Caller caller = McpRouteCalled::keyed("slow");
  std::int64_t left = 2;  // a bucket of 3, one taken by the gate for the request
  std::vector<std::int64_t> asked;
  caller.take_operations = [&](std::int64_t n) {
    asked.push_back(n);
    auth::RateDecision d;
    d.limit = 3;
    d.allowed = left >= n;
    if (d.allowed) left -= n;
    d.remaining = left;
    d.retry_after_seconds = d.allowed ? 0 : 20;
    return d;
  };
  const http::Response opened = m.initialize(caller, "2025-03-26");
  ASSERT_EQ(opened.status, 200) << opened.body;
  const std::string id = *opened.header("Mcp-Session-Id");
  EXPECT_TRUE(asked.empty()) << "a lone request is the gate's";
  json batch = json::array({McpServed::request(100, "ping")});
  for (int i = 1; i <= 40; ++i) {
    batch.push_back(McpServed::request(i, "tools/call", {{"name", "search"}, {"arguments", {{"query", "roll back"}, {"mode", "keyword"}}}}));
  }
  const http::Response r = m.post(caller, batch, {{"mcp-session-id", id}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json replies = json::parse(r.body);
  ASSERT_EQ(replies.size(), 41u);
  int ran = 0, refused = 0;
  for (const json& reply : replies) {
    if (reply["id"] == 100) {
      EXPECT_TRUE(reply.contains("result"));
      continue;
    }
    if (reply.contains("result")) {
      EXPECT_FALSE(reply["result"].value("isError", false)) << reply.dump();
      EXPECT_EQ(reply["result"]["structuredContent"]["hits"].size(), 1u);
      ++ran;
      continue;
    }
    ++refused;
    EXPECT_EQ(reply["error"]["code"], -32029);
    EXPECT_EQ(reply["error"]["data"]["retry_after"], 20);
    EXPECT_NE(reply["error"]["message"].get<std::string>().find("key 'slow' may make 3 requests a minute"), std::string::npos)
        << reply.dump();
  }
  EXPECT_EQ(ran, 3);
  EXPECT_EQ(refused, 37);
  EXPECT_EQ(asked.size(), 39u) << "one for each call beyond the first";
  for (const std::int64_t n : asked) EXPECT_EQ(n, 1);

  // Without a rate (take_operations unset) every call runs.
  Caller unlimited = McpRouteCalled::keyed("fast");
  const http::Response opened2 = m.initialize(unlimited, "2025-03-26");
  const json all = json::parse(m.post(unlimited, batch, {{"mcp-session-id", *opened2.header("Mcp-Session-Id")}}).body);
  ASSERT_EQ(all.size(), 41u);
  for (const json& reply : all) EXPECT_TRUE(reply.contains("result")) << reply.dump();
}

}  // namespace
}  // namespace strata::serve
