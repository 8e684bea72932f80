#pragma once
// What `strata embed` and `strata ingest` (which embeds what it wrote) share: the embedding
// progress on a terminal, the summary line, and the flags that reach a server, registered once
// so that both commands spell, describe and check them alike.
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "embed/pipeline.h"
#include "embed/settings.h"
#include "output.h"

namespace CLI {
class App;
}

namespace strata::cli {

// Prints to stderr: a progress line redrawn in place when stderr is a terminal (never
// otherwise), retries as notes, truncations as warnings. Workers call retrying() from their
// threads, so every write takes the lock.
class EmbedReporter final : public embed::EmbedObserver {
 public:
  // `what` names the work in the progress line: "'docs'", "texts". Nothing but warnings when
  // out.quiet.
  EmbedReporter(const OutputOptions& out, std::string what);

  void progress(const embed::EmbedStats& s) override;
  void warning(const std::string& message) override;
  void retrying(const std::string& message, std::chrono::milliseconds wait) override;
  // Erases the progress line, so the summary can be printed.
  void done();

 private:
  void clear_line();

  const OutputOptions& out_;
  std::string what_;
  bool live_ = false;
  bool drawn_ = false;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_{};
};

// "embedded 40 chunks (3 from cache), 0 failed; 2 requests, 0 retries, 0.12 s".
std::string embed_summary(const embed::EmbedStats& s, const char* unit_one, const char* unit_many);

// "local hash-ngram-v2 (384 dimensions)"; the size is left out while still unknown.
std::string model_text(const store::EmbeddingModel& m);

// A run's counts as JSON: embedded, cached, failed, truncated, requests, retries, seconds.
nlohmann::json stats_json(const embed::EmbedStats& s);
// [{"input": label, "message": ..., "chunk_id"?: key}]; chunk ids when `chunks`.
nlohmann::json failures_json(const std::vector<embed::FailedInput>& failures, bool chunks);
// One warning line per input that got no vector.
void print_failures(const std::vector<embed::FailedInput>& failures, ColorMode color);

// "3 chunks", "1 chunk".
std::string plural(std::size_t n, const char* one, const char* many);

// The flags that say how to reach an embedding server. Empty: not given.
struct EndpointFlags {
  std::string base_url;
  std::string api_key_env;  // empty: embed.api_key_env from the configuration, else OPENAI_API_KEY
  std::string max_retries;
  std::string timeout;
};

// Registers --base-url, --api-key-env, --max-retries and --timeout on `cmd`.
void add_endpoint_options(CLI::App& cmd, EndpointFlags& flags);

// `flags` into `settings`, falling back to strata.toml's (or the user file's) [embed] base_url
// and api_key_env ($OPENAI_BASE_URL, read in core, still beats a file's base_url). Throws
// Error(usage) naming the flag for a bad value.
void apply_endpoint(const EndpointFlags& flags, embed::EmbedSettings& settings);

}  // namespace strata::cli
