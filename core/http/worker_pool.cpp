#include "http/worker_pool.h"

#include <algorithm>

namespace strata::http {

namespace {
// Set on a worker thread whose place was handed over (hand_over): it leaves after its job.
thread_local bool t_handed_over = false;
}  // namespace

WorkerPool::WorkerPool(std::size_t threads, std::size_t queue) : queue_limit_(queue) {
  threads = std::max<std::size_t>(threads, 1);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this, i] { work(i); });
}

WorkerPool::~WorkerPool() { stop(); }

bool WorkerPool::try_submit(Job job) {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_ || jobs_.size() >= queue_limit_) return false;
    jobs_.push_back(std::move(job));
  }
  ready_.notify_one();
  return true;
}

bool WorkerPool::hand_over(std::size_t worker) {
  const std::lock_guard lock(mutex_);
  if (stopping_ || t_handed_over) return false;
  // The threads handed over before whose jobs have returned: joined here, so that a long-lived
  // server keeps no finished thread (and its stack) around. Each has left work() for good.
  for (const std::thread::id id : retired_) {
    const auto it = std::find_if(threads_.begin(), threads_.end(), [id](const std::thread& t) { return t.get_id() == id; });
    if (it == threads_.end()) continue;
    it->join();
    threads_.erase(it);
  }
  retired_.clear();
  threads_.emplace_back([this, worker] { work(worker); });
  t_handed_over = true;
  return true;
}

void WorkerPool::stop() {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void WorkerPool::work(std::size_t worker) {
  while (true) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, nothing left
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job(worker);
    if (t_handed_over) {
      const std::lock_guard lock(mutex_);
      retired_.push_back(std::this_thread::get_id());
      return;
    }
  }
}

}  // namespace strata::http
