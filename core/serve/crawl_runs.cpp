#include "serve/crawl_runs.h"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <optional>
#include <thread>
#include <utility>

#include "common/error.h"
#include "serve/gate.h"
#include "serve/store_turn.h"

namespace strata::serve {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

// How often the stream looks at its crawl, its client and its deadline.
constexpr std::chrono::milliseconds k_watch{100};
constexpr int k_retry_after_seconds = 30;

http::Response refusal_response(int status, const std::string& message) {
  return busy_response(status, message, k_retry_after_seconds);
}

std::string crawls(std::size_t n) { return std::to_string(n) + (n == 1 ? " crawl" : " crawls"); }

// Joins the crawl's thread on every path out of the watch (an exception included), stopping it
// first when it is still running: a std::thread left joinable would end the process.
class Joined {
 public:
  Joined(std::thread& thread, std::atomic<bool>& stop) : thread_(thread), stop_(stop) {}
  ~Joined() {
    if (!thread_.joinable()) return;
    stop_.store(true);
    thread_.join();
  }
  Joined(const Joined&) = delete;
  Joined& operator=(const Joined&) = delete;

 private:
  std::thread& thread_;
  std::atomic<bool>& stop_;
};

// The crawl on its thread, and what it came to.
struct Outcome {
  std::mutex mutex;
  std::condition_variable changed;
  bool done = false;
  json result;  // the result, or {"detail": ...}
};

// Runs the job's ingest on a thread of its own, its crawl and its fetcher stopped by `stop`.
std::thread start_crawl(const CrawlJob& job, const std::shared_ptr<std::atomic<bool>>& stop,
                        const std::shared_ptr<Outcome>& outcome, std::chrono::milliseconds time_bound) {
  service::IngestUrlRequest request = job.request;
  ingest::IngestRequest base = job.base;
  const std::function<bool()> stopped = [stop] { return stop->load(); };
  request.crawl->stop = stopped;
  request.crawl->time_limit = std::min(request.crawl->time_limit, time_bound);
  base.web.cancelled = stopped;
  return std::thread([request = std::move(request), base = std::move(base), outcome, arguments = job.arguments, run = job.run,
                      stopped]() mutable {
    json result;
    try {
      result = run ? run(stopped) : service::ingest_url_result(service::ingest_url(request, std::move(base)));
    } catch (const Error& e) {
      result = json::parse(problem_response(e, arguments, &service::k_ingest_url_request).body, nullptr, false);
    } catch (const std::exception&) {
      result = {{"detail", "Internal Server Error"}};
    }
    const std::lock_guard lock(outcome->mutex);
    outcome->result = std::move(result);
    outcome->done = true;
    outcome->changed.notify_all();
  });
}

// The stream: watches the crawl until it ends, cancelling it when the client leaves, the key is
// revoked or the time bound (and its grace) has passed; a heartbeat keeps the connection (and
// any proxy's read timeout) alive, and its failure is a client gone. Then the result.
void stream_crawl(const CrawlJob& job, const CrawlBounds& bounds, http::ChunkWriter& writer) {
  auto stop = std::make_shared<std::atomic<bool>>(false);
  auto outcome = std::make_shared<Outcome>();
  const Clock::time_point start = Clock::now();
  const Clock::time_point hard_deadline = start + bounds.time_bound + bounds.grace;
  std::thread crawl = start_crawl(job, stop, outcome, bounds.time_bound);
  Joined joined(crawl, *stop);
  Clock::time_point beat = start;
  Clock::time_point checked = start;
  bool revoked = false;
  StoreTurn turn(job.store_turn);
  for (;;) {
    {
      std::unique_lock lock(outcome->mutex);
      if (outcome->changed.wait_for(lock, k_watch, [&] { return outcome->done; })) break;
    }
    if (stop->load()) continue;  // cancelled: wait for the crawl to wind down
    const Clock::time_point now = Clock::now();
    if (writer.cancelled() || now >= hard_deadline) {
      stop->store(true);
      continue;
    }
    if (now - beat >= bounds.heartbeat) {
      beat = now;
      if (!writer.write("\n")) stop->store(true);
    }
    if (job.caller.live_check && now - checked >= Gate::k_stream_recheck) {
      checked = now;
      turn.hold();
      try {
        revoked = !still_live(job.caller);
      } catch (const std::exception&) {
        // The store could not say (it is asked again at the next check): the crawl goes on.
      }
      turn.release();
      if (revoked) stop->store(true);
    }
  }
  crawl.join();
  const std::lock_guard lock(outcome->mutex);
  json result = std::move(outcome->result);
  if (revoked) result = {{"detail", "the API key was revoked or has expired: the crawl was cancelled"}};
  writer.write(json_text(result) + "\n");
}

}  // namespace

std::shared_ptr<CrawlRuns::Turn> CrawlRuns::try_enter(const std::string& caller, http::Response& refusal) {
  const std::lock_guard lock(mutex_);
  std::size_t& mine = by_caller_[caller];
  if (mine >= bounds_.per_caller) {
    if (mine == 0) by_caller_.erase(caller);
    refusal = refusal_response(429, "this caller has " + crawls(mine) + " running, its bound; a crawl may start when it ends");
    return nullptr;
  }
  if (running_ >= bounds_.at_once) {
    if (mine == 0) by_caller_.erase(caller);
    refusal = refusal_response(503, "the server runs " + crawls(running_) + " already, its bound; try again later");
    return nullptr;
  }
  ++mine;
  ++running_;
  return std::make_shared<Turn>(*this, caller);
}

void CrawlRuns::leave(const std::string& caller) {
  const std::lock_guard lock(mutex_);
  --running_;
  const auto it = by_caller_.find(caller);
  if (it != by_caller_.end() && --it->second == 0) by_caller_.erase(it);
}

std::size_t CrawlRuns::running() const {
  const std::lock_guard lock(mutex_);
  return running_;
}

CrawlRuns& crawl_runs() {
  static CrawlRuns runs;
  return runs;
}

http::Response crawl_response(CrawlJob job, CrawlRuns& runs) {
  http::Response refusal;
  std::shared_ptr<CrawlRuns::Turn> held = runs.try_enter(job.caller.key ? "key " + job.caller.key->name : std::string(), refusal);
  if (!held) return refusal;
  http::Response response;
  response.status = 200;
  response.set_header("Content-Type", "application/json");
  response.set_header("Cache-Control", "no-cache");
  response.set_header("X-Accel-Buffering", "no");  // a proxy in front passes each heartbeat on
  // The turn lives as long as the stream (or the response, when it is never streamed).
  auto shared = std::make_shared<const CrawlJob>(std::move(job));
  response.stream = [shared, held, &runs](http::ChunkWriter& writer) { stream_crawl(*shared, runs.bounds(), writer); };
  return response;
}

}  // namespace strata::serve
