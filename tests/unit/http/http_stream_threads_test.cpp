// core/http's stream threads: at most `limit` jobs at once, each on a thread of its own (not the
// caller's), refused past the limit and after close(), and wait() returns only once every job
// and what it captured are gone.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <gtest/gtest.h>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "http/stream_threads.h"

namespace strata::http {
namespace {

// Jobs that wait until the test lets them go.
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

TEST(HttpStreamThreads, RunsEachJobOnAThreadOfItsOwnUpToTheLimit) {
  Latch latch;
  StreamThreads threads(2);
  std::atomic<int> elsewhere{0};
  const std::thread::id caller = std::this_thread::get_id();
  const auto job = [&] {
    if (std::this_thread::get_id() != caller) ++elsewhere;
    latch.wait();
  };
  EXPECT_TRUE(threads.try_start(job));
  EXPECT_TRUE(threads.try_start(job));
  latch.wait_entered(2);  // both run at once: each has its own thread
  EXPECT_EQ(threads.open(), 2U);
  bool third_ran = false;
  EXPECT_FALSE(threads.try_start([&] { third_ran = true; })) << "the limit is 2";
  latch.release();
  threads.wait();
  EXPECT_EQ(threads.open(), 0U);
  EXPECT_EQ(elsewhere.load(), 2);
  EXPECT_FALSE(third_ran);
}

TEST(HttpStreamThreads, WaitReturnsOnceTheJobsAndTheirCapturesAreGone) {
  auto held = std::make_shared<int>(7);
  const std::weak_ptr<int> watch = held;
  StreamThreads threads(4);
  ASSERT_TRUE(threads.try_start([held = std::move(held)] { std::this_thread::sleep_for(std::chrono::milliseconds(20)); }));
  threads.wait();
  EXPECT_TRUE(watch.expired());
  EXPECT_FALSE(threads.try_start([] {})) << "wait() closes";
}

TEST(HttpStreamThreads, CloseRefusesNewJobsAndAThrowingJobEndsItsThreadOnly) {
  StreamThreads threads(4);
  ASSERT_TRUE(threads.try_start([] { throw std::runtime_error("a stream's failure"); }));
  threads.close();
  EXPECT_FALSE(threads.try_start([] {}));
  threads.wait();
  EXPECT_EQ(threads.open(), 0U);
}

}  // namespace
}  // namespace strata::http
