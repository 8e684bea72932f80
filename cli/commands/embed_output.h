#pragma once
// What `strata embed` and `strata ingest` (which embeds what it wrote) share: the embedding
// progress on a terminal, the summary line, and the endpoint flags as they apply to an embedding
// server, described once so that both commands say the same.
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "embed/public.h"
#include "option_bundles.h"
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
  // On a terminal the retry joins the progress line (one line that updates, until the work
  // moves on); elsewhere it is a line of its own, for the log.
  void retrying(const std::string& message, std::chrono::milliseconds wait) override;
  // Erases the progress line, so the summary can be printed.
  void done();

 private:
  void clear_line();
  void draw();  // the progress line and the retry note, fitted to the terminal; mutex_ held

  const OutputOptions& out_;
  std::string what_;
  bool live_ = false;
  bool drawn_ = false;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_{};
  std::string line_;        // the last progress line
  std::string retry_note_;  // "retrying in 2.0 s: HTTP 429 ..." until the work moves on
  std::size_t done_ = 0;    // work done at the last progress line
  std::size_t note_done_ = 0;
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

// Registers the endpoint flags (option_bundles.h) with what they mean to an embedding server.
void add_embedding_endpoint_options(CLI::App& cmd, EndpointFlags& flags);

// `flags` into `settings`: the server (apply_embed_server), then --max-retries and --timeout.
// Throws Error(usage) naming the flag for a bad value.
void apply_endpoint(const EndpointFlags& flags, embed::EmbedSettings& settings);

// The embedding server and its key for every command that embeds (embed, ingest, and the query
// of search and ask): embed.base_url (--base-url, $OPENAI_BASE_URL, the files) and
// embed.api_key_env (--api-key-env, the files, OPENAI_API_KEY), each with its source, the trust
// rule for a server a project file chose, and the environment to read the key from. Flags:
// nullopt when not given.
void apply_embed_server(const std::optional<std::string>& base_url_flag,
                        const std::optional<std::string>& api_key_env_flag, embed::EmbedSettings& settings);

}  // namespace strata::cli
