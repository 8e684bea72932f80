// The jobs table on PostgreSQL (jobs.h; migrations/postgres/0009), answering as the SQLite store
// does. Replicas on one store claim with FOR UPDATE SKIP LOCKED: two never take one job, and
// neither waits for the other's claim.
#include <limits>
#include <string>
#include <vector>

#include "common/error.h"
#include "store/jobs.h"
#include "store/postgres/pg_backend.h"

namespace strata::store::pg {
namespace {

// The row's columns, in the order pg_job_row_of reads them.
constexpr const char* k_pg_job_columns =
    "id, kind, collection, owner, request, status, done, total, created_at, started_at, finished_at, result, error, "
    "cancel_requested, revision, runner, heartbeat_at, checkpoint";

Job pg_job_row_of(const pq::Result& r, int row) {
  Job j;
  j.id = r.str(row, 0);
  j.kind = r.str(row, 1);
  j.collection = r.str(row, 2);
  j.owner = r.str(row, 3);
  j.request = r.str(row, 4);
  // A status this binary does not know is a job that ended, never one to run.
  j.status = parse_job_status(r.str(row, 5)).value_or(JobStatus::failed);
  j.done = r.int64(row, 6);
  j.total = r.optional_int(row, 7);
  j.created_at = r.str(row, 8);
  j.started_at = r.optional_text(row, 9);
  j.finished_at = r.optional_text(row, 10);
  j.result = r.optional_text(row, 11);
  j.error = r.optional_text(row, 12);
  j.cancel_requested = r.text(row, 13) == "t";
  j.revision = r.int64(row, 14);
  j.runner = r.optional_text(row, 15);
  j.heartbeat_at = r.optional_text(row, 16);
  j.checkpoint = r.optional_text(row, 17);
  return j;
}

std::string pg_select_jobs() { return std::string("SELECT ") + k_pg_job_columns + " FROM jobs "; }

std::size_t pg_active_jobs(pq::Connection& c, const std::string& owner) {
  const pq::Result r = c.exec("SELECT count(*) FROM jobs WHERE owner = $1 AND status IN ('queued', 'running')", {owner},
                              false, "reading jobs");
  return static_cast<std::size_t>(r.int64(0, 0));
}

pq::Param pg_number(const std::optional<std::int64_t>& v) {
  return v ? pq::Param(std::to_string(*v)) : std::nullopt;
}

}  // namespace

JobAdmission Backend::create_job(Store& /*store*/, const Job& job, std::size_t bound) {
  pq::Connection& c = connection();
  return pq::in_transaction(c, [&] {
    if (bound != std::numeric_limits<std::size_t>::max()) {
      // Replicas count and insert one at a time: SHARE ROW EXCLUSIVE conflicts with itself, so a
      // second count waits for the first insert's commit (READ COMMITTED: its count is read after
      // it). The lock needs a writer's UPDATE on jobs, never granted to readers, and it waits at
      // most 5 s (a job's own writes hold it for one statement).
      c.exec_script("SET LOCAL lock_timeout = '5s'; LOCK TABLE jobs IN SHARE ROW EXCLUSIVE MODE", "adding a job");
    }
    const JobAdmission admission{false, pg_active_jobs(c, job.owner)};
    if (admission.active >= bound) return admission;
    c.exec("INSERT INTO jobs (id, kind, collection, owner, request, status, total, created_at, revision) "
           "VALUES ($1, $2, $3, $4, $5, 'queued', $6::bigint, $7, 1)",
           {job.id, job.kind, job.collection, job.owner, job.request, pg_number(job.total), job.created_at}, false,
           "adding a job");
    return JobAdmission{true, admission.active};
  });
}

std::optional<Job> Backend::find_job(Store& /*store*/, const std::string& id) {
  const pq::Result r = connection().exec(pg_select_jobs() + "WHERE id = $1", {id}, false, "reading jobs");
  if (r.rows() == 0) return std::nullopt;
  return pg_job_row_of(r, 0);
}

std::vector<Job> Backend::list_jobs(Store& /*store*/, const std::optional<std::string>& owner, std::size_t limit) {
  const pq::Result r = connection().exec(
      pg_select_jobs() + "WHERE ($1::text IS NULL OR owner = $1) ORDER BY created_at DESC, id DESC LIMIT $2::bigint",
      {owner, std::to_string(limit)}, false, "reading jobs");
  std::vector<Job> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(pg_job_row_of(r, i));
  return out;
}

std::size_t Backend::count_active_jobs(Store& /*store*/, const std::string& owner) {
  return pg_active_jobs(connection(), owner);
}

std::vector<JobCount> Backend::count_jobs_by_kind(Store& /*store*/) {
  const pq::Result r = connection().exec(std::string("SELECT kind, status, count(*) FROM jobs ") + k_jobs_by_kind_tail, {},
                                         false, "reading jobs");
  std::vector<JobCount> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({r.str(i, 0), parse_job_status(r.str(i, 1)).value_or(JobStatus::queued), r.int64(i, 2)});
  }
  return out;
}

std::optional<Job> Backend::claim_job(Store& /*store*/, const std::string& runner, const std::string& at,
                                      const std::string& stale_before) {
  const pq::Result r = connection().exec(
      std::string("UPDATE jobs SET status = 'running', runner = $1, heartbeat_at = $2, "
                  "started_at = coalesce(started_at, $2), revision = revision + 1 "
                  "WHERE id = (SELECT id FROM jobs WHERE status = 'queued' OR (status = 'running' AND "
                  "(heartbeat_at IS NULL OR heartbeat_at < $3) AND runner IS DISTINCT FROM $1) ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) "
                  "RETURNING ") +
          k_pg_job_columns,
      {runner, at, stale_before}, false, "claiming a job");
  if (r.rows() == 0) return std::nullopt;
  return pg_job_row_of(r, 0);
}

std::optional<bool> Backend::record_job_progress(Store& /*store*/, const std::string& id, const std::string& runner,
                                                 std::int64_t done, const std::optional<std::int64_t>& total,
                                                 const std::optional<std::string>& checkpoint) {
  const pq::Result r = connection().exec(
      "UPDATE jobs SET done = $1::bigint, total = $2::bigint, checkpoint = coalesce($5, checkpoint), "
      "revision = revision + 1 WHERE id = $3 AND runner = $4 AND status = 'running' RETURNING cancel_requested",
      {std::to_string(done), pg_number(total), id, runner, checkpoint}, false, "recording a job's progress");
  if (r.rows() == 0) return std::nullopt;
  return r.text(0, 0) == "t";
}

std::vector<std::string> Backend::beat_jobs(Store& /*store*/, const std::string& runner, const std::string& at) {
  const pq::Result r = connection().exec(
      "UPDATE jobs SET heartbeat_at = $1 WHERE runner = $2 AND status = 'running' RETURNING id, cancel_requested",
      {at, runner}, false, "recording the jobs' heartbeat");
  std::vector<std::string> cancelled;
  for (int i = 0; i < r.rows(); ++i) {
    if (r.text(i, 1) == "t") cancelled.push_back(r.str(i, 0));
  }
  return cancelled;
}

bool Backend::finish_job(Store& /*store*/, const std::string& id, const std::string& runner, JobStatus status,
                         const std::optional<std::string>& result, const std::optional<std::string>& error,
                         const std::string& at) {
  const pq::Result r = connection().exec(
      "UPDATE jobs SET status = $1, result = $2, error = $3, finished_at = $4, checkpoint = NULL, "
      "revision = revision + 1 WHERE id = $5 AND runner = $6 AND status = 'running'",
      {std::string(to_string(status)), result, error, at, id, runner}, false, "ending a job");
  return r.affected() == 1;
}

bool Backend::release_job(Store& /*store*/, const std::string& id, const std::string& runner) {
  const pq::Result r = connection().exec(
      "UPDATE jobs SET status = 'queued', runner = NULL, heartbeat_at = NULL, revision = revision + 1 "
      "WHERE id = $1 AND runner = $2 AND status = 'running'",
      {id, runner}, false, "handing a job back");
  return r.affected() == 1;
}

std::optional<Job> Backend::cancel_job(Store& store, const std::string& id, const std::string& at) {
  connection().exec(
      "UPDATE jobs SET status = CASE status WHEN 'queued' THEN 'cancelled' ELSE status END, "
      "finished_at = CASE status WHEN 'queued' THEN $1 ELSE finished_at END, "
      "cancel_requested = true, revision = revision + 1 "
      "WHERE id = $2 AND status IN ('queued', 'running') AND NOT cancel_requested",
      {at, id}, false, "cancelling a job");
  return find_job(store, id);
}

}  // namespace strata::store::pg
