#include "web/frontier.h"

#include <algorithm>
#include <utility>

namespace strata::web {

bool Frontier::add(const Url& url, int depth) {
  if (!seen_.insert(url.to_string()).second) return false;
  queue_.push_back({url, depth, 0, {}});
  return true;
}

bool Frontier::mark_seen(const Url& url) { return seen_.insert(url.to_string()).second; }

bool Frontier::seen(const Url& url) const { return seen_.count(url.to_string()) != 0; }

bool Frontier::take(const Url& url) {
  seen_.insert(url.to_string());
  return taken_.insert(url.to_string()).second;
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
