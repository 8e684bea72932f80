#include "embed/pipeline.h"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "common/sha256.h"
#include "embed/batch_planner.h"
#include "embed/batch_runner.h"
#include "embed/input_fit.h"
#include "common/setting.h"

namespace strata::embed {
namespace {

// A text on its way to the provider, and every input waiting for its vector. The caller's
// thread owns it; a worker reads only `text` (which does not change while it is in flight).
struct PendingText {
  std::string text;              // the original text
  std::size_t send_bytes = 0;    // the prefix that is sent (shorter when truncated)
  std::string sha;               // empty when caching is off
  std::vector<std::int64_t> keys;
  std::vector<std::string> labels;
};

struct Job {
  std::uint64_t id = 0;
  std::vector<std::string_view> inputs;
};

struct JobResult {
  std::uint64_t id = 0;
  BatchOutcome outcome;
};

// `n` threads that run jobs; results come back in completion order.
class Workers {
 public:
  Workers(std::size_t n, BatchRunner& runner) : runner_(runner) {
    for (std::size_t i = 0; i < n; ++i) threads_.emplace_back([this] { loop(); });
  }
  ~Workers() {
    {
      const std::lock_guard lock(mutex_);
      closing_ = true;
    }
    job_ready_.notify_all();
    for (std::thread& t : threads_) t.join();
  }
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  void submit(Job job) {
    {
      const std::lock_guard lock(mutex_);
      jobs_.push_back(std::move(job));
    }
    job_ready_.notify_one();
  }

  JobResult wait_one() {
    std::unique_lock lock(mutex_);
    result_ready_.wait(lock, [&] { return !results_.empty(); });
    JobResult r = std::move(results_.front());
    results_.pop_front();
    return r;
  }

 private:
  void loop() {
    while (true) {
      Job job;
      {
        std::unique_lock lock(mutex_);
        job_ready_.wait(lock, [&] { return closing_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      JobResult r{job.id, runner_.run(job.inputs)};
      {
        const std::lock_guard lock(mutex_);
        results_.push_back(std::move(r));
      }
      result_ready_.notify_one();
    }
  }

  BatchRunner& runner_;
  std::mutex mutex_;
  std::condition_variable job_ready_;
  std::condition_variable result_ready_;
  std::deque<Job> jobs_;
  std::deque<JobResult> results_;
  bool closing_ = false;
  std::vector<std::thread> threads_;
};

// Cache hits are stored in groups: one transaction per hit would cost a commit each.
constexpr std::size_t k_hits_per_store = 512;

class Pipeline {
 public:
  Pipeline(Provider& provider, const PipelineOptions& options, VectorSink& sink, EmbedObserver& observer, Clock& clock)
      : options_(options),
        sink_(sink),
        observer_(observer),
        planner_(options.batch_inputs, options.batch_tokens),
        runner_(provider, options_.retry, clock, shared_) {
    shared_.on_retry = [this](const Attempt& a, std::chrono::milliseconds wait) { observer_.retrying(a.message, wait); };
  }

  EmbedReport run(InputSource& source, std::size_t total) {
    const auto start = std::chrono::steady_clock::now();
    report_.stats.total = total;
    {
      // Declared here so that the workers are joined before anything they use goes away.
      Workers workers(std::max<std::size_t>(1, options_.concurrency), runner_);
      workers_ = &workers;
      // If the source or the sink throws, the workers must not go on retrying (with waits)
      // before they can be joined: stopping makes them drop what is left at once.
      struct StopOnExit {
        RunShared& shared;
        ~StopOnExit() { shared.stop.request(); }
      } stop_on_exit{shared_};
      std::vector<EmbedInput> page;
      while (!stopping() && source.next(page)) {
        for (EmbedInput& input : page) {
          if (stopping()) break;
          take(std::move(input));
        }
        store_hits();
      }
      dispatch();
      while (in_flight_ > 0) collect_one();
      store_hits();
      workers_ = nullptr;
    }
    report_.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return std::move(report_);
  }

 private:
  bool stopping() const { return shared_.stop.requested() || (options_.cancelled && options_.cancelled()); }

  void take(EmbedInput input) {
    std::string sha;
    if (options_.use_cache) {
      sha = sha256_hex(input.text);
      if (const auto it = waiting_.find(sha); it != waiting_.end()) {
        it->second->keys.push_back(input.key);
        it->second->labels.push_back(std::move(input.label));
        return;
      }
      if (std::optional<Vector> v = sink_.cached(sha)) {
        hits_.push_back(Embedded{{input.key}, std::move(*v), sha, true});
        ++report_.stats.cached;
        if (hits_.size() >= k_hits_per_store) store_hits();
        return;
      }
    }
    const FittedInput fit = fit_input(input.text, options_.max_input_tokens, !planner_.bound_is_enough(input.text.size()));
    std::size_t send_bytes = input.text.size();
    if (fit.over_limit) {
      const std::string what = input.label + ": " + std::to_string(fit.original_tokens) + " tokens, over the limit of " +
                               std::to_string(options_.max_input_tokens) + " for " + options_.model_label;
      if (options_.strict) {
        report_.failures.push_back({input.key, input.label, what.substr(input.label.size() + 2) + " (" + mention(Setting::strict) + ": not truncated)"});
        sink_.refused(report_.failures.back());
        ++report_.stats.failed;
        return;
      }
      observer_.warning(what + "; embedded its first " + std::to_string(fit.tokens) +
                        " tokens (cut at a character boundary; " + mention(Setting::strict) + " refuses instead)");
      ++report_.stats.truncated;
      send_bytes = fit.kept_bytes;
    }
    if (!planner_.fits(fit.tokens)) dispatch();
    auto pending = std::make_unique<PendingText>();
    pending->text = std::move(input.text);
    pending->send_bytes = send_bytes;
    pending->sha = std::move(sha);
    pending->keys.push_back(input.key);
    pending->labels.push_back(std::move(input.label));
    if (options_.use_cache) waiting_.emplace(pending->sha, pending.get());
    planner_.add(fit.tokens);
    batch_.push_back(std::move(pending));
    if (planner_.full()) dispatch();
  }

  // Batches handed to the workers and not yet collected: one per worker, plus one waiting in
  // the queue, so that a worker that finishes takes its next batch at once instead of waiting
  // for this thread (which may be in the middle of a commit). Requests in flight stay at most
  // `concurrency`: there are that many workers.
  std::size_t max_outstanding() const { return std::max<std::size_t>(1, options_.concurrency) + 1; }

  // Sends the batch being built, first waiting for room. The batch goes out before the result
  // that made room is stored: storing is a commit, and the workers should not wait for it.
  void dispatch() {
    if (batch_.empty()) return;
    std::optional<JobResult> freed;
    if (in_flight_ >= max_outstanding()) {
      freed = workers_->wait_one();
      --in_flight_;
    }
    if (stopping() || (freed && freed->outcome.fatal)) {
      // The run is ending: these inputs stay undone, for the next run.
      for (const auto& p : batch_) waiting_.erase(p->sha);
      batch_.clear();
      planner_.reset();
    } else {
      submit();
    }
    if (freed) handle(std::move(*freed));
  }

  void submit() {
    Job job{next_id_++, {}};
    for (const auto& p : batch_) job.inputs.emplace_back(p->text.data(), p->send_bytes);
    in_flight_jobs_.emplace(job.id, std::move(batch_));
    batch_.clear();
    planner_.reset();
    workers_->submit(std::move(job));
    ++in_flight_;
  }

  void collect_one() {
    JobResult r = workers_->wait_one();
    --in_flight_;
    handle(std::move(r));
  }

  void handle(JobResult r) {
    auto node = in_flight_jobs_.extract(r.id);
    std::vector<std::unique_ptr<PendingText>>& texts = node.mapped();
    BatchOutcome& out = r.outcome;
    report_.stats.requests += out.requests;
    report_.stats.retries += out.retries;

    std::vector<Embedded> done;
    for (std::size_t i = 0; i < texts.size(); ++i) {
      if (!out.vectors[i]) continue;
      report_.stats.embedded += texts[i]->keys.size();
      done.push_back(Embedded{std::move(texts[i]->keys), std::move(*out.vectors[i]), texts[i]->sha, false});
    }
    for (const InputFailure& f : out.failures) {
      const PendingText& p = *texts[f.index];
      for (std::size_t k = 0; k < p.keys.size(); ++k) {
        report_.failures.push_back({p.keys[k], p.labels[k], f.message});
        sink_.refused(report_.failures.back());
      }
      report_.stats.failed += p.keys.size();
    }
    if (out.fatal && !report_.fatal) {
      report_.fatal = std::move(out.fatal);
      shared_.stop.request();
    }
    if (options_.use_cache) {
      for (const auto& p : texts) waiting_.erase(p->sha);
    }
    if (!done.empty()) sink_.store(done);
    observer_.progress(report_.stats);
  }

  void store_hits() {
    if (hits_.empty()) return;
    sink_.store(hits_);
    hits_.clear();
    observer_.progress(report_.stats);
  }

  const PipelineOptions& options_;
  VectorSink& sink_;
  EmbedObserver& observer_;
  BatchPlanner planner_;
  RunShared shared_;
  BatchRunner runner_;
  Workers* workers_ = nullptr;
  EmbedReport report_;
  std::vector<std::unique_ptr<PendingText>> batch_;
  std::unordered_map<std::uint64_t, std::vector<std::unique_ptr<PendingText>>> in_flight_jobs_;
  std::unordered_map<std::string, PendingText*> waiting_;  // sha -> its text, while unsent or in flight
  std::vector<Embedded> hits_;
  std::size_t in_flight_ = 0;
  std::uint64_t next_id_ = 1;
};

}  // namespace

EmbedReport run_pipeline(Provider& provider, const PipelineOptions& options, InputSource& source, VectorSink& sink,
                         EmbedObserver& observer, Clock& clock, std::size_t total) {
  Pipeline pipeline(provider, options, sink, observer, clock);
  return pipeline.run(source, total);
}

}  // namespace strata::embed
