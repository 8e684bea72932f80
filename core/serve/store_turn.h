#pragma once
// A thread's turn at a worker's store. Each worker has one store handle (SQLite and libpq
// connections are not shared across threads at once); a streamed answer goes on on the thread
// that ran its handler, which the pool replaces with a new worker of the same index
// (http/worker_pool.h: hand_over), so the stream and that worker share the store and take turns:
// the worker holds its turn for each request it runs, a stream for its search, its log and its
// key's re-checks, and lets go while it waits on the model or on the client (a stream that held
// the store for its whole answer would stall the worker behind a slow model or a slow reader).
// Lent out, the store is untouched, and taken back before the next use.
#include <mutex>

namespace strata::serve {

class StoreTurn {
 public:
  // `turn`: the worker's; nullptr: a store of the caller's own (no one to share it with).
  explicit StoreTurn(std::mutex* turn) : turn_(turn) {}
  ~StoreTurn() { release(); }
  StoreTurn(const StoreTurn&) = delete;
  StoreTurn& operator=(const StoreTurn&) = delete;

  // Waits for the store, unless held already.
  void hold() {
    if (turn_ != nullptr && !held_) turn_->lock();
    held_ = true;
  }
  // Holds it if no one else does (or already held): false without waiting.
  bool try_hold() {
    if (turn_ != nullptr && !held_) held_ = turn_->try_lock();
    if (turn_ == nullptr) held_ = true;
    return held_;
  }
  void release() {
    if (turn_ != nullptr && held_) turn_->unlock();
    held_ = false;
  }
  bool held() const { return held_; }

 private:
  std::mutex* turn_;
  bool held_ = false;
};

// While it lives, the turn is let go (when held), and held again after.
class StoreLentOut {
 public:
  explicit StoreLentOut(StoreTurn& turn) : turn_(turn), was_held_(turn.held()) { turn_.release(); }
  ~StoreLentOut() {
    if (was_held_) turn_.hold();
  }
  StoreLentOut(const StoreLentOut&) = delete;
  StoreLentOut& operator=(const StoreLentOut&) = delete;

 private:
  StoreTurn& turn_;
  bool was_held_;
};

}  // namespace strata::serve
