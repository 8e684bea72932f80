#pragma once
// The second half of an ingest run: the documents' jobs (run_inputs.h) through the workers
// (read, hash, load, chunk: prepare.h, in parallel) and the one writer, which takes them in the
// order they were submitted, stores each document whole and commits in batches. It counts
// what happened in the run's summary and tells the observer of each document and of progress.
#include <chrono>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/thread_pool.h"
#include "ingest/ingest.h"
#include "ingest/prepare.h"
#include "ingest/run_inputs.h"
#include "store/document_writer.h"

namespace strata::ingest {

class Pipeline final : public JobSink {
 public:
  // `summary` is the run's: counts, failures and settings (the chunking the workers use, which
  // must be chosen before the first submit). REQUIRES: all three outlive this object.
  Pipeline(const IngestRequest& request, IngestObserver& observer, IngestSummary& summary);

  // The writer of the run's collection; nullptr when there is no store (a dry run without
  // one): nothing is looked up or written. Set before the first submit.
  void set_writer(store::DocumentWriter* writer, bool rechunking) {
    writer_ = writer;
    rechunking_ = rechunking;
  }
  Progress& progress() { return progress_; }

  void submit(Job job, Named named) override;
  void fail(const std::string& source, const std::string& reason, std::uint64_t bytes) override;
  void skip(const std::string& source, const std::string& kind, const std::string& reason) override;
  std::optional<store::StoredDocument> stored(const std::string& source) override;
  std::optional<std::vector<store::StoredDocument>> stored_under(const std::string& folder, std::size_t limit) override;
  void unchanged(const std::string& source, std::uint64_t bytes) override;
  // Waits for every submitted document and writes it, then commits.
  void finish();
  void settle() override { finish(); }

  // Sources whose stray bytes were repaired (LoadedDocument::repaired_bytes), in order.
  const std::vector<std::pair<std::string, std::size_t>>& repaired() const { return repaired_; }

 private:
  // A document handed to the workers, in the order the writer takes them.
  struct Inflight {
    std::future<Prepared> result;
    std::shared_ptr<DocumentProgress> progress;
    std::string source;
  };

  void drain_one();
  void report_waiting_on(const Inflight& work);
  void record(Prepared p);
  void write(const Prepared& p);
  void skip(const std::string& source, const std::string& kind, const std::string& reason, std::uint64_t bytes, Named named);

  const IngestRequest& req_;
  IngestObserver& observer_;
  IngestSummary& summary_;
  store::DocumentWriter* writer_ = nullptr;
  bool rechunking_ = false;  // --rechunk with options that differ from the recorded ones
  std::size_t limit_ = 0;    // documents in flight at most
  std::deque<Inflight> inflight_;
  std::set<std::string> named_;  // sources of the files (and stdin) named on the command line
  std::vector<std::pair<std::string, std::size_t>> repaired_;
  Progress progress_;
  std::chrono::steady_clock::time_point batch_start_;
  std::uint64_t batch_chunks_ = 0;
  // The last member: destroyed first, so no worker outlives what it reads.
  ThreadPool pool_;
};

}  // namespace strata::ingest
