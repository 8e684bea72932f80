// jobs.h: the status names, then the store's backend (backend.h).
#include "store/jobs.h"

#include <array>
#include <limits>
#include <utility>

#include "store/backend.h"

namespace strata::store {
namespace {

constexpr std::array<std::pair<JobStatus, const char*>, 5> k_statuses = {{
    {JobStatus::queued, "queued"},
    {JobStatus::running, "running"},
    {JobStatus::succeeded, "succeeded"},
    {JobStatus::failed, "failed"},
    {JobStatus::cancelled, "cancelled"},
}};

}  // namespace

const char* to_string(JobStatus status) {
  for (const auto& [s, name] : k_statuses) {
    if (s == status) return name;
  }
  return "failed";
}

std::optional<JobStatus> parse_job_status(const std::string& text) {
  for (const auto& [s, name] : k_statuses) {
    if (text == name) return s;
  }
  return std::nullopt;
}

void create_job(Store& store, const Job& job) {
  store.backend().create_job(store, job, std::numeric_limits<std::size_t>::max());
}

JobAdmission create_bounded_job(Store& store, const Job& job, std::size_t bound) {
  return store.backend().create_job(store, job, bound);
}

std::optional<Job> find_job(Store& store, const std::string& id) {
  if (id.empty() || id.size() > k_max_job_id) return std::nullopt;
  return store.backend().find_job(store, id);
}

std::vector<Job> list_jobs(Store& store, const std::optional<std::string>& owner, std::size_t limit) {
  return store.backend().list_jobs(store, owner, limit);
}

std::size_t count_active_jobs(Store& store, const std::string& owner) {
  return store.backend().count_active_jobs(store, owner);
}

std::vector<JobCount> count_jobs_by_kind(Store& store) { return store.backend().count_jobs_by_kind(store); }

std::optional<Job> claim_job(Store& store, const std::string& runner, const std::string& at,
                             const std::string& stale_before) {
  return store.backend().claim_job(store, runner, at, stale_before);
}

std::optional<bool> record_job_progress(Store& store, const std::string& id, const std::string& runner,
                                        std::int64_t done, const std::optional<std::int64_t>& total,
                                        const std::optional<std::string>& checkpoint) {
  return store.backend().record_job_progress(store, id, runner, done, total, checkpoint);
}

std::vector<std::string> beat_jobs(Store& store, const std::string& runner, const std::string& at) {
  return store.backend().beat_jobs(store, runner, at);
}

bool finish_job(Store& store, const std::string& id, const std::string& runner, JobStatus status,
                const std::optional<std::string>& result, const std::optional<std::string>& error, const std::string& at) {
  return store.backend().finish_job(store, id, runner, status, result, error, at);
}

bool release_job(Store& store, const std::string& id, const std::string& runner) {
  return store.backend().release_job(store, id, runner);
}

std::optional<Job> cancel_job(Store& store, const std::string& id, const std::string& at) {
  if (id.empty() || id.size() > k_max_job_id) return std::nullopt;
  return store.backend().cancel_job(store, id, at);
}

}  // namespace strata::store
