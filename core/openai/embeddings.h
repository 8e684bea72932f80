#pragma once
// POST /v1/embeddings: texts embedded as a collection's vectors were (its recorded provider and
// model: the vectors compare with its own) or with a built-in local model, in OpenAI's
// embedding list object. Nothing is stored, and the store's cache is neither read nor filled (a
// client's texts leave no trace).
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "embed/settings.h"
#include "embed/vector.h"
#include "openai/chat.h"
#include "store/store.h"

namespace strata::openai {

// A request's bounds: OpenAI's 2048 inputs, and bytes rather than tokens (counted before any
// work): an input longer than its model reads is refused by the model's own limit as well.
inline constexpr std::size_t k_embedding_inputs_max = 2048;
inline constexpr std::size_t k_embedding_input_bytes_max = std::size_t{128} << 10;
inline constexpr std::size_t k_embedding_bytes_max = std::size_t{4} << 20;

enum class EncodingFormat { float_list, base64 };

struct EmbeddingsRequest {
  std::string model;                      // as the client named it: the response says the same
  std::optional<std::string> collection;  // "strata/<collection>"; nullopt: the local model `model`
  std::vector<std::string> inputs;
  EncodingFormat format = EncodingFormat::float_list;
  std::optional<std::size_t> dimensions;  // must be the model's own: strata shortens no vector
};

// {input: a string or an array of strings (token arrays refused), model: "strata/<collection>"
// or a local model's name (hash-ngram-v2), encoding_format: float|base64, dimensions, user}.
// Refusals as read_chat_request's: 400 naming the field, 404 model_not_found.
Read<EmbeddingsRequest> read_embeddings_request(const nlohmann::json& body, const CollectionAllowed& allowed);

struct Embeddings {
  std::vector<embed::Vector> vectors;  // one per input, in order
  std::size_t prompt_tokens = 0;       // the inputs' cl100k_base tokens
};

// Embeds the request's inputs with `base` (the server's embedding settings: base URL, key
// variable, timeouts) applied to the model. Refuses (Read's error) a collection gone since the
// request was read (404), one without vectors (400), an input the model refuses (400
// "input[3]"), a vector not of `dimensions` (400). Throws Error for the store's and the
// embedding server's failures (api_error maps them).
Read<Embeddings> embed_inputs(store::Store& store, const EmbeddingsRequest& request, embed::EmbedSettings base);

// {"object": "list", "data": [{"object": "embedding", "index", "embedding"}], "model", "usage":
// {prompt_tokens, total_tokens}}; base64: the vector's little-endian float32 bytes, as OpenAI's.
nlohmann::json embeddings_json(const Embeddings& embeddings, const EmbeddingsRequest& request);

}  // namespace strata::openai
