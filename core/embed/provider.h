#pragma once
// A source of embeddings: the built-in local embedder, or a server speaking OpenAI's
// /v1/embeddings. A provider makes one attempt per call; retries, bisection and batching are
// the caller's (batch_runner, pipeline), so that every provider gets them the same way.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "embed/vector.h"
#include "net/http_client.h"

namespace strata::embed {

// What one attempt came to, classified for the retry policy.
enum class AttemptStatus {
  ok,         // `vectors` holds one vector per input, in input order, validated
  retryable,  // connection error, timeout, 408, 409, 429, 5xx, an invalid response
  bad_input,  // 400/413/422: something in the inputs; bisect to find what
  fatal,      // 401, 403, 404, spend limit, wrong dimensions: retrying cannot help
};

struct Attempt {
  AttemptStatus status = AttemptStatus::ok;
  std::vector<Vector> vectors;
  int http_status = 0;  // 0 when no HTTP response arrived
  // For anything but ok: what went wrong, for a person (e.g. "HTTP 429: Rate limit reached
  // for requests"); server words are trimmed to one line and never contain the API key.
  std::string message;
  std::string hint;  // fatal only: what to do about it
  // The server's Retry-After / retry-after-ms, when it sent one.
  std::optional<std::chrono::milliseconds> retry_after;
  // How the transfer failed (none when a response arrived): a refused connection is retried
  // briefly (net::RetryPolicy::retries_for).
  net::FailureKind failure = net::FailureKind::none;
};

class Provider {
 public:
  virtual ~Provider() = default;

  // "local" or "openai": the first part of the cache key.
  virtual std::string name() const = 0;
  // The model as recorded on the collection and in the cache key.
  virtual std::string model() const = 0;
  // The vectors' size; 0 while unknown (an unknown model before its first response).
  virtual std::size_t dimensions() const = 0;
  // Which server makes the vectors, for the cache key: "" when the name and model say it all
  // (the local models, the provider's own API), else the server's URL without its userinfo.
  virtual std::string cache_scope() const { return {}; }

  // One attempt at embedding `inputs` (1 or more). Never throws for a server's or the
  // network's failure: that is the Attempt's status. Thread-safe: the pipeline calls it from
  // several threads at once. `cancel`, when set, stops a request in flight.
  virtual Attempt embed(std::span<const std::string_view> inputs, const std::atomic<bool>* cancel) = 0;
};

}  // namespace strata::embed
