#include "serve/jobs.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <utility>

#include "auth/key.h"
#include "common/error.h"
#include "common/json_limits.h"
#include "common/trace.h"
#include "serve/arguments.h"
#include "serve/own_store.h"
#include "serve/random_id.h"
#include "store/api_keys.h"

namespace strata::serve {
namespace {

using WallClock = std::chrono::system_clock;
using nlohmann::json;

// A result read back from the store (whoever may write the store may write it): JSON within
// common/json_limits.h's bounds, else its text as a string.
json optional_json_text(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  ParsedJson parsed = parse_json_within(*text);
  return parsed.ok() ? std::move(parsed.value) : json(*text);
}

json optional_string(const std::optional<std::string>& text) { return text ? json(*text) : json(nullptr); }

}  // namespace

std::string job_time(std::chrono::system_clock::time_point t) { return auth::utc_text(t); }

std::string new_job_id() {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(WallClock::now().time_since_epoch()).count();
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "%012llx", static_cast<unsigned long long>(ms) & 0xffffffffffffULL);
  return std::string(prefix) + random_hex(20);
}

json job_json(const store::Job& job) {
  return {{"id", job.id},
          {"kind", job.kind},
          {"collection", job.collection},
          {"status", store::to_string(job.status)},
          {"progress", {{"done", job.done}, {"total", job.total ? json(*job.total) : json(nullptr)}}},
          {"created_at", job.created_at},
          {"started_at", optional_string(job.started_at)},
          {"finished_at", optional_string(job.finished_at)},
          {"result", optional_json_text(job.result)},
          {"error", optional_string(job.error)}};
}

JobRunner::JobRunner(std::string store_path, store::OpenOptions open, std::vector<JobKind> kinds, JobBounds bounds)
    : store_path_(std::move(store_path)), open_(std::move(open)), kinds_(std::move(kinds)), bounds_(bounds),
      runner_id_(random_hex(16)) {}

JobRunner::~JobRunner() { stop(); }

void JobRunner::start() {
  const std::lock_guard lock(mutex_);
  if (started_) return;
  started_ = true;
  for (std::size_t i = 0; i < std::max<std::size_t>(bounds_.workers, 1); ++i) threads_.emplace_back([this] { pool_thread(); });
  threads_.emplace_back([this] { beat_thread(); });
}

void JobRunner::stop() {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_ || !started_) {
      stopping_ = true;
      return;
    }
    stopping_ = true;
    for (auto& [id, job] : running_) job->stop.store(true);
  }
  wake_.notify_all();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

void JobRunner::wake() { wake_.notify_one(); }

std::size_t JobRunner::running() const {
  const std::lock_guard lock(mutex_);
  return running_.size();
}

std::string JobRunner::metrics_text() const {
  const std::lock_guard lock(mutex_);
  std::string out =
      "# HELP strata_jobs_ended_total Background jobs this server ended, by kind and status (handed_back: at its "
      "shutdown, for the next server).\n# TYPE strata_jobs_ended_total counter\n";
  for (const auto& [key, n] : ended_) {
    out += "strata_jobs_ended_total{kind=\"" + key.first + "\",status=\"" + key.second + "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP strata_jobs_running Background jobs this server runs now.\n# TYPE strata_jobs_running gauge\n";
  out += "strata_jobs_running " + std::to_string(running_.size()) + "\n";
  return out;
}

std::string JobRunner::store_metrics_text(store::Store& store) const {
  std::map<std::pair<std::string, std::string>, std::int64_t> counts;
  for (const JobKind& k : kinds_) {
    for (const char* status : {"queued", "running"}) counts[{k.name, status}] = 0;
  }
  for (const store::JobCount& c : store::count_jobs_by_kind(store)) {
    counts[{kind(c.kind) != nullptr ? c.kind : std::string("other"), store::to_string(c.status)}] += c.count;
  }
  std::string out =
      "# HELP strata_jobs Background jobs queued or running in the store (every server's), by kind and status.\n"
      "# TYPE strata_jobs gauge\n";
  for (const auto& [key, n] : counts) {
    out += "strata_jobs{kind=\"" + key.first + "\",status=\"" + key.second + "\"} " + std::to_string(n) + "\n";
  }
  return out;
}

void JobRunner::count(const std::string& kind, const char* status) {
  const std::lock_guard lock(mutex_);
  // Only kinds this server runs are labels: a row's odd kind must not grow the metrics.
  ++ended_[{this->kind(kind) != nullptr ? kind : std::string("other"), status}];
}

const JobKind* JobRunner::kind(const std::string& name) const {
  for (const JobKind& k : kinds_) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

void JobRunner::pool_thread() {
  OwnStore pool(store_path_, open_);
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    std::optional<store::Job> job;
    if (store::Store* s = pool.get()) {
      const WallClock::time_point now = WallClock::now();
      try {
        job = store::claim_job(*s, runner_id_, job_time(now), job_time(now - bounds_.stale));
      } catch (const std::exception&) {
        // Busy, lost, or not ours to write (a reader role's server on PostgreSQL): looked at
        // again at the next poll, on the same connection unless it was lost (get() reopens it).
      }
      if (job) run(*s, *job);
    }
    lock.lock();
    // A job just run: look for the next at once; none: wait for a wake or the poll.
    if (!job && !stopping_) wake_.wait_for(lock, bounds_.poll);
  }
}

// The progress the jobs told since the last time, each job's row once; a job whose cancel was
// asked is stopped, one taken over by another runner is stopped and left to it.
void JobRunner::write_progress(store::Store& store) {
  std::vector<std::pair<std::string, std::shared_ptr<Running>>> jobs;
  {
    const std::lock_guard lock(mutex_);
    jobs.assign(running_.begin(), running_.end());
  }
  for (const auto& [id, job] : jobs) {
    std::int64_t done = 0;
    std::optional<std::int64_t> total;
    std::optional<std::string> checkpoint;
    {
      const std::lock_guard lock(job->mutex);
      if (!job->dirty) continue;
      job->dirty = false;
      done = job->done;
      total = job->total;
      checkpoint = std::exchange(job->checkpoint, std::nullopt);
    }
    const std::optional<bool> cancel = store::record_job_progress(store, id, runner_id_, done, total, checkpoint);
    if (!cancel) job->lost.store(true);
    if (!cancel || *cancel) job->stop.store(true);
  }
}

// A job runs with its key's reach: once the key is revoked or has expired, its running jobs are
// cancelled, as its requests are refused.
void JobRunner::cancel_for_dead_keys(store::Store& store) {
  std::vector<std::pair<std::string, std::shared_ptr<Running>>> keyed;
  {
    const std::lock_guard lock(mutex_);
    for (const auto& [id, job] : running_) {
      // A signed-in caller's job ("jwt:SUB": a key's name holds no ':') has no key row: it was
      // accepted while the token was valid and runs to its end. Tokens live minutes (an hour's
      // crawl outlives several), and their exp is a sign-in's end, not a revocation.
      if (!job->owner.empty() && job->owner.find(':') == std::string::npos) keyed.emplace_back(id, job);
    }
  }
  if (keyed.empty()) return;
  const std::string now = job_time(WallClock::now());
  const std::vector<store::ApiKey> keys = store::list_api_keys(store);
  for (const auto& [id, job] : keyed) {
    const auto key = std::find_if(keys.begin(), keys.end(), [&](const store::ApiKey& k) { return k.name == job->owner; });
    const bool live = key != keys.end() && !key->revoked_at && (!key->expires_at || *key->expires_at > now);
    if (live) continue;
    store::cancel_job(store, id, now);
    job->stop.store(true);
  }
}

void JobRunner::beat_thread() {
  OwnStore pool(store_path_, open_);
  std::chrono::steady_clock::time_point last_beat{};
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const bool any = !running_.empty();
    lock.unlock();
    if (any) {
      if (store::Store* s = pool.get()) {
        try {
          write_progress(*s);
          if (std::chrono::steady_clock::now() - last_beat >= bounds_.beat) {
            last_beat = std::chrono::steady_clock::now();
            for (const std::string& id : store::beat_jobs(*s, runner_id_, job_time(WallClock::now()))) {
              const std::lock_guard inner(mutex_);
              if (const auto it = running_.find(id); it != running_.end()) it->second->stop.store(true);
            }
            cancel_for_dead_keys(*s);
          }
        } catch (const std::exception&) {
          // Tried again at the next beat (get() reopens a lost connection).
        }
      }
    }
    lock.lock();
    if (!stopping_) wake_.wait_for(lock, std::min(bounds_.beat, bounds_.progress_every));
  }
}

namespace {

// A traced job's steps: the span of the step under way, ended by the next progress report.
struct JobSteps {
  std::mutex mutex;
  trace::SpanContext job;
  trace::Span step;
  void begin(const trace::SpanContext& parent) {
    const std::lock_guard lock(mutex);
    job = parent;
    if (job.valid()) step = trace::Span::start_from("job.step", trace::Kind::internal, job);
  }
  void next(std::int64_t done, std::optional<std::int64_t> total) {
    const std::lock_guard lock(mutex);
    if (!job.valid()) return;
    step.set("strata.job.done", done);
    if (total) step.set("strata.job.total", *total);
    step = trace::Span::start_from("job.step", trace::Kind::internal, job);
  }
  void end() {
    const std::lock_guard lock(mutex);
    step.end();
    job = {};
  }
};

}  // namespace

void JobRunner::run(store::Store& store, const store::Job& job) {
  auto running = std::make_shared<Running>();
  running->owner = job.owner;
  {
    const std::lock_guard lock(mutex_);
    running_[job.id] = running;
    if (stopping_) running->stop.store(true);
  }
  // Each step of the work (from one progress report to the next: a page, a batch) is a span
  // under the job's (common/trace.h); a report may come from any of the work's threads.
  auto steps = std::make_shared<JobSteps>();
  JobContext context{store, job,
                     [running, steps](std::int64_t done, std::optional<std::int64_t> total) {
                       steps->next(done, total);
                       const std::lock_guard lock(running->mutex);
                       running->done = done;
                       running->total = total;
                       running->dirty = true;
                     },
                     [running] { return running->stop.load(); },
                     [running](std::string checkpoint) {
                       const std::lock_guard lock(running->mutex);
                       running->checkpoint = std::move(checkpoint);
                       running->dirty = true;
                     }};
  std::optional<std::string> result;
  std::optional<std::string> error;
  store::JobStatus status = store::JobStatus::succeeded;
  const JobKind* k = kind(job.kind);
  if (job.cancel_requested) {
    status = store::JobStatus::cancelled;  // asked before this runner took it over
  } else if (k == nullptr) {
    status = store::JobStatus::failed;
    error = "this server does not run jobs of kind '" + job.kind + "'";
  } else {
    // A job's run is a trace of its own (common/trace.h), on the pool's thread: its kind and id.
    trace::Span span = trace::Span::start("job " + job.kind, trace::Kind::internal, true);
    span.set("strata.job.id", job.id).set("strata.job.kind", job.kind);
    const trace::Scope in(span.context());
    steps->begin(span.context());
    struct StepsEnd {
      JobSteps& steps;
      ~StepsEnd() { steps.end(); }
    } steps_end{*steps};
    try {
      result = json_text(k->run(context));
    } catch (const Error& e) {
      span.fail("the job failed");
      status = store::JobStatus::failed;
      // Worded once, as the API words its errors: the row is read by every door alike.
      error = for_client(std::string(e.what()) + (e.hint().empty() ? "" : " (" + e.hint() + ")"));
    } catch (const std::exception&) {
      status = store::JobStatus::failed;
      error = "Internal Server Error";
    }
  }
  bool shutting_down = false;
  {
    const std::lock_guard lock(mutex_);
    running_.erase(job.id);
    shutting_down = stopping_;
  }
  if (running->lost.load()) return;
  try {
    {
      // The last progress told, which the beat thread may not have written.
      const std::lock_guard lock(running->mutex);
      if (running->dirty &&
          !store::record_job_progress(store, job.id, runner_id_, running->done, running->total, running->checkpoint)) {
        return;
      }
    }
    if (status != store::JobStatus::failed && running->stop.load()) {
      // Stopped: by its cancel (ended cancelled, with what was done), or by this server's
      // shutdown (handed back to the queue, for the restart or another replica).
      const std::optional<store::Job> now = store::find_job(store, job.id);
      if (shutting_down && now && !now->cancel_requested) {
        if (store::release_job(store, job.id, runner_id_)) count(job.kind, "handed_back");
        return;
      }
      status = store::JobStatus::cancelled;
    }
    if (store::finish_job(store, job.id, runner_id_, status, result, error, job_time(WallClock::now()))) {
      count(job.kind, store::to_string(status));
    }
  } catch (const std::exception&) {
    // The store failed: the row stays running without a beat, and another runner takes it over.
  }
}

}  // namespace strata::serve
