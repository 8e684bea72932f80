#pragma once
// One batch from request to vectors: retries (RetryPolicy, with the wait shared by every worker
// of the run through RateGate), and bisection of a batch the server refuses (400) down to the
// inputs it refuses on their own, so one bad input costs itself, not its batch.
#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "embed/clock.h"
#include "embed/provider.h"
#include "net/retry_policy.h"

namespace strata::embed {

// A "not before" instant shared by the workers of one run: a 429's Retry-After holds back
// every worker, not only the one that got it, since they share one rate limit. Thread-safe.
class RateGate {
 public:
  void hold_until(SteadyTime t);
  SteadyTime open_at() const;

 private:
  mutable std::mutex mutex_;
  SteadyTime open_at_{};
};

// What the workers of one run share.
struct RunShared {
  StopSignal stop;
  RateGate gate;
  // Inputs refused on their own before any input succeeded: a server that refuses everything
  // (a wrong --dimensions, a model that is not an embedding model) is caught after a few
  // instead of being bisected through the whole collection.
  std::atomic<std::size_t> refused_before_success{0};
  std::atomic<bool> any_success{false};
  // Told about each retry before its wait (from the worker's thread). Optional.
  std::function<void(const Attempt& failure, std::chrono::milliseconds wait)> on_retry;
};

// After this many inputs refused on their own with no input accepted, the run stops.
inline constexpr std::size_t k_refusals_before_giving_up = 8;

struct InputFailure {
  std::size_t index;    // into the batch
  std::string message;  // the server's reason, e.g. "HTTP 400: maximum context length is 8192 tokens"
};

struct BatchOutcome {
  std::vector<std::optional<Vector>> vectors;  // per input; nullopt when refused or not reached
  std::vector<InputFailure> failures;          // inputs refused on their own
  std::size_t requests = 0;
  std::size_t retries = 0;
  // Set when the run must stop (a fatal answer, retries used up, a stop request). Inputs with
  // neither a vector nor a failure were not done and are left for the next run.
  std::optional<Attempt> fatal;
  // Set when the run's stop signal cut this batch short (another batch's fatal error, or the
  // caller): not an error of this batch.
  bool stopped = false;
};

class BatchRunner {
 public:
  BatchRunner(Provider& provider, const net::RetryPolicy& policy, Clock& clock, RunShared& shared)
      : provider_(provider), policy_(policy), clock_(clock), shared_(shared) {}

  BatchOutcome run(std::span<const std::string_view> inputs);

 private:
  // The attempt that ends the retries: ok, bad_input or fatal (retries used up become fatal).
  Attempt attempt_with_retries(std::span<const std::string_view> inputs, BatchOutcome& out);
  void solve(std::span<const std::string_view> inputs, std::size_t offset, BatchOutcome& out);

  Provider& provider_;
  const net::RetryPolicy& policy_;
  Clock& clock_;
  RunShared& shared_;
};

}  // namespace strata::embed
