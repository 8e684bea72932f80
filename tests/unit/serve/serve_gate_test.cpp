// core/serve's gate: which requests need a key and when (a store without keys; one with a live
// key), 401 with WWW-Authenticate for no, bad, revoked and expired keys, 403 for a scope or a
// collection the key lacks, a key's collections filtering the listing, 429 with Retry-After and
// the x-ratelimit-* headers, the key's name for the access log, its principal, a stream's re-check
// of a revoked key, the two error shapes, and the recorder of keys' use off the request's path.
// Through the router as the server calls it (no sockets), over a real SQLite store.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "auth/key.h"
#include "http/metrics.h"
#include "http/router.h"
#include "serve/api.h"
#include "serve/gate.h"
#include "store/store.h"
#include "test_util.h"

#include "served_api.h"

namespace strata::serve {
namespace {

using nlohmann::json;
using std::chrono::hours;
using std::chrono::seconds;

struct KeyedServer : ServedApi {
  std::string admin, writer, reader, docs_only, limited;

  explicit KeyedServer(bool with_keys = true) {
    {
      store::Store st = store::Store::open(store_path);
      if (with_keys) {
        admin = make(st, "ops", auth::Scope::admin);
        writer = make(st, "ingester", auth::Scope::write);
        reader = make(st, "reader", auth::Scope::read);
        docs_only = make(st, "docs-reader", auth::Scope::write, {"docs"});
        limited = make(st, "slow", auth::Scope::read, {}, 2);
      }
    }
    serve();
  }
  static std::string make(store::Store& st, const std::string& name, auth::Scope scope, std::vector<std::string> collections = {},
                          std::optional<std::int64_t> rate = std::nullopt) {
    auth::KeyRequest r;
    r.name = name;
    r.scope = scope;
    r.collections = std::move(collections);
    r.rate_per_minute = rate;
    return auth::create_key(st, r).secret;
  }

  struct Answer {
    http::Response response;
    std::string key_name;  // what the handler reported for the access log
    json body() const { return json::parse(response.body); }
  };
  Answer call(http::Method method, const std::string& target, const std::string& key, const std::string& body = "") {
    std::map<std::string, std::string> headers;
    if (!key.empty()) headers["authorization"] = "Bearer " + key;
    Answer a;
    a.response = ServedApi::call(method, target, body, std::move(headers), &a.key_name);
    return a;
  }
  void ingest(const std::string& collection, const std::string& source) {
    const Answer a = call(http::Method::post, "/api/v1/collections/" + collection + "/documents", admin,
                          R"({"source": ")" + source + R"(", "text": "# Rollback\n\nTo roll back a migration run down.\n"})");
    ASSERT_EQ(a.response.status, 200) << a.response.body;
  }
};

std::string header(const http::Response& r, const char* name) {
  const std::string* v = r.header(name);
  return v == nullptr ? std::string("(none)") : *v;
}

TEST(ServeGate, WithKeysInTheStoreEveryKeyedRouteNeedsOneAndHealthDoesNot) {
  KeyedServer s;
  for (const char* path : {"/healthz", "/readyz", "/openapi.json"}) {
    EXPECT_EQ(s.call(http::Method::get, path, "").response.status, 200) << path;
  }
  const auto none = s.call(http::Method::get, "/api/v1/collections", "");
  EXPECT_EQ(none.response.status, 401);
  EXPECT_EQ(header(none.response, "WWW-Authenticate"), "Bearer");
  EXPECT_EQ(none.body()["detail"], auth::refusal_message(auth::Refusal::none));
  EXPECT_EQ(none.key_name, "");

  const auto bad = s.call(http::Method::get, "/api/v1/collections", "sk-strata-not-a-key");
  EXPECT_EQ(bad.response.status, 401);
  EXPECT_EQ(bad.body()["detail"], "invalid API key");
  EXPECT_EQ(bad.response.body.find("not-a-key"), std::string::npos) << "the token is never echoed";
  EXPECT_EQ(header(bad.response, "WWW-Authenticate"), "Bearer");

  const auto ok = s.call(http::Method::get, "/api/v1/collections", s.reader);
  EXPECT_EQ(ok.response.status, 200) << ok.response.body;
  EXPECT_EQ(ok.key_name, "reader");
  EXPECT_EQ(header(ok.response, "x-ratelimit-limit-requests"), "(none)") << "a key without a rate has no limit headers";
}

TEST(ServeGate, RevokedAndExpiredKeysAre401AtOnce) {
  KeyedServer s;
  std::string expired;
  {
    store::Store st = store::Store::open_existing(s.store_path);
    auth::KeyRequest r;
    r.name = "old";
    r.expires_in = hours(1);
    expired = auth::create_key(st, r, std::chrono::system_clock::now() - hours(2)).secret;
    ASSERT_EQ(s.call(http::Method::get, "/api/v1/collections", s.reader).response.status, 200);
    auth::revoke_key(st, "reader");
  }
  const auto revoked = s.call(http::Method::get, "/api/v1/collections", s.reader);
  EXPECT_EQ(revoked.response.status, 401);
  EXPECT_EQ(revoked.body()["detail"], "this API key was revoked");
  const auto old = s.call(http::Method::get, "/api/v1/collections", expired);
  EXPECT_EQ(old.response.status, 401);
  EXPECT_EQ(old.body()["detail"], "this API key has expired");
}

TEST(ServeGate, AScopeBelowTheRoutesIs403) {
  KeyedServer s;
  s.ingest("docs", "a.md");
  const auto write = s.call(http::Method::post, "/api/v1/collections/docs/documents", s.reader, R"({"source": "b.md", "text": "x"})");
  EXPECT_EQ(write.response.status, 403);
  EXPECT_EQ(write.body()["detail"], "this API key's scope is read; this route needs write");
  EXPECT_EQ(write.key_name, "reader") << "a refused key is still named in the log";
  EXPECT_EQ(s.call(http::Method::del, "/api/v1/collections/docs/documents/a.md", s.reader).response.status, 403);
  EXPECT_EQ(s.call(http::Method::get, "/metrics", s.writer).response.status, 403);
  EXPECT_EQ(s.call(http::Method::get, "/metrics", s.admin).response.status, 200);
  EXPECT_EQ(s.call(http::Method::post, "/api/v1/collections/docs/documents", s.writer, R"({"source": "b.md", "text": "x"})").response.status,
            200);
  EXPECT_EQ(s.call(http::Method::del, "/api/v1/collections/docs/documents/b.md", s.writer).response.status, 200);
}

TEST(ServeGate, AKeyLimitedToCollectionsSeesAndTouchesNoOther) {
  KeyedServer s;
  s.ingest("docs", "a.md");
  s.ingest("secret", "plans.md");
  const json all = s.call(http::Method::get, "/api/v1/collections", s.reader).body();
  EXPECT_EQ(all["collections"].size(), 2U);
  const json mine = s.call(http::Method::get, "/api/v1/collections", s.docs_only).body();
  ASSERT_EQ(mine["collections"].size(), 1U);
  EXPECT_EQ(mine["collections"][0]["name"], "docs");

  const std::string refused = "this API key may not read collection 'secret'";
  auto a = s.call(http::Method::post, "/api/v1/search", s.docs_only, R"({"query": "roll back", "collection": "secret"})");
  EXPECT_EQ(a.response.status, 403);
  EXPECT_EQ(a.body()["detail"], refused);
  a = s.call(http::Method::get, "/api/v1/collections/secret/documents", s.docs_only);
  EXPECT_EQ(a.response.status, 403);
  a = s.call(http::Method::get, "/api/v1/collections/secret/documents/plans.md", s.docs_only);
  EXPECT_EQ(a.response.status, 403);
  EXPECT_EQ(a.body()["detail"], refused);
  a = s.call(http::Method::get, "/api/v1/collections/nowhere/documents", s.docs_only);
  EXPECT_EQ(a.response.status, 403) << "the same for a collection that does not exist";
  a = s.call(http::Method::post, "/api/v1/collections/secret/documents", s.docs_only, R"({"source": "x.md", "text": "x"})");
  EXPECT_EQ(a.response.status, 403);
  EXPECT_EQ(a.body()["detail"], "this API key may not write to collection 'secret'");
  a = s.call(http::Method::del, "/api/v1/collections/secret/documents/plans.md", s.docs_only);
  EXPECT_EQ(a.response.status, 403);
  EXPECT_EQ(s.call(http::Method::get, "/api/v1/collections/secret/documents/plans.md", s.reader).response.status, 200)
      << "still there";
  EXPECT_EQ(s.call(http::Method::post, "/api/v1/search", s.docs_only, R"({"query": "roll back"})").response.status, 200);
}

TEST(ServeGate, ARatedKeyGetsTheLimitHeadersAnd429WithRetryAfter) {
  KeyedServer s;
  auto a = s.call(http::Method::get, "/api/v1/collections", s.limited);
  EXPECT_EQ(a.response.status, 200);
  EXPECT_EQ(header(a.response, "x-ratelimit-limit-requests"), "2");
  EXPECT_EQ(header(a.response, "x-ratelimit-remaining-requests"), "1");
  EXPECT_EQ(header(a.response, "x-ratelimit-reset-requests"), "30s");
  a = s.call(http::Method::get, "/api/v1/collections", s.limited);
  EXPECT_EQ(a.response.status, 200);
  EXPECT_EQ(header(a.response, "x-ratelimit-remaining-requests"), "0");
  a = s.call(http::Method::get, "/api/v1/collections", s.limited);
  EXPECT_EQ(a.response.status, 429);
  const std::string retry = header(a.response, "Retry-After");
  EXPECT_TRUE(retry == "30" || retry == "29") << retry;
  EXPECT_EQ(header(a.response, "x-ratelimit-limit-requests"), "2");
  EXPECT_EQ(header(a.response, "x-ratelimit-remaining-requests"), "0");
  EXPECT_NE(a.body()["detail"].get<std::string>().find("2 requests per minute"), std::string::npos);
  EXPECT_EQ(a.key_name, "slow");
  EXPECT_EQ(s.call(http::Method::get, "/api/v1/collections", s.reader).response.status, 200) << "another key has its own";
}

TEST(ServeGate, AStoreWithoutKeysNeedsNoneUntilOneIsMade) {
  KeyedServer s(false);
  EXPECT_EQ(s.call(http::Method::get, "/api/v1/collections", "").response.status, 200);
  EXPECT_EQ(s.call(http::Method::get, "/metrics", "").response.status, 200);
}

TEST(ServeGate, ErrorsInOpenAisShape) {
  const http::Response r = error_response(ErrorStyle::openai, 401, "invalid API key");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(json::parse(r.body),
            json({{"error", {{"message", "invalid API key"}, {"type", "invalid_request_error"}, {"param", nullptr}, {"code", "invalid_api_key"}}}}));
  EXPECT_EQ(json::parse(error_response(ErrorStyle::openai, 429, "slow down").body)["error"]["code"], "rate_limit_exceeded");
  EXPECT_EQ(json::parse(error_response(ErrorStyle::openai, 403, "no").body)["error"]["type"], "permission_error");
  EXPECT_EQ(json::parse(error_response(ErrorStyle::fastapi, 403, "no").body), json({{"detail", "no"}}));
  const http::Response c = collection_refused(ErrorStyle::openai, auth::Scope::read, "secret");
  EXPECT_EQ(json::parse(c.body)["error"]["message"], "this API key may not read collection 'secret'");
}

// The gate alone, on clocks the test moves: when keys start to apply, what an OpenAI-style route
// answers, the caller an operation gets, and a stream's re-check of its key.
struct GateRig {
  strata::testing::TempDir dir;
  store::Store st = store::Store::open((dir.path() / "store.db").string());
  std::chrono::steady_clock::time_point steady_now{};
  Gate gate;
  GateRig() : gate(options()) {}
  Gate::Options options() {
    Gate::Options o;
    o.store = [this](std::size_t) -> store::Store& { return st; };
    o.steady = [this] { return steady_now; };
    return o;
  }
};

TEST(ServeGateAlone, KeysApplyWithinASecondOfTheFirstAndStay) {
  GateRig g;
  EXPECT_FALSE(g.gate.keys_apply(0));
  auth::KeyRequest r;
  r.name = "first";
  const std::string secret = auth::create_key(g.st, r).secret;
  EXPECT_FALSE(g.gate.keys_apply(0)) << "asked at most once a second";
  g.steady_now += seconds(1);
  EXPECT_TRUE(g.gate.keys_apply(0));
  auth::revoke_key(g.st, "first");
  g.steady_now += seconds(5);
  EXPECT_TRUE(g.gate.keys_apply(0)) << "every key revoked: still refused, never opened up";
}

TEST(ServeGateAlone, TheCallerHasThePrincipalAndAStreamSeesARevocation) {
  GateRig g;
  auth::KeyRequest r;
  r.name = "chat";
  const std::string secret = auth::create_key(g.st, r).secret;
  std::optional<Caller> seen;
  http::Handler h = g.gate.guard(Guard{.errors = ErrorStyle::openai}, [&](const http::Request&, http::Context&, const Caller& c) {
    seen = c;
    return http::Response::json(200, "{}");
  });
  http::Request req;
  http::Context ctx;
  const http::Response refused = h(req, ctx);
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(json::parse(refused.body)["error"]["code"], "invalid_api_key");
  EXPECT_EQ(*refused.header("WWW-Authenticate"), "Bearer");
  req.headers["authorization"] = "Basic dXNlcjpwdw==";
  EXPECT_EQ(json::parse(h(req, ctx).body)["error"]["message"], "invalid API key") << "another scheme is a bad key";
  EXPECT_FALSE(seen);

  req.headers["authorization"] = "bearer  " + secret + " ";
  EXPECT_EQ(h(req, ctx).status, 200);
  ASSERT_TRUE(seen && seen->key);
  EXPECT_EQ(seen->name(), "chat");
  ASSERT_TRUE(seen->principal);
  EXPECT_EQ(seen->principal->id, "apikey:chat");
  EXPECT_TRUE(seen->principal->own_rows_only);
  EXPECT_EQ(seen->principal->secret, auth::principal_of(*seen->key, secret).secret);
  EXPECT_EQ(ctx.key_name, "chat");

  EXPECT_TRUE(still_live(*seen));
  auth::revoke_key(g.st, "chat");
  EXPECT_TRUE(still_live(*seen)) << "re-checked only every few seconds";
  g.steady_now += Gate::k_stream_recheck;
  EXPECT_FALSE(still_live(*seen));
  EXPECT_TRUE(still_live(Caller{})) << "without a key there is nothing to revoke";
}

TEST(ServeUseRecorder, WritesOffTheCallersThreadOncePerMinutePerKey) {
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::string> written;
  {
    UseRecorder rec([&](const auth::Key& k, auth::TimePoint) {
      const std::lock_guard lock(m);
      written.push_back(k.name);
      cv.notify_all();
    });
    auth::Key a;
    a.name = "a";
    auth::Key b;
    b.name = "b";
    const auto t = std::chrono::system_clock::now();
    rec.note(a, t);
    rec.note(a, t + seconds(30));  // within the minute: skipped
    rec.note(b, t);
    rec.note(a, t + seconds(61));
    std::unique_lock lock(m);
    ASSERT_TRUE(cv.wait_for(lock, seconds(30), [&] { return written.size() == 3; }));
  }
  EXPECT_EQ(written, (std::vector<std::string>{"a", "b", "a"}));
}

}  // namespace
}  // namespace strata::serve
