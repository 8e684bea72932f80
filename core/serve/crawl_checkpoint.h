#pragma once
// A crawl job's checkpoint (store::Job::checkpoint): the crawl's state (web::CrawlState) with the
// job's progress when it was saved, so that a runner that takes the job over after a restart, or
// gets it back after a shutdown, goes on from there (serve/jobs.h). As JSON:
//   {"v": 1, "request": the SHA-256 of the job's request, "done": its progress, "start": URL,
//    "pending": [[URL, depth], ...], "taken": [URL, ...], "pages": n, "elapsed_ms": n,
//    "contents": [[SHA-256, source], ...]}
// Read back it is untrusted (whoever may write the store may write it): text that is not such
// JSON, one of another request or larger than the crawl's frontier may hold is not used (the
// crawl starts over, as it did before checkpoints); entries of the wrong type are left out, and
// the crawl takes each URL only as it would take a link it found (web/crawl.h).
#include <cstdint>
#include <optional>
#include <string>

#include "web/crawl.h"

namespace strata::serve {

struct CrawlCheckpoint {
  std::int64_t done = 0;  // the job's progress when it was saved
  web::CrawlState state;
};

std::string crawl_checkpoint_text(const std::string& request, std::int64_t done, const web::CrawlState& state);

// The checkpoint `text` saved for the job of `request`, a crawl with `options`; nullopt when there
// is none, or none it may use.
std::optional<CrawlCheckpoint> read_crawl_checkpoint(const std::optional<std::string>& text, const std::string& request,
                                                     const web::CrawlOptions& options);

}  // namespace strata::serve
