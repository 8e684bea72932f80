// A crawl cut short and taken up from the state it told (web::CrawlState; a server's crawl job
// after a restart, serve/crawl_checkpoint.h): the resumed crawl fetches only what was not done,
// within what was left of its page and time budgets, and ends with the pages an uncut crawl has;
// a state of another crawl, or its junk, is not taken up.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "serve/crawl_checkpoint.h"
#include "web/crawl.h"

namespace strata::web::resume_test {
namespace {

using std::chrono::milliseconds;

const std::string k_site = "https://r.example/docs/";

// /docs/ links to a1..a4; each aN to aN-b1..aN-b3 and back to /docs/, and outside the scope.
// 17 pages; an unknown URL is a 404. Requests are recorded (several connections may ask at once);
// the fake clock moves `cost` a request.
struct TreeSite {
  std::map<std::string, std::string> pages;
  std::mutex mutex;
  std::vector<std::string> requests;
  std::atomic<bool> stop{false};
  std::size_t stop_at = 0;  // the request that asks the crawl to stop, and fails as a stopped fetch does
  milliseconds cost{0};
  CrawlTime now{};

  TreeSite() {
    std::string root;
    for (int a = 1; a <= 4; ++a) {
      const std::string name = "a" + std::to_string(a);
      root += link(name + ".html");
      std::string page = link("./") + link("/elsewhere/x.html");
      for (int b = 1; b <= 3; ++b) {
        page += link(name + "-b" + std::to_string(b) + ".html");
        pages[k_site + name + "-b" + std::to_string(b) + ".html"] = "<p>leaf</p>";
      }
      pages[k_site + name + ".html"] = page;
    }
    pages[k_site] = root;
  }
  static std::string link(const std::string& href) { return "<a href=\"" + href + "\">x</a>"; }

  FetchFn fetch() {
    return [this](const FetchRequest& request) {
      FetchResponse r;
      {
        const std::lock_guard lock(mutex);
        requests.push_back(request.url);
        now += cost;
        if (stop_at != 0 && requests.size() == stop_at) {
          stop = true;
          throw Error(ExitCode::unavailable, request.url + ": cancelled");
        }
      }
      const auto it = pages.find(request.url);
      r.status = it == pages.end() ? 404 : 200;
      r.content_type = "text/html";
      r.body = it == pages.end() ? "" : it->second;
      r.url = request.url;
      return r;
    };
  }
  CrawlClock clock() {
    return {[this] {
              const std::lock_guard lock(mutex);
              return now;
            },
            [this](milliseconds wait) {
              const std::lock_guard lock(mutex);
              now += wait;
            }};
  }
  // The pages asked for (robots.txt aside).
  std::vector<std::string> page_requests() {
    const std::lock_guard lock(mutex);
    std::vector<std::string> out;
    for (const std::string& url : requests) {
      if (!url.ends_with("/robots.txt")) out.push_back(url);
    }
    return out;
  }
};

CrawlOptions resume_options() {
  CrawlOptions o;
  o.concurrency = 1;
  o.adaptive_delay = false;
  o.request_delay = milliseconds(0);
  o.sitemaps = false;
  o.llms_txt = false;
  o.max_pages = 10;
  o.state_every = milliseconds(0);  // told after every page
  return o;
}

struct ResumeRun {
  CrawlReport report;
  std::vector<std::string> stored;  // on_page's URLs
  std::optional<CrawlState> state;  // the last one told
};

ResumeRun resume_run(TreeSite& site, CrawlOptions options, bool real_clock = false) {
  ResumeRun out;
  options.stop = [&site] { return site.stop.load(); };
  options.on_state = [&out](const CrawlState& s) { out.state = s; };
  CrawlHooks hooks;
  hooks.on_page = [&out](const FetchResponse& r, int, const std::vector<Url>*, std::any) { out.stored.push_back(r.url); };
  out.report = real_clock ? crawl(k_site, options, site.fetch(), hooks) : crawl(k_site, options, site.fetch(), hooks, site.clock());
  return out;
}

std::set<std::string> as_set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

TEST(WebCrawlResume, GoesOnFromItsStateFetchingOnlyWhatWasLeftAndEndsWithTheUncutPages) {
  TreeSite uncut_site;
  const ResumeRun uncut = resume_run(uncut_site, resume_options());
  ASSERT_EQ(uncut.stored.size(), 10u) << "max_pages binds";

  // Cut at the 6th request, which fails as the fetcher fails a request its stop broke off.
  TreeSite site;
  site.stop_at = 7;  // robots.txt, then six pages
  const ResumeRun cut = resume_run(site, resume_options());
  ASSERT_TRUE(cut.report.cancelled);
  ASSERT_EQ(cut.stored.size(), 5u);
  ASSERT_TRUE(cut.state);
  EXPECT_EQ(cut.state->start, k_site);
  EXPECT_EQ(cut.state->pages, 5u) << "the page the stop broke off is not counted";
  EXPECT_EQ(cut.state->done, [&] {
    std::vector<std::string> done = cut.stored;
    std::sort(done.begin(), done.end());
    return done;
  }());
  ASSERT_FALSE(cut.state->pending.empty());
  EXPECT_EQ(cut.state->pending.front(), std::make_pair(site.page_requests().back(), 2)) << "the broken-off page goes first";

  // Resumed (as another process would: a new site log, the state through its JSON).
  TreeSite later;
  CrawlOptions options = resume_options();
  const std::string request = R"({"url":")" + k_site + R"(","crawl":{"max_pages":10}})";
  const auto saved = serve::read_crawl_checkpoint(serve::crawl_checkpoint_text(request, 5, *cut.state), request, options);
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->done, 5);
  options.resume = saved->state;
  const ResumeRun resumed = resume_run(later, options);
  EXPECT_TRUE(resumed.report.resumed);
  EXPECT_TRUE(resumed.report.page_limit_reached);
  for (const std::string& url : later.page_requests()) {
    EXPECT_EQ(as_set(cut.stored).count(url), 0u) << url << " was done before the cut";
  }
  EXPECT_EQ(resumed.stored.size(), 5u) << "what was left of max_pages";
  std::vector<std::string> all = cut.stored;
  all.insert(all.end(), resumed.stored.begin(), resumed.stored.end());
  EXPECT_EQ(as_set(all).size(), all.size()) << "no page handed on twice";
  EXPECT_EQ(as_set(all), as_set(uncut.stored));
  EXPECT_EQ(all, uncut.stored) << "and in the uncut crawl's order";
  EXPECT_EQ(later.requests.front(), "https://r.example/robots.txt") << "robots.txt is read again; discovery is not";
}

// Several connections: pages in flight when the crawl is stopped are decided, and told as done.
TEST(WebCrawlResume, PagesInFlightWhenStoppedAreDoneOnceAcrossTheTwoRuns) {
  TreeSite uncut_site;
  CrawlOptions options = resume_options();
  options.adaptive_delay = true;
  options.concurrency = 3;
  options.max_pages = 17;
  const ResumeRun uncut = resume_run(uncut_site, options, true);
  ASSERT_EQ(uncut.stored.size(), 17u);

  TreeSite site;
  CrawlOptions cut_options = options;
  std::size_t handed = 0;
  // Stopped as the 4th page is decided, with others in flight.
  CrawlHooks hooks;
  std::optional<CrawlState> state;
  cut_options.stop = [&site] { return site.stop.load(); };
  cut_options.on_state = [&state](const CrawlState& s) { state = s; };
  std::vector<std::string> stored;
  hooks.on_page = [&](const FetchResponse& r, int, const std::vector<Url>*, std::any) {
    stored.push_back(r.url);
    if (++handed == 4) site.stop = true;
  };
  crawl(k_site, cut_options, site.fetch(), hooks);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->pages, stored.size());
  EXPECT_EQ(as_set(state->done), as_set(stored));

  TreeSite later;
  options.resume = state;
  const ResumeRun resumed = resume_run(later, options, true);
  std::vector<std::string> all = stored;
  all.insert(all.end(), resumed.stored.begin(), resumed.stored.end());
  EXPECT_EQ(all.size(), 17u);
  EXPECT_EQ(as_set(all), as_set(uncut.stored));
  const std::vector<std::string> asked = site.page_requests();
  std::vector<std::string> asked_again = later.page_requests();
  asked_again.insert(asked_again.end(), asked.begin(), asked.end());
  EXPECT_EQ(as_set(asked_again).size(), asked_again.size()) << "no page asked for twice";
}

TEST(WebCrawlResume, TheTimeLeftIsWhatTheStateDidNotSpend) {
  TreeSite site;
  site.cost = milliseconds(1000);
  CrawlOptions options = resume_options();
  options.max_pages = 100;
  options.time_limit = std::chrono::seconds(60);
  options.resume = CrawlState{k_site, {{k_site, 0}}, {}, 0, std::chrono::seconds(57), {}};
  const ResumeRun r = resume_run(site, options);
  EXPECT_TRUE(r.report.time_limit_reached);
  EXPECT_LE(site.page_requests().size(), 3u) << "3 s were left";
  ASSERT_TRUE(r.state);
  EXPECT_GE(r.state->elapsed, std::chrono::seconds(58)) << "the time spent before, and since";
}

// The state is data another principal may have written: a URL is taken as a found link would be.
TEST(WebCrawlResume, JunkInAStateIsLeftOutAndAnotherCrawlsStateIsNotTakenUp) {
  TreeSite site;
  CrawlOptions options = resume_options();
  options.max_depth = 2;
  options.resume = CrawlState{k_site,
                              {{"https://other.example/docs/", 1},
                               {"https://r.example/elsewhere/x.html", 1},
                               {"https://user:pw@r.example/docs/a1.html", 1},
                               {"HTTPS://R.EXAMPLE/docs/a2.html", 1},
                               {"javascript:alert(1)", 1},
                               {k_site + "a3.html", 9},
                               {k_site + "a4.html", -1},
                               {k_site + "a1-b1.html", 2}},
                              {"https://r.example/elsewhere/y.html", k_site},
                              3,
                              milliseconds(-5),
                              {}};
  const ResumeRun r = resume_run(site, options);
  EXPECT_TRUE(r.report.resumed);
  EXPECT_EQ(site.page_requests(), std::vector<std::string>{k_site + "a1-b1.html"}) << "the one entry in scope";
  ASSERT_TRUE(r.state);
  EXPECT_EQ(r.state->done, (std::vector<std::string>{k_site, k_site + "a1-b1.html"}));
  EXPECT_EQ(r.state->pages, 4u);

  TreeSite other;
  options.resume->start = "https://r.example/";
  const ResumeRun fresh = resume_run(other, options);
  EXPECT_FALSE(fresh.report.resumed);
  EXPECT_EQ(fresh.stored.front(), k_site) << "started over";
}

TEST(CrawlCheckpoint, ReadBackOnlyForItsRequestWithinBounds) {
  CrawlOptions options = resume_options();
  const CrawlState state{k_site, {{k_site + "a1.html", 1}}, {k_site}, 1, milliseconds(1500), {{std::string(64, 'a'), k_site}}};
  const std::string text = serve::crawl_checkpoint_text("{\"url\":1}", 1, state);
  const auto back = serve::read_crawl_checkpoint(text, "{\"url\":1}", options);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->done, 1);
  EXPECT_EQ(back->state.start, state.start);
  EXPECT_EQ(back->state.pending, state.pending);
  EXPECT_EQ(back->state.done, state.done);
  EXPECT_EQ(back->state.pages, 1u);
  EXPECT_EQ(back->state.elapsed, milliseconds(1500));
  EXPECT_EQ(back->state.contents, state.contents);

  EXPECT_FALSE(serve::read_crawl_checkpoint(text, "{\"url\":2}", options)) << "another request's";
  EXPECT_FALSE(serve::read_crawl_checkpoint(std::nullopt, "{\"url\":1}", options));
  EXPECT_FALSE(serve::read_crawl_checkpoint(std::string("not json"), "{\"url\":1}", options));
  EXPECT_FALSE(serve::read_crawl_checkpoint(std::string("[]"), "{\"url\":1}", options));
  CrawlOptions small = options;
  small.max_frontier_bytes = text.size() - 1;
  EXPECT_FALSE(serve::read_crawl_checkpoint(text, "{\"url\":1}", small)) << "larger than the frontier holds";

  // Entries of the wrong type are left out, counts bounded, lists cut at the frontier's URL bound.
  nlohmann::json j = nlohmann::json::parse(text);
  j["pending"] = nlohmann::json::array({nlohmann::json::array({k_site, 0}), 7, nlohmann::json::array({1, 2}),
                                        nlohmann::json::array({k_site + "a2.html", "deep"}), nlohmann::json::array({k_site + "x", 1})});
  j["taken"] = nlohmann::json::array({k_site, nullptr, k_site + "a1.html"});
  j["done"] = 1000000;
  j["pages"] = -4;
  small = options;
  small.max_frontier_urls = 1;
  const auto junk = serve::read_crawl_checkpoint(j.dump(), "{\"url\":1}", small);
  ASSERT_TRUE(junk);
  EXPECT_EQ(junk->state.pending, (std::vector<std::pair<std::string, int>>{{k_site, 0}}));
  EXPECT_EQ(junk->state.done, std::vector<std::string>{k_site});
  EXPECT_EQ(junk->done, 10) << "never more than max_pages";
  EXPECT_EQ(junk->state.pages, 0u);
  j["elapsed_ms"] = "soon";
  EXPECT_FALSE(serve::read_crawl_checkpoint(j.dump(), "{\"url\":1}", options));

  // A value nested far deeper than a checkpoint's own few levels is refused unparsed: its copies
  // and comparisons would recurse once a level (a 200,000-deep "v" overflowed the stack).
  const std::size_t deep = 200000;
  const std::string nested = "{\"v\":" + std::string(deep, '[') + std::string(deep, ']') + "}";
  EXPECT_FALSE(serve::read_crawl_checkpoint(nested, "{\"url\":1}", options));
}

}  // namespace
}  // namespace strata::web::resume_test
