// core/http's stream slots (at most `limit` streams open, refused past it and after close(),
// wait() until every one has left) and the worker pool's hand-over: a job that streams keeps its
// thread, and a new thread with the same worker index runs the next jobs meanwhile.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <gtest/gtest.h>
#include <mutex>
#include <thread>

#include "http/stream_slots.h"
#include "http/worker_pool.h"
#include "test_latch.h"

namespace strata::http {
namespace {

using testing::Latch;  // jobs that wait until the test lets them go

TEST(HttpStreamSlots, AtMostTheLimitOpenAndRefusedAfterClose) {
  StreamSlots slots(2);
  EXPECT_TRUE(slots.try_enter());
  EXPECT_TRUE(slots.try_enter());
  EXPECT_FALSE(slots.try_enter()) << "the limit is 2";
  EXPECT_EQ(slots.open(), 2U);
  slots.leave();
  EXPECT_TRUE(slots.try_enter()) << "a slot given back is taken again";
  slots.close();
  slots.leave();
  EXPECT_FALSE(slots.try_enter()) << "closed";
  slots.leave();
  EXPECT_EQ(slots.open(), 0U);
}

TEST(HttpStreamSlots, WaitReturnsOnceEveryStreamHasLeft) {
  StreamSlots slots(4);
  ASSERT_TRUE(slots.try_enter());
  std::atomic<bool> left{false};
  std::thread stream([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    left = true;
    slots.leave();
  });
  slots.wait();
  EXPECT_TRUE(left.load());
  stream.join();
  EXPECT_FALSE(slots.try_enter()) << "wait() closes";
}

TEST(HttpWorkerPool, AJobThatHandsOverKeepsItsThreadAndANewOneRunsTheNextJobs) {
  Latch latch;
  WorkerPool pool(1, 4);
  std::promise<std::thread::id> streaming_thread;
  std::promise<std::pair<std::thread::id, std::size_t>> next_job;
  ASSERT_TRUE(pool.try_submit([&](std::size_t worker) {
    EXPECT_TRUE(pool.hand_over(worker));
    EXPECT_FALSE(pool.hand_over(worker)) << "handed over once";
    streaming_thread.set_value(std::this_thread::get_id());
    latch.wait();
  }));
  latch.wait_entered(1);
  ASSERT_TRUE(pool.try_submit([&](std::size_t worker) { next_job.set_value({std::this_thread::get_id(), worker}); }));
  const auto [thread, worker] = next_job.get_future().get();  // runs while the first job still waits
  EXPECT_NE(thread, streaming_thread.get_future().get());
  EXPECT_EQ(worker, 0U) << "the new thread takes the same worker index";
  latch.release();
  pool.stop();
  EXPECT_FALSE(pool.hand_over(0)) << "after stop()";
}

}  // namespace
}  // namespace strata::http
