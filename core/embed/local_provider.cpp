#include "embed/local_provider.h"

namespace strata::embed {

Attempt LocalProvider::embed(std::span<const std::string_view> inputs, const std::atomic<bool>*) {
  Attempt a;
  a.vectors.reserve(inputs.size());
  for (const std::string_view text : inputs) a.vectors.push_back(embedder_.embed(text));
  return a;
}

}  // namespace strata::embed
