#pragma once
// The embedding pipeline: inputs in, vectors stored, whatever the provider.
//
// One thread (the caller's) reads inputs, looks each text up in the cache, fits it to the
// model's input limit, packs batches and stores results; `concurrency` worker threads run the
// batches (BatchRunner: retries, bisection). At most `concurrency` batches are in flight, so
// memory stays bounded however many inputs there are. Each finished batch is stored at once
// (one transaction in the store), so an interrupted run loses at most the batches in flight,
// and a rerun finds everything else already done or in the cache.
//
// Identical texts are embedded once: a text already in the cache is not sent, and a text
// seen again while its first copy is in flight waits for that copy's vector.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "embed/clock.h"
#include "embed/provider.h"
#include "net/retry_policy.h"
#include "embed/vector.h"

namespace strata::embed {

struct EmbedInput {
  std::int64_t key = 0;  // the chunk id, or the input's position
  std::string text;      // UTF-8
  std::string label;     // how messages name it, e.g. "docs/install.md chunk 3"
};

class InputSource {
 public:
  virtual ~InputSource() = default;
  // Replaces `page` with the next inputs; false (and an empty page) when there are no more.
  virtual bool next(std::vector<EmbedInput>& page) = 0;
};

struct FailedInput {
  std::int64_t key = 0;
  std::string label;
  std::string message;
};

// A vector ready to store, for every input whose text it is.
struct Embedded {
  std::vector<std::int64_t> keys;
  Vector vector;
  std::string text_sha256;  // empty when caching is off
  bool from_cache = false;  // false: new, so the cache gets it too
};

class VectorSink {
 public:
  virtual ~VectorSink() = default;
  // The cached vector of the text whose sha256 (lowercase hex) is `sha`. Only asked when
  // caching is on.
  virtual std::optional<Vector> cached(const std::string& sha) = 0;
  // Stores `done` durably, all or nothing.
  virtual void store(std::span<const Embedded> done) = 0;
  // An input that gets no vector: refused by the server on its own, or by --strict.
  virtual void refused(const FailedInput& /*failure*/) {}
};

struct EmbedStats {
  std::size_t total = 0;      // inputs to do, when known up front (progress only)
  std::size_t embedded = 0;   // inputs given a vector by the provider in this run
  std::size_t cached = 0;     // inputs given a vector from the cache
  std::size_t failed = 0;     // inputs refused (by the server, or by --strict)
  std::size_t truncated = 0;  // inputs cut to the model's limit
  std::size_t requests = 0;
  std::size_t retries = 0;
  double seconds = 0;

  std::size_t done() const { return embedded + cached + failed; }
};

struct EmbedReport {
  EmbedStats stats;
  std::vector<FailedInput> failures;
  // Set when the run stopped early: why (message, hint). Everything stored before stays.
  std::optional<Attempt> fatal;
};

class EmbedObserver {
 public:
  virtual ~EmbedObserver() = default;
  // After each store. Caller's thread.
  virtual void progress(const EmbedStats&) {}
  // A truncated input, named. Caller's thread.
  virtual void warning(const std::string&) {}
  // A request failed and will be retried after `wait`. Any worker thread: must be thread-safe.
  virtual void retrying(const std::string& /*message*/, std::chrono::milliseconds /*wait*/) {}
};

struct PipelineOptions {
  std::size_t concurrency = 4;          // batches in flight
  std::size_t batch_inputs = 256;       // inputs per request
  std::size_t batch_tokens = 300'000;   // tokens per request
  std::size_t max_input_tokens = 0;     // per input; 0: no limit (the local provider)
  bool strict = false;                  // refuse over-long inputs instead of truncating them
  bool use_cache = true;                // look texts up in the sink's cache, and fill it
  std::string model_label;              // for messages, e.g. "text-embedding-3-small"
  net::RetryPolicy retry;
  // Set: asked between inputs and batches; true stops the run as a stop request does (what was
  // stored stays, the rest is left for the next run). Thread-safe.
  std::function<bool()> cancelled;
};

// Runs every input of `source` through `provider` into `sink`. Throws only what the source or
// the sink throw (store errors); the provider's failures end up in the report.
EmbedReport run_pipeline(Provider& provider, const PipelineOptions& options, InputSource& source, VectorSink& sink,
                         EmbedObserver& observer, Clock& clock = real_clock(), std::size_t total = 0);

}  // namespace strata::embed
