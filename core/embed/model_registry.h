#pragma once
// What strata knows about embedding models: their size and the limits their servers enforce,
// so that batches are built to fit instead of being refused (or silently truncated) by the
// server. Unknown models get conservative limits that the command's flags override.
//
// Token counts are cl100k_base counts (OpenAI's tokenizer for these models). For other models
// they are an estimate of the model's own tokenizer, so their input limits here are the
// model's context less a margin (about 10%), and a chunk a little over is truncated by strata,
// with a warning, rather than silently by the server (Ollama does that).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::embed {

struct ModelLimits {
  std::size_t max_input_tokens = 0;    // per input
  std::size_t max_batch_inputs = 0;    // inputs per request
  std::size_t max_batch_tokens = 0;    // tokens per request, all inputs together
};

struct ModelInfo {
  std::string name;
  std::size_t dimensions = 0;          // the native size; 0 = unknown (learned from the first response)
  bool shortenable = false;            // accepts a smaller `dimensions` in the request (text-embedding-3-*)
  ModelLimits limits;
  bool known = false;                  // false: the defaults for an unknown model
  bool local = false;                  // one of the local provider's built-in models (no server)
};

// The registry entry for `name`, or nullopt. Names match after dropping an Ollama tag and a
// Hugging Face organisation ("nomic-embed-text:latest", "BAAI/bge-m3" match their entries): a
// tag changes the weights, not the size or the context. The entry keeps `name` as given.
std::optional<ModelInfo> find_model(std::string_view name);

// The conservative defaults for a model strata does not know: 512 tokens per input, 32 inputs
// and 8192 tokens per request, dimensions learned from the server.
ModelInfo unknown_model(std::string_view name);

// What an embedding model's vectors capture, for hybrid search's fusion weight
// (search/searcher.h): lexical models match words and their spellings (the local provider's
// hashed n-grams), semantic ones meaning. Every server model is semantic, known or not: servers
// run trained models.
enum class ModelKind { lexical, semantic };
ModelKind model_kind(std::string_view provider, std::string_view model);

// Every known model, for documentation and --help: the local provider's first (hash-ngram-v2,
// the default, then hash-ngram-v1), then the servers' models.
const std::vector<ModelInfo>& known_models();

}  // namespace strata::embed
