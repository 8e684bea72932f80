#pragma once
// The text some embedding models are trained to see before a query and before a document
// ("search_query: " / "search_document: " for nomic-embed-text). Without it such a model ranks
// worse than its card says. A collection records the prefixes its vectors were made with
// (store::EmbeddingModel); a model strata knows gets its own by default, any other none.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "embed/pipeline.h"

namespace strata::embed {

struct ModelPrefixes {
  std::string query;     // before every query
  std::string document;  // before every chunk (after nothing else: the title follows it)

  bool operator==(const ModelPrefixes&) const = default;
};

// The known prefixes of `model`, matched on its name without an Ollama tag or a Hugging Face
// organisation, case-insensitively ("nomic-embed-text:latest", "intfloat/E5-large-v2"); none
// for a model not in the table.
ModelPrefixes default_prefixes(std::string_view model);

// `text` as the model is to see it: the prefix, then the text.
std::string with_prefix(std::string_view prefix, std::string_view text);

// Another source's inputs with `prefix` before each text. Before the pipeline sees them, so the
// cache is keyed by what the model was given, and the input limit (input_fit.h) counts the
// prefix (a text cut to fit loses its end, never the prefix).
class PrefixedSource final : public InputSource {
 public:
  PrefixedSource(InputSource& inner, std::string prefix) : inner_(inner), prefix_(std::move(prefix)) {}
  bool next(std::vector<EmbedInput>& page) override;

 private:
  InputSource& inner_;
  std::string prefix_;
};

}  // namespace strata::embed
