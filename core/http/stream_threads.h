#pragma once
// The threads that write streamed responses (server-sent events from a model), apart from the
// worker pool: a stream spends nearly all its life waiting for the next piece from an upstream
// model, and a worker held for that long is one fewer for every other request (with 4 workers,
// 4 slow answers stalled the server). Each stream gets a thread of its own with a small stack,
// at most `limit` at once; try_start refuses one more (the server answers 503 with
// Retry-After). A thread costs its stack's touched pages (a few tens of KiB), so 1,000 open
// streams fit in a few tens of MB; the limit bounds the rest. Header-only: small, and used by
// server.cpp alone.
#include <pthread.h>

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>

namespace strata::http {

class StreamThreads {
 public:
  using Job = std::function<void()>;
  // Each thread's stack: enough for an answer's work (a search, a model's client, JSON), far
  // below the 8 MiB a thread gets by default (reserved, not touched, but counted against
  // a strict overcommit limit 1,000 times over).
  static constexpr std::size_t k_stack_bytes = std::size_t{512} << 10;

  explicit StreamThreads(std::size_t limit);
  ~StreamThreads();  // wait()
  StreamThreads(const StreamThreads&) = delete;
  StreamThreads& operator=(const StreamThreads&) = delete;

  // Runs `job` on a new thread. False (the job is dropped, not run) when `limit` streams are
  // open, after close(), or when the system refuses a thread.
  bool try_start(Job job);
  // No more starts; the streams open run on.
  void close();
  // close(), then blocks until every stream's job has returned (and its captures are gone).
  void wait();
  std::size_t open() const;
  std::size_t limit() const { return limit_; }

 private:
  void ended();

  std::size_t limit_;
  mutable std::mutex mutex_;
  std::condition_variable idle_;
  std::size_t open_ = 0;
  bool closed_ = false;
};

namespace stream_threads_detail {

struct Start {
  StreamThreads::Job job;
  std::function<void()> ended;
};

inline void* run(void* arg) {
  std::unique_ptr<Start> start(static_cast<Start*>(arg));
  {
    // The job and what it holds (a connection) go before the count drops, so that wait()
    // returns only when nothing of a stream is left.
    StreamThreads::Job job = std::move(start->job);
    try {
      job();
    } catch (...) {
      // A stream's own failures end its response (server.cpp); nothing may escape a thread.
    }
  }
  start->ended();
  return nullptr;
}

}  // namespace stream_threads_detail

inline StreamThreads::StreamThreads(std::size_t limit) : limit_(limit) {}

inline StreamThreads::~StreamThreads() { wait(); }

inline bool StreamThreads::try_start(Job job) {
  {
    const std::lock_guard lock(mutex_);
    if (closed_ || open_ >= limit_) return false;
    ++open_;
  }
  auto start = std::make_unique<stream_threads_detail::Start>(stream_threads_detail::Start{std::move(job), [this] { ended(); }});
  pthread_attr_t attr;
  bool started = pthread_attr_init(&attr) == 0;
  if (started) {
    pthread_attr_setstacksize(&attr, k_stack_bytes);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t thread;
    started = pthread_create(&thread, &attr, stream_threads_detail::run, start.get()) == 0;
    pthread_attr_destroy(&attr);
  }
  if (!started) {
    ended();
    return false;
  }
  (void)start.release();  // the thread owns it
  return true;
}

inline void StreamThreads::ended() {
  // Notified under the lock: once it is released, this thread touches nothing of *this, which
  // wait()'s caller may then destroy.
  const std::lock_guard lock(mutex_);
  --open_;
  idle_.notify_all();
}

inline void StreamThreads::close() {
  const std::lock_guard lock(mutex_);
  closed_ = true;
}

inline void StreamThreads::wait() {
  std::unique_lock lock(mutex_);
  closed_ = true;
  idle_.wait(lock, [this] { return open_ == 0; });
}

inline std::size_t StreamThreads::open() const {
  const std::lock_guard lock(mutex_);
  return open_;
}

}  // namespace strata::http
