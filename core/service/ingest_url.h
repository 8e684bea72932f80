#pragma once
// Ingesting a web address as every door asks it: one page, or with a crawl block a crawl from it
// (ingest/web_crawl.h), into a collection. The CLI's `strata ingest URL --crawl` and
// `strata serve`'s POST /api/v1/collections/{collection}/web read the same fields, with the same
// defaults and limits (max_seconds only over HTTP, where a caller waits on the answer: a crawl
// on the command line runs its hour); the fetch's safety (private addresses, headers) is the
// door's, never the caller's: a request cannot name --allow-private nor a header.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ingest/ingest.h"
#include "service/description.h"

namespace strata::service {

inline constexpr std::int64_t k_crawl_max_pages_limit = 1000000;
inline constexpr std::int64_t k_crawl_max_depth_limit = 1000;
inline constexpr std::int64_t k_crawl_max_seconds_limit = 86400;

inline constexpr Field k_crawl_fields[] = {
    {.name = "max_pages", .type = Type::integer, .help = "Pages the crawl fetches at most (default: 1000)",
     .minimum = 1, .maximum = k_crawl_max_pages_limit},
    {.name = "max_depth", .type = Type::integer,
     .help = "Links followed from the start page (default: 10; 0: that page alone)", .minimum = 0,
     .maximum = k_crawl_max_depth_limit},
    {.name = "max_seconds", .type = Type::integer,
     .help = "Seconds the crawl runs at most (default: 3600; a server holds it to its own bound)", .minimum = 1,
     .maximum = k_crawl_max_seconds_limit},
    {.name = "include", .type = Type::array,
     .help = "Globs over the URL path; a page must match one (default: every page in scope)"},
    {.name = "exclude", .type = Type::array, .help = "Globs over the URL path; a page matching one is skipped"},
    {.name = "prune", .type = Type::boolean,
     .help = "Remove the collection's pages in the crawl's scope that the site no longer has (not after a crawl a "
             "limit stopped)"},
};

inline constexpr Field k_ingest_url_request_fields[] = {
    {.name = "url", .type = Type::string, .help = "An http or https address", .required = true},
    {.name = "collection", .type = Type::string, .help = k_collection_help},
    {.name = "crawl", .type = Type::object,
     .help = "Crawl from the address (links within its origin and directory, sitemap.xml, llms.txt; robots.txt "
             "honoured) instead of fetching that page alone",
     .fields = k_crawl_fields},
    {.name = "dry_run", .type = Type::boolean, .help = "List what would be fetched; write nothing"},
};
inline constexpr Description k_ingest_url_request{k_ingest_url_request_fields};

inline constexpr Field k_ingest_url_failure_fields[] = {
    {.name = "source", .type = Type::string, .required = true},
    {.name = "reason", .type = Type::string, .required = true},
};
inline constexpr Field k_ingest_url_result_fields[] = {
    {.name = "collection", .type = Type::string, .required = true},
    {.name = "new", .type = Type::integer, .required = true},
    {.name = "changed", .type = Type::integer, .required = true},
    {.name = "unchanged", .type = Type::integer, .required = true},
    {.name = "removed", .type = Type::integer, .required = true},
    {.name = "skipped", .type = Type::integer, .required = true},
    {.name = "failed", .type = Type::integer, .required = true},
    {.name = "chunks", .type = Type::integer, .required = true},
    {.name = "failures", .type = Type::array, .required = true, .fields = k_ingest_url_failure_fields, .items = Type::object},
    {.name = "would_fetch", .type = Type::array, .help = "dry_run: the pages a crawl would fetch"},
    {.name = "notes", .type = Type::array},
};
inline constexpr Description k_ingest_url_result{k_ingest_url_result_fields};

struct IngestUrlRequest {
  std::string collection;
  std::string url;
  std::optional<web::CrawlOptions> crawl;
  bool prune = false;
  bool dry_run = false;
};
// From JSON arguments; a call that names no collection writes to `collection`. Throws
// Error(usage) naming a bad argument.
IngestUrlRequest ingest_url_request(const nlohmann::json& arguments, const std::string& collection);

// Fetches (or crawls) through an ingest run. `base` holds what the door owns: the store, its
// options, chunking, threads, and the fetch's safety (base.web); its inputs are replaced.
ingest::IngestSummary ingest_url(const IngestUrlRequest& request, ingest::IngestRequest base);
// The same, telling `observer` of each page and of the run's progress (a server's crawl job).
ingest::IngestSummary ingest_url(const IngestUrlRequest& request, ingest::IngestRequest base, ingest::IngestObserver& observer);
// `summary` as k_ingest_url_result describes it (failures' reasons with settings as `render`
// names them is the door's: this writes core's tokens as plain names).
nlohmann::json ingest_url_result(const ingest::IngestSummary& summary);

}  // namespace strata::service
