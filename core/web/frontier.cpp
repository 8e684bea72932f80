#include "web/frontier.h"

#include <algorithm>
#include <utility>

namespace strata::web {
namespace {

// What one URL costs the frontier, as FrontierLimits counts: its text, and a node's worth of
// the containers around it (a set node, a queue slot with the URL's parts).
constexpr std::size_t k_seen_overhead = 64;
constexpr std::size_t k_queued_overhead = 192;
std::size_t seen_cost(const std::string& text) { return text.size() + k_seen_overhead; }
std::size_t queued_cost(const std::string& text) { return 2 * text.size() + k_seen_overhead + k_queued_overhead; }

}  // namespace

bool Frontier::add(const Url& url, int depth) {
  std::string text = url.to_string();
  if (seen_.count(text) != 0) return false;
  const std::size_t cost = queued_cost(text);
  if (!fits(cost)) {
    ++left_out_;
    return false;
  }
  seen_.insert(std::move(text));
  bytes_ += cost;
  queue_.push_back({url, depth, 0, {}});
  return true;
}

bool Frontier::mark_seen(const Url& url) {
  std::string text = url.to_string();
  if (seen_.count(text) != 0) return false;
  const std::size_t cost = seen_cost(text);
  if (!fits(cost)) return false;
  seen_.insert(std::move(text));
  bytes_ += cost;
  return true;
}

bool Frontier::seen(const Url& url) const { return seen_.count(url.to_string()) != 0; }

// Never refused for room: what is taken was fetched (or is about to be), which max_pages bounds.
bool Frontier::take(const Url& url) {
  std::string text = url.to_string();
  if (seen_.insert(text).second) bytes_ += seen_cost(text);
  if (!taken_.insert(text).second) return false;
  bytes_ += seen_cost(text);
  return true;
}

void Frontier::retry(FrontierEntry entry, CrawlTime at) {
  entry.ready_at = at;
  retries_.push_back(std::move(entry));
}

std::optional<FrontierEntry> Frontier::pop(CrawlTime now) {
  const auto due = std::min_element(retries_.begin(), retries_.end(),
                                    [](const auto& a, const auto& b) { return a.ready_at < b.ready_at; });
  if (due != retries_.end() && due->ready_at <= now) {
    FrontierEntry entry = std::move(*due);
    retries_.erase(due);
    return entry;
  }
  if (queue_.empty()) return std::nullopt;
  FrontierEntry entry = std::move(queue_.front());
  queue_.pop_front();
  return entry;
}

std::optional<CrawlTime> Frontier::next_ready() const {
  if (!queue_.empty()) return CrawlTime::min();
  std::optional<CrawlTime> earliest;
  for (const auto& entry : retries_) {
    if (!earliest || entry.ready_at < *earliest) earliest = entry.ready_at;
  }
  return earliest;
}

std::vector<FrontierEntry> Frontier::pending() const {
  std::vector<FrontierEntry> out = retries_;
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.ready_at < b.ready_at; });
  out.insert(out.end(), queue_.begin(), queue_.end());
  return out;
}

std::chrono::milliseconds HostPacer::wait(const std::string& origin, CrawlTime now) const {
  const auto it = next_.find(origin);
  if (it == next_.end() || it->second <= now) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(it->second - now);
}

void HostPacer::done(const std::string& origin, CrawlTime now, std::chrono::milliseconds delay) {
  auto& next = next_[origin];
  next = std::max(next, now + delay);
}

void HostPacer::hold(const std::string& origin, CrawlTime until) {
  auto& next = next_[origin];
  next = std::max(next, until);
}

}  // namespace strata::web
