// The jobs table on SQLite (jobs.h; migrations/0020). Each change is one statement: a claim is an
// UPDATE of the oldest claimable row, which SQLite's write lock makes one process's alone.
#include <SQLiteCpp/SQLiteCpp.h>

#include "common/error.h"
#include "store/jobs.h"
#include "store/sqlite/sqlite_backend.h"

namespace strata::store::sqlite_store {
namespace {

// The row's columns, in the order job_row_of reads them.
constexpr const char* k_job_columns =
    "id, kind, collection, owner, request, status, done, total, created_at, started_at, finished_at, result, error, "
    "cancel_requested, revision, runner, heartbeat_at, checkpoint";

Job job_row_of(SQLite::Statement& q) {
  Job j;
  j.id = q.getColumn(0).getString();
  j.kind = q.getColumn(1).getString();
  j.collection = q.getColumn(2).getString();
  j.owner = q.getColumn(3).getString();
  j.request = q.getColumn(4).getString();
  // A status this binary does not know is a job that ended, never one to run.
  j.status = parse_job_status(q.getColumn(5).getString()).value_or(JobStatus::failed);
  j.done = q.getColumn(6).getInt64();
  j.total = optional_int(q.getColumn(7));
  j.created_at = q.getColumn(8).getString();
  j.started_at = optional_text(q.getColumn(9));
  j.finished_at = optional_text(q.getColumn(10));
  j.result = optional_text(q.getColumn(11));
  j.error = optional_text(q.getColumn(12));
  j.cancel_requested = q.getColumn(13).getInt64() != 0;
  j.revision = q.getColumn(14).getInt64();
  j.runner = optional_text(q.getColumn(15));
  j.heartbeat_at = optional_text(q.getColumn(16));
  j.checkpoint = optional_text(q.getColumn(17));
  return j;
}

std::string select_jobs() { return std::string("SELECT ") + k_job_columns + " FROM jobs "; }

std::size_t sqlite_active_jobs(SQLite::Database& db, const std::string& owner) {
  SQLite::Statement q(db, "SELECT count(*) FROM jobs WHERE owner = ? AND status IN ('queued', 'running')");
  q.bind(1, owner);
  q.executeStep();
  return static_cast<std::size_t>(q.getColumn(0).getInt64());
}

}  // namespace

JobAdmission Backend::create_job(Store& store, const Job& job, std::size_t bound) {
  try {
    SQLite::Database& db = database(store);
    // The write lock first: a count read under a shared lock could be passed by another
    // process's insert before this one writes.
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    const JobAdmission admission{false, sqlite_active_jobs(db, job.owner)};
    if (admission.active >= bound) return admission;
    SQLite::Statement q(db,
                        "INSERT INTO jobs (id, kind, collection, owner, request, status, total, created_at, revision) "
                        "VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, 1)");
    q.bind(1, job.id);
    q.bind(2, job.kind);
    q.bind(3, job.collection);
    q.bind(4, job.owner);
    q.bind(5, job.request);
    bind_optional(q, 6, job.total);
    q.bind(7, job.created_at);
    q.exec();
    tx.commit();
    return {true, admission.active};
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "adding a job");
  }
}

std::optional<Job> Backend::find_job(Store& store, const std::string& id) {
  try {
    SQLite::Statement q(database(store), select_jobs() + "WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return job_row_of(q);
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading jobs");
  }
}

std::vector<Job> Backend::list_jobs(Store& store, const std::optional<std::string>& owner, std::size_t limit) {
  try {
    SQLite::Statement q(database(store), select_jobs() + (owner ? "WHERE owner = ? " : "WHERE ?1 IS NULL ") +
                                             "ORDER BY created_at DESC, id DESC LIMIT ?");
    bind_optional(q, 1, owner);
    q.bind(2, static_cast<std::int64_t>(limit));
    std::vector<Job> out;
    while (q.executeStep()) out.push_back(job_row_of(q));
    return out;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading jobs");
  }
}

std::size_t Backend::count_active_jobs(Store& store, const std::string& owner) {
  try {
    return sqlite_active_jobs(database(store), owner);
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading jobs");
  }
}

std::vector<JobCount> Backend::count_jobs_by_kind(Store& store) {
  try {
    SQLite::Statement q(database(store), std::string("SELECT kind, status, count(*) FROM jobs ") + k_jobs_by_kind_tail);
    std::vector<JobCount> out;
    while (q.executeStep()) {
      out.push_back({q.getColumn(0).getString(), parse_job_status(q.getColumn(1).getString()).value_or(JobStatus::queued),
                     q.getColumn(2).getInt64()});
    }
    return out;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading jobs");
  }
}

std::optional<Job> Backend::claim_job(Store& store, const std::string& runner, const std::string& at,
                                      const std::string& stale_before) {
  try {
    SQLite::Statement q(database(store),
                        std::string("UPDATE jobs SET status = 'running', runner = ?1, heartbeat_at = ?2, "
                                    "started_at = coalesce(started_at, ?2), revision = revision + 1 "
                                    "WHERE id = (SELECT id FROM jobs WHERE status = 'queued' OR (status = 'running' AND "
                                    "(heartbeat_at IS NULL OR heartbeat_at < ?3) AND runner IS NOT ?1) ORDER BY created_at, id LIMIT 1) "
                                    "RETURNING ") +
                            k_job_columns);
    q.bind(1, runner);
    q.bind(2, at);
    q.bind(3, stale_before);
    if (!q.executeStep()) return std::nullopt;
    Job j = job_row_of(q);
    while (q.executeStep()) {
    }
    return j;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "claiming a job");
  }
}

std::optional<bool> Backend::record_job_progress(Store& store, const std::string& id, const std::string& runner,
                                                 std::int64_t done, const std::optional<std::int64_t>& total,
                                                 const std::optional<std::string>& checkpoint) {
  try {
    SQLite::Statement q(database(store),
                        "UPDATE jobs SET done = ?, total = ?, checkpoint = coalesce(?, checkpoint), revision = revision + 1 "
                        "WHERE id = ? AND runner = ? AND status = 'running' RETURNING cancel_requested");
    q.bind(1, done);
    bind_optional(q, 2, total);
    bind_optional(q, 3, checkpoint);
    q.bind(4, id);
    q.bind(5, runner);
    if (!q.executeStep()) return std::nullopt;
    const bool cancel = q.getColumn(0).getInt64() != 0;
    while (q.executeStep()) {
    }
    return cancel;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "recording a job's progress");
  }
}

std::vector<std::string> Backend::beat_jobs(Store& store, const std::string& runner, const std::string& at) {
  try {
    SQLite::Statement q(database(store),
                        "UPDATE jobs SET heartbeat_at = ? WHERE runner = ? AND status = 'running' "
                        "RETURNING id, cancel_requested");
    q.bind(1, at);
    q.bind(2, runner);
    std::vector<std::string> cancelled;
    while (q.executeStep()) {
      if (q.getColumn(1).getInt64() != 0) cancelled.push_back(q.getColumn(0).getString());
    }
    return cancelled;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "recording the jobs' heartbeat");
  }
}

bool Backend::finish_job(Store& store, const std::string& id, const std::string& runner, JobStatus status,
                         const std::optional<std::string>& result, const std::optional<std::string>& error,
                         const std::string& at) {
  try {
    SQLite::Statement q(database(store),
                        "UPDATE jobs SET status = ?, result = ?, error = ?, finished_at = ?, checkpoint = NULL, "
                        "revision = revision + 1 WHERE id = ? AND runner = ? AND status = 'running'");
    q.bind(1, to_string(status));
    bind_optional(q, 2, result);
    bind_optional(q, 3, error);
    q.bind(4, at);
    q.bind(5, id);
    q.bind(6, runner);
    return q.exec() == 1;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "ending a job");
  }
}

bool Backend::release_job(Store& store, const std::string& id, const std::string& runner) {
  try {
    SQLite::Statement q(database(store),
                        "UPDATE jobs SET status = 'queued', runner = NULL, heartbeat_at = NULL, revision = revision + 1 "
                        "WHERE id = ? AND runner = ? AND status = 'running'");
    q.bind(1, id);
    q.bind(2, runner);
    return q.exec() == 1;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "handing a job back");
  }
}

std::optional<Job> Backend::cancel_job(Store& store, const std::string& id, const std::string& at) {
  try {
    SQLite::Statement q(database(store),
                        "UPDATE jobs SET status = CASE status WHEN 'queued' THEN 'cancelled' ELSE status END, "
                        "finished_at = CASE status WHEN 'queued' THEN ? ELSE finished_at END, "
                        "cancel_requested = 1, revision = revision + 1 "
                        "WHERE id = ? AND status IN ('queued', 'running') AND cancel_requested = 0");
    q.bind(1, at);
    q.bind(2, id);
    q.exec();
    return find_job(store, id);
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "cancelling a job");
  }
}

}  // namespace strata::store::sqlite_store
