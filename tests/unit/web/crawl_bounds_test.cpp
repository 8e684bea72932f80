// A crawl's bounds, each against an attack: a sitemap flood fills the frontier only to its bound
// (and the rest is counted as left out); discovery files never follow a redirect to another
// origin; every request names the start URL as the one origin its extra headers may go to;
// a password in a link is dropped before anything sees it; a stop ends the crawl, its waits too.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "common/error.h"
#include "web/crawl.h"
#include "web/frontier.h"
#include "web/url.h"

namespace strata::web {
namespace {

using std::chrono::milliseconds;

// A site by URL, with redirects that honour the request's follow_redirect as the fetcher does.
struct RedirectingSite {
  std::map<std::string, FetchResponse> pages;
  std::map<std::string, std::string> redirects;  // URL -> Location
  std::vector<FetchRequest> requests;
  CrawlTime now{};
  std::vector<milliseconds> sleeps;

  FetchFn fetch() {
    return [this](const FetchRequest& request) {
      requests.push_back(request);
      std::string url = request.url;
      for (int hops = 0; redirects.count(url) != 0 && hops < 5; ++hops) {
        const std::string next = redirects.at(url);
        if (request.follow_redirect && !request.follow_redirect(next)) {
          FetchResponse r;
          r.status = 302;
          r.url = next;
          return r;
        }
        url = next;
        FetchRequest hop = request;
        hop.url = next;
        requests.push_back(hop);
      }
      const auto it = pages.find(url);
      FetchResponse r;
      if (it == pages.end()) {
        r.status = 404;
      } else {
        r = it->second;
      }
      r.url = url;
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
  bool asked(const std::string& prefix) const {
    for (const FetchRequest& r : requests) {
      if (r.url.rfind(prefix, 0) == 0) return true;
    }
    return false;
  }
};

FetchResponse page(const std::string& type, const std::string& body) {
  FetchResponse r;
  r.status = 200;
  r.content_type = type;
  r.body = body;
  return r;
}

CrawlOptions fast() {
  CrawlOptions o;
  o.concurrency = 1;  // the fake site is one thread's
  o.adaptive_delay = false;
  o.request_delay = milliseconds(0);
  return o;
}

const std::string k_site = "https://d.example";

std::string urlset(std::size_t n, const std::string& prefix) {
  std::string body = "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">";
  for (std::size_t i = 0; i < n; ++i) body += "<url><loc>" + prefix + std::to_string(i) + "</loc></url>";
  return body + "</urlset>";
}

TEST(WebFrontierBounds, LeavesOutPastItsUrlBound) {
  Frontier frontier(FrontierLimits{10, std::size_t{1} << 20});
  std::size_t queued = 0;
  for (int i = 0; i < 100; ++i) queued += frontier.add(*parse_http_url("https://d.example/p" + std::to_string(i)), 1) ? 1u : 0u;
  EXPECT_EQ(queued, 10u);
  EXPECT_EQ(frontier.left_out(), 90u);
  EXPECT_EQ(frontier.urls(), 10u);
  // Seen already is not left out: it was taken.
  EXPECT_FALSE(frontier.add(*parse_http_url("https://d.example/p0"), 1));
  EXPECT_EQ(frontier.left_out(), 90u);
  // A full frontier marks nothing more (a link out of scope is then not reported).
  EXPECT_FALSE(frontier.mark_seen(*parse_http_url("https://e.example/")));
}

TEST(WebFrontierBounds, LeavesOutPastItsByteBound) {
  Frontier frontier(FrontierLimits{1'000'000, 64 * 1024});
  const std::string long_path(1000, 'x');
  std::size_t queued = 0;
  for (int i = 0; i < 1000; ++i) {
    queued += frontier.add(*parse_http_url("https://d.example/" + long_path + std::to_string(i)), 1) ? 1u : 0u;
  }
  EXPECT_GT(queued, 10u);
  EXPECT_LT(queued, 40u);  // 64 KiB at about 2 KiB a URL
  EXPECT_LE(frontier.bytes(), std::size_t{64} * 1024);
  EXPECT_EQ(queued + frontier.left_out(), 1000u);
}

TEST(WebFrontierBounds, UrlBoundFollowsMaxPages) {
  EXPECT_EQ(frontier_urls(1), 1010u);
  EXPECT_EQ(frontier_urls(1000), 11000u);
  EXPECT_EQ(frontier_urls(1000000), 1000000u);
  EXPECT_EQ(frontier_urls(static_cast<std::size_t>(-1)), 1000000u);
}

TEST(WebCrawlBounds, SitemapFloodFillsTheFrontierToItsBoundOnly) {
  RedirectingSite site;
  site.pages[k_site + "/robots.txt"] = page("text/plain", "User-agent: *\nAllow: /\n");
  std::string index = "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">";
  for (int n = 0; n < 4; ++n) {
    index += "<sitemap><loc>" + k_site + "/s" + std::to_string(n) + ".xml</loc></sitemap>";
    site.pages[k_site + "/s" + std::to_string(n) + ".xml"] =
        page("application/xml", urlset(5000, k_site + "/docs/s" + std::to_string(n) + "/"));
  }
  site.pages[k_site + "/sitemap.xml"] = page("application/xml", index + "</sitemapindex>");
  site.pages[k_site + "/docs/"] = page("text/html", "<p>start</p>");
  CrawlOptions options = fast();
  options.max_pages = 1;
  options.llms_txt = false;
  const CrawlReport report = crawl(k_site + "/docs/", options, site.fetch(), {}, site.clock());
  // The start URL and 1,009 of the 20,000 listed; the rest left out, and said so.
  EXPECT_EQ(report.frontier_urls, 1010u);
  EXPECT_EQ(report.urls_left_out, 20000u - 1009u);
  EXPECT_TRUE(report.page_limit_reached);
  EXPECT_EQ(report.count(PageOutcome::fetched), 1u);
}

TEST(WebCrawlBounds, DiscoveryNeverFollowsARedirectToAnotherOrigin) {
  RedirectingSite site;
  site.redirects[k_site + "/robots.txt"] = "https://other.example/robots.txt";
  site.redirects[k_site + "/sitemap.xml"] = "https://other.example/sitemap.xml";
  site.redirects[k_site + "/docs/llms.txt"] = "https://other.example/llms.txt";
  site.redirects[k_site + "/llms.txt"] = k_site + "/llms-here.txt";  // the same origin: followed
  site.pages[k_site + "/llms-here.txt"] = page("text/plain", "- [P](https://d.example/docs/p.html)\n");
  site.pages["https://other.example/robots.txt"] = page("text/plain", "User-agent: *\nDisallow: /\n");
  site.pages[k_site + "/docs/"] = page("text/html", "<p>start</p>");
  site.pages[k_site + "/docs/p.html"] = page("text/html", "<p>p</p>");
  const CrawlReport report = crawl(k_site + "/docs/", fast(), site.fetch(), {}, site.clock());
  EXPECT_FALSE(site.asked("https://other.example/"));
  ASSERT_GE(report.discovery.size(), 3u);
  EXPECT_EQ(report.discovery[0].kind, "robots.txt");
  EXPECT_EQ(report.discovery[0].status, 302);
  EXPECT_NE(report.discovery[0].reason.find("not followed"), std::string::npos);
  // robots.txt redirected away reads as unavailable (allow all): the pages are crawled, the one
  // llms.txt reached through a same-origin redirect among them.
  EXPECT_EQ(report.count(PageOutcome::fetched), 2u);
  EXPECT_TRUE(site.asked(k_site + "/llms-here.txt"));
}

TEST(WebCrawlBounds, EveryRequestNamesTheStartUrlForItsHeaders) {
  RedirectingSite site;
  site.pages[k_site + "/docs/"] = page("text/html", "<a href=\"a.html\">a</a>");
  site.pages[k_site + "/docs/a.html"] = page("text/html", "<p>a</p>");
  crawl(k_site + "/docs/", fast(), site.fetch(), {}, site.clock());
  ASSERT_GE(site.requests.size(), 4u);  // robots.txt, sitemap.xml, llms.txt, pages
  for (const FetchRequest& r : site.requests) EXPECT_EQ(r.headers_for, k_site + "/docs/") << r.url;
}

TEST(WebCrawlBounds, APasswordInALinkIsDroppedBeforeAnythingSeesIt) {
  RedirectingSite site;
  site.pages[k_site + "/docs/"] = page("text/html", "<a href=\"https://user:hunter2@d.example/docs/a.html\">a</a>"
                                                    "<a href=\"https://user:hunter2@e.example/x\">x</a>");
  site.pages[k_site + "/docs/a.html"] = page("text/html", "<p>a</p>");
  std::vector<std::string> reported;
  CrawlHooks hooks;
  hooks.on_report = [&](const PageReport& p) { reported.push_back(p.url + " " + p.reason); };
  const CrawlReport report = crawl(k_site + "/docs/", fast(), site.fetch(), hooks, site.clock());
  EXPECT_TRUE(site.asked(k_site + "/docs/a.html"));
  for (const FetchRequest& r : site.requests) EXPECT_EQ(r.url.find("hunter2"), std::string::npos) << r.url;
  for (const std::string& r : reported) EXPECT_EQ(r.find("hunter2"), std::string::npos) << r;
  EXPECT_EQ(resolve_http(*parse_http_url(k_site + "/"), "http://u:p@h.example/a")->to_string(), "http://h.example/a");
  EXPECT_EQ(report.count(PageOutcome::fetched), 2u);
}

TEST(WebCrawlBounds, AStopEndsTheCrawlAndItsWaits) {
  RedirectingSite site;
  // A Crawl-delay of 30 s: the crawl's wait between two pages is cut short by the stop.
  site.pages[k_site + "/robots.txt"] = page("text/plain", "User-agent: *\nCrawl-delay: 30\n");
  site.pages[k_site + "/docs/"] = page("text/html", "<a href=\"a.html\">a</a><a href=\"b.html\">b</a>");
  site.pages[k_site + "/docs/a.html"] = page("text/html", "<p>a</p>");
  site.pages[k_site + "/docs/b.html"] = page("text/html", "<p>b</p>");
  CrawlOptions options = fast();
  options.sitemaps = false;
  options.llms_txt = false;
  const CrawlTime begin = site.now;
  options.stop = [&] { return site.now - begin >= std::chrono::seconds(35); };
  const CrawlReport report = crawl(k_site + "/docs/", options, site.fetch(), {}, site.clock());
  EXPECT_TRUE(report.cancelled);
  // robots.txt, then the start page 30 s later; a.html would be 30 s after that.
  EXPECT_EQ(site.requests.size(), 2u);
  EXPECT_LT(site.now - begin, std::chrono::seconds(36));
  for (const milliseconds wait : site.sleeps) EXPECT_LE(wait.count(), 200);
}

}  // namespace
}  // namespace strata::web
