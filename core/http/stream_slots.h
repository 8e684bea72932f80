#pragma once
// How many streamed responses are open at once (server-sent events from a model): a stream
// spends nearly all its life waiting for the next piece from an upstream model, so it does not
// hold a worker (the worker pool hands the stream's thread over and starts another in its place:
// worker_pool.h), and this bounds how many such threads there are: try_enter refuses one more
// past `limit` (the server answers 503 with Retry-After). A stream's thread costs the pages of
// its stack it touches (tens of KiB), so 1,000 open streams fit in tens of MB.
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace strata::http {

class StreamSlots {
 public:
  explicit StreamSlots(std::size_t limit) : limit_(limit) {}
  StreamSlots(const StreamSlots&) = delete;
  StreamSlots& operator=(const StreamSlots&) = delete;

  // Takes a slot: false when `limit` streams are open, or after close().
  bool try_enter() {
    const std::lock_guard lock(mutex_);
    if (closed_ || open_ >= limit_) return false;
    ++open_;
    return true;
  }
  // Gives a slot back. REQUIRES: a try_enter() that returned true.
  void leave() {
    // Notified under the lock: once it is released, the leaving thread touches nothing of
    // *this, which wait()'s caller may then destroy.
    const std::lock_guard lock(mutex_);
    --open_;
    idle_.notify_all();
  }
  // No more streams; those open run on.
  void close() {
    const std::lock_guard lock(mutex_);
    closed_ = true;
  }
  // close(), then blocks until every stream has left.
  void wait() {
    std::unique_lock lock(mutex_);
    closed_ = true;
    idle_.wait(lock, [this] { return open_ == 0; });
  }
  std::size_t open() const {
    const std::lock_guard lock(mutex_);
    return open_;
  }
  std::size_t limit() const { return limit_; }

 private:
  std::size_t limit_;
  mutable std::mutex mutex_;
  std::condition_variable idle_;
  std::size_t open_ = 0;
  bool closed_ = false;
};

}  // namespace strata::http
