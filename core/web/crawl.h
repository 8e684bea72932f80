#pragma once
// A crawl: from a start URL, which pages to fetch, in which order, and how politely. Pages are
// fetched through an injected FetchFn (the safe fetcher, or a fake in tests) and each one that
// comes back is handed to `on_page`; what happened to every URL is reported for the summary.
//
//   1. robots.txt of the start URL's origin (RFC 9309; robots.h): its rules gate every request
//      but its own, its Crawl-delay (bounded) slows the pace, its Sitemap lines are read.
//   2. Discovery, each at depth 1 (as if linked from the start page): the sitemaps robots.txt
//      names on the same origin, else /sitemap.xml (an index followed to its sitemaps, bounded in
//      count and depth); llms.txt under the start URL's directory and at the root.
//   3. Pages breadth-first from the start URL (depth 0): links of HTML pages (links.h) queued at
//      depth+1 while depth < max_depth, each normalised URL once, within the scope (scope.h).
// The frontier is bounded in URLs and bytes (max_frontier_urls, max_frontier_bytes): a sitemap
// flood fills it to its bound, and the URLs past it are left out and counted. Discovery files
// never follow a redirect to another origin (robots.txt redirected away reads as unavailable,
// RFC 9309's 4xx: allow all). Every request names the start URL as the one whose origin may be
// sent the fetcher's extra headers (FetchRequest::headers_for).
// Politeness, as Scrapy's AutoThrottle: by default (`adaptive_delay`) up to `concurrency`
// requests to a host at once, each started at least the adapted delay after the one before
// (halfway to each answer's latency, so about one request is at the server at a time; doubled by
// a 429 or 503, at most `max_adaptive_delay`). With a fixed `request_delay` (--delay), or a
// robots.txt Crawl-delay (honoured up to `max_crawl_delay`), one request at a time, the longer
// of the two after each answer. Each connection fetches its page and reads the page's links on a
// thread of its own; what the pages say is decided on the caller's thread, one page at a time,
// in the order the requests were sent (hooks are never called from two threads, and a crawl
// decides the same pages in the same order whatever answers first). A 429 or 503 is retried after its Retry-After (or `default_retry_wait`)
// when that is within `max_retry_wait`, up to `max_attempts` fetches; else the page fails.
// Time goes through a CrawlClock, so tests wait on a fake one.
#include <any>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "web/fetch_types.h"
#include "web/frontier.h"
#include "web/links.h"
#include "web/url.h"

namespace strata::web {

// What a crawl needs to go on where it stopped (a server's crawl job taken over after a restart):
// told by CrawlOptions::on_state, given back as CrawlOptions::resume. URLs as Url::to_string()
// writes them. Given back, it is untrusted data (a store another principal may write): the crawl
// takes a URL of it only as it takes a link it found (an http(s) URL in its scope, in its own
// spelling, without user information, at a depth within max_depth), within its frontier's bounds.
struct CrawlState {
  std::string start;  // the start URL, normalised: the state of another crawl is not taken up
  std::vector<std::pair<std::string, int>> pending;  // URLs to fetch and their depths, in the order they go
  std::vector<std::string> done;  // taken already (fetched, a redirect's target, a canonical URL): not fetched again
  std::size_t pages = 0;          // pages counted against max_pages
  std::chrono::milliseconds elapsed{0};  // of time_limit
  // The hooks' own record of the pages done, which the crawl neither fills nor reads: an ingest's
  // (web_crawl.h) is each stored page's content hash and source, so that a page met again under
  // another URL after a resume is still stored once.
  std::vector<std::pair<std::string, std::string>> contents;
};

struct CrawlOptions {
  std::vector<std::string> include;  // glob patterns on the URL path (scope.h); empty: all
  std::vector<std::string> exclude;
  int max_depth = 10;           // links followed from the start page (depth 0); 0: that page alone
  std::size_t max_pages = 1000;  // pages fetched (discovery files not counted)
  std::chrono::milliseconds time_limit{std::chrono::hours(1)};
  // Between two requests to one host: adapted to the server's answers (the default), at least
  // request_delay; or, adaptive_delay false, request_delay exactly (--delay).
  bool adaptive_delay = true;
  std::chrono::milliseconds request_delay{0};
  // Requests to one host at once, at most, when the delay is adapted and robots.txt sets no
  // Crawl-delay (else 1). The FetchFn is then called from that many threads at once
  // (make_shared_fetch_function gives a Fetcher to each).
  std::size_t concurrency = 4;
  std::chrono::milliseconds max_adaptive_delay{10000};
  std::chrono::milliseconds max_crawl_delay{30000};  // robots.txt's Crawl-delay honoured up to this
  std::chrono::milliseconds default_retry_wait{5000};  // a 429/503 without Retry-After
  std::chrono::milliseconds max_retry_wait{60000};     // a longer Retry-After fails the page
  int max_attempts = 3;                                // fetches of one page, retries included
  bool sitemaps = true;   // read robots.txt's Sitemap lines, else /sitemap.xml
  bool llms_txt = true;   // read llms.txt's links
  bool llms_full = false;  // fetch llms-full.txt and hand it on as one page (llms_txt.h says why not by default)
  std::size_t max_sitemaps = 50;  // sitemap files read, indexes included
  int max_sitemap_depth = 2;      // an index's sitemaps are depth 1; deeper indexes are not followed
  // The frontier's bounds (frontier.h), whatever sitemaps and pages list: URLs at most
  // (0: frontier_urls(max_pages)) and their bytes. Past them a URL is left out, and counted.
  std::size_t max_frontier_urls = 0;
  std::size_t max_frontier_bytes = std::size_t{64} << 20;
  // Set: asked before each request, during each wait and (through the fetcher's own, when the
  // caller wires it there) while a request runs; true ends the crawl (report.cancelled): a
  // caller that left, a server's time bound.
  std::function<bool()> stop;
  // Fetch only what discovery needs, hand nothing to on_page: robots.txt, sitemaps, llms.txt and
  // the pages whose links are followed (depth < max_depth) are fetched; pages at max_depth are
  // only listed. Every page a real crawl would fetch is reported `would_fetch`.
  bool dry_run = false;
  // A crawl taken up from its saved state: what it did is not done again (its pages, of
  // max_pages and of time_limit), and the discovery files are not read again (what they listed
  // is in the state); robots.txt is. A state of another start URL is ignored: the crawl starts over.
  std::optional<CrawlState> resume;
  // Told the crawl's state, on the crawl's thread, as pages are decided (at most every
  // `state_every`, or twenty times as long as telling it took), and when it is stopped: every
  // page decided before the call is in `done`, those still to decide (in flight, waiting,
  // stopped mid-way) in `pending`.
  std::function<void(CrawlState)> on_state;
  std::chrono::milliseconds state_every{1000};
};

enum class PageOutcome {
  fetched,            // 2xx, handed to on_page
  not_modified,       // 304 to a conditional request
  would_fetch,        // dry run
  failed,             // `reason` says why: HTTP status, the fetcher's refusal, on_page's error
  robots_disallowed,  // robots.txt does not allow it
  out_of_scope,       // linked, or redirected to, outside the scope (`reason` says how)
  duplicate,          // redirected to, or canonical for, a URL already taken
};
std::string_view name_of(PageOutcome outcome);

struct PageReport {
  std::string url;  // normalised
  int depth = 0;
  PageOutcome outcome = PageOutcome::failed;
  long status = 0;     // the last HTTP status, 0 when there was no answer
  std::string reason;  // for failed, out_of_scope, duplicate; data from the server: sanitise to print
};

// A file read to find pages: robots.txt, a sitemap, llms.txt.
struct DiscoveryReport {
  std::string url;
  std::string kind;  // "robots.txt", "sitemap", "sitemap index", "llms.txt"
  long status = 0;   // 0: no answer (the fetcher's error is in `reason`)
  std::size_t urls = 0;  // URLs it listed (before the scope)
  std::string reason;
};

// The frontier's URL bound for a crawl of `max_pages` pages: ten URLs a page and a thousand
// more (skipped ones, redirects), at most a million. The byte bound applies as well, whichever
// is reached first: 64 MiB hold about 180,000 URLs of 60 bytes.
std::size_t frontier_urls(std::size_t max_pages);

// The frontier's URL bound that applies to a crawl with `options`: max_frontier_urls, else
// frontier_urls(max_pages).
std::size_t frontier_urls(const CrawlOptions& options);

struct CrawlReport {
  std::vector<PageReport> pages;  // in the order they were decided
  std::vector<DiscoveryReport> discovery;
  bool page_limit_reached = false;  // max_pages stopped it with pages left
  bool time_limit_reached = false;
  std::size_t urls_not_fetched = 0;  // queued when a limit stopped it: known to the crawl, never requested
  bool cancelled = false;           // CrawlOptions::stop ended it
  std::size_t urls_left_out = 0;    // links and sitemap entries the full frontier did not take
  std::size_t frontier_urls = 0;    // the bound that applied (max_frontier_urls or frontier_urls())
  bool resumed = false;             // CrawlOptions::resume was taken up
  std::size_t count(PageOutcome outcome) const;
};

// What an earlier run recorded of a page, for a conditional request. On a 304 the crawl follows
// `links` (the page's links when it was last fetched, as Url::to_string() wrote them), as it has no
// body to read them from: one it knows already is not parsed again (most of a re-crawl's); one
// that is not an http(s) URL, or has a user or password in it, is not followed.
struct PreviousFetch {
  std::string etag;
  std::string last_modified;
  std::vector<std::string> links;
};

// What CrawlHooks::read made of a page: its links (nullopt: the crawl reads them itself), and
// whatever else it read, handed to on_page.
struct PageRead {
  std::optional<PageLinks> links;
  std::any read;
};

struct CrawlHooks {
  // Each 2xx page (the fetcher's final URL in response.url; depth from the start page) with the
  // links the crawl read in it (an HTML page's, resolved against its URL; null for a page the
  // crawl does not read as HTML), so that a page is parsed for its links once, and what `read`
  // made of it (empty without). May throw strata::Error: the page is reported failed with its
  // message and the crawl goes on.
  std::function<void(const FetchResponse& response, int depth, const std::vector<Url>* links, std::any read)> on_page;
  // Optional, never in a dry run: reads a 2xx HTML page on the thread of the connection that
  // fetched it (pages are read in parallel, up to CrawlOptions::concurrency at once), in place of
  // the crawl's own reading of its links (`base`: the page's final URL). Touches nothing that
  // on_page or another call of `read` touches; an exception it throws ends the crawl.
  std::function<PageRead(const FetchResponse& response, const Url& base)> read;
  // The validators of a URL fetched by an earlier run, or nullopt (then the request is plain).
  std::function<std::optional<PreviousFetch>(const std::string& url)> previous;
  // Each PageReport as it is decided (a progress bar); optional.
  std::function<void(const PageReport&)> on_report;
};

// The crawl's time: steady time and a way to wait. system_crawl_clock() uses the real ones.
struct CrawlClock {
  std::function<CrawlTime()> now;
  std::function<void(std::chrono::milliseconds)> sleep;
};
CrawlClock system_crawl_clock();

// Crawls from `start_url`. Throws strata::Error(usage) when it is not an absolute http(s) URL;
// every other failure is a page's, in the report.
CrawlReport crawl(std::string_view start_url, const CrawlOptions& options, const FetchFn& fetch,
                  const CrawlHooks& hooks, const CrawlClock& clock = system_crawl_clock());

}  // namespace strata::web
