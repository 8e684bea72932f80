// The crawl over a fake site (a fake FetchFn) on a fake clock: order, scope, depth, caps,
// robots.txt, discovery, redirects, retries, politeness, dry runs and conditional requests.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <map>
#include <string>
#include <vector>

#include "common/error.h"
#include "web/crawl.h"

namespace strata::web {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

FetchResponse html(const std::string& body) {
  FetchResponse r;
  r.status = 200;
  r.content_type = "text/html";
  r.body = body;
  return r;
}

FetchResponse status(long code) {
  FetchResponse r;
  r.status = code;
  r.content_type = "text/html";
  return r;
}

std::string a(const std::string& href) { return "<a href=\"" + href + "\">x</a>"; }

// A site by URL; an unknown URL is a 404. `script` answers first when it has something for a
// URL (a 429, then the page). Every request is recorded with the fake time it was sent at.
struct FakeSite {
  std::map<std::string, FetchResponse> pages;
  std::map<std::string, std::vector<FetchResponse>> script;
  std::vector<std::string> requests;
  std::vector<FetchRequest> full_requests;
  std::vector<milliseconds> sent_at;
  std::map<std::string, std::string> throws;  // URL -> the fetcher's refusal
  milliseconds cost{0};                       // fake time one fetch takes
  CrawlTime now{};
  std::vector<milliseconds> sleeps;

  FetchFn fetch() {
    return [this](const FetchRequest& request) {
      requests.push_back(request.url);
      full_requests.push_back(request);
      sent_at.push_back(std::chrono::duration_cast<milliseconds>(now - CrawlTime{}));
      now += cost;
      if (const auto t = throws.find(request.url); t != throws.end()) throw Error(ExitCode::unavailable, t->second);
      if (auto s = script.find(request.url); s != script.end() && !s->second.empty()) {
        FetchResponse r = s->second.front();
        s->second.erase(s->second.begin());
        if (r.url.empty()) r.url = request.url;
        return r;
      }
      const auto it = pages.find(request.url);
      FetchResponse r = it == pages.end() ? status(404) : it->second;
      if (r.url.empty()) r.url = request.url;
      return r;
    };
  }
  CrawlClock clock() {
    return {[this] { return now; },
            [this](milliseconds wait) {
              sleeps.push_back(wait);
              now += wait;
            }};
  }
  std::size_t count(const std::string& url) const {
    return static_cast<std::size_t>(std::count(requests.begin(), requests.end(), url));
  }
};

// Options with no delay and no discovery, so a test sees only what it sets up; one connection,
// as FakeSite and its fake clock are one thread's (several: WebCrawlConnections below).
CrawlOptions quiet() {
  CrawlOptions o;
  o.concurrency = 1;
  o.adaptive_delay = false;
  o.request_delay = milliseconds(0);
  o.sitemaps = false;
  o.llms_txt = false;
  return o;
}

struct CrawlRun {
  CrawlReport report;
  std::vector<std::string> pages;  // on_page's URLs, in order
  std::vector<int> depths;
};

CrawlRun run(FakeSite& site, const std::string& start, const CrawlOptions& options, CrawlHooks hooks = {}) {
  CrawlRun out;
  if (!hooks.on_page) {
    hooks.on_page = [&out](const FetchResponse& r, int depth, const std::vector<Url>*, std::any) {
      out.pages.push_back(r.url);
      out.depths.push_back(depth);
    };
  }
  out.report = crawl(start, options, site.fetch(), hooks, site.clock());
  return out;
}

const PageReport* find(const CrawlReport& report, const std::string& url) {
  for (const auto& p : report.pages) {
    if (p.url == url) return &p;
  }
  return nullptr;
}

const std::string k_root = "https://d.example/guide/";

// /guide/ -> a, b, outside; a -> /guide/ (a loop), c; b -> a; c -> d; d -> e.
FakeSite guide_site() {
  FakeSite site;
  site.pages[k_root] = html(a("a.html") + a("b.html#part") + a("/other/x.html") + a("https://ext.example/") +
                            a("mailto:me@d.example"));
  site.pages[k_root + "a.html"] = html(a("./") + a("c.html") + a("a.html"));
  site.pages[k_root + "b.html"] = html(a("a.html"));
  site.pages[k_root + "c.html"] = html(a("d.html"));
  site.pages[k_root + "d.html"] = html(a("e.html"));
  site.pages[k_root + "e.html"] = html("end");
  return site;
}

TEST(WebCrawl, GoesBreadthFirstWithinScopeAndDepthEachPageOnce) {
  FakeSite site = guide_site();
  CrawlOptions options = quiet();
  options.max_depth = 2;
  const CrawlRun r = run(site, k_root + "index.html#top", options);
  // index.html is a 404; start from the directory instead.
  EXPECT_EQ(r.report.count(PageOutcome::failed), 1u);
  EXPECT_EQ(find(r.report, k_root + "index.html")->reason, "HTTP 404");

  FakeSite site2 = guide_site();
  const CrawlRun r2 = run(site2, k_root, options);
  EXPECT_EQ(site2.requests, (std::vector<std::string>{"https://d.example/robots.txt", k_root, k_root + "a.html",
                                                      k_root + "b.html", k_root + "c.html"}));
  EXPECT_EQ(r2.pages, (std::vector<std::string>{k_root, k_root + "a.html", k_root + "b.html", k_root + "c.html"}));
  EXPECT_EQ(r2.depths, (std::vector<int>{0, 1, 1, 2}));
  EXPECT_EQ(r2.report.count(PageOutcome::fetched), 4u);
  const PageReport* outside = find(r2.report, "https://d.example/other/x.html");
  ASSERT_NE(outside, nullptr);
  EXPECT_EQ(outside->outcome, PageOutcome::out_of_scope);
  EXPECT_EQ(outside->reason, "outside /guide/");
  ASSERT_NE(find(r2.report, "https://ext.example/"), nullptr);
  EXPECT_EQ(find(r2.report, "https://ext.example/")->reason, "another origin");
  EXPECT_EQ(find(r2.report, k_root + "d.html"), nullptr);  // depth 3: not reached
  EXPECT_FALSE(r2.report.page_limit_reached);
}

TEST(WebCrawl, StopsAtMaxPages) {
  FakeSite site = guide_site();
  CrawlOptions options = quiet();
  options.max_pages = 2;
  const CrawlRun r = run(site, k_root, options);
  EXPECT_EQ(r.pages, (std::vector<std::string>{k_root, k_root + "a.html"}));
  EXPECT_TRUE(r.report.page_limit_reached);
  EXPECT_EQ(site.count(k_root + "b.html"), 0u);
}

TEST(WebCrawl, IncludeAndExcludeNarrowTheScope) {
  FakeSite site = guide_site();
  CrawlOptions options = quiet();
  options.exclude = {"/guide/b.*"};
  const CrawlRun r = run(site, k_root, options);
  EXPECT_EQ(site.count(k_root + "b.html"), 0u);
  ASSERT_NE(find(r.report, k_root + "b.html"), nullptr);
  EXPECT_EQ(find(r.report, k_root + "b.html")->reason, "matches an exclude pattern");
  EXPECT_EQ(r.report.count(PageOutcome::fetched), 5u);  // /guide/, a, c, d, e
}

TEST(WebCrawl, HonoursRobotsTxt) {
  FakeSite site = guide_site();
  site.pages["https://d.example/robots.txt"] = {200, "", "text/plain", "", "User-agent: *\nDisallow: /guide/c\n", "", "", {}};
  const CrawlRun r = run(site, k_root, quiet());
  EXPECT_EQ(site.count(k_root + "c.html"), 0u);
  ASSERT_NE(find(r.report, k_root + "c.html"), nullptr);
  EXPECT_EQ(find(r.report, k_root + "c.html")->outcome, PageOutcome::robots_disallowed);
  EXPECT_EQ(r.report.count(PageOutcome::fetched), 3u);  // d and e only through c
}

TEST(WebCrawl, ARobotsTxtThatFailsDisallowsEverything) {
  for (bool throws : {false, true}) {
    FakeSite site = guide_site();
    if (throws) {
      site.throws["https://d.example/robots.txt"] = "connection refused";
    } else {
      site.pages["https://d.example/robots.txt"] = status(503);
    }
    const CrawlRun r = run(site, k_root, quiet());
    EXPECT_EQ(site.requests, (std::vector<std::string>{"https://d.example/robots.txt"}));
    ASSERT_EQ(r.report.pages.size(), 1u);
    EXPECT_EQ(r.report.pages[0].outcome, PageOutcome::robots_disallowed);
    ASSERT_EQ(r.report.discovery.size(), 1u);
    EXPECT_EQ(r.report.discovery[0].reason, throws ? "connection refused" : "");
  }
}

TEST(WebCrawl, WaitsOutRetryAfterOnTheClockWithinTheBound) {
  FakeSite site = guide_site();
  FetchResponse busy = status(429);
  busy.retry_after = seconds(7);
  site.script[k_root + "a.html"] = {busy};
  CrawlOptions options = quiet();
  options.max_depth = 1;
  const CrawlRun r = run(site, k_root, options);
  // The server asked for 7 s: b.html goes once they have passed, then a.html again.
  EXPECT_EQ(site.requests, (std::vector<std::string>{"https://d.example/robots.txt", k_root, k_root + "a.html",
                                                     k_root + "b.html", k_root + "a.html"}));
  EXPECT_EQ(site.sent_at.back(), milliseconds(7000));
  EXPECT_EQ(find(r.report, k_root + "a.html")->outcome, PageOutcome::fetched);
  ASSERT_FALSE(site.sleeps.empty());
}

TEST(WebCrawl, FailsAPageWhoseRetryAfterIsPastTheBoundOrThatStaysBusy) {
  FakeSite site = guide_site();
  FetchResponse long_wait = status(503);
  long_wait.retry_after = seconds(120);
  site.script[k_root + "a.html"] = {long_wait};
  site.script[k_root + "b.html"] = {status(429), status(429), status(429), status(429)};
  CrawlOptions options = quiet();
  options.max_depth = 1;
  const CrawlRun r = run(site, k_root, options);
  EXPECT_EQ(find(r.report, k_root + "a.html")->outcome, PageOutcome::failed);
  EXPECT_EQ(find(r.report, k_root + "a.html")->reason, "HTTP 503: Retry-After 120 s is past the bound of 60 s");
  EXPECT_EQ(site.count(k_root + "a.html"), 1u);
  EXPECT_EQ(find(r.report, k_root + "b.html")->reason, "HTTP 429 after 3 attempts");
  EXPECT_EQ(site.count(k_root + "b.html"), 3u);
  for (const auto& wait : site.sleeps) EXPECT_LE(wait, milliseconds(5000));  // the default wait
}

TEST(WebCrawl, SpacesRequestsByTheDelayOrABoundedCrawlDelay) {
  for (const auto& [robots, gap] : std::vector<std::pair<std::string, milliseconds>>{
           {"", milliseconds(250)}, {"User-agent: *\nCrawl-delay: 2\n", milliseconds(2000)},
           {"User-agent: *\nCrawl-delay: 3600\n", milliseconds(30000)}}) {
    FakeSite site = guide_site();
    site.cost = milliseconds(10);
    if (!robots.empty()) site.pages["https://d.example/robots.txt"] = {200, "", "text/plain", "", robots, "", "", {}};
    CrawlOptions options = quiet();
    options.request_delay = milliseconds(250);
    options.max_depth = 1;
    run(site, k_root, options);
    ASSERT_EQ(site.sent_at.size(), 4u);
    for (std::size_t i = 1; i < site.sent_at.size(); ++i) {
      EXPECT_EQ(site.sent_at[i] - site.sent_at[i - 1], milliseconds(10) + gap) << robots << " request " << i;
    }
  }
}

// The default delay follows the server (AutoThrottle): halfway to each answer's latency, so a
// site answering in 100 ms is asked again 50, 75, then 88 ms after each answer.
TEST(WebCrawl, AdaptsTheDelayToTheServersLatency) {
  FakeSite site = guide_site();
  site.cost = milliseconds(100);
  CrawlOptions options = quiet();
  options.adaptive_delay = true;
  options.max_depth = 1;
  run(site, k_root, options);
  ASSERT_EQ(site.sent_at.size(), 4u);  // robots.txt (404), the start page, a.html, b.html
  const std::vector<milliseconds> gaps{site.sent_at[1] - site.sent_at[0], site.sent_at[2] - site.sent_at[1],
                                       site.sent_at[3] - site.sent_at[2]};
  EXPECT_EQ(gaps, (std::vector<milliseconds>{milliseconds(150), milliseconds(175), milliseconds(188)}));
}

// A fast site is crawled at its own pace: no fixed wait between requests.
TEST(WebCrawl, AdaptedDelayOfAFastSiteIsItsLatency) {
  FakeSite site = guide_site();
  site.cost = milliseconds(2);
  CrawlOptions options = quiet();
  options.adaptive_delay = true;
  run(site, k_root, options);
  ASSERT_GE(site.sent_at.size(), 4u);
  for (std::size_t i = 1; i < site.sent_at.size(); ++i) EXPECT_LE(site.sent_at[i] - site.sent_at[i - 1], milliseconds(4));
}

// A 429 or 503 doubles the delay, a second at least, and it comes down again only as the
// server's answers allow; never under robots.txt's Crawl-delay.
TEST(WebCrawl, AdaptedDelayBacksOffOnTooManyRequestsAndKeepsCrawlDelay) {
  FakeSite site = guide_site();
  site.cost = milliseconds(10);
  site.script[k_root + "a.html"] = {status(429)};
  CrawlOptions options = quiet();
  options.adaptive_delay = true;
  options.max_depth = 1;
  run(site, k_root, options);
  // robots.txt, /guide/, a.html (429), b.html, a.html again.
  ASSERT_EQ(site.requests.size(), 5u);
  EXPECT_EQ(site.requests[3], k_root + "b.html");
  EXPECT_GE(site.sent_at[3] - site.sent_at[2], milliseconds(1010)) << "the answer after a 429 waits a second at least";

  FakeSite slow = guide_site();
  slow.cost = milliseconds(1);
  slow.pages["https://d.example/robots.txt"] = {200, "", "text/plain", "", "User-agent: *\nCrawl-delay: 2\n", "", "", {}};
  run(slow, k_root, options);
  ASSERT_EQ(slow.sent_at.size(), 4u);
  for (std::size_t i = 1; i < slow.sent_at.size(); ++i) EXPECT_GE(slow.sent_at[i] - slow.sent_at[i - 1], milliseconds(2000));
}

TEST(WebCrawl, StopsAtTheTimeLimit) {
  FakeSite site = guide_site();
  site.cost = seconds(10);
  CrawlOptions options = quiet();
  options.time_limit = seconds(25);
  const CrawlRun r = run(site, k_root, options);
  EXPECT_TRUE(r.report.time_limit_reached);
  EXPECT_EQ(r.pages.size(), 2u);  // robots.txt at 0 s, /guide/ at 10 s, a.html at 20 s; 30 s is past
}

TEST(WebCrawl, TheTimeLimitBoundsTheSitemapsToo) {
  FakeSite site;
  site.cost = seconds(10);
  std::string index = "<sitemapindex>";
  for (int i = 0; i < 10; ++i) index += "<sitemap><loc>/s" + std::to_string(i) + ".xml</loc></sitemap>";
  site.pages["https://d.example/sitemap.xml"] = {200, "", "application/xml", "", index + "</sitemapindex>", "", "", {}};
  CrawlOptions options = quiet();
  options.sitemaps = true;
  options.time_limit = seconds(35);
  const CrawlRun r = run(site, k_root, options);
  // robots.txt at 0 s, the index at 10 s, s0 at 20 s, s1 at 30 s; at 40 s the crawl is over.
  EXPECT_EQ(site.requests, (std::vector<std::string>{"https://d.example/robots.txt", "https://d.example/sitemap.xml",
                                                     "https://d.example/s0.xml", "https://d.example/s1.xml"}));
  EXPECT_TRUE(r.report.time_limit_reached);
  EXPECT_TRUE(r.pages.empty());
}

TEST(WebCrawl, FollowsSitemapsAndLlmsTxtInScope) {
  FakeSite site;
  site.pages["https://d.example/robots.txt"] = {
      200, "", "text/plain", "", "Sitemap: https://d.example/index.xml\nSitemap: https://evil.example/s.xml\n", "", "", {}};
  site.pages["https://d.example/index.xml"] = {
      200, "", "application/xml", "",
      "<sitemapindex><sitemap><loc>/pages.xml</loc></sitemap><sitemap><loc>https://d.example/index.xml</loc></sitemap></sitemapindex>",
      "", "", {}};
  site.pages["https://d.example/pages.xml"] = {
      200, "", "application/xml", "",
      "<urlset><url><loc>https://d.example/guide/from-sitemap.html</loc></url>"
      "<url><loc>https://d.example/blog/post.html</loc></url></urlset>",
      "", "", {}};
  site.pages["https://d.example/guide/llms.txt"] = {200, "", "text/plain", "", "- [Listed](listed.md)\n", "", "", {}};
  site.pages[k_root] = html("no links");
  site.pages[k_root + "from-sitemap.html"] = html("x");
  site.pages[k_root + "listed.md"] = {200, "", "text/markdown", "", "# Listed", "", "", {}};
  CrawlOptions options = quiet();
  options.sitemaps = true;
  options.llms_txt = true;
  const CrawlRun r = run(site, k_root, options);
  EXPECT_EQ(site.count("https://evil.example/s.xml"), 0u);
  EXPECT_EQ(site.count("https://d.example/index.xml"), 1u);
  EXPECT_EQ(site.count("https://d.example/blog/post.html"), 0u);
  EXPECT_EQ(r.pages, (std::vector<std::string>{k_root, k_root + "from-sitemap.html", k_root + "listed.md"}));
  EXPECT_EQ(r.depths, (std::vector<int>{0, 1, 1}));
  std::vector<std::string> kinds;
  for (const auto& d : r.report.discovery) kinds.push_back(d.kind + " " + d.url);
  EXPECT_EQ(kinds, (std::vector<std::string>{"robots.txt https://d.example/robots.txt",
                                             "sitemap index https://d.example/index.xml",
                                             "sitemap https://d.example/pages.xml",
                                             "llms.txt https://d.example/guide/llms.txt",
                                             "llms.txt https://d.example/llms.txt"}));
  EXPECT_EQ(r.report.discovery[2].urls, 2u);
  EXPECT_EQ(r.report.discovery[4].status, 404);
}

TEST(WebCrawl, FallsBackToSitemapXmlAndFetchesLlmsFullOnlyWhenAsked) {
  FakeSite site;
  site.pages[k_root] = html("");
  site.pages[k_root + "llms-full.txt"] = {200, "", "text/plain", "", "# All", "", "", {}};
  CrawlOptions options = quiet();
  options.sitemaps = true;
  run(site, k_root, options);
  EXPECT_EQ(site.count("https://d.example/sitemap.xml"), 1u);
  EXPECT_EQ(site.count(k_root + "llms-full.txt"), 0u);
  options.llms_full = true;
  FakeSite site2 = site;
  site2.requests.clear();
  const CrawlRun r = run(site2, k_root, options);
  EXPECT_EQ(r.pages, (std::vector<std::string>{k_root, k_root + "llms-full.txt"}));
}

TEST(WebCrawl, FollowsRedirectsWithinScopeOnlyAndTakesEachTargetOnce) {
  FakeSite site = guide_site();
  FetchResponse moved = html(a("c.html"));
  moved.url = k_root + "b.html";  // a.html redirects to b.html
  site.pages[k_root + "a.html"] = moved;
  FetchResponse away = html("away");
  away.url = "https://d.example/elsewhere/";
  site.pages[k_root + "c.html"] = away;
  CrawlOptions options = quiet();
  options.max_depth = 2;
  const CrawlRun r = run(site, k_root, options);
  EXPECT_EQ(r.pages, (std::vector<std::string>{k_root, k_root + "b.html"}));
  EXPECT_EQ(find(r.report, k_root + "b.html")->outcome, PageOutcome::fetched);  // via a.html
  EXPECT_EQ(site.count(k_root + "b.html"), 0u);  // linked from /guide/ too, but taken already
  const PageReport* c = find(r.report, k_root + "c.html");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->outcome, PageOutcome::out_of_scope);
  EXPECT_EQ(c->reason, "redirected to https://d.example/elsewhere/ (outside /guide/)");
}

// The fetcher asks before each redirect hop: the crawl lets it follow one within the scope only,
// so a target outside it is never requested.
TEST(WebCrawl, TellsTheFetcherToFollowRedirectsWithinTheScopeOnly) {
  FakeSite site = guide_site();
  const FetchFn inner = site.fetch();
  std::vector<std::vector<bool>> asked;  // per page's request: in scope, other origin, other scheme
  const FetchFn fetch = [&](const FetchRequest& request) {
    // robots.txt's request follows redirects within its origin (crawl_bounds_test.cpp).
    if (request.follow_redirect && !request.url.ends_with("/robots.txt")) {
      asked.push_back({request.follow_redirect(k_root + "b.html"), request.follow_redirect("https://d.example/elsewhere/"),
                       request.follow_redirect("ftp://d.example/guide/x")});
    }
    return inner(request);
  };
  crawl(k_root, quiet(), fetch, {}, site.clock());
  ASSERT_FALSE(asked.empty());
  for (const auto& a : asked) EXPECT_EQ(a, (std::vector<bool>{true, false, false}));
}

TEST(WebCrawl, ACanonicalUrlIsNotFetchedAgain) {
  FakeSite site;
  site.pages[k_root] = html("<link rel=canonical href=\"intro.html\">" + a("intro.html") + a("x.html"));
  site.pages[k_root + "x.html"] = html("");
  const CrawlRun r = run(site, k_root, quiet());
  EXPECT_EQ(site.count(k_root + "intro.html"), 0u);
  EXPECT_EQ(r.pages, (std::vector<std::string>{k_root, k_root + "x.html"}));
}

TEST(WebCrawl, AFailedPageOrARefusedOneDoesNotStopTheCrawl) {
  FakeSite site = guide_site();
  site.throws[k_root + "a.html"] = "refused: 169.254.169.254 is a link-local address";
  site.pages[k_root + "b.html"] = status(500);
  CrawlHooks hooks;
  std::vector<std::string> seen;
  hooks.on_page = [&](const FetchResponse& response, int, const std::vector<Url>*, std::any) {
    seen.push_back(response.url);
    if (response.url == k_root) return;
    throw Error(ExitCode::invalid_input, "not a document");
  };
  site.pages[k_root] = html(a("a.html") + a("b.html") + a("e.html"));
  const CrawlRun r = run(site, k_root, quiet(), hooks);
  EXPECT_EQ(find(r.report, k_root + "a.html")->reason, "refused: 169.254.169.254 is a link-local address");
  EXPECT_EQ(find(r.report, k_root + "b.html")->status, 500);
  EXPECT_EQ(find(r.report, k_root + "e.html")->outcome, PageOutcome::failed);
  EXPECT_EQ(find(r.report, k_root + "e.html")->reason, "not a document");
  EXPECT_EQ(seen, (std::vector<std::string>{k_root, k_root + "e.html"}));
}

// The start page answers 304 to a conditional request made from `previous` (recorded for it
// alone); a crawl one link deep.
CrawlRun run_unchanged_start(FakeSite& site, const PreviousFetch& previous) {
  site.script[k_root] = {status(304)};
  CrawlHooks hooks;
  hooks.previous = [previous](const std::string& url) -> std::optional<PreviousFetch> {
    if (url != k_root) return std::nullopt;
    return previous;
  };
  CrawlOptions options = quiet();
  options.max_depth = 1;
  return run(site, k_root, options, hooks);
}

TEST(WebCrawl, SendsConditionalRequestsAndFollowsTheRecordedLinksOfAnUnchangedPage) {
  FakeSite site = guide_site();
  const CrawlRun r = run_unchanged_start(site, {"\"v1\"", "Tue, 01 Sep 2026 00:00:00 GMT", {k_root + "e.html"}});
  EXPECT_EQ(site.full_requests[1].if_none_match, "\"v1\"");
  EXPECT_EQ(site.full_requests[1].if_modified_since, "Tue, 01 Sep 2026 00:00:00 GMT");
  EXPECT_EQ(site.full_requests[2].if_none_match, "");
  EXPECT_EQ(find(r.report, k_root)->outcome, PageOutcome::not_modified);
  EXPECT_EQ(r.pages, (std::vector<std::string>{k_root + "e.html"}));
}

// Recorded links that are not http(s) URLs, or that carry a user and password (an older version
// recorded some), are not followed; the page itself among them is known already.
TEST(WebCrawl, RecordedLinksWithAPasswordOrNotHttpAreNotFollowed) {
  FakeSite site = guide_site();
  const CrawlRun r = run_unchanged_start(site, {"\"v1\"", "", {k_root, "https://user:secret@d.example/guide/a.html",
                                                               "mailto:x@d.example", "not a url", k_root + "b.html"}});
  EXPECT_EQ(r.pages, (std::vector<std::string>{k_root + "b.html"}));
  EXPECT_EQ(site.count(k_root + "a.html"), 0u);
  EXPECT_EQ(site.count(k_root), 1u);
}

TEST(WebCrawl, ADryRunFetchesOnlyWhatDiscoveryNeedsAndStoresNothing) {
  FakeSite site = guide_site();
  CrawlOptions options = quiet();
  options.max_depth = 1;
  options.dry_run = true;
  const CrawlRun r = run(site, k_root, options);
  EXPECT_TRUE(r.pages.empty());
  EXPECT_EQ(site.requests, (std::vector<std::string>{"https://d.example/robots.txt", k_root}));
  EXPECT_EQ(r.report.count(PageOutcome::would_fetch), 3u);  // /guide/, a, b
  EXPECT_EQ(find(r.report, k_root + "b.html")->outcome, PageOutcome::would_fetch);
}

TEST(WebCrawl, RefusesAStartThatIsNotAnHttpUrl) {
  FakeSite site;
  for (const std::string start : {"docs/guide", "ftp://d.example/", "file:///etc/passwd"}) {
    try {
      run(site, start, quiet());
      ADD_FAILURE() << start;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage);
      EXPECT_EQ(std::string(e.what()), "not an http or https URL: " + start);
    }
  }
  EXPECT_TRUE(site.requests.empty());
  EXPECT_EQ(name_of(PageOutcome::robots_disallowed), "disallowed by robots.txt");
}


// Several connections (the default): a site on the real clock whose pages each take 30 ms to
// answer, fetched from up to `concurrency` threads at once; the calls are counted as they overlap.
struct SlowSite {
  std::map<std::string, FetchResponse> pages;
  std::mutex mutex;
  std::vector<std::string> requests;
  std::atomic<int> running{0};
  std::atomic<int> most{0};

  FetchFn fetch() {
    return [this](const FetchRequest& request) {
      const int now = ++running;
      for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
      }
      std::this_thread::sleep_for(milliseconds(30));
      --running;
      const std::lock_guard lock(mutex);
      requests.push_back(request.url);
      const auto it = pages.find(request.url);
      FetchResponse r = it == pages.end() ? status(404) : it->second;
      if (r.url.empty()) r.url = request.url;
      return r;
    };
  }
};

// /guide/ links to p0..p11, each of which links back and to the next one.
void make_wide(SlowSite& site) {
  std::string start;
  for (int i = 0; i < 12; ++i) {
    const std::string name = "p" + std::to_string(i) + ".html";
    start += a(name);
    site.pages[k_root + name] = html(a("./") + a("p" + std::to_string((i + 1) % 12) + ".html"));
  }
  site.pages[k_root] = html(start);
}

std::vector<std::string> decided(const CrawlReport& report) {
  std::vector<std::string> out;
  for (const auto& p : report.pages) out.push_back(p.url + " " + std::string(name_of(p.outcome)));
  return out;
}

// Several requests at once, never more than the bound, every page fetched once, and the pages
// decided (and handed on) in the order of one connection's crawl, whichever answered first.
TEST(WebCrawlConnections, FetchesSeveralAtOnceAndDecidesInOneOrder) {
  SlowSite one_at_a_time;
  make_wide(one_at_a_time);
  CrawlOptions options = quiet();
  options.adaptive_delay = true;
  std::vector<std::string> serial_pages;
  CrawlHooks serial_hooks;
  serial_hooks.on_page = [&](const FetchResponse& r, int, const std::vector<Url>*, std::any) { serial_pages.push_back(r.url); };
  const CrawlReport serial = crawl(k_root, options, one_at_a_time.fetch(), serial_hooks);
  EXPECT_EQ(one_at_a_time.most.load(), 1);

  SlowSite site;
  make_wide(site);
  options.concurrency = 4;
  std::vector<std::string> pages;
  std::thread::id hook_thread;
  bool one_thread = true;
  CrawlHooks hooks;
  hooks.on_page = [&](const FetchResponse& r, int, const std::vector<Url>* links, std::any) {
    if (pages.empty()) hook_thread = std::this_thread::get_id();
    one_thread = one_thread && hook_thread == std::this_thread::get_id();
    EXPECT_NE(links, nullptr) << r.url;
    pages.push_back(r.url);
  };
  const CrawlReport report = crawl(k_root, options, site.fetch(), hooks);
  EXPECT_GE(site.most.load(), 2) << "requests overlapped";
  EXPECT_LE(site.most.load(), 4);
  EXPECT_TRUE(one_thread) << "hooks are called from one thread";
  EXPECT_EQ(report.count(PageOutcome::fetched), 13u);
  for (const auto& [url, page] : site.pages) EXPECT_EQ(std::count(site.requests.begin(), site.requests.end(), url), 1) << url;
  EXPECT_EQ(pages, serial_pages);
  EXPECT_EQ(decided(report), decided(serial));
}

// A robots.txt Crawl-delay, or a fixed --delay, means one request after another.
TEST(WebCrawlConnections, OneAtATimeUnderCrawlDelayOrAFixedDelay) {
  SlowSite site;
  make_wide(site);
  site.pages["https://d.example/robots.txt"] = {200, "", "text/plain", "", "User-agent: *\nCrawl-delay: 1\n", "", "", {}};
  CrawlOptions options = quiet();
  options.max_crawl_delay = milliseconds(1);  // honoured, and kept short here
  options.adaptive_delay = true;
  options.concurrency = 4;
  options.max_depth = 1;
  crawl(k_root, options, site.fetch(), {});
  EXPECT_EQ(site.most.load(), 1);

  SlowSite fixed;
  make_wide(fixed);
  options.adaptive_delay = false;
  crawl(k_root, options, fixed.fetch(), {});
  EXPECT_EQ(fixed.most.load(), 1);
  EXPECT_EQ(fixed.requests.size(), 14u);  // robots.txt, /guide/ and its 12 pages
}

// The page limit with requests in flight: the pages sent are decided, the rest counted.
TEST(WebCrawlConnections, PageLimitCountsWhatWasLeft) {
  SlowSite site;
  make_wide(site);
  CrawlOptions options = quiet();
  options.adaptive_delay = true;
  options.concurrency = 4;
  options.max_pages = 5;
  const CrawlReport report = crawl(k_root, options, site.fetch(), {});
  EXPECT_TRUE(report.page_limit_reached);
  EXPECT_EQ(report.count(PageOutcome::fetched), 5u);
  EXPECT_EQ(report.urls_not_fetched, 8u);  // p4..p11
}

}  // namespace
}  // namespace strata::web
