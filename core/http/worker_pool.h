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
  // Called by a job on its own worker thread, for a job that will run long without the pool's
  // turn (a stream waiting on a model): a new thread takes this worker's place (the same index,
  // so the same store), and this thread leaves the pool once the job returns. The job goes on
  // where it is, with nothing handed to another thread (which, on a loaded machine, waits for
  // the scheduler). False after stop(): the thread stays, and the job runs on all the same.
  bool hand_over(std::size_t worker);
  // Runs the jobs queued, then joins the threads (those handed over too). Idempotent.
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
  std::vector<std::thread::id> retired_;  // threads handed over whose job has returned: joined next
};

}  // namespace strata::http
