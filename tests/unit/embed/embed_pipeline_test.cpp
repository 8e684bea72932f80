// BatchRunner (retries, shared rate-limit waits, bisection) and the pipeline (batching by count
// and tokens, concurrency, cache and de-duplication, truncation, stopping) with a scripted
// provider and a fake clock: no network, no sleeping.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "common/sha256.h"
#include "embed/batch_runner.h"
#include "embed/input_fit.h"
#include "embed/pipeline.h"
#include "setting_flags.h"

namespace strata::embed {
namespace {

using std::chrono::milliseconds;

Vector vector_of(std::string_view text) { return {static_cast<float>(text.size()), text.empty() ? 0.0f : static_cast<float>(text[0])}; }

Attempt ok_for(std::span<const std::string_view> inputs) {
  Attempt a;
  for (const std::string_view s : inputs) a.vectors.push_back(vector_of(s));
  return a;
}

Attempt status(AttemptStatus s, std::string message = "x", std::optional<milliseconds> retry_after = std::nullopt) {
  Attempt a;
  a.status = s;
  a.message = std::move(message);
  a.retry_after = retry_after;
  return a;
}

// Answers with `script(call number, inputs)`; records every call. Thread-safe.
class ScriptedProvider final : public Provider {
 public:
  using Script = std::function<Attempt(std::size_t call, std::span<const std::string_view>)>;
  explicit ScriptedProvider(Script script) : script_(std::move(script)) {}

  std::string name() const override { return "fake"; }
  std::string model() const override { return "fake-model"; }
  std::size_t dimensions() const override { return 2; }

  Attempt embed(std::span<const std::string_view> inputs, const std::atomic<bool>*) override {
    std::size_t call = 0;
    {
      const std::lock_guard lock(mutex_);
      call = calls_.size();
      calls_.emplace_back(inputs.begin(), inputs.end());
      in_flight_ += 1;
      max_in_flight_ = std::max(max_in_flight_, in_flight_);
    }
    if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
    Attempt a = script_(call, inputs);
    const std::lock_guard lock(mutex_);
    in_flight_ -= 1;
    return a;
  }

  std::vector<std::vector<std::string>> calls() const {
    const std::lock_guard lock(mutex_);
    return calls_;
  }
  std::size_t max_in_flight() const {
    const std::lock_guard lock(mutex_);
    return max_in_flight_;
  }
  void set_delay(milliseconds d) { delay_ = d; }

 private:
  Script script_;
  mutable std::mutex mutex_;
  std::vector<std::vector<std::string>> calls_;
  std::size_t in_flight_ = 0;
  std::size_t max_in_flight_ = 0;
  milliseconds delay_{0};
};

// Virtual time: waiting jumps the clock forward and records how long.
class FakeClock final : public Clock {
 public:
  SteadyTime now() const override {
    const std::lock_guard lock(mutex_);
    return now_;
  }
  bool sleep_until(SteadyTime deadline, StopSignal& stop) override {
    const std::lock_guard lock(mutex_);
    if (deadline > now_) {
      waits_.push_back(std::chrono::duration_cast<milliseconds>(deadline - now_));
      now_ = deadline;
    }
    return stop.requested();
  }
  std::vector<milliseconds> waits() const {
    const std::lock_guard lock(mutex_);
    return waits_;
  }

 private:
  mutable std::mutex mutex_;
  SteadyTime now_{};
  std::vector<milliseconds> waits_;
};

std::vector<std::string_view> views(const std::vector<std::string>& texts) { return {texts.begin(), texts.end()}; }

struct RunnerFixture {
  net::RetryPolicy policy;
  FakeClock clock;
  RunShared shared;

  BatchOutcome run(Provider& p, const std::vector<std::string>& texts) {
    BatchRunner runner(p, policy, clock, shared);
    const auto v = views(texts);
    return runner.run(v);
  }
};

// ---------------------------------------------------------------------------------------------
// BatchRunner

TEST(EmbedBatchRunner, RetriesRetryableFailuresThenSucceeds) {
  ScriptedProvider p([](std::size_t call, auto in) { return call < 2 ? status(AttemptStatus::retryable) : ok_for(in); });
  RunnerFixture f;
  const BatchOutcome out = f.run(p, {"a", "b"});
  EXPECT_FALSE(out.fatal);
  EXPECT_EQ(out.requests, 3u);
  EXPECT_EQ(out.retries, 2u);
  ASSERT_TRUE(out.vectors[1]);
  EXPECT_EQ(*out.vectors[1], vector_of("b"));
  // Exponential backoff with jitter in the upper half: [250, 500) then [500, 1000).
  const auto waits = f.clock.waits();
  ASSERT_EQ(waits.size(), 2u);
  EXPECT_GE(waits[0], milliseconds(250));
  EXPECT_LT(waits[0], milliseconds(500));
  EXPECT_GE(waits[1], milliseconds(500));
  EXPECT_LT(waits[1], milliseconds(1000));
}

TEST(EmbedBatchRunner, GivesUpAfterMaxRetriesWithAClearMessage) {
  ScriptedProvider p([](std::size_t, auto) { return status(AttemptStatus::retryable, "HTTP 500: boom"); });
  RunnerFixture f;
  f.policy.max_retries = 3;
  const BatchOutcome out = f.run(p, {"a"});
  ASSERT_TRUE(out.fatal);
  EXPECT_EQ(out.requests, 4u);
  EXPECT_EQ(out.fatal->message, "gave up after 4 attempts: HTTP 500: boom");
  EXPECT_NE(out.fatal->hint.find("run the same command again"), std::string::npos);
  EXPECT_FALSE(out.vectors[0]);
}

TEST(EmbedBatchRunner, ARefusedConnectionGetsTwoQuietRetriesThenOneMessage) {
  ScriptedProvider p([](std::size_t, auto) {
    Attempt a = status(AttemptStatus::retryable, "nothing is listening at http://127.0.0.1:9/v1 (connection refused)");
    a.hint = "is the server running?";
    a.failure = net::FailureKind::refused;
    return a;
  });
  RunnerFixture f;
  int announced = 0;
  f.shared.on_retry = [&](const Attempt&, milliseconds) { ++announced; };
  const BatchOutcome out = f.run(p, {"a"});
  ASSERT_TRUE(out.fatal);
  EXPECT_EQ(out.requests, 3u) << "max_retries is 5; a refused connection gets refused_retries (2)";
  EXPECT_EQ(out.fatal->message, "nothing is listening at http://127.0.0.1:9/v1 (connection refused)");
  EXPECT_EQ(out.fatal->hint, "is the server running?");
  EXPECT_EQ(announced, 0);
  // The short schedule: [250, 500) then [500, 1000).
  const auto waits = f.clock.waits();
  ASSERT_EQ(waits.size(), 2u);
  EXPECT_LT(waits[0] + waits[1], milliseconds(1500));
}

TEST(EmbedBatchRunner, ARefusedConnectionThatComesUpIsUsed) {
  ScriptedProvider p([](std::size_t call, auto in) {
    if (call > 0) return ok_for(in);
    Attempt a = status(AttemptStatus::retryable, "refused");
    a.failure = net::FailureKind::refused;
    return a;
  });
  RunnerFixture f;
  const BatchOutcome out = f.run(p, {"a"});
  EXPECT_FALSE(out.fatal);
  EXPECT_EQ(out.requests, 2u);
  ASSERT_TRUE(out.vectors[0]);
}

TEST(EmbedBatchRunner, ZeroRetriesMeansOneAttempt) {
  ScriptedProvider p([](std::size_t, auto) { return status(AttemptStatus::retryable, "timed out"); });
  RunnerFixture f;
  f.policy.max_retries = 0;
  const BatchOutcome out = f.run(p, {"a"});
  ASSERT_TRUE(out.fatal);
  EXPECT_EQ(out.requests, 1u);
  EXPECT_EQ(out.fatal->message, "gave up after 1 attempt: timed out");
}

TEST(EmbedBatchRunner, FatalIsNeverRetried) {
  ScriptedProvider p([](std::size_t, auto) { return status(AttemptStatus::fatal, "HTTP 401: bad key"); });
  RunnerFixture f;
  const BatchOutcome out = f.run(p, {"a", "b"});
  ASSERT_TRUE(out.fatal);
  EXPECT_EQ(out.requests, 1u);
  EXPECT_EQ(out.fatal->message, "HTTP 401: bad key");
  EXPECT_TRUE(f.clock.waits().empty());
}

TEST(EmbedBatchRunner, HonoursRetryAfterExactlyAndHoldsTheGateForEveryWorker) {
  ScriptedProvider p([](std::size_t call, auto in) {
    return call == 0 ? status(AttemptStatus::retryable, "HTTP 429", milliseconds(7000)) : ok_for(in);
  });
  RunnerFixture f;
  const auto start = f.clock.now();
  const BatchOutcome out = f.run(p, {"a"});
  EXPECT_FALSE(out.fatal);
  ASSERT_EQ(f.clock.waits().size(), 1u);
  EXPECT_EQ(f.clock.waits()[0], milliseconds(7000));
  EXPECT_EQ(f.shared.gate.open_at(), start + milliseconds(7000));
}

TEST(EmbedBatchRunner, RetryAfterBeyondMaxWaitEndsTheRunInsteadOfHanging) {
  ScriptedProvider p([](std::size_t, auto) { return status(AttemptStatus::retryable, "HTTP 429", milliseconds(3'600'000)); });
  RunnerFixture f;
  const BatchOutcome out = f.run(p, {"a"});
  ASSERT_TRUE(out.fatal);
  EXPECT_EQ(out.requests, 1u);
  EXPECT_NE(out.fatal->message.find("asked to wait 3600 s"), std::string::npos) << out.fatal->message;
}

TEST(EmbedBatchRunner, BisectsA400DownToTheRefusedInputs) {
  // The server refuses any request containing an input that starts with "BAD".
  ScriptedProvider p([](std::size_t, std::span<const std::string_view> in) {
    for (const std::string_view s : in) {
      if (s.starts_with("BAD")) return status(AttemptStatus::bad_input, "HTTP 400: too long");
    }
    return ok_for(in);
  });
  RunnerFixture f;
  std::vector<std::string> texts;
  for (int i = 0; i < 16; ++i) texts.push_back(i == 5 || i == 11 ? "BAD" + std::to_string(i) : "ok" + std::to_string(i));
  const BatchOutcome out = f.run(p, texts);
  EXPECT_FALSE(out.fatal);
  ASSERT_EQ(out.failures.size(), 2u);
  EXPECT_EQ(out.failures[0].index, 5u);
  EXPECT_EQ(out.failures[1].index, 11u);
  EXPECT_EQ(out.failures[0].message, "HTTP 400: too long");
  for (std::size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(out.vectors[i].has_value(), i != 5 && i != 11) << i;
  // 1 + 2 + 4 + 6 + 4: each bad input costs about 2·log2(16) requests, not 16.
  EXPECT_LE(out.requests, 17u);
  EXPECT_EQ(out.retries, 0u);
}

TEST(EmbedBatchRunner, AServerThatRefusesEverythingIsCaughtEarly) {
  ScriptedProvider p([](std::size_t, auto) { return status(AttemptStatus::bad_input, "HTTP 400: unsupported dimensions"); });
  RunnerFixture f;
  std::vector<std::string> texts(256, "text");
  for (std::size_t i = 0; i < texts.size(); ++i) texts[i] += std::to_string(i);
  const BatchOutcome out = f.run(p, texts);
  ASSERT_TRUE(out.fatal);
  EXPECT_EQ(out.failures.size(), k_refusals_before_giving_up);
  EXPECT_LT(out.requests, 40u);
  EXPECT_NE(out.fatal->message.find("refused each of the first 8 inputs"), std::string::npos);
  EXPECT_NE(cli::with_flags(out.fatal->hint).find("--model"), std::string::npos);
}

TEST(EmbedBatchRunner, StopSignalEndsWithoutAnError) {
  ScriptedProvider p([](std::size_t, auto) { return status(AttemptStatus::retryable); });
  RunnerFixture f;
  f.shared.stop.request();
  const BatchOutcome out = f.run(p, {"a"});
  EXPECT_TRUE(out.stopped);
  EXPECT_FALSE(out.fatal);
  EXPECT_EQ(out.requests, 0u);
}

// ---------------------------------------------------------------------------------------------
// Pipeline

class VectorSource final : public InputSource {
 public:
  explicit VectorSource(std::vector<std::string> texts, std::size_t page = 3) : texts_(std::move(texts)), page_(page) {}
  bool next(std::vector<EmbedInput>& page) override {
    page.clear();
    while (page.size() < page_ && at_ < texts_.size()) {
      page.push_back({static_cast<std::int64_t>(at_), texts_[at_], "input " + std::to_string(at_)});
      ++at_;
    }
    return !page.empty();
  }

 private:
  std::vector<std::string> texts_;
  std::size_t page_;
  std::size_t at_ = 0;
};

class MemorySink final : public VectorSink {
 public:
  std::optional<Vector> cached(const std::string& sha) override {
    ++lookups;
    const auto it = cache.find(sha);
    return it == cache.end() ? std::nullopt : std::optional<Vector>(it->second);
  }
  void store(std::span<const Embedded> done) override {
    ++stores;
    for (const Embedded& e : done) {
      for (const std::int64_t k : e.keys) vectors[k] = e.vector;
      if (!e.from_cache && !e.text_sha256.empty()) cache[e.text_sha256] = e.vector;
    }
  }
  void refused(const FailedInput& f) override { refusals.push_back(f.key); }

  std::map<std::string, Vector> cache;
  std::map<std::int64_t, Vector> vectors;
  std::vector<std::int64_t> refusals;
  std::size_t stores = 0;
  std::size_t lookups = 0;
};

class RecordingObserver final : public EmbedObserver {
 public:
  void warning(const std::string& m) override { warnings.push_back(m); }
  void retrying(const std::string& m, milliseconds) override {
    const std::lock_guard lock(mutex);
    retries.push_back(m);
  }
  std::vector<std::string> warnings;
  std::mutex mutex;
  std::vector<std::string> retries;
};

std::vector<std::string> numbered(std::size_t n, const std::string& prefix = "text ") {
  std::vector<std::string> v;
  for (std::size_t i = 0; i < n; ++i) v.push_back(prefix + std::to_string(i));
  return v;
}

struct PipelineFixture {
  PipelineOptions options;
  MemorySink sink;
  RecordingObserver observer;
  FakeClock clock;

  EmbedReport run(Provider& p, std::vector<std::string> texts) {
    VectorSource source(std::move(texts));
    return run_pipeline(p, options, source, sink, observer, clock);
  }
};

TEST(EmbedPipeline, BatchesByCountAndStoresEveryVector) {
  ScriptedProvider p([](std::size_t, auto in) { return ok_for(in); });
  PipelineFixture f;
  f.options.batch_inputs = 4;
  const EmbedReport r = f.run(p, numbered(10));
  EXPECT_EQ(r.stats.embedded, 10u);
  EXPECT_EQ(r.stats.requests, 3u);
  EXPECT_EQ(f.sink.vectors.size(), 10u);
  EXPECT_EQ(f.sink.vectors[7], vector_of("text 7"));
  std::multiset<std::size_t> sizes;
  for (const auto& c : p.calls()) sizes.insert(c.size());
  EXPECT_EQ(sizes, (std::multiset<std::size_t>{4, 4, 2}));
}

TEST(EmbedPipeline, BatchesByTokens) {
  ScriptedProvider p([](std::size_t, auto in) { return ok_for(in); });
  PipelineFixture f;
  f.options.batch_inputs = 100;
  f.options.batch_tokens = 10;
  // "word word word word" is 4 tokens: two fit in 10 tokens, three do not.
  const EmbedReport r = f.run(p, {"one two three four", "five six seven eight", "nine ten eleven twelve"});
  EXPECT_EQ(r.stats.embedded, 3u);
  for (const auto& c : p.calls()) {
    std::size_t tokens = 0;
    for (const std::string& s : c) tokens += count_tokens(s);
    EXPECT_LE(tokens, 10u);
  }
  EXPECT_EQ(p.calls().size(), 2u);
}

TEST(EmbedPipeline, KeepsAtMostConcurrencyRequestsInFlight) {
  ScriptedProvider p([](std::size_t, auto in) { return ok_for(in); });
  p.set_delay(milliseconds(20));
  PipelineFixture f;
  f.options.batch_inputs = 1;
  f.options.concurrency = 3;
  const EmbedReport r = f.run(p, numbered(12));
  EXPECT_EQ(r.stats.embedded, 12u);
  EXPECT_LE(p.max_in_flight(), 3u);
  EXPECT_GE(p.max_in_flight(), 2u);  // they do overlap
}

TEST(EmbedPipeline, IdenticalTextsAreSentOnceAndCachedTextsNotAtAll) {
  ScriptedProvider p([](std::size_t, auto in) { return ok_for(in); });
  PipelineFixture f;
  f.options.batch_inputs = 2;
  f.sink.cache[sha256_hex("cached")] = {42, 42};
  const EmbedReport r = f.run(p, {"same", "other", "same", "cached", "same", "cached"});
  std::size_t sent_same = 0, sent_cached = 0;
  for (const auto& c : p.calls()) {
    for (const std::string& s : c) {
      sent_same += s == "same";
      sent_cached += s == "cached";
    }
  }
  EXPECT_EQ(sent_same, 1u);
  EXPECT_EQ(sent_cached, 0u);
  EXPECT_EQ(r.stats.embedded, 4u);  // "same" x3 and "other"
  EXPECT_EQ(r.stats.cached, 2u);
  EXPECT_EQ(f.sink.vectors.size(), 6u);
  EXPECT_EQ(f.sink.vectors[4], vector_of("same"));
  EXPECT_EQ(f.sink.vectors[5], (Vector{42, 42}));
  // New vectors were offered to the cache.
  EXPECT_TRUE(f.sink.cache.count(sha256_hex("other")));
}

TEST(EmbedPipeline, WithoutCacheNothingIsLookedUp) {
  ScriptedProvider p([](std::size_t, auto in) { return ok_for(in); });
  PipelineFixture f;
  f.options.use_cache = false;
  const EmbedReport r = f.run(p, {"a", "a"});
  EXPECT_EQ(f.sink.lookups, 0u);
  EXPECT_EQ(r.stats.embedded, 2u);
  EXPECT_TRUE(f.sink.cache.empty());
}

TEST(EmbedPipeline, OverLongInputIsTruncatedWithAWarningNamingIt) {
  ScriptedProvider p([](std::size_t, auto in) { return ok_for(in); });
  PipelineFixture f;
  f.options.max_input_tokens = 5;
  f.options.model_label = "tiny-model";
  const std::string long_text = "one two three four five six seven eight nine ten";
  const EmbedReport r = f.run(p, {"short", long_text});
  EXPECT_EQ(r.stats.truncated, 1u);
  EXPECT_EQ(r.stats.embedded, 2u);
  ASSERT_EQ(f.observer.warnings.size(), 1u);
  EXPECT_NE(f.observer.warnings[0].find("input 1: 10 tokens, over the limit of 5 for tiny-model"), std::string::npos)
      << f.observer.warnings[0];
  // What was sent is a prefix of at most 5 tokens.
  std::string sent;
  for (const auto& c : p.calls()) {
    for (const std::string& s : c) {
      if (s != "short") sent = s;
    }
  }
  EXPECT_TRUE(long_text.starts_with(sent));
  EXPECT_LE(count_tokens(sent), 5u);
  EXPECT_GE(count_tokens(sent), 4u);
}

TEST(EmbedPipeline, StrictRefusesOverLongInputsAndEmbedsTheRest) {
  ScriptedProvider p([](std::size_t, auto in) { return ok_for(in); });
  PipelineFixture f;
  f.options.max_input_tokens = 5;
  f.options.strict = true;
  const EmbedReport r = f.run(p, {"short", "one two three four five six seven", "also short"});
  EXPECT_EQ(r.stats.failed, 1u);
  EXPECT_EQ(r.stats.embedded, 2u);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0].label, "input 1");
  EXPECT_NE(cli::with_flags(r.failures[0].message).find("--strict"), std::string::npos);
  EXPECT_EQ(f.sink.refusals, (std::vector<std::int64_t>{1}));
  EXPECT_TRUE(f.observer.warnings.empty());
}

TEST(EmbedPipeline, TruncationCutsAtACharacterBoundary) {
  // Each "é" is two bytes and byte-level BPE tokens may end inside it.
  std::string text;
  for (int i = 0; i < 300; ++i) text += "\xc3\xa9";
  const FittedInput f = fit_input(text, 7, false);
  ASSERT_TRUE(f.over_limit);
  EXPECT_EQ(f.kept_bytes % 2, 0u);
  EXPECT_LE(f.tokens, 7u);
  EXPECT_GT(f.kept_bytes, 0u);
}

TEST(EmbedPipeline, ARefusedInputIsReportedAndTheRestStored) {
  ScriptedProvider p([](std::size_t, std::span<const std::string_view> in) {
    for (const std::string_view s : in) {
      if (s == "text 6") return status(AttemptStatus::bad_input, "HTTP 400: nope");
    }
    return ok_for(in);
  });
  PipelineFixture f;
  f.options.batch_inputs = 4;
  const EmbedReport r = f.run(p, numbered(10));
  EXPECT_FALSE(r.fatal);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0].key, 6);
  EXPECT_EQ(r.failures[0].label, "input 6");
  EXPECT_EQ(r.stats.embedded, 9u);
  EXPECT_EQ(f.sink.vectors.size(), 9u);
}

TEST(EmbedPipeline, AFatalErrorStopsTheRunAndKeepsWhatWasDone) {
  ScriptedProvider p([](std::size_t call, auto in) {
    return call < 2 ? ok_for(in) : status(AttemptStatus::fatal, "HTTP 401: key revoked");
  });
  PipelineFixture f;
  f.options.batch_inputs = 2;
  f.options.concurrency = 1;
  const EmbedReport r = f.run(p, numbered(20));
  ASSERT_TRUE(r.fatal);
  EXPECT_EQ(r.fatal->message, "HTTP 401: key revoked");
  EXPECT_EQ(r.stats.embedded, 4u);
  EXPECT_EQ(f.sink.vectors.size(), 4u);
  EXPECT_EQ(p.calls().size(), 3u);  // nothing is sent after the fatal answer
}

TEST(EmbedPipeline, RetriesAreReportedToTheObserver) {
  ScriptedProvider p([](std::size_t call, auto in) {
    return call == 0 ? status(AttemptStatus::retryable, "HTTP 503: busy", milliseconds(10)) : ok_for(in);
  });
  PipelineFixture f;
  const EmbedReport r = f.run(p, {"a"});
  EXPECT_EQ(r.stats.retries, 1u);
  EXPECT_EQ(f.observer.retries, (std::vector<std::string>{"HTTP 503: busy"}));
}

TEST(EmbedPipeline, NoInputsNoRequests) {
  ScriptedProvider p([](std::size_t, auto in) { return ok_for(in); });
  PipelineFixture f;
  const EmbedReport r = f.run(p, {});
  EXPECT_EQ(r.stats.requests, 0u);
  EXPECT_EQ(f.sink.stores, 0u);
}

}  // namespace
}  // namespace strata::embed
