// The crawl's scope: origin, the start URL's directory, include and exclude patterns.
#include <gtest/gtest.h>

#include <string>

#include "web/scope.h"

namespace strata::web {
namespace {

Url url(const std::string& text) {
  const auto parsed = parse_http_url(text);
  EXPECT_TRUE(parsed) << text;
  return parsed.value_or(Url{});
}

TEST(WebScope, DefaultsToTheStartUrlsOriginAndDirectory) {
  const Scope scope(url("https://d.example/guide/intro.html"));
  EXPECT_EQ(scope.prefix(), "/guide/");
  EXPECT_EQ(scope.origin(), "https://d.example");
  EXPECT_EQ(scope.check(url("https://d.example/guide/setup.html")), ScopeVerdict::in_scope);
  EXPECT_EQ(scope.check(url("https://d.example/guide/")), ScopeVerdict::in_scope);
  EXPECT_EQ(scope.check(url("https://d.example/guide/deep/er/x.html?y=1")), ScopeVerdict::in_scope);
  EXPECT_EQ(scope.check(url("https://d.example/guidebook/")), ScopeVerdict::outside_prefix);
  EXPECT_EQ(scope.check(url("https://d.example/guide")), ScopeVerdict::outside_prefix);
  EXPECT_EQ(scope.check(url("https://d.example/")), ScopeVerdict::outside_prefix);
  EXPECT_EQ(scope.check(url("http://d.example/guide/x")), ScopeVerdict::other_origin);
  EXPECT_EQ(scope.check(url("https://d.example:8443/guide/x")), ScopeVerdict::other_origin);
  EXPECT_EQ(scope.check(url("https://evil.example/guide/x")), ScopeVerdict::other_origin);
  EXPECT_EQ(describe(ScopeVerdict::outside_prefix, scope.prefix()), "outside /guide/");
}

TEST(WebScope, AStartUrlEndingInASlashIsItsOwnDirectory) {
  EXPECT_EQ(Scope(url("https://d.example/guide/")).prefix(), "/guide/");
  EXPECT_EQ(Scope(url("https://d.example")).prefix(), "/");
  EXPECT_EQ(path_directory("/a/b/c"), "/a/b/");
  EXPECT_EQ(path_directory(""), "/");
}

TEST(WebScope, ExcludeWinsOverInclude) {
  const Scope scope(url("https://d.example/"), {"/api/**", "*.html"}, {"/api/internal/*", "*.pdf"});
  EXPECT_EQ(scope.check(url("https://d.example/api/v1/x")), ScopeVerdict::in_scope);
  EXPECT_EQ(scope.check(url("https://d.example/guide/a.html")), ScopeVerdict::in_scope);
  EXPECT_EQ(scope.check(url("https://d.example/guide/a.txt")), ScopeVerdict::not_included);
  EXPECT_EQ(scope.check(url("https://d.example/api/internal/x")), ScopeVerdict::excluded);
  EXPECT_EQ(scope.check(url("https://d.example/api/manual.pdf")), ScopeVerdict::excluded);
}

TEST(WebScope, GlobStarsStopAtSlashesAndDoubleStarsDoNot) {
  EXPECT_TRUE(url_path_glob_match("/guide/*", "/guide/a.html"));
  EXPECT_FALSE(url_path_glob_match("/guide/*", "/guide/sub/a.html"));
  EXPECT_TRUE(url_path_glob_match("/guide/**", "/guide/sub/a.html"));
  EXPECT_TRUE(url_path_glob_match("/**/a.html", "/guide/sub/a.html"));
  EXPECT_TRUE(url_path_glob_match("/g?ide/*.html", "/guide/a.html"));
  EXPECT_FALSE(url_path_glob_match("/g?ide/*.html", "/g/ide/a.html"));
  EXPECT_TRUE(url_path_glob_match("*.pdf", "/a/b/c.pdf"));
  EXPECT_FALSE(url_path_glob_match("*.pdf", "/a/b/c.pdf.html"));
  EXPECT_TRUE(url_path_glob_match("api/*", "/v2/api/x"));
  EXPECT_FALSE(url_path_glob_match("api/*", "/v2/myapi/x"));
  EXPECT_FALSE(url_path_glob_match("/Guide/*", "/guide/a"));  // case-sensitive, as paths are
  EXPECT_TRUE(url_path_glob_match("/*a*b*c*", "/xaybzc"));
  // Many stars cost no more than a pass per pattern character.
  EXPECT_FALSE(url_path_glob_match("/**a**a**a**a**a**a**a**a**b", "/" + std::string(2000, 'a')));
}

}  // namespace
}  // namespace strata::web
