#pragma once
// What a crawl has still to fetch, in breadth-first order (every page of depth d before any of
// depth d+1), each normalised URL once; and when each host may next be asked (politeness).
#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "web/url.h"

namespace strata::web {

using CrawlTime = std::chrono::steady_clock::time_point;

struct FrontierEntry {
  Url url;
  int depth = 0;
  int attempts = 0;     // fetches already tried (a 429 or 503 brings it back)
  CrawlTime ready_at{};  // not before (a retry's Retry-After)
};

class Frontier {
 public:
  // Queues `url` unless it was queued or marked seen before; true when queued.
  bool add(const Url& url, int depth);
  // Marks a URL as taken (a redirect's target, a page's canonical URL) so it is not queued.
  // True when it was not seen before.
  bool mark_seen(const Url& url);
  bool seen(const Url& url) const;
  // Takes a URL for fetching (popped, a redirect's target, a page's canonical URL); false when
  // it was taken before, so a page reached twice is fetched and handed on once.
  bool take(const Url& url);

  // Brings an entry back once `at` has come (a 429's Retry-After).
  void retry(FrontierEntry entry, CrawlTime at);

  // The next entry that may go at `now`: a due retry first, else the oldest queued one (queued in
  // depth order, since pages of depth d queue their links at d+1 while d's are fetched).
  std::optional<FrontierEntry> pop(CrawlTime now);
  // When the earliest waiting retry is due, if nothing else is queued.
  std::optional<CrawlTime> next_ready() const;
  bool empty() const { return queue_.empty() && retries_.empty(); }
  std::size_t size() const { return queue_.size() + retries_.size(); }

 private:
  std::deque<FrontierEntry> queue_;
  std::vector<FrontierEntry> retries_;
  std::set<std::string> seen_;
  std::set<std::string> taken_;
};

// When each host may next be sent a request: one request at a time, `delay` apart (the crawl's
// own delay, or robots.txt's Crawl-delay when longer), later when a server asked for a pause.
class HostPacer {
 public:
  // How long to wait before a request to `origin` at `now` (zero when it may go now).
  std::chrono::milliseconds wait(const std::string& origin, CrawlTime now) const;
  // A request to `origin` ended at `now`: the next may go `delay` later.
  void done(const std::string& origin, CrawlTime now, std::chrono::milliseconds delay);
  // The server asked for no request before `until` (Retry-After).
  void hold(const std::string& origin, CrawlTime until);

 private:
  std::map<std::string, CrawlTime> next_;
};

}  // namespace strata::web
