// RFC 3986 parsing, resolution (the examples of section 5.4) and the crawl's normal form.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "web/url.h"

namespace strata::web {
namespace {

std::string resolved(const std::string& reference) {
  const auto base = parse_url("http://a/b/c/d;p?q");
  const auto ref = parse_url(reference);
  EXPECT_TRUE(base && ref) << reference;
  return resolve(*base, *ref).to_string();
}

struct ResolveCase {
  std::string reference;
  std::string target;
};

TEST(WebUrl, ResolvesTheNormalExamplesOfRfc3986Section541) {
  const std::vector<ResolveCase> cases = {
      {"g:h", "g:h"},           {"g", "http://a/b/c/g"},         {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"}, {"/g", "http://a/g"},            {"//g", "http://g"},
      {"?y", "http://a/b/c/d;p?y"}, {"g?y", "http://a/b/c/g?y"},  {"#s", "http://a/b/c/d;p?q#s"},
      {"g#s", "http://a/b/c/g#s"}, {"g?y#s", "http://a/b/c/g?y#s"}, {";x", "http://a/b/c/;x"},
      {"g;x", "http://a/b/c/g;x"}, {"g;x?y#s", "http://a/b/c/g;x?y#s"}, {"", "http://a/b/c/d;p?q"},
      {".", "http://a/b/c/"},    {"./", "http://a/b/c/"},         {"..", "http://a/b/"},
      {"../", "http://a/b/"},    {"../g", "http://a/b/g"},        {"../..", "http://a/"},
      {"../../", "http://a/"},   {"../../g", "http://a/g"},
  };
  for (const auto& c : cases) EXPECT_EQ(resolved(c.reference), c.target) << c.reference;
}

TEST(WebUrl, ResolvesTheAbnormalExamplesOfRfc3986Section542) {
  const std::vector<ResolveCase> cases = {
      {"../../../g", "http://a/g"},   {"../../../../g", "http://a/g"},
      {"/./g", "http://a/g"},         {"/../g", "http://a/g"},
      {"g.", "http://a/b/c/g."},      {".g", "http://a/b/c/.g"},
      {"g..", "http://a/b/c/g.."},    {"..g", "http://a/b/c/..g"},
      {"./../g", "http://a/b/g"},     {"./g/.", "http://a/b/c/g/"},
      {"g/./h", "http://a/b/c/g/h"},  {"g/../h", "http://a/b/c/h"},
      {"g;x=1/./y", "http://a/b/c/g;x=1/y"}, {"g;x=1/../y", "http://a/b/c/y"},
      {"g?y/./x", "http://a/b/c/g?y/./x"},   {"g?y/../x", "http://a/b/c/g?y/../x"},
      {"g#s/./x", "http://a/b/c/g#s/./x"},   {"g#s/../x", "http://a/b/c/g#s/../x"},
      {"http:g", "http:g"},  // strict parsers, as section 5.4.2 recommends
  };
  for (const auto& c : cases) EXPECT_EQ(resolved(c.reference), c.target) << c.reference;
}

TEST(WebUrl, RemovesDotSegmentsAsSection524Shows) {
  EXPECT_EQ(remove_dot_segments("/a/b/c/./../../g"), "/a/g");
  EXPECT_EQ(remove_dot_segments("mid/content=5/../6"), "mid/6");
  EXPECT_EQ(remove_dot_segments("/.."), "/");
  EXPECT_EQ(remove_dot_segments(""), "");
}

TEST(WebUrl, SplitsTheAuthorityAndKeepsEmptyPartsApartFromAbsentOnes) {
  const auto url = parse_url("https://user:pw@[::1]:8443/p?#");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->userinfo.value_or("-"), "user:pw");
  EXPECT_EQ(url->host, "[::1]");
  EXPECT_EQ(url->port.value_or("-"), "8443");
  EXPECT_EQ(url->path, "/p");
  EXPECT_EQ(url->query.value_or("-"), "");
  EXPECT_EQ(url->fragment.value_or("-"), "");
  EXPECT_EQ(url->to_string(), "https://user:pw@[::1]:8443/p?#");
  EXPECT_FALSE(parse_url("http://a:8x/"));
  EXPECT_FALSE(parse_url("http://[::1/"));
  EXPECT_FALSE(parse_url("http://a/\nb"));
}

TEST(WebUrl, NormalisesToOneSpellingPerPage) {
  const auto norm = [](const std::string& text) {
    const auto url = parse_http_url(text);
    return url ? url->to_string() : std::string("(none)");
  };
  EXPECT_EQ(norm("HTTP://Docs.Example.COM:80/a/./b/../c.html#part"), "http://docs.example.com/a/c.html");
  EXPECT_EQ(norm("https://d.example:443"), "https://d.example/");
  EXPECT_EQ(norm("https://d.example:8443/x"), "https://d.example:8443/x");
  EXPECT_EQ(norm("https://d.example/%7euser/%2fa%2Fb?q=%41%3d"), "https://d.example/~user/%2Fa%2Fb?q=A%3D");
  EXPECT_EQ(norm("https://d.example/a b/\xC3\xA9"), "https://d.example/a%20b/%C3%A9");
  EXPECT_EQ(norm("https://d.example/100%"), "https://d.example/100%25");
  EXPECT_EQ(norm("https://d.example/a/%2E%2e/b/%2e/c"), "https://d.example/b/c");
  EXPECT_EQ(norm("HTTPS://%44.Example/"), "https://d.example/");
  EXPECT_EQ(norm("  https://d.example/x  "), "https://d.example/x");
  EXPECT_EQ(norm("ftp://d.example/x"), "(none)");
  EXPECT_EQ(norm("/relative/only"), "(none)");
  EXPECT_EQ(norm("https:///nohost"), "(none)");
}

TEST(WebUrl, ResolvesWhatPagesLinkToAndDropsOtherSchemes) {
  const auto base = parse_http_url("https://d.example/guide/intro.html");
  ASSERT_TRUE(base);
  EXPECT_EQ(resolve_http(*base, "setup.html#install")->to_string(), "https://d.example/guide/setup.html");
  EXPECT_EQ(resolve_http(*base, "../api/")->to_string(), "https://d.example/api/");
  EXPECT_EQ(resolve_http(*base, "//other.example/x")->to_string(), "https://other.example/x");
  EXPECT_EQ(resolve_http(*base, "#top")->to_string(), "https://d.example/guide/intro.html");
  EXPECT_FALSE(resolve_http(*base, "mailto:team@d.example"));
  EXPECT_FALSE(resolve_http(*base, "javascript:void(0)"));
  EXPECT_EQ(base->origin(), "https://d.example");
  EXPECT_EQ(parse_http_url("http://d.example:8080/a?b=1")->origin(), "http://d.example:8080");
  EXPECT_EQ(parse_http_url("http://d.example:8080/a?b=1")->path_and_query(), "/a?b=1");
}

}  // namespace
}  // namespace strata::web
