#pragma once
// The `openai` provider: any server speaking OpenAI's POST {base_url}/embeddings (OpenAI,
// Ollama, llama.cpp server, vLLM, LM Studio, text-embeddings-inference).
//
// Each call is one HTTP request (connections are pooled and reused). The response is
// validated before any vector leaves this class: one vector per input, placed by "index",
// all of the expected size, every value a finite float32. The API key travels only in the
// Authorization header; every message this class makes has it (and anything like it) redacted.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "embed/provider.h"
#include "net/http_client.h"

namespace strata::embed {

struct OpenAiConfig {
  std::string base_url = "https://api.openai.com/v1";  // the URL up to, not including, /embeddings
  std::string model;
  std::string api_key;                        // empty: no Authorization header (Ollama, llama.cpp)
  std::string api_key_source = "OPENAI_API_KEY";  // the variable it came from, for hints
  bool key_withheld = false;                  // a project file chose the server: no key sent
  // Not empty: a collection's recorded server, sent no key; how to send one, for a 401's hint.
  std::string recorded_server_hint;
  std::optional<std::size_t> request_dimensions;  // sent as "dimensions" when set
  std::size_t expected_dimensions = 0;        // 0: learnt from the first response, then enforced
  std::chrono::milliseconds timeout{120'000}; // whole request
};

// The largest answer taken for `inputs` vectors of `dims` values (0: unknown yet, taken as
// 4096): 48 bytes a value (a JSON float such as -1.2345678901234567e-05, its comma, a line
// break and the indentation of a pretty-printed body), 256 a vector and 1 MiB besides. A body past it is given up as too large. It bounds what a server sending an
// endless body can make strata hold: each request in flight holds its body and, while parsing,
// its values (`--concurrency` 4 with batches of 256 was 4 x 256 MiB x 2 before, 1.9 GB).
inline constexpr std::size_t k_bytes_per_value = 48;
inline constexpr std::size_t k_unknown_dimensions_cap = 4096;
std::size_t response_cap(std::size_t inputs, std::size_t dims);

class OpenAiProvider final : public Provider {
 public:
  explicit OpenAiProvider(OpenAiConfig config);

  std::string name() const override { return "openai"; }
  std::string model() const override { return config_.model; }
  std::string cache_scope() const override;
  std::size_t dimensions() const override { return dimensions_.load(std::memory_order_acquire); }
  Attempt embed(std::span<const std::string_view> inputs, const std::atomic<bool>* cancel) override;

 private:
  Attempt classify_failure(const net::Response& response) const;
  Attempt classify_status(const net::Response& response) const;
  Attempt accept_body(const net::Response& response, std::size_t inputs);

  OpenAiConfig config_;
  std::string url_;
  std::atomic<std::size_t> dimensions_;
  net::ClientPool clients_;
};

}  // namespace strata::embed
