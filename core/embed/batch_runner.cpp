#include "embed/batch_runner.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/setting.h"

namespace strata::embed {
namespace {

Attempt fatal(std::string message, std::string hint) {
  Attempt a;
  a.status = AttemptStatus::fatal;
  a.message = std::move(message);
  a.hint = std::move(hint);
  return a;
}

constexpr const char* k_resume_hint = "finished batches are saved: run the same command again to resume";

std::string seconds_text(std::chrono::milliseconds d) {
  const double s = static_cast<double>(d.count()) / 1000.0;
  char buf[32];
  std::snprintf(buf, sizeof buf, s < 10 ? "%.1f s" : "%.0f s", s);
  return buf;
}

}  // namespace

void RateGate::hold_until(SteadyTime t) {
  const std::lock_guard lock(mutex_);
  open_at_ = std::max(open_at_, t);
}

SteadyTime RateGate::open_at() const {
  const std::lock_guard lock(mutex_);
  return open_at_;
}

BatchOutcome BatchRunner::run(std::span<const std::string_view> inputs) {
  BatchOutcome out;
  out.vectors.resize(inputs.size());
  solve(inputs, 0, out);
  return out;
}

void BatchRunner::solve(std::span<const std::string_view> inputs, std::size_t offset, BatchOutcome& out) {
  if (out.fatal || out.stopped || inputs.empty()) return;
  Attempt a = attempt_with_retries(inputs, out);
  if (out.stopped) return;
  switch (a.status) {
    case AttemptStatus::ok:
      for (std::size_t i = 0; i < a.vectors.size(); ++i) out.vectors[offset + i] = std::move(a.vectors[i]);
      shared_.any_success.store(true, std::memory_order_release);
      return;
    case AttemptStatus::fatal:
    case AttemptStatus::retryable:  // not returned by attempt_with_retries; kept for -Wswitch
      out.fatal = std::move(a);
      // Stop the other workers now, not when the pipeline gets to this result: a batch already
      // queued must not be sent after a fatal answer, and requests in flight are cancelled.
      shared_.stop.request();
      return;
    case AttemptStatus::bad_input:
      break;
  }
  if (inputs.size() == 1) {
    out.failures.push_back({offset, a.message});
    const std::size_t refused = shared_.refused_before_success.fetch_add(1) + 1;
    if (!shared_.any_success.load(std::memory_order_acquire) && refused >= k_refusals_before_giving_up) {
      out.fatal = fatal("the server refused each of the first " + std::to_string(refused) +
                            " inputs sent on their own, and accepted none (last: " + a.message + ")",
                        "the request itself is wrong, not the inputs: check " + mention(Setting::model) + ", " +
                            mention(Setting::dimensions) + " and " + mention(Setting::base_url));
      shared_.stop.request();
    }
    return;
  }
  // Halves until the refused inputs stand alone: about 2·log2(n) requests per bad input.
  const std::size_t half = inputs.size() / 2;
  solve(inputs.first(half), offset, out);
  solve(inputs.subspan(half), offset + half, out);
}

Attempt BatchRunner::attempt_with_retries(std::span<const std::string_view> inputs, BatchOutcome& out) {
  for (int attempt = 0;; ++attempt) {
    if (shared_.stop.requested() || clock_.sleep_until(shared_.gate.open_at(), shared_.stop)) {
      out.stopped = true;
      return Attempt{};
    }
    Attempt a = provider_.embed(inputs, &shared_.stop.flag());
    ++out.requests;
    if (a.status != AttemptStatus::ok && shared_.stop.requested()) {
      out.stopped = true;  // cut short by the stop signal, not by the server
      return Attempt{};
    }
    if (a.status != AttemptStatus::retryable) return a;
    if (a.failure == net::FailureKind::refused && attempt >= policy_.retries_for(a.failure)) {
      return fatal(a.message, a.hint);  // one line naming the URL: nothing listens there
    }
    if (attempt >= policy_.max_retries) {
      return fatal("gave up after " + std::to_string(attempt + 1) + (attempt == 0 ? " attempt: " : " attempts: ") + a.message,
                   k_resume_hint);
    }
    if (a.retry_after && *a.retry_after > policy_.max_wait) {
      return fatal("the server asked to wait " + seconds_text(*a.retry_after) + " before retrying (" + a.message +
                       "), longer than the " + seconds_text(policy_.max_wait) + " strata waits",
                   "finished batches are saved: run the same command again later to resume");
    }
    const std::chrono::milliseconds wait = policy_.delay(attempt + 1, a.retry_after, net::jitter_random());
    const SteadyTime until = clock_.now() + wait;
    // A rate limit is the account's, not this request's: every worker waits it out.
    if (a.retry_after) shared_.gate.hold_until(until);
    ++out.retries;
    // A refused connection's few short tries pass unannounced; the error that ends them names the URL.
    if (shared_.on_retry && a.failure != net::FailureKind::refused) shared_.on_retry(a, wait);
    if (clock_.sleep_until(until, shared_.stop)) {
      out.stopped = true;
      return Attempt{};
    }
  }
}

}  // namespace strata::embed
