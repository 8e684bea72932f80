#pragma once
// The background jobs of `strata serve` (migrations/0020, on PostgreSQL migrations/postgres/0009):
// a crawl or an embed answered 202 at once and run on the server's own pool (serve/jobs.h), read
// back by id, listed, cancelled, and taken over by another process when the one running it
// stopped beating. The rows alone are here; what a job does is the server's.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace strata::store {

enum class JobStatus { queued, running, succeeded, failed, cancelled };
const char* to_string(JobStatus status);
std::optional<JobStatus> parse_job_status(const std::string& text);
inline bool finished(JobStatus s) { return s != JobStatus::queued && s != JobStatus::running; }

// One job as stored. Times are ISO 8601 UTC text ("2026-11-29T15:02:03Z"); request and result are
// JSON text.
struct Job {
  std::string id;
  std::string kind;  // "crawl", "embed"
  std::string collection;
  std::string owner;  // the key's name that started it; "" on a server without keys
  std::string request;
  JobStatus status = JobStatus::queued;
  std::int64_t done = 0;
  std::optional<std::int64_t> total;
  std::string created_at;
  std::optional<std::string> started_at;
  std::optional<std::string> finished_at;
  std::optional<std::string> result;
  std::optional<std::string> error;
  bool cancel_requested = false;
  std::int64_t revision = 0;  // +1 at every change: the id of the job's events
  std::optional<std::string> runner;
  std::optional<std::string> heartbeat_at;
  // What the work saved to go on from should it stop before its end (JSON: a crawl's frontier,
  // serve/crawl_checkpoint.h); written with its progress, dropped when the job ends. Anyone who
  // may write the store may write it: the work checks it as untrusted data.
  std::optional<std::string> checkpoint;
};

// count_jobs_by_kind's statement after its FROM, the same on both backends.
inline constexpr const char* k_jobs_by_kind_tail =
    "WHERE status IN ('queued', 'running') GROUP BY kind, status ORDER BY kind, status";

// The longest id a caller may name (ids strata makes are 32 hex digits).
inline constexpr std::size_t k_max_job_id = 64;

// Adds `job` (queued, revision 1). Throws Error(unavailable) naming the store when it fails.
void create_job(Store& store, const Job& job);

// What create_bounded_job did: whether it added the job, and how many of the owner's jobs were
// queued or running before.
struct JobAdmission {
  bool added = false;
  std::size_t active = 0;
};

// Adds `job` as create_job does unless its owner already has `bound` jobs queued or running. The
// count and the insert are one step for every process on the store (SQLite's write lock taken
// first; on PostgreSQL the jobs table locked against other writers of jobs until the insert
// commits), so two requests of one key at the same instant, on one server or two, never both
// pass a bound they would pass one at a time.
JobAdmission create_bounded_job(Store& store, const Job& job, std::size_t bound);

std::optional<Job> find_job(Store& store, const std::string& id);

// The newest first, at most `limit`; only `owner`'s when set.
std::vector<Job> list_jobs(Store& store, const std::optional<std::string>& owner, std::size_t limit);

// Jobs of `owner` queued or running.
std::size_t count_active_jobs(Store& store, const std::string& owner);

// How many jobs of each kind are queued and running in the store (every server's), for /metrics.
struct JobCount {
  std::string kind;
  JobStatus status = JobStatus::queued;
  std::int64_t count = 0;
};
std::vector<JobCount> count_jobs_by_kind(Store& store);

// Takes the oldest job that is queued, or running with a heartbeat older than `stale_before` (its
// process died; never `runner`'s own), for `runner`: running, started_at (kept when taken over), heartbeat_at = `at`.
// Atomic: two processes never take one job (SQLite's write lock; PostgreSQL's FOR UPDATE SKIP
// LOCKED). nullopt when there is none.
std::optional<Job> claim_job(Store& store, const std::string& runner, const std::string& at,
                             const std::string& stale_before);

// Records progress of `runner`'s job, and its checkpoint when one is given (else the one it has
// stays). Returns whether its cancel was asked, and nullopt when the job is no longer `runner`'s
// (taken over, or gone): the runner stops it.
std::optional<bool> record_job_progress(Store& store, const std::string& id, const std::string& runner,
                                        std::int64_t done, const std::optional<std::int64_t>& total,
                                        const std::optional<std::string>& checkpoint = std::nullopt);

// Beats for every job `runner` runs; returns the ids of those whose cancel was asked.
std::vector<std::string> beat_jobs(Store& store, const std::string& runner, const std::string& at);

// Ends `runner`'s job with `status` (succeeded, failed or cancelled), its checkpoint dropped. False
// when it is no longer `runner`'s.
bool finish_job(Store& store, const std::string& id, const std::string& runner, JobStatus status,
                const std::optional<std::string>& result, const std::optional<std::string>& error, const std::string& at);

// Hands `runner`'s running job back to the queue (its server is shutting down): the next runner
// to claim it goes on with it. False when it is no longer `runner`'s.
bool release_job(Store& store, const std::string& id, const std::string& runner);

// Asks `id` to stop: a queued job is cancelled at once, a running one is marked and stopped by its
// runner. A finished job is left as it is. nullopt when there is no such job.
std::optional<Job> cancel_job(Store& store, const std::string& id, const std::string& at);

}  // namespace strata::store
