// robots.txt (RFC 9309): groups, longest match, wildcards, what an unreadable file means. Several
// cases are those of Google's reference parser (github.com/google/robotstxt, robots_test.cc).
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "web/robots.h"

namespace strata::web {
namespace {

bool allowed(const std::string& robots_txt, const std::string& agent, const std::string& path) {
  return Robots::parse(robots_txt, agent).allowed(path);
}

TEST(WebRobots, GroupsCombineAndRulesOutsideGroupsAreIgnored) {
  // google/robotstxt ID_LineSyntax_Groups
  const std::string txt =
      "allow: /foo/bar/\n\nuser-agent: FooBot\ndisallow: /\nallow: /x/\nuser-agent: BarBot\n"
      "disallow: /\nallow: /y/\n\n\nallow: /w/\nuser-agent: BazBot\n\nuser-agent: FooBot\n"
      "allow: /z/\ndisallow: /\n";
  EXPECT_TRUE(allowed(txt, "FooBot", "/x/b"));
  EXPECT_TRUE(allowed(txt, "FooBot", "/z/d"));
  EXPECT_FALSE(allowed(txt, "FooBot", "/y/c"));
  EXPECT_TRUE(allowed(txt, "BarBot", "/y/c"));
  EXPECT_TRUE(allowed(txt, "BarBot", "/w/a"));
  EXPECT_FALSE(allowed(txt, "BarBot", "/z/d"));
  EXPECT_TRUE(allowed(txt, "BazBot", "/z/d"));
  EXPECT_FALSE(allowed(txt, "FooBot", "/foo/bar/"));
  EXPECT_FALSE(allowed(txt, "BazBot", "/foo/bar/"));
}

TEST(WebRobots, NamesAndAgentsAreCaseInsensitivePathsAreNot) {
  EXPECT_TRUE(allowed("uSeR-aGeNt: FooBot\nAlLoW: /x/\ndIsAlLoW: /\n", "foobot", "/x/y"));
  EXPECT_FALSE(allowed("USER-AGENT: FooBot\nALLOW: /x/\nDISALLOW: /\n", "FOOBOT", "/a/b"));
  EXPECT_FALSE(allowed("user-agent: FooBot\ndisallow: /x/\n", "FooBot", "/x/y"));
  EXPECT_TRUE(allowed("user-agent: FooBot\ndisallow: /X/\n", "FooBot", "/x/y"));
  // A value with a version or a space names its leading product token.
  EXPECT_FALSE(allowed("User-agent: strata/2.0\nDisallow: /\n", "strata", "/a"));
  EXPECT_TRUE(allowed("User-Agent: *\nDisallow: /\nUser-Agent: Foo Bar\nAllow: /x/\nDisallow: /\n", "Foo", "/x/y"));
}

TEST(WebRobots, TheOwnGroupWinsOverStarAndNoGroupMeansAllowed) {
  // google/robotstxt ID_GlobalGroups_Secondary
  const std::string global = "user-agent: *\nallow: /\nuser-agent: FooBot\ndisallow: /\n";
  EXPECT_FALSE(allowed(global, "FooBot", "/x/y"));
  EXPECT_TRUE(allowed(global, "BarBot", "/x/y"));
  EXPECT_TRUE(allowed("user-agent: FooBot\nallow: /\nuser-agent: BarBot\ndisallow: /\n", "QuxBot", "/x/y"));
  EXPECT_TRUE(allowed("", "strata", "/x"));
  // The default agent is strata's own token.
  const Robots robots = Robots::parse("User-agent: *\nDisallow: /\n\nUser-agent: Strata\nDisallow: /private/\n");
  EXPECT_TRUE(robots.allowed("/guide/"));
  EXPECT_FALSE(robots.allowed("/private/x"));
}

TEST(WebRobots, TheLongestMatchWinsAndAllowWinsATie) {
  // google/robotstxt ID_LongestMatch
  EXPECT_FALSE(allowed("user-agent: FooBot\ndisallow: /x/page.html\nallow: /x/\n", "FooBot", "/x/page.html"));
  EXPECT_TRUE(allowed("user-agent: FooBot\nallow: /x/page.html\ndisallow: /x/\n", "FooBot", "/x/page.html"));
  EXPECT_FALSE(allowed("user-agent: FooBot\nallow: /x/page.html\ndisallow: /x/\n", "FooBot", "/x/"));
  EXPECT_TRUE(allowed("user-agent: FooBot\ndisallow: \nallow: \n", "FooBot", "/x/page.html"));
  EXPECT_TRUE(allowed("user-agent: FooBot\ndisallow: /\nallow: /\n", "FooBot", "/x/page.html"));
  EXPECT_FALSE(allowed("user-agent: FooBot\ndisallow: /x\nallow: /x/\n", "FooBot", "/x"));
  EXPECT_TRUE(allowed("user-agent: FooBot\ndisallow: /x\nallow: /x/\n", "FooBot", "/x/"));
  EXPECT_FALSE(allowed("user-agent: FooBot\nallow: /page\ndisallow: /*.html\n", "FooBot", "/page.html"));
  EXPECT_TRUE(allowed("user-agent: FooBot\nallow: /page\ndisallow: /*.html\n", "FooBot", "/page"));
  EXPECT_TRUE(allowed("user-agent: FooBot\nallow: /x/page.\ndisallow: /*.html\n", "FooBot", "/x/page.html"));
  EXPECT_FALSE(allowed("user-agent: FooBot\nallow: /x/page.\ndisallow: /*.html\n", "FooBot", "/x/y.html"));
}

TEST(WebRobots, StarAndDollarAreWildcards) {
  EXPECT_TRUE(robots_pattern_match("/", "/anything"));
  EXPECT_TRUE(robots_pattern_match("/*.php$", "/folder/filename.php"));
  EXPECT_FALSE(robots_pattern_match("/*.php$", "/filename.php?parameters"));
  EXPECT_FALSE(robots_pattern_match("/*.php$", "/filename.php/"));
  EXPECT_TRUE(robots_pattern_match("/fish*.php", "/fish.php"));
  EXPECT_TRUE(robots_pattern_match("/fish*.php", "/fishheads/catfish.php?parameters"));
  EXPECT_FALSE(robots_pattern_match("/fish*.php", "/Fish.PHP"));
  EXPECT_TRUE(robots_pattern_match("/$", "/"));
  EXPECT_FALSE(robots_pattern_match("/$", "/page.htm"));
  EXPECT_FALSE(allowed("user-agent: *\ndisallow: /*?\n", "strata", "/search?q=x"));
  EXPECT_TRUE(allowed("user-agent: *\ndisallow: /*?\n", "strata", "/search"));
}

TEST(WebRobots, PercentEncodingIsComparedInOneSpelling) {
  // google/robotstxt ID_Encoding: a non-ASCII pattern is encoded before comparison.
  const std::string txt = "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/\xE3\x83\x84\n";
  EXPECT_TRUE(allowed(txt, "FooBot", "/foo/bar/%E3%83%84"));
  EXPECT_TRUE(allowed("User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%e3%83%84\n", "FooBot", "/foo/bar/%E3%83%84"));
  EXPECT_TRUE(allowed("User-agent: FooBot\nDisallow: /\nAllow: /foo/bar?qux=taz&baz=http://foo.bar?tar&par\n",
                      "FooBot", "/foo/bar?qux=taz&baz=http://foo.bar?tar&par"));
}

TEST(WebRobots, CollectsSitemapsAndTheOwnGroupsCrawlDelay) {
  const Robots robots = Robots::parse(
      "Sitemap: https://d.example/sitemap.xml\nUser-agent: *\nCrawl-delay: 9\nDisallow: /tmp/\n"
      "Sitemap: https://d.example/news.xml # comment\nUser-agent: strata\nCrawl-delay: 1.5\nDisallow: /x/\n");
  ASSERT_EQ(robots.sitemaps().size(), 2u);
  EXPECT_EQ(robots.sitemaps()[0], "https://d.example/sitemap.xml");
  EXPECT_EQ(robots.sitemaps()[1], "https://d.example/news.xml");
  EXPECT_EQ(robots.crawl_delay(), std::chrono::milliseconds(1500));
  EXPECT_TRUE(robots.allowed("/tmp/a"));  // strata's group, not '*'
  EXPECT_FALSE(Robots::parse("User-agent: *\nCrawl-delay: soon\n").crawl_delay().has_value());
}

TEST(WebRobots, AnUnreadableFileMeansWhatRfc9309Says) {
  EXPECT_TRUE(Robots::from_status(404, "User-agent: *\nDisallow: /\n").allowed("/a"));
  EXPECT_TRUE(Robots::from_status(403, "").allowed("/a"));
  EXPECT_FALSE(Robots::from_status(500, "").allowed("/a"));
  EXPECT_FALSE(Robots::from_status(503, "").allowed("/a"));
  EXPECT_FALSE(Robots::from_status(429, "").allowed("/a"));
  EXPECT_FALSE(Robots::disallow_all().allowed("/"));
  EXPECT_TRUE(Robots::disallow_all().allowed("/robots.txt"));
  EXPECT_FALSE(Robots::from_status(200, "User-agent: *\nDisallow: /a\n").allowed("/a"));
}

TEST(WebRobots, ReadsNoMoreThan500KiB) {
  std::string txt = "User-agent: *\nDisallow: /early/\n";
  while (txt.size() < k_robots_max_bytes) txt += "# padding padding padding padding padding padding\n";
  txt += "Disallow: /late/\n";
  const Robots robots = Robots::parse(txt);
  EXPECT_FALSE(robots.allowed("/early/x"));
  EXPECT_TRUE(robots.allowed("/late/x"));
}

}  // namespace
}  // namespace strata::web
