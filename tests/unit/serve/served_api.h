#pragma once
// The serve suites' fixture: serve's routes over a SQLite store in a temporary folder, called
// through the router as the server calls them (no sockets).
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "http/message.h"
#include "http/metrics.h"
#include "http/router.h"
#include "serve/api.h"
#include "test_util.h"

namespace strata::serve {

struct ServedApi {
  strata::testing::TempDir dir;
  std::string store_path = (dir.path() / "store.db").string();
  http::Metrics metrics;
  std::unique_ptr<Api> api;
  http::Router router;
  std::size_t worker = 1;  // the worker thread each call runs as

  // Makes the Api: collection "docs", `workers` workers, `adjust` changing the options first.
  void serve(std::size_t workers = 2, const std::function<void(ApiOptions&)>& adjust = {}) {
    ApiOptions o;
    o.store_path = store_path;
    o.collection = "docs";
    o.workers = workers;
    o.ingest.store_path = store_path;
    o.ingest.threads = 1;
    o.version = "test";
    if (adjust) adjust(o);
    api = std::make_unique<Api>(std::move(o), metrics);
    router = api->router();
  }

  // `target` is a path with an optional ?query; header names in lower case (a body's
  // content-type is application/json unless given; "" sends none). `key_name`, when
  // given, receives what the handler reported for the access log.
  http::Response call(http::Method method, const std::string& target, const std::string& body = "",
                      std::map<std::string, std::string> headers = {}, std::string* key_name = nullptr) {
    http::Request r;
    r.method = method;
    const std::size_t q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) {
      EXPECT_TRUE(http::parse_query(target.substr(q + 1), r.query));
    }
    // A body is JSON, as the gate requires (origin_rules.h); a test of another type names its own.
    if ((method == http::Method::post || method == http::Method::put || method == http::Method::patch || !body.empty()) &&
        !headers.contains("content-type")) {
      headers["content-type"] = "application/json";
    }
    if (const auto it = headers.find("content-type"); it != headers.end() && it->second.empty()) headers.erase(it);
    r.headers = std::move(headers);
    r.body = body;
    const http::Match m = router.match(method, r.path);
    EXPECT_EQ(m.kind, http::Match::Kind::found) << target;
    if (m.kind != http::Match::Kind::found) return {};
    r.params = m.params;
    r.route = m.route->pattern;
    http::Context context{worker};
    http::Response response = m.route->handler(r, context);
    if (key_name != nullptr) *key_name = context.key_name;
    return response;
  }
};

}  // namespace strata::serve
