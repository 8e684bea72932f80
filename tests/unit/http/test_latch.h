// A latch for handlers and jobs that wait until the test lets them go: the HTTP server's and
// the stream slots' tests hold workers busy with it.
#pragma once

#include <condition_variable>
#include <mutex>

namespace strata::http::testing {

struct Latch {
  std::mutex m;
  std::condition_variable cv;
  bool open = false;
  int entered = 0;
  void wait() {
    std::unique_lock lock(m);
    ++entered;
    cv.notify_all();
    cv.wait(lock, [&] { return open; });
  }
  void wait_entered(int n) {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return entered >= n; });
  }
  void release() {
    {
      const std::lock_guard lock(m);
      open = true;
    }
    cv.notify_all();
  }
};

}  // namespace strata::http::testing
