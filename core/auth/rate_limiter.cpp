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

RateLimiter::RateLimiter(Clock clock) : clock_(std::move(clock)) {}

RateDecision RateLimiter::take(std::string_view key, std::int64_t per_minute) {
  per_minute = std::max<std::int64_t>(per_minute, 1);
  const double capacity = static_cast<double>(per_minute);
  const double per_second = capacity / 60.0;
  const std::chrono::steady_clock::time_point now = clock_();
  std::lock_guard lock(mutex_);
  auto [it, fresh] = buckets_.try_emplace(std::string(key));
  Bucket& b = it->second;
  if (fresh) {
    b.tokens = capacity;
  } else {
    const double elapsed = std::max(0.0, std::chrono::duration<double>(now - b.at).count());
    b.tokens = std::min(capacity, b.tokens + elapsed * per_second);
  }
  b.at = now;
  RateDecision d;
  d.limit = per_minute;
  // A hair under a whole token counts as one: a request whose token is due now passes.
  if (b.tokens + k_slack >= 1.0) {
    b.tokens = std::max(0.0, b.tokens - 1.0);
    d.allowed = true;
  } else {
    d.allowed = false;
    d.retry_after_seconds = std::max<std::int64_t>(1, whole_up((1.0 - b.tokens) / per_second));
  }
  d.remaining = static_cast<std::int64_t>(std::floor(b.tokens + k_slack));
  d.reset_seconds = (capacity - b.tokens) / per_second;
  return d;
}

}  // namespace strata::auth
