#pragma once
// Time for retries: a clock to read and a wait that a stop request cuts short. Tests replace
// the clock with a fake that records waits instead of sleeping.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace strata::embed {

using SteadyTime = std::chrono::steady_clock::time_point;

// A one-way "stop" shared by the threads of one run. Thread-safe.
class StopSignal {
 public:
  void request();
  bool requested() const { return flag_.load(std::memory_order_acquire); }
  // The flag itself, for code that polls (libcurl's progress callback).
  const std::atomic<bool>& flag() const { return flag_; }
  // Waits until `deadline` or a stop request; true when stopped.
  bool wait_until(SteadyTime deadline);

 private:
  std::atomic<bool> flag_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
};

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SteadyTime now() const = 0;
  // Waits until `deadline` unless `stop` is requested first; true when stopped.
  virtual bool sleep_until(SteadyTime deadline, StopSignal& stop) = 0;
};

// std::chrono::steady_clock and a real wait.
Clock& real_clock();

}  // namespace strata::embed
