#pragma once
// When to try a request again, and how long to wait first: one policy for every client of an
// HTTP API (embeddings, chat, reranking, query embeddings).
//
// Retried: connection errors and timeouts, HTTP 408, 409, 429 and 5xx, and responses that fail
// validation (the providers classify them as AttemptStatus::retryable). Never retried: 401,
// 403, 404, a spend limit (429 insufficient_quota), and 400s, which are bisected instead.
//
// The wait is the server's when it gives one (`retry-after-ms`, else `Retry-After` in seconds
// or as an HTTP date), else exponential backoff with jitter: base·2^(n-1), capped, then a
// random point in its upper half (so that workers that failed together do not retry together,
// and no wait is shorter than half the schedule).
//
// A refused connection (nothing listens at the address) is not an overload that waiting cures:
// it gets `refused_retries` short tries, for a server that is just starting, and then the run
// ends with one message naming the URL (refused_message).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "net/http_client.h"

namespace strata::net {

struct RetryPolicy {
  // Retries after the first attempt; 0 = one attempt only. Default: 5 (six attempts in all).
  int max_retries = 5;
  // First backoff (before jitter). Default: 500 ms.
  std::chrono::milliseconds base_delay{500};
  // Longest backoff. Default: 30 s.
  std::chrono::milliseconds max_delay{30'000};
  // Longest server-requested wait honoured; a server asking for more ends the run (with the
  // finished work saved) instead of leaving it hanging. Default: 120 s.
  std::chrono::milliseconds max_wait{120'000};
  // Retries after a refused connection (never more than max_retries). Default: 2.
  int refused_retries = 2;

  // Retries allowed after a failure of this kind: refused_retries (at most max_retries) for
  // FailureKind::refused, max_retries for anything else.
  int retries_for(FailureKind kind) const;

  // The wait before retry number `retry` (1 for the first retry). `server_wait` is the
  // server's Retry-After when it sent one (used as given). `random01` in [0, 1) chooses the
  // jitter.
  std::chrono::milliseconds delay(int retry, std::optional<std::chrono::milliseconds> server_wait,
                                  double random01) const;
};

// The server's requested wait from `retry-after-ms` (OpenAI's, milliseconds) or `Retry-After`
// (seconds, possibly fractional, or an HTTP date relative to `now`). A date in the past is a
// zero wait; an unparsable value is ignored (nullopt).
std::optional<std::chrono::milliseconds> retry_after_of(const Response& response,
                                                        std::chrono::system_clock::time_point now);

// The message and hint for a server that refused every connection: "nothing is listening at
// <url> (connection refused)" with the URL's password masked, and "is the server running?".
std::string refused_message(std::string_view url);
inline constexpr std::string_view kRefusedHint = "is the server running? Start it, or check the URL's host and port";

// A number in [0, 1) from a per-thread generator seeded from std::random_device.
double jitter_random();

}  // namespace strata::net
