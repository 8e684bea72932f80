#pragma once
// The threads that run handlers which may block (a store read, an ingest, later an upstream
// model), so that the I/O threads never wait on them. Bounded: at most `queue` jobs wait beyond
// those running; try_submit refuses more (the server answers 503 with Retry-After) rather than
// letting a burst grow memory and latency without end. Each job is told which thread runs it,
// so a caller can keep one store connection per thread (SQLite and libpq connections are not
// shared across threads).
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace strata::http {

class WorkerPool {
 public:
  using Job = std::function<void(std::size_t worker)>;
  WorkerPool(std::size_t threads, std::size_t queue);
  ~WorkerPool();  // stop()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False when `queue` jobs already wait, or after stop().
  bool try_submit(Job job);
  // Runs the jobs queued, then joins the threads. Idempotent.
  void stop();
  std::size_t size() const { return threads_.size(); }

 private:
  void work(std::size_t worker);

  std::size_t queue_limit_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace strata::http
