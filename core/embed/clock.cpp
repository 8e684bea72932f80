#include "embed/clock.h"

namespace strata::embed {

void StopSignal::request() {
  {
    const std::lock_guard lock(mutex_);
    flag_.store(true, std::memory_order_release);
  }
  cv_.notify_all();
}

bool StopSignal::wait_until(SteadyTime deadline) {
  std::unique_lock lock(mutex_);
  return cv_.wait_until(lock, deadline, [&] { return flag_.load(std::memory_order_acquire); });
}

namespace {

class RealClock final : public Clock {
 public:
  SteadyTime now() const override { return std::chrono::steady_clock::now(); }
  bool sleep_until(SteadyTime deadline, StopSignal& stop) override { return stop.wait_until(deadline); }
};

}  // namespace

Clock& real_clock() {
  static RealClock clock;
  return clock;
}

}  // namespace strata::embed
