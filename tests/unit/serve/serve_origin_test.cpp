// core/serve's origin rules (origin_rules.h) and the gate's decision of whether keys apply
// before the first request: Host names, JSON bodies, Origin and Sec-Fetch-Site, the CORS '*'
// that widens only once keys apply; a keyed store keyed from the first request, a store that
// could not be asked counted as keyed; a batch's operations taken from a key's rate.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "auth/key.h"
#include "auth/rate_limiter.h"
#include "common/error.h"
#include "serve/gate.h"
#include "serve/origin_rules.h"
#include "store/store.h"
#include "test_util.h"

#include "served_api.h"

namespace strata::serve {
namespace {

using nlohmann::json;

http::Request request(http::Method method, std::map<std::string, std::string> headers, std::string body = "") {
  http::Request r;
  r.method = method;
  r.path = "/api/v1/search";
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

TEST(ServeOrigin, HostMustNameTheServer) {
  OriginRules rules;
  rules.allowed_hosts = {"docs.example.com", ".corp.example"};
  rules.public_origin = "https://strata.example.org";
  for (const char* host : {"127.0.0.1:8765", "127.0.0.1", "localhost:8765", "LOCALHOST.", "[::1]:8765", "app.localhost",
                           "192.168.1.20:8765", "docs.example.com", "DOCS.example.com:443", "a.corp.example", "corp.example",
                           "strata.example.org"}) {
    EXPECT_TRUE(host_allowed(rules, host)) << host;
  }
  for (const char* host : {"attacker.example:8765", "localhost.attacker.example", "example.com", "xcorp.example", "corp.example.evil",
                           "", "[::1", "127.0.0.1:80x", "bad host", "docs.example.com.evil.net"}) {
    EXPECT_FALSE(host_allowed(rules, host)) << host;
  }
  rules.allowed_hosts = {"*"};
  EXPECT_TRUE(host_allowed(rules, "anything.example"));
}

TEST(ServeOrigin, ABodyMustBeJson) {
  const OriginRules rules;
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/json"}) {
    const auto no = refuse_by_origin(rules, request(http::Method::post, {{"content-type", type}}, "{}"), false);
    ASSERT_TRUE(no) << type;
    EXPECT_EQ(no->status, 415) << type;
  }
  const auto untyped = refuse_by_origin(rules, request(http::Method::post, {}, "{}"), false);
  ASSERT_TRUE(untyped);
  EXPECT_EQ(untyped->status, 415) << "a body without a type (a Blob from a page) is no JSON either";
  for (const char* type : {"application/json", "Application/JSON; charset=utf-8", "application/merge-patch+json"}) {
    EXPECT_FALSE(refuse_by_origin(rules, request(http::Method::post, {{"content-type", type}}, "{}"), false)) << type;
  }
  EXPECT_FALSE(refuse_by_origin(rules, request(http::Method::del, {}), false)) << "a DELETE without a body needs no type";
  EXPECT_FALSE(refuse_by_origin(rules, request(http::Method::get, {{"content-type", "text/plain"}}), false));
}

TEST(ServeOrigin, AStateChangingRequestFromAnotherPageIsRefused) {
  OriginRules rules;
  rules.cors_origins = {"https://app.example.com"};
  const auto post = [&](std::map<std::string, std::string> h, bool keyed = false) {
    h.emplace("content-type", "application/json");
    h.emplace("host", "127.0.0.1:8765");
    return refuse_by_origin(rules, request(http::Method::post, std::move(h), "{}"), keyed);
  };
  EXPECT_FALSE(post({})) << "no Origin: no page";
  EXPECT_FALSE(post({{"origin", "http://127.0.0.1:8765"}})) << "the server's own page";
  EXPECT_FALSE(post({{"origin", "https://app.example.com/"}, {"sec-fetch-site", "cross-site"}})) << "a listed origin";
  for (const char* origin : {"http://evil.example", "null", "http://127.0.0.1:9999", "http://localhost:8765", "file://"}) {
    const auto no = post({{"origin", origin}});
    ASSERT_TRUE(no) << origin;
    EXPECT_EQ(no->status, 403) << origin;
  }
  const auto cross = post({{"sec-fetch-site", "cross-site"}});
  ASSERT_TRUE(cross);
  EXPECT_EQ(cross->status, 403);
  EXPECT_FALSE(post({{"sec-fetch-site", "same-origin"}}));
  // A GET is read by no page without CORS: it is answered.
  EXPECT_FALSE(refuse_by_origin(rules, request(http::Method::get, {{"origin", "http://evil.example"}}), false));

  rules.cors_origins = {"*"};
  EXPECT_TRUE(post({{"origin", "http://evil.example"}}, false)) << "'*' is no origin while keys do not apply";
  EXPECT_FALSE(post({{"origin", "http://evil.example"}}, true)) << "once keys apply, the key is the authority";
}

TEST(ServeOrigin, ThePublicUrlIsTheServersOwnOrigin) {
  OriginRules rules;
  rules.public_origin = origin_of_url("HTTPS://Strata.Example.org:443/base/", "public_url");
  EXPECT_EQ(rules.public_origin, "https://strata.example.org");
  http::Request r = request(http::Method::post, {{"content-type", "application/json"}, {"host", "10.0.0.5:8765"},
                                                 {"origin", "https://strata.example.org"}}, "{}");
  EXPECT_FALSE(refuse_by_origin(rules, r, false));
  EXPECT_THROW(origin_of_url("ftp://x", "public_url"), Error);
  EXPECT_THROW(origin_of_url("https://user:pw@x", "public_url"), Error);
  EXPECT_THROW(validate_allowed_host("http://x.example"), Error);
  EXPECT_THROW(validate_allowed_host("x.example:80"), Error);
  EXPECT_NO_THROW(validate_allowed_host("*.x.example"));
}

struct OriginServer : ServedApi {
  OriginServer() { serve(); }
};

TEST(ServeOrigin, EveryRouteChecksTheHost) {
  OriginServer s;
  for (const char* target : {"/healthz", "/api/v1/collections", "/?q=rollback", "/openapi.json", "/v1/models"}) {
    const http::Response r = s.call(http::Method::get, target, "", {{"host", "attacker.example:8765"}});
    EXPECT_EQ(r.status, 400) << target << ": " << r.body;
  }
  EXPECT_NE(json::parse(s.call(http::Method::get, "/v1/models", "", {{"host", "attacker.example"}}).body).value("error", json()), json())
      << "in OpenAI's shape on /v1";
  EXPECT_EQ(s.call(http::Method::get, "/healthz", "", {{"host", "127.0.0.1:1"}}).status, 200);
  EXPECT_EQ(s.call(http::Method::get, "/api/v1/collections", "", {{"host", "localhost:1"}}).status, 503) << "no store yet: past the gate";
  const http::Response plain = s.call(http::Method::post, "/api/v1/collections/docs/documents",
                                      R"({"source": "a.md", "text": "planted"})", {{"content-type", "text/plain"}});
  EXPECT_EQ(plain.status, 415) << plain.body;
}

// The gate alone: a store that holds a key makes keys apply from the first request, however
// many arrive before the store is asked again.
struct StartRig {
  strata::testing::TempDir dir;
  store::Store st = store::Store::open((dir.path() / "store.db").string());
  bool broken = false;
  Gate::Options options(KeysAtStart at_start) {
    Gate::Options o;
    o.keys_at_start = at_start;
    o.store = [this](std::size_t) -> store::Store& {
      if (broken) throw Error(ExitCode::unavailable, "the store's server is down");
      return st;
    };
    return o;
  }
};

TEST(ServeGateStart, AKeyedStoreIsKeyedFromTheFirstRequest) {
  StartRig rig;
  auth::KeyRequest k;
  k.name = "ops";
  auth::create_key(rig.st, k);
  const std::string where = (rig.dir.path() / "store.db").string();
  EXPECT_EQ(keys_at_start(where, {}), KeysAtStart::live);
  EXPECT_EQ(keys_at_start((rig.dir.path() / "none.db").string(), {}), KeysAtStart::no_store) << "no store: said, so that serve warns at start";

  Gate gate(rig.options(KeysAtStart::live));
  rig.broken = true;  // the store is not even asked: the answer at start holds
  const http::Handler h = gate.guard({}, [](const http::Request&, http::Context&, const Caller&) { return http::Response::json(200, "{}"); });
  http::Request r;
  http::Context ctx;
  EXPECT_EQ(h(r, ctx).status, 401);
  EXPECT_TRUE(gate.keys_apply(0));
}

TEST(ServeGateStart, AStoreThatCouldNotBeAskedCountsAsKeyed) {
  StartRig rig;
  rig.broken = true;
  Gate gate(rig.options(KeysAtStart::unknown));
  EXPECT_TRUE(gate.keys_apply(0)) << "never heard from: keyed";
  rig.broken = false;
  EXPECT_TRUE(gate.keys_apply(0)) << "asked at most once a second";
}

TEST(ServeGateStart, ABatchTakesItsOperationsFromTheKeysRate) {
  auth::RateLimiter limiter([] { return std::chrono::steady_clock::time_point{}; });
  EXPECT_TRUE(limiter.take("k", 3).allowed);
  const auth::RateDecision batch = limiter.take("k", 3, 40);
  EXPECT_FALSE(batch.allowed) << "40 operations do not fit in 2";
  EXPECT_EQ(batch.remaining, 2) << "a refused batch takes nothing";
  EXPECT_TRUE(limiter.take("k", 3, 2).allowed);
  EXPECT_FALSE(limiter.take("k", 3).allowed);
}

}  // namespace
}  // namespace strata::serve
