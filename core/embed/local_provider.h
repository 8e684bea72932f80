#pragma once
// The `local` provider: LocalEmbedder (hash-ngram-v1 or -v2) behind the Provider interface.
// Never fails (short of a SQLite without FTS5, see LocalEmbedder).
#include "embed/local_embedder.h"
#include "embed/provider.h"

namespace strata::embed {

class LocalProvider final : public Provider {
 public:
  explicit LocalProvider(std::size_t dimensions = k_local_default_dimensions, LocalModel model = k_local_default_model)
      : embedder_(dimensions, model) {}

  std::string name() const override { return "local"; }
  std::string model() const override { return local_model_name(embedder_.model()); }
  std::size_t dimensions() const override { return embedder_.dimensions(); }
  Attempt embed(std::span<const std::string_view> inputs, const std::atomic<bool>* cancel) override;

 private:
  LocalEmbedder embedder_;
};

}  // namespace strata::embed
