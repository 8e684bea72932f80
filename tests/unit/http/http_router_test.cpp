// core/http's route table and messages: patterns with {params} and a {rest...} parameter,
// 404/405 with Allow, HEAD by the GET route, dot segments refused, header values that could end
// a line refused; and the CORS decisions (cors.h).
#include <gtest/gtest.h>

#include <stdexcept>

#include "common/error.h"
#include "http/cors.h"
#include "http/message.h"
#include "http/router.h"

namespace strata::http {
namespace {

Handler nothing() {
  return [](const Request&, Context&) { return Response::json(200, "{}"); };
}

Router table() {
  Router r;
  r.add({Method::get, "/healthz", nothing(), Blocking::no});
  r.add({Method::get, "/api/v1/collections/{collection}/documents", nothing()});
  r.add({Method::post, "/api/v1/collections/{collection}/documents", nothing()});
  r.add({Method::get, "/api/v1/collections/{collection}/documents/{source...}", nothing()});
  r.add({Method::del, "/api/v1/collections/{collection}/documents/{source...}", nothing()});
  return r;
}

TEST(HttpRouter, MatchesLiteralsAndParameters) {
  const Router r = table();
  Match m = r.match(Method::get, "/healthz");
  ASSERT_EQ(m.kind, Match::Kind::found);
  EXPECT_EQ(m.route->pattern, "/healthz");
  m = r.match(Method::post, "/api/v1/collections/docs/documents");
  ASSERT_EQ(m.kind, Match::Kind::found);
  EXPECT_EQ(m.route->method, Method::post);
  EXPECT_EQ(m.params.at("collection"), "docs");
}

TEST(HttpRouter, ARestParameterTakesSlashesAndEscapesAreDecoded) {
  const Router r = table();
  Match m = r.match(Method::get, "/api/v1/collections/my%20docs/documents/guide/intro.md");
  ASSERT_EQ(m.kind, Match::Kind::found);
  EXPECT_EQ(m.params.at("collection"), "my docs");
  EXPECT_EQ(m.params.at("source"), "guide/intro.md");
  m = r.match(Method::del, "/api/v1/collections/docs/documents/guide%2Fintro.md");
  ASSERT_EQ(m.kind, Match::Kind::found);
  EXPECT_EQ(m.params.at("source"), "guide/intro.md");
}

TEST(HttpRouter, UnknownPathIsNotFoundAndWrongMethodListsTheAllowedOnes) {
  const Router r = table();
  EXPECT_EQ(r.match(Method::get, "/nothing/here").kind, Match::Kind::not_found);
  EXPECT_EQ(r.match(Method::get, "/api/v1/collections/docs").kind, Match::Kind::not_found);
  EXPECT_EQ(r.match(Method::get, "/healthz/more").kind, Match::Kind::not_found);
  Match m = r.match(Method::put, "/api/v1/collections/docs/documents");
  ASSERT_EQ(m.kind, Match::Kind::wrong_method);
  EXPECT_EQ(m.allow, "GET, HEAD, POST");
  m = r.match(Method::post, "/healthz");
  ASSERT_EQ(m.kind, Match::Kind::wrong_method);
  EXPECT_EQ(m.allow, "GET, HEAD");
}

TEST(HttpRouter, DotSegmentsAndBadEscapesAreRefusedWrittenOrEscaped) {
  const Router r = table();
  for (const char* path : {"/api/v1/collections/docs/documents/../../../etc/passwd", "/api/v1/collections/docs/documents/a/./b",
                           "/api/v1/collections/%2e%2e/documents", "/api/v1/collections/docs/documents/a%2F..%2Fb",
                           "/api/v1/collections/docs/documents/a%00b", "/api/v1/collections/docs/documents/%zz"}) {
    EXPECT_EQ(r.match(Method::get, path).kind, Match::Kind::bad_path) << path;
  }
}

TEST(HttpRouter, MalformedPatternsAndDuplicatesAreRefused) {
  Router r = table();
  EXPECT_THROW(r.add({Method::get, "/a/{rest...}/b", nothing()}), std::invalid_argument);
  EXPECT_THROW(r.add({Method::get, "/a/{}", nothing()}), std::invalid_argument);
  EXPECT_THROW(r.add({Method::get, "/healthz", nothing()}), std::invalid_argument);
  EXPECT_EQ(pattern_params("/api/v1/collections/{collection}/documents/{source...}"),
            (std::vector<std::string>{"collection", "source"}));
}

TEST(HttpMessage, HeaderValuesThatCouldEndALineAreRefused) {
  Response r;
  EXPECT_THROW(r.set_header("X-Name", "a\r\nSet-Cookie: b=c"), std::invalid_argument);
  EXPECT_THROW(r.set_header("X-Name", "a\nb"), std::invalid_argument);
  EXPECT_THROW(r.set_header("X-Name", std::string("a\0b", 3)), std::invalid_argument);
  EXPECT_THROW(r.set_header("X Name", "a"), std::invalid_argument);
  EXPECT_THROW(r.set_header("X-Name:", "a"), std::invalid_argument);
  r.set_header("Retry-After", "1");
  r.set_header("retry-after", "2");
  ASSERT_EQ(r.headers.size(), 1U);
  EXPECT_EQ(*r.header("RETRY-AFTER"), "2");
}

TEST(HttpMessage, QueriesAreDecodedAndBadEscapesRefused) {
  std::map<std::string, std::string> q;
  ASSERT_TRUE(parse_query("source=a%2Fb.md&start_line=3&filter=two+words&flag", q));
  EXPECT_EQ(q.at("source"), "a/b.md");
  EXPECT_EQ(q.at("start_line"), "3");
  EXPECT_EQ(q.at("filter"), "two words");
  EXPECT_EQ(q.at("flag"), "");
  std::map<std::string, std::string> bad;
  EXPECT_FALSE(parse_query("a=%4", bad));
  EXPECT_FALSE(parse_query("a=%g0", bad));
  EXPECT_EQ(detail_json("no \"such\" thing"), R"({"detail":"no \"such\" thing"})");
}

// CORS (cors.h): which origins may be listed, which requests get which headers, what a
// preflight is answered.

Request with_origin(Method method, const std::string& origin) {
  Request r;
  r.method = method;
  r.path = "/api/v1/search";
  if (!origin.empty()) r.headers["origin"] = origin;
  return r;
}

TEST(HttpCors, OriginsAreSchemeHostAndPortAlone) {
  for (const char* good : {"https://app.example.com", "http://localhost:3000", "http://127.0.0.1:8080", "https://[::1]:8443",
                           "HTTPS://App.Example.com"}) {
    EXPECT_NO_THROW(CorsPolicy({good})) << good;
  }
  for (const char* bad : {"app.example.com", "https://app.example.com/", "https://app.example.com/path", "ftp://x.org",
                          "https://", "https://a:0", "https://a:65536", "https://a:", "https://user@a", "https://a?x=1",
                          "null", "https://a b", "https://[::1", "*.example.com"}) {
    try {
      CorsPolicy policy({bad});
      ADD_FAILURE() << bad << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage) << bad;
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
}

TEST(HttpCors, StarIsAllowedOnlyAlone) {
  EXPECT_NO_THROW(CorsPolicy({"*"}));
  EXPECT_THROW(CorsPolicy({"*", "https://a.example"}), Error);
  const CorsPolicy any({"*"});
  EXPECT_TRUE(any.allows("https://anything.example"));
  EXPECT_FALSE(any.allows("null"));
}

TEST(HttpCors, AListedOriginGetsItsOwnOriginVaryAndTheRateLimitHeaders) {
  const CorsPolicy policy({"https://app.example.com"});
  Response r = Response::json(200, "{}");
  policy.decorate(with_origin(Method::get, "https://APP.example.com"), r);
  ASSERT_NE(r.header("Access-Control-Allow-Origin"), nullptr);
  EXPECT_EQ(*r.header("Access-Control-Allow-Origin"), "https://APP.example.com");
  EXPECT_EQ(*r.header("Vary"), "Origin");
  EXPECT_NE(r.header("Access-Control-Expose-Headers")->find("x-ratelimit-remaining-requests"), std::string::npos);
  EXPECT_NE(r.header("Access-Control-Expose-Headers")->find("Retry-After"), std::string::npos);
  EXPECT_NE(r.header("Access-Control-Expose-Headers")->find("X-Strata-Answer"), std::string::npos);
  EXPECT_EQ(r.header("Access-Control-Allow-Credentials"), nullptr);
}

TEST(HttpCors, AnUnlistedOriginOrNoneOrCorsOffGetsNoCorsHeader) {
  const CorsPolicy policy({"https://app.example.com"});
  Response other = Response::json(200, "{}");
  policy.decorate(with_origin(Method::get, "https://evil.example"), other);
  EXPECT_EQ(other.header("Access-Control-Allow-Origin"), nullptr);
  EXPECT_EQ(*other.header("Vary"), "Origin");  // the answer depends on Origin: a cache keeps them apart
  Response same_port_other_scheme = Response::json(200, "{}");
  policy.decorate(with_origin(Method::get, "http://app.example.com"), same_port_other_scheme);
  EXPECT_EQ(same_port_other_scheme.header("Access-Control-Allow-Origin"), nullptr);
  Response none = Response::json(200, "{}");
  policy.decorate(with_origin(Method::get, ""), none);
  EXPECT_TRUE(none.headers.size() == 1 && none.headers[0].first == "Content-Type");
  Response off = Response::json(200, "{}");
  CorsPolicy().decorate(with_origin(Method::get, "https://app.example.com"), off);
  EXPECT_EQ(off.header("Vary"), nullptr);
  EXPECT_FALSE(CorsPolicy().enabled());
}

TEST(HttpCors, APreflightIs204WithThePathsMethodsForAListedOrigin403Otherwise) {
  const CorsPolicy policy({"https://app.example.com"});
  Request q = with_origin(Method::options, "https://app.example.com");
  EXPECT_FALSE(CorsPolicy::is_preflight(q));  // no Access-Control-Request-Method: a plain OPTIONS
  q.headers["access-control-request-method"] = "POST";
  ASSERT_TRUE(CorsPolicy::is_preflight(q));
  const Response ok = policy.preflight(q, "GET, HEAD, POST");
  EXPECT_EQ(ok.status, 204);
  EXPECT_EQ(*ok.header("Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(*ok.header("Access-Control-Allow-Methods"), "GET, HEAD, POST");
  EXPECT_EQ(*ok.header("Access-Control-Allow-Headers"), std::string(k_cors_allow_headers));
  EXPECT_NE(ok.header("Access-Control-Allow-Headers")->find("Mcp-Session-Id"), std::string::npos);
  EXPECT_EQ(*ok.header("Access-Control-Max-Age"), "600");
  q.headers["origin"] = "https://evil.example";
  const Response refused = policy.preflight(q, "GET, HEAD, POST");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.header("Access-Control-Allow-Origin"), nullptr);
  EXPECT_EQ(refused.header("Access-Control-Allow-Methods"), nullptr);
}

TEST(HttpRouter, HeadFindsThePathsGetRouteAndNothingElse) {
  const Router r = table();
  Match m = r.match(Method::head, "/api/v1/collections/my%20docs/documents/guide/intro.md");
  ASSERT_EQ(m.kind, Match::Kind::found);
  EXPECT_EQ(m.route->method, Method::get);
  EXPECT_EQ(m.params.at("source"), "guide/intro.md");
  EXPECT_EQ(r.match(Method::head, "/nothing/here").kind, Match::Kind::not_found);
  Router post_only;
  post_only.add({Method::post, "/echo", [](const Request&, Context&) { return Response::text(200, ""); }});
  m = post_only.match(Method::head, "/echo");
  ASSERT_EQ(m.kind, Match::Kind::wrong_method);
  EXPECT_EQ(m.allow, "POST");
  EXPECT_EQ(m.pattern, "/echo");
}

}  // namespace
}  // namespace strata::http
