#pragma once
// How far the work on one document has got: written by the worker that reads and chunks it,
// read by the thread that reports progress, so that a single large file (a PDF of thousands of
// pages) does not look like a stalled run.
#include <cstdint>
#include <mutex>

namespace strata::ingest {

class DocumentProgress {
 public:
  enum class Stage { waiting, reading, chunking };  // reading counts pages, chunking bytes of text
  struct Snapshot {
    Stage stage = Stage::waiting;
    std::uint64_t done = 0, total = 0;
  };

  void set(Stage stage, std::uint64_t done, std::uint64_t total) {
    const std::lock_guard<std::mutex> lock(mutex_);
    now_ = {stage, done, total};
  }
  Snapshot get() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return now_;
  }

 private:
  mutable std::mutex mutex_;  // a few thousand uncontended locks for the largest documents
  Snapshot now_;
};

}  // namespace strata::ingest
