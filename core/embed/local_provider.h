#pragma once
// The `local` provider: LocalEmbedder behind the Provider interface. Never fails.
#include "embed/local_embedder.h"
#include "embed/provider.h"

namespace strata::embed {

class LocalProvider final : public Provider {
 public:
  explicit LocalProvider(std::size_t dimensions = k_local_default_dimensions) : embedder_(dimensions) {}

  std::string name() const override { return "local"; }
  std::string model() const override { return k_local_model; }
  std::size_t dimensions() const override { return embedder_.dimensions(); }
  Attempt embed(std::span<const std::string_view> inputs, const std::atomic<bool>* cancel) override;

 private:
  LocalEmbedder embedder_;
};

}  // namespace strata::embed
