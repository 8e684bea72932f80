#pragma once
// Requests per minute per key, as a token bucket: a key of N/min holds up to N requests and
// earns one back every 60/N seconds, so a burst of N passes and then one every 60/N s. What a
// decision says is what a server answers with: 429 and Retry-After when refused, and OpenAI's
// x-ratelimit-limit-requests, x-ratelimit-remaining-requests and x-ratelimit-reset-requests on
// every answer. Thread-safe (one mutex: a decision is a few arithmetic operations). One bucket
// per key name, and names come from the store's keys; past max_buckets the buckets that are full
// again (which a fresh bucket equals) are dropped, then the least recently used, so memory stays
// bounded whatever the store holds.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace strata::auth {

struct RateDecision {
  bool allowed = true;
  std::int64_t limit = 0;      // requests per minute (x-ratelimit-limit-requests)
  std::int64_t remaining = 0;  // requests that would pass now, after this one (x-ratelimit-remaining-requests)
  // Whole seconds until a request would pass (Retry-After; at least 1): 0 when allowed.
  std::int64_t retry_after_seconds = 0;
  // Seconds until the bucket is full again (x-ratelimit-reset-requests, see reset_text).
  double reset_seconds = 0;
};

// What a bucket of `capacity` tokens (per_minute of them, earned back over a minute) holding
// `tokens` after a use says: allowed, remaining, Retry-After for a refusal that `needed` that many,
// reset (a bucket counted elsewhere, store/rate_buckets.h, answers as this one does).
RateDecision rate_decision(double tokens, double capacity, std::int64_t per_minute, bool allowed, double needed);

// OpenAI's form of a reset time: "20ms" below a second, "1s", "6m0s" (whole seconds, rounded up).
std::string reset_text(double seconds);

class RateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  // `clock` is read once per decision (a test passes its own).
  explicit RateLimiter(Clock clock = [] { return std::chrono::steady_clock::now(); }, std::size_t max_buckets = 10'000);

  // One request of `key` under a limit of `per_minute` (REQUIRES: > 0): takes a token when there
  // is one. A key whose limit changed keeps what it has, up to the new limit. With `n`: n
  // operations at once (an MCP batch), all or none: refused when fewer than n are left.
  RateDecision take(std::string_view key, std::int64_t per_minute, std::int64_t n = 1);

  // Tokens per minute (a model's tokens, counted once its answer is known): check() says whether
  // `key` may start a request (a whole token left; nothing taken), spend() takes what the request
  // used, the bucket going below zero when it used more than was left, so that the key then
  // waits until it has earned that back: over time no key spends more than its limit a minute
  // beyond one request's overshoot. The decisions' fields as take()'s (remaining: 0 in debt).
  RateDecision check(std::string_view key, std::int64_t per_minute);
  RateDecision spend(std::string_view key, std::int64_t per_minute, std::int64_t amount);

 private:
  struct Bucket {
    double tokens = 0;
    double capacity = 0;
    std::chrono::steady_clock::time_point at;
  };
  // Makes room for one more bucket (REQUIRES: mutex_ held).
  void prune(std::chrono::steady_clock::time_point now);
  // `key`'s bucket refilled up to now (REQUIRES: mutex_ held).
  Bucket& refilled(std::string_view key, double capacity, std::chrono::steady_clock::time_point now);
  static RateDecision decision(const Bucket& b, std::int64_t per_minute, bool allowed, double needed);
  Clock clock_;
  std::size_t max_buckets_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace strata::auth
