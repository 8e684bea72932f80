#include "auth/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace strata::auth {

namespace {

// Refills are floating point: a value a hair over a whole number is that number, not the next.
constexpr double k_slack = 1e-9;

std::int64_t whole_up(double v) { return static_cast<std::int64_t>(std::ceil(v - 1e-6)); }

}  // namespace

std::string reset_text(double seconds) {
  if (seconds <= 0) return "0s";
  if (seconds < 1) return std::to_string(whole_up(seconds * 1000)) + "ms";
  const std::int64_t whole = whole_up(seconds);
  if (whole < 60) return std::to_string(whole) + "s";
  return std::to_string(whole / 60) + "m" + std::to_string(whole % 60) + "s";
}

RateLimiter::RateLimiter(Clock clock, std::size_t max_buckets) : clock_(std::move(clock)), max_buckets_(std::max<std::size_t>(max_buckets, 1)) {}

void RateLimiter::prune(std::chrono::steady_clock::time_point now) {
  std::erase_if(buckets_, [&](const auto& entry) {
    const Bucket& b = entry.second;
    const double elapsed = std::max(0.0, std::chrono::duration<double>(now - b.at).count());
    return b.tokens + elapsed * b.capacity / 60.0 + k_slack >= b.capacity;
  });
  if (buckets_.size() < max_buckets_) return;
  auto oldest = std::min_element(buckets_.begin(), buckets_.end(), [](const auto& a, const auto& b) { return a.second.at < b.second.at; });
  buckets_.erase(oldest);
}

RateLimiter::Bucket& RateLimiter::refilled(std::string_view key, double capacity, std::chrono::steady_clock::time_point now) {
  if (buckets_.size() >= max_buckets_ && buckets_.find(std::string(key)) == buckets_.end()) prune(now);
  auto [it, fresh] = buckets_.try_emplace(std::string(key));
  Bucket& b = it->second;
  if (fresh) {
    b.tokens = capacity;
  } else {
    const double elapsed = std::max(0.0, std::chrono::duration<double>(now - b.at).count());
    b.tokens = std::min(capacity, b.tokens + elapsed * capacity / 60.0);
  }
  b.at = now;
  b.capacity = capacity;
  return b;
}

RateDecision rate_decision(double tokens, double capacity, std::int64_t per_minute, bool allowed, double needed) {
  const double per_second = capacity / 60.0;
  RateDecision d;
  d.limit = per_minute;
  d.allowed = allowed;
  // More than the bucket holds never fits: the wait until it is full, then it is refused again.
  if (!allowed) d.retry_after_seconds = std::max<std::int64_t>(1, whole_up((std::min(needed, capacity) - tokens) / per_second));
  d.remaining = std::max<std::int64_t>(0, static_cast<std::int64_t>(std::floor(tokens + k_slack)));
  d.reset_seconds = std::max(0.0, (capacity - tokens) / per_second);
  return d;
}

RateDecision RateLimiter::decision(const Bucket& b, std::int64_t per_minute, bool allowed, double needed) {
  return rate_decision(b.tokens, b.capacity, per_minute, allowed, needed);
}

RateDecision RateLimiter::take(std::string_view key, std::int64_t per_minute, std::int64_t n) {
  per_minute = std::max<std::int64_t>(per_minute, 1);
  const double needed = static_cast<double>(std::max<std::int64_t>(n, 1));
  const std::chrono::steady_clock::time_point now = clock_();
  std::lock_guard lock(mutex_);
  Bucket& b = refilled(key, static_cast<double>(per_minute), now);
  // A hair under a whole token counts as one: a request whose token is due now passes.
  const bool allowed = b.tokens + k_slack >= needed;
  if (allowed) b.tokens = std::max(0.0, b.tokens - needed);
  return decision(b, per_minute, allowed, needed);
}

RateDecision RateLimiter::check(std::string_view key, std::int64_t per_minute) {
  per_minute = std::max<std::int64_t>(per_minute, 1);
  const std::chrono::steady_clock::time_point now = clock_();
  std::lock_guard lock(mutex_);
  const Bucket& b = refilled(key, static_cast<double>(per_minute), now);
  return decision(b, per_minute, b.tokens + k_slack >= 1.0, 1.0);
}

RateDecision RateLimiter::spend(std::string_view key, std::int64_t per_minute, std::int64_t amount) {
  per_minute = std::max<std::int64_t>(per_minute, 1);
  const std::chrono::steady_clock::time_point now = clock_();
  std::lock_guard lock(mutex_);
  Bucket& b = refilled(key, static_cast<double>(per_minute), now);
  b.tokens -= static_cast<double>(std::max<std::int64_t>(amount, 0));
  return decision(b, per_minute, true, 1.0);
}

}  // namespace strata::auth
