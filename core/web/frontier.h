#pragma once
// What a crawl has still to fetch, in breadth-first order (every page of depth d before any of
// depth d+1), each normalised URL once; and when each host may next be asked (politeness).
#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <unordered_set>
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

// How much a frontier holds at most, whatever sitemaps and pages list: URLs it has seen (queued,
// fetched or marked) and the bytes they cost (their text in the seen set and in the queue, with
// a fixed cost per entry for the containers). Past either, a new URL is left out (counted).
struct FrontierLimits {
  std::size_t max_urls = 1'000'000;
  std::size_t max_bytes = std::size_t{64} << 20;
};

class Frontier {
 public:
  explicit Frontier(FrontierLimits limits = {}) : limits_(limits) {}

  // Queues `url` unless it was queued or marked seen before, or the frontier is full (then it
  // is counted in left_out()); true when queued.
  bool add(const Url& url, int depth);
  // Marks a URL as seen (a link out of the scope, reported once) so it is not queued. True when
  // it was not seen before and the frontier had room for it (a full one marks nothing more).
  bool mark_seen(const Url& url);
  bool seen(const Url& url) const;
  // The same for a URL's text as Url::to_string() writes it (a link recorded by an earlier run).
  bool seen(const std::string& text) const { return seen_.count(text) != 0; }
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
  // URLs add() refused because the frontier was full (a URL offered twice counts twice).
  std::size_t left_out() const { return left_out_; }
  // What the frontier holds, as its limits count it.
  std::size_t urls() const { return seen_.size(); }
  std::size_t bytes() const { return bytes_; }
  // For a crawl's saved state: the entries still to go (the retries by when they are due, then
  // the queue in order), and the URLs taken, in no order.
  std::vector<FrontierEntry> pending() const;
  const std::unordered_set<std::string>& taken() const { return taken_; }

 private:
  // Whether `cost` more bytes and one more URL fit.
  bool fits(std::size_t cost) const { return seen_.size() < limits_.max_urls && bytes_ + cost <= limits_.max_bytes; }

  FrontierLimits limits_;
  std::size_t bytes_ = 0;
  std::size_t left_out_ = 0;
  std::deque<FrontierEntry> queue_;
  std::vector<FrontierEntry> retries_;
  // Hashed: a crawl asks about each link of each page (a re-crawl of 1,169 pages, some 116,000).
  std::unordered_set<std::string> seen_;
  std::unordered_set<std::string> taken_;
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
