#pragma once
// `strata ingest URL --crawl`: a crawl (web/crawl.h) whose pages become the run's documents.
// Each 2xx page is read by the loader its content type names (web_pages.h) and handed to the
// run's JobSink under its canonical URL (the fetcher's final URL normalised, or its
// <link rel=canonical> on the same origin); a page whose bytes equal a page taken earlier in the
// crawl is stored once (the others are skipped as "duplicate"). The page's same-origin links are
// kept in its metadata ("web": {"links": [...]}) next to its validators, so a re-run that gets a
// 304 still follows them without the body; a link's user information ("user:password@") is
// never kept (web::resolve_http drops it, and the crawl follows no recorded link that still has one).
// Every request may carry the fetcher's extra headers to the start URL's origin alone. What the crawl saw is returned for --prune and
// --dry-run.
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ingest/document.h"
#include "web/crawl.h"
#include "web/fetch_types.h"

namespace strata::ingest {

class JobSink;  // job_sink.h

// At most this many links are kept in a page's metadata (a page is data, and bounded).
inline constexpr std::size_t k_max_kept_links = 2000;

struct CrawlResult {
  std::string start;                 // the start URL, normalised
  std::vector<std::string> include;  // the scope's patterns, for --prune
  std::vector<std::string> exclude;
  // Sources the site still has: pages fetched (under the source they were stored as), pages
  // that answered 304, and pages that failed for a reason other than 404/410 (never removed
  // on doubt).
  std::set<std::string> alive;
  // The crawl ran to its end: no page or time limit stopped it, its frontier left no URL out,
  // it was not cancelled. Only then may --prune remove.
  bool complete = false;
  std::size_t urls_left_out = 0;         // links and sitemap entries a full frontier did not take
  bool cancelled = false;                // CrawlOptions::stop ended it
  std::vector<std::string> would_fetch;  // --dry-run: the pages a crawl would fetch, in order
  std::vector<std::string> notes;        // for the run's summary: what the crawl left out
};

struct CrawlInputs {
  const web::CrawlOptions* options = nullptr;  // REQUIRES: set
  std::optional<LoaderKind> forced_loader;     // --loader
  std::string run_metadata = "{}";            // --meta
  bool dry_run = false;
  // --prune: a stored page the site now answers 404 or 410 for (linked still, or listed in a
  // sitemap) is gone, removed and counted so, not a failure.
  bool prune = false;
  // --include-generated: store the index pages a site's generator writes (DocBook's
  // bookindex.html, Sphinx's genindex.html), which a crawl, as a folder ingest, skips by default.
  bool include_generated = false;
};

// Crawls from `start_url`, each page's job (or failure) to `sink`. Throws Error(usage) for a
// start URL that is not an absolute http(s) URL or one the fetcher refuses outright
// (credentials in it); every other failure is a page's, told to the sink.
CrawlResult crawl_into(const std::string& start_url, const CrawlInputs& in, const web::FetchFn& fetch, JobSink& sink,
                       const web::CrawlClock& clock = web::system_crawl_clock());

// The metadata a crawled page records: web_metadata's, with the page's links (absolute URLs).
std::string crawled_page_metadata(const web::FetchResponse& response, const std::vector<std::string>& links);
// The links a page's recorded metadata keeps (empty when none or not JSON).
std::vector<std::string> recorded_links(const std::string& metadata_json);

}  // namespace strata::ingest
