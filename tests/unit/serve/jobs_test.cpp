// The background jobs' runner (core/serve/jobs.h) over a SQLite store: a job's work runs on the
// pool and its row ends as the work did (succeeded, failed with its message, cancelled from
// another handle with what it did kept), progress is written without the work waiting on the
// store, and a runner that stops hands its running job back to the queue. The events stream
// (job_events.h) frames each change with its revision as id, resumes after one, and ends with
// the job.
#include "serve/jobs.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "common/error.h"
#include "serve/job_events.h"
#include "store/api_keys.h"
#include "store/jobs.h"
#include "store/store.h"
#include "test_util.h"

namespace strata::serve {
namespace {

using namespace std::chrono_literals;

JobBounds quick_bounds() {
  JobBounds b;
  b.workers = 2;
  b.beat = 50ms;
  b.progress_every = 20ms;
  b.poll = 20ms;
  b.stale = 30s;
  return b;
}

std::string queue(store::Store& st, const std::string& kind, const std::string& owner = "") {
  store::Job j;
  j.id = new_job_id();
  j.kind = kind;
  j.collection = "web";
  j.owner = owner;
  j.request = "{}";
  j.created_at = job_time(std::chrono::system_clock::now());
  store::create_job(st, j);
  return j.id;
}

// Waits until the job has `status` (or 10 s pass); the job as it then is.
store::Job job_when(store::Store& st, const std::string& id, store::JobStatus status) {
  for (int i = 0; i < 1000; ++i) {
    const std::optional<store::Job> j = store::find_job(st, id);
    if (j && j->status == status) return *j;
    std::this_thread::sleep_for(10ms);
  }
  return store::find_job(st, id).value_or(store::Job{});
}

// Work that counts until it is stopped (at most 10 s), telling its progress.
JobKind counting(std::atomic<int>& counted) {
  return {"count", [&counted](JobContext& c) {
            for (int i = 0; i < 1000 && !c.stopped(); ++i) {
              counted = i + 1;
              c.progress(i + 1, 1000);
              std::this_thread::sleep_for(10ms);
            }
            return nlohmann::json{{"counted", counted.load()}};
          }};
}

TEST(JobRunner, AJobsWorkEndsItsRowSucceededOrFailedWithItsMessage) {
  testing::TempDir tmp;
  const std::string path = tmp / "store.db";
  store::Store st = store::Store::open(path);
  JobRunner runner(path, {},
                   {{"ok", [](JobContext& c) {
                       c.progress(2, 2);
                       return nlohmann::json{{"new", 2}, {"collection", c.job.collection}};
                     }},
                    {"bad", [](JobContext&) -> nlohmann::json { throw Error(ExitCode::unavailable, "the site is down", "try later"); }}},
                   quick_bounds());
  const std::string ok = queue(st, "ok"), bad = queue(st, "bad"), odd = queue(st, "unknown-kind");
  runner.start();
  runner.wake();
  const store::Job done = job_when(st, ok, store::JobStatus::succeeded);
  EXPECT_EQ(done.status, store::JobStatus::succeeded);
  EXPECT_EQ(done.result, std::optional<std::string>(R"({"collection":"web","new":2})"));
  EXPECT_EQ(done.done, 2) << "the last progress told is written";
  EXPECT_TRUE(done.finished_at);
  const store::Job failed = job_when(st, bad, store::JobStatus::failed);
  EXPECT_EQ(failed.error, std::optional<std::string>("the site is down (try later)"));
  const store::Job unknown = job_when(st, odd, store::JobStatus::failed);
  EXPECT_EQ(unknown.error, std::optional<std::string>("this server does not run jobs of kind 'unknown-kind'"));

  const nlohmann::json shown = job_json(done);
  EXPECT_EQ(shown["status"], "succeeded");
  EXPECT_EQ(shown["progress"], (nlohmann::json{{"done", 2}, {"total", 2}}));
  EXPECT_EQ(shown["result"]["new"], 2) << "the result is JSON, not text";
  EXPECT_TRUE(shown["error"].is_null());

  // A result planted in the row nested deeper than JSON read back from a store may be is shown
  // as its text: as JSON, its copy into the answer recursed once a level and overflowed the stack.
  store::Job planted = done;
  planted.result = std::string(200000, '[') + std::string(200000, ']');
  EXPECT_EQ(job_json(planted)["result"], *planted.result);
}

TEST(JobRunner, ACancelFromAnotherHandleStopsTheWorkAndKeepsWhatItDid) {
  testing::TempDir tmp;
  const std::string path = tmp / "store.db";
  store::Store st = store::Store::open(path);
  std::atomic<int> counted{0};
  JobRunner runner(path, {}, {counting(counted)}, quick_bounds());
  const std::string id = queue(st, "count");
  runner.start();
  runner.wake();
  const store::Job running = job_when(st, id, store::JobStatus::running);
  ASSERT_EQ(running.status, store::JobStatus::running);
  for (int i = 0; i < 500 && store::find_job(st, id)->done < 3; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_GE(store::find_job(st, id)->done, 3) << "progress reaches the row while the work runs";
  const auto asked = std::chrono::steady_clock::now();
  store::cancel_job(st, id, job_time(std::chrono::system_clock::now()));
  const store::Job cancelled = job_when(st, id, store::JobStatus::cancelled);
  const auto took = std::chrono::steady_clock::now() - asked;
  ASSERT_EQ(cancelled.status, store::JobStatus::cancelled);
  EXPECT_LT(took, 2s) << "the beat (50 ms here) carries the cancel to the work";
  EXPECT_LT(counted.load(), 1000);
  ASSERT_TRUE(cancelled.result);
  EXPECT_NE(cancelled.result->find("counted"), std::string::npos) << "what the work did is kept";
}

TEST(JobRunner, ARunnerThatStopsHandsItsRunningJobBackForTheNext) {
  testing::TempDir tmp;
  const std::string path = tmp / "store.db";
  store::Store st = store::Store::open(path);
  std::atomic<int> counted{0};
  std::string id;
  {
    JobRunner runner(path, {}, {counting(counted)}, quick_bounds());
    id = queue(st, "count");
    runner.start();
    runner.wake();
    ASSERT_EQ(job_when(st, id, store::JobStatus::running).status, store::JobStatus::running);
    runner.stop();
  }
  const store::Job back = *store::find_job(st, id);
  EXPECT_EQ(back.status, store::JobStatus::queued);
  EXPECT_FALSE(back.runner);
  EXPECT_FALSE(back.finished_at);

  // The next runner (a restart, or a replica) runs it to its end.
  std::atomic<int> again{0};
  JobRunner next(path, {},
                 {{"count", [&again](JobContext&) {
                     again = 1;
                     return nlohmann::json{{"resumed", true}};
                   }}},
                 quick_bounds());
  next.start();
  next.wake();
  EXPECT_EQ(job_when(st, id, store::JobStatus::succeeded).status, store::JobStatus::succeeded);
  EXPECT_EQ(again.load(), 1);
}

// What the work saves to go on from is written with its progress (its last one too, when the
// runner stops), handed to the next runner with the job, and dropped when the job ends.
TEST(JobRunner, AJobsCheckpointGoesWithItToTheNextRunnerAndIsDroppedAtItsEnd) {
  testing::TempDir tmp;
  const std::string path = tmp / "store.db";
  store::Store st = store::Store::open(path);
  std::string id;
  std::atomic<int> steps{0};
  {
    JobRunner runner(path, {},
                     {{"step", [&steps](JobContext& c) {
                         while (!c.stopped() && steps < 1000) {
                           c.progress(++steps, std::nullopt);
                           c.checkpoint("at " + std::to_string(steps.load()));
                           std::this_thread::sleep_for(5ms);
                         }
                         c.checkpoint("stopped at " + std::to_string(steps.load()));
                         return nlohmann::json::object();
                       }}},
                     quick_bounds());
    id = queue(st, "step");
    runner.start();
    runner.wake();
    ASSERT_EQ(job_when(st, id, store::JobStatus::running).status, store::JobStatus::running);
    std::this_thread::sleep_for(100ms);
    runner.stop();
  }
  const store::Job back = *store::find_job(st, id);
  EXPECT_EQ(back.status, store::JobStatus::queued);
  EXPECT_EQ(back.checkpoint, std::optional<std::string>("stopped at " + std::to_string(steps.load())));
  EXPECT_EQ(back.done, steps.load());

  std::optional<std::string> given;
  JobRunner next(path, {},
                 {{"step", [&given](JobContext& c) {
                     given = c.job.checkpoint;
                     return nlohmann::json::object();
                   }}},
                 quick_bounds());
  next.start();
  next.wake();
  const store::Job ended = job_when(st, id, store::JobStatus::succeeded);
  EXPECT_EQ(ended.status, store::JobStatus::succeeded);
  EXPECT_EQ(given, back.checkpoint);
  EXPECT_FALSE(ended.checkpoint);
}

// A key of write scope named `name` in the store.
void add_write_key(store::Store& st, const std::string& name) {
  store::ApiKey key;
  key.name = name;
  key.scope = store::KeyScope::write;
  key.created_at = "2026-11-29T10:00:00Z";
  store::create_api_key(st, key, std::string(64, 'a'));
}

TEST(JobRunner, AJobOfARevokedKeyIsCancelledAndMetricsCountWhatEnded) {
  testing::TempDir tmp;
  const std::string path = tmp / "store.db";
  store::Store st = store::Store::open(path);
  add_write_key(st, "app");
  std::atomic<int> counted{0};
  JobRunner runner(path, {}, {counting(counted)}, quick_bounds());
  const std::string id = queue(st, "count", "app");
  runner.start();
  runner.wake();
  ASSERT_EQ(job_when(st, id, store::JobStatus::running).status, store::JobStatus::running);
  std::this_thread::sleep_for(150ms);
  EXPECT_EQ(store::find_job(st, id)->status, store::JobStatus::running) << "a live key's job runs on";
  EXPECT_NE(runner.metrics_text().find("strata_jobs_running 1\n"), std::string::npos) << runner.metrics_text();
  store::revoke_api_key(st, "app", "2026-11-29T10:05:00Z");
  const store::Job cancelled = job_when(st, id, store::JobStatus::cancelled);
  EXPECT_EQ(cancelled.status, store::JobStatus::cancelled) << "the revoked key's job is stopped at the next beat";
  EXPECT_TRUE(cancelled.cancel_requested);
  for (int i = 0; i < 100 && runner.running() > 0; ++i) std::this_thread::sleep_for(10ms);
  const std::string metrics = runner.metrics_text();
  EXPECT_NE(metrics.find("strata_jobs_ended_total{kind=\"count\",status=\"cancelled\"} 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("strata_jobs_running 0\n"), std::string::npos) << metrics;
}

// A signed-in caller's job ("jwt:SUB", no key row) runs on past the beats that cancel a revoked
// key's; /metrics' store figures count it running, and a queued one of a kind this server does
// not run as "other".
TEST(JobRunner, ASignedInCallersJobIsNotTakenForADeadKeyAndTheStoreCountsJobsByKind) {
  testing::TempDir tmp;
  const std::string path = tmp / "store.db";
  store::Store st = store::Store::open(path);
  add_write_key(st, "app");  // keys apply: every owner is looked up
  std::atomic<int> counted{0};
  JobRunner runner(path, {}, {counting(counted)}, quick_bounds());
  const std::string id = queue(st, "count", "jwt:alice");
  runner.start();
  runner.wake();
  ASSERT_EQ(job_when(st, id, store::JobStatus::running).status, store::JobStatus::running);
  std::this_thread::sleep_for(300ms);  // several beats (quick_bounds)
  EXPECT_EQ(store::find_job(st, id)->status, store::JobStatus::running) << "no key row is no revocation";
  EXPECT_FALSE(store::find_job(st, id)->cancel_requested);
  const std::string metrics = runner.store_metrics_text(st);
  EXPECT_NE(metrics.find("strata_jobs{kind=\"count\",status=\"running\"} 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("strata_jobs{kind=\"count\",status=\"queued\"} 0\n"), std::string::npos) << metrics;
  store::cancel_job(st, id, "2026-11-29T10:06:00Z");
  EXPECT_EQ(job_when(st, id, store::JobStatus::cancelled).status, store::JobStatus::cancelled);
  runner.stop();
  // A row's kind that no server here runs is one label, "other", however many kinds rows name.
  queue(st, "mystery", "app");
  queue(st, "enigma", "app");
  const JobRunner idle(path, {}, {counting(counted)}, quick_bounds());
  const std::string later = idle.store_metrics_text(st);
  EXPECT_NE(later.find("strata_jobs{kind=\"other\",status=\"queued\"} 2\n"), std::string::npos) << later;
  EXPECT_NE(later.find("strata_jobs{kind=\"count\",status=\"running\"} 0\n"), std::string::npos) << later;
}

struct EventClient final : http::ChunkWriter {
  std::string body;
  std::atomic<bool> gone{false};
  bool write(std::string_view chunk) override {
    body += chunk;
    return !gone;
  }
  bool cancelled() const override { return gone; }
};

TEST(JobEvents, EachChangeIsAnEventWithItsRevisionUntilTheJobEnds) {
  store::Job j;
  j.id = "j1";
  j.kind = "crawl";
  j.collection = "web";
  j.created_at = "2026-11-29T10:00:00Z";
  j.revision = 1;
  int reads = 0;
  // The row as three reads see it: queued, running with progress, then succeeded.
  const auto read = [&]() -> std::optional<store::Job> {
    store::Job now = j;
    ++reads;
    if (reads >= 2) {
      now.status = store::JobStatus::running;
      now.done = 4;
      now.revision = 3;
    }
    if (reads >= 3) {
      now.status = store::JobStatus::succeeded;
      now.revision = 5;
    }
    return now;
  };
  http::Response r = job_events_response(read, 0, JobEventTimes{1ms, 15s});
  EXPECT_EQ(*r.header("Content-Type"), "text/event-stream; charset=utf-8");
  EventClient client;
  r.stream(client);
  EXPECT_NE(client.body.find("id: 1\nevent: job\ndata: {"), std::string::npos) << client.body;
  EXPECT_NE(client.body.find("id: 3\nevent: job\n"), std::string::npos);
  EXPECT_NE(client.body.find("id: 5\nevent: job\n"), std::string::npos);
  EXPECT_NE(client.body.find(R"("status":"succeeded")"), std::string::npos);

  // Resumed after 3: only what changed since.
  reads = 0;
  EventClient resumed;
  job_events_response(read, 3, JobEventTimes{1ms, 15s}).stream(resumed);
  EXPECT_EQ(resumed.body.find("id: 1\n"), std::string::npos);
  EXPECT_EQ(resumed.body.find("id: 3\n"), std::string::npos);
  EXPECT_NE(resumed.body.find("id: 5\nevent: job\n"), std::string::npos) << resumed.body;

  // A job gone from the store ends the stream with an error event.
  EventClient gone;
  job_events_response([] { return std::optional<store::Job>(); }, 0).stream(gone);
  EXPECT_EQ(gone.body.rfind("event: error\n", 0), 0u) << gone.body;
}

}  // namespace
}  // namespace strata::serve
