#pragma once
// Background jobs of `strata serve`: work that can outlast a request (a crawl, POST .../web with a
// crawl block; an embed, POST .../embed) is a row of the store (store/jobs.h), answered 202 at
// once with its id, and run here, on a bounded pool of the runner's own threads, never on a
// request worker:
//  - each pool thread has its own store handle; it claims the oldest queued job (atomically: on a
//    PostgreSQL store, replicas share the queue, FOR UPDATE SKIP LOCKED), runs its kind, records
//    progress as it goes (throttled), and ends the row succeeded, failed or cancelled;
//  - a beat thread says every JobBounds::beat that this runner's jobs live, and learns which were
//    cancelled (DELETE /api/v1/jobs/{id}, `strata jobs cancel`, from any process): their work is
//    stopped (a crawl ends at its next page, an embed at its next batch) and the job ends
//    cancelled with what was done;
//  - a job whose runner stopped beating for JobBounds::stale (its process died) is claimed again
//    by any runner and run from where its work allows: a crawl goes on from the checkpoint it
//    saved with its progress (its frontier, the pages it did, the time it spent:
//    serve/crawl_checkpoint.h), so the pages it did are not fetched again; an embed embeds what
//    has no vector yet. A server that shuts down hands its running jobs back to the queue at
//    once, their checkpoints written, so its restart goes on with them.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/jobs.h"
#include "store/store.h"

namespace strata::serve {

struct JobBounds {
  std::size_t workers = 2;  // jobs running at once in this process
  std::size_t per_key = 4;  // jobs of one key queued or running at once (429 past it)
  std::chrono::milliseconds beat{std::chrono::seconds(1)};  // the heartbeat, and how soon a cancel is seen
  std::chrono::milliseconds stale{std::chrono::seconds(30)};  // a runner silent this long is gone
  std::chrono::milliseconds poll{std::chrono::seconds(1)};    // an idle pool thread looks again
  std::chrono::milliseconds progress_every{std::chrono::milliseconds(500)};  // progress written at most this often
};

// What a kind's work gets: its store handle (the pool thread's), the job (its checkpoint as the
// last runner saved it), a way to report progress and whether it must stop, and a way to save
// what a runner taking the job over needs (written with the next progress).
struct JobContext {
  store::Store& store;
  const store::Job& job;
  std::function<void(std::int64_t done, std::optional<std::int64_t> total)> progress;
  std::function<bool()> stopped;
  std::function<void(std::string checkpoint)> checkpoint;
};

// A kind of job: its name (store::Job::kind) and its work, which returns the result (JSON) or
// throws Error (the job fails with its message). Work that returns after `stopped` said true ends
// the job cancelled, its result kept.
struct JobKind {
  std::string name;
  std::function<nlohmann::json(JobContext&)> run;
};

class JobRunner {
 public:
  JobRunner(std::string store_path, store::OpenOptions open, std::vector<JobKind> kinds, JobBounds bounds = {});
  ~JobRunner();  // stop()
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  void start();
  // Stops the pool: running work is told to stop and its jobs handed back to the queue.
  void stop();
  // A job was queued: an idle pool thread looks at once.
  void wake();

  const std::string& runner_id() const { return runner_id_; }
  const JobBounds& bounds() const { return bounds_; }
  std::size_t running() const;
  // For /metrics: the jobs this process ended, by kind and status (handed_back: at shutdown),
  // and those it runs now, in Prometheus' text format.
  std::string metrics_text() const;
  // The jobs queued and running in `store` (every server's: the queue's depth), by kind and
  // status; kinds this server does not run are counted as "other".
  std::string store_metrics_text(store::Store& store) const;

 private:
  // A job this runner runs: its stop, and the progress its work told, which the beat thread
  // writes (the work itself never waits on the store for it: an ingest tells its progress while
  // it holds a write transaction on a connection of its own).
  struct Running {
    std::string owner;  // the key that started it: a revoked or expired key's job is cancelled (a token's is not)
    std::atomic<bool> stop{false};
    std::atomic<bool> lost{false};  // taken over by another runner: its row is not ours to write
    std::mutex mutex;
    std::int64_t done = 0;
    std::optional<std::int64_t> total;
    std::optional<std::string> checkpoint;  // saved since the last write
    bool dirty = false;
  };

  void pool_thread();
  void write_progress(store::Store& store);
  void cancel_for_dead_keys(store::Store& store);
  void count(const std::string& kind, const char* status);
  void beat_thread();
  void run(store::Store& store, const store::Job& job);
  const JobKind* kind(const std::string& name) const;

  std::string store_path_;
  store::OpenOptions open_;
  std::vector<JobKind> kinds_;
  JobBounds bounds_;
  std::string runner_id_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool started_ = false;
  std::map<std::string, std::shared_ptr<Running>> running_;  // by job id
  std::map<std::pair<std::string, std::string>, std::uint64_t> ended_;  // (kind, status) -> jobs
  std::vector<std::thread> threads_;
};

// A new job's id: the time (for order) then 80 random bits.
std::string new_job_id();

// The job as the API shows it: {id, kind, collection, status, progress: {done, total},
// created_at, started_at, finished_at, result, error}.
nlohmann::json job_json(const store::Job& job);

// Times as the jobs' rows keep them (ISO 8601 UTC).
std::string job_time(std::chrono::system_clock::time_point t);

}  // namespace strata::serve
