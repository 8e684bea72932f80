#include "serve/job_events.h"

#include <exception>
#include <memory>
#include <thread>
#include <utility>

#include "serve/arguments.h"
#include "serve/jobs.h"

namespace strata::serve {
namespace {

using Steady = std::chrono::steady_clock;

std::string job_frame(const store::Job& job) {
  return "id: " + std::to_string(job.revision) + "\nevent: job\ndata: " + json_text(job_json(job)) + "\n\n";
}

std::string job_error_frame(const std::string& detail) {
  return "event: error\ndata: " + json_text({{"detail", detail}}) + "\n\n";
}

// Waits `span` in short steps; false as soon as the client left or the server stops.
bool job_wait(http::ChunkWriter& writer, std::chrono::milliseconds span) {
  const Steady::time_point until = Steady::now() + span;
  while (Steady::now() < until) {
    if (writer.cancelled() || writer.stopping()) return false;
    std::this_thread::sleep_for(std::min<Steady::duration>(std::chrono::milliseconds(50), until - Steady::now()));
  }
  return !writer.cancelled() && !writer.stopping();
}

void stream_job(const std::function<std::optional<store::Job>()>& read, std::uint64_t after, JobEventTimes times,
                http::ChunkWriter& writer) {
  Steady::time_point beat = Steady::now();
  for (;;) {
    std::optional<store::Job> job;
    try {
      job = read();
    } catch (const std::exception& e) {
      writer.write(job_error_frame(std::string("the store could not be read: ") + e.what()));
      return;
    }
    if (!job) {
      writer.write(job_error_frame("the job is gone"));
      return;
    }
    if (job->revision > 0 && static_cast<std::uint64_t>(job->revision) > after) {
      after = static_cast<std::uint64_t>(job->revision);
      beat = Steady::now();
      if (!writer.write(job_frame(*job))) return;
    }
    if (store::finished(job->status)) return;
    if (Steady::now() - beat >= times.heartbeat) {
      beat = Steady::now();
      if (!writer.write(": keep-alive\n\n")) return;
    }
    if (!job_wait(writer, times.poll)) return;
  }
}

}  // namespace

http::Response job_events_response(std::function<std::optional<store::Job>()> read, std::uint64_t after,
                                   JobEventTimes times) {
  http::Response r;
  r.status = 200;
  r.set_header("Content-Type", "text/event-stream; charset=utf-8");
  r.set_header("Cache-Control", "no-cache");
  r.set_header("X-Accel-Buffering", "no");
  auto shared = std::make_shared<std::function<std::optional<store::Job>()>>(std::move(read));
  r.stream = [shared, after, times](http::ChunkWriter& writer) { stream_job(*shared, after, times, writer); };
  return r;
}

}  // namespace strata::serve
