#include "embed/model_registry.h"

#include <limits>

namespace strata::embed {
namespace {

ModelInfo entry(const char* name, std::size_t dims, bool shortenable, std::size_t input, std::size_t inputs,
                std::size_t tokens) {
  return ModelInfo{name, dims, shortenable, ModelLimits{input, inputs, tokens}, true, false};
}

ModelInfo local_entry(const char* name) {
  ModelInfo m = entry(name, 384, true, 0, 64, std::numeric_limits<std::size_t>::max() / 2);
  m.local = true;
  return m;
}

// OpenAI's limits are documented: 8191 tokens per input, 2048 inputs and 300,000 tokens per
// request. Local servers (Ollama, llama.cpp, TEI) enforce the model's context; the per-request
// figures for them keep one request's work to a few seconds on a CPU.
std::vector<ModelInfo> make_registry() {
  return {
      // The local provider's built-in models (embed/local_embedder.h): 384 dimensions by
      // default, any size from 16 to 8192; no input limit; 64 texts per batch, each batch a
      // few milliseconds of one thread.
      local_entry("hash-ngram-v2"),
      local_entry("hash-ngram-v1"),
      entry("text-embedding-3-small", 1536, true, 8191, 2048, 300'000),
      entry("text-embedding-3-large", 3072, true, 8191, 2048, 300'000),
      entry("text-embedding-ada-002", 1536, false, 8191, 2048, 300'000),
      // Context 8192 (nomic-bert, rope); Ollama runs it with num_ctx 2048 unless told otherwise,
      // and silently truncates beyond that, so 2048 less a margin.
      entry("nomic-embed-text", 768, false, 1800, 256, 65'536),
      entry("mxbai-embed-large", 1024, false, 460, 128, 32'768),
      entry("all-minilm", 384, false, 230, 256, 32'768),            // all-MiniLM-L6-v2: 256 word pieces
      entry("bge-m3", 1024, false, 7400, 64, 65'536),
      entry("bge-large", 1024, false, 460, 128, 32'768),
      entry("bge-small-en-v1.5", 384, false, 460, 256, 32'768),
      entry("bge-base-en-v1.5", 768, false, 460, 256, 32'768),
      entry("bge-large-en-v1.5", 1024, false, 460, 128, 32'768),
      entry("snowflake-arctic-embed", 1024, false, 460, 128, 32'768),
      entry("snowflake-arctic-embed2", 1024, false, 7400, 64, 65'536),
      entry("granite-embedding", 384, false, 460, 256, 32'768),
      entry("paraphrase-multilingual", 768, false, 115, 256, 32'768),  // 128 word pieces
      entry("nomic-embed-text-v1.5", 768, false, 1800, 256, 65'536),
      entry("e5-mistral-7b-instruct", 4096, false, 3700, 32, 65'536),
  };
}

std::string_view strip_tag(std::string_view name) {
  // "library/name:tag" from Ollama; "org/name" from Hugging Face (TEI, vLLM): both name the entry.
  if (const auto slash = name.rfind('/'); slash != std::string_view::npos) name.remove_prefix(slash + 1);
  if (const auto colon = name.find(':'); colon != std::string_view::npos) name = name.substr(0, colon);
  return name;
}

}  // namespace

const std::vector<ModelInfo>& known_models() {
  static const std::vector<ModelInfo> registry = make_registry();
  return registry;
}

std::optional<ModelInfo> find_model(std::string_view name) {
  const std::string_view bare = strip_tag(name);
  for (const ModelInfo& m : known_models()) {
    if (m.name == bare) {
      ModelInfo found = m;
      found.name = std::string(name);  // what the server is asked for, tag and all
      return found;
    }
  }
  return std::nullopt;
}

ModelKind model_kind(std::string_view provider, std::string_view model) {
  // The local provider runs only the built-in hashed n-gram models; a server serving one of
  // them by name (a test server) is lexical too.
  if (provider == "local") return ModelKind::lexical;
  const std::optional<ModelInfo> m = find_model(model);
  return m && m->local ? ModelKind::lexical : ModelKind::semantic;
}

ModelInfo unknown_model(std::string_view name) {
  return ModelInfo{std::string(name), 0, false, ModelLimits{512, 32, 8192}, false, false};
}

}  // namespace strata::embed
