// core/http's route table and messages: patterns with {params} and a {rest...} parameter,
// 404/405 with Allow, dot segments refused, header values that could end a line refused.
#include <gtest/gtest.h>

#include <stdexcept>

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
  EXPECT_EQ(m.allow, "GET, POST");
  m = r.match(Method::post, "/healthz");
  ASSERT_EQ(m.kind, Match::Kind::wrong_method);
  EXPECT_EQ(m.allow, "GET");
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

}  // namespace
}  // namespace strata::http
