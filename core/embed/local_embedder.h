#pragma once
// The `local` provider's embedder: deterministic, built in, no model file and no network.
//
// Features: every word (a run of ASCII letters, digits and '_', or of non-ASCII characters;
// ASCII lower-cased) and every character 3-gram of each word with '<' and '>' marking its ends
// (fastText's subwords), so "migrations" and "migration" share most features. Each distinct
// feature counts 1 + ln(tf) (sublinear term frequency; words weigh 1, 3-grams 0.5) and is
// hashed to one signed position of the output (the hashing trick: a fixed random projection of
// the sparse feature vector), and the vector is L2-normalised. An empty text (or one without a word) gives the
// zero vector.
//
// It is lexical, not semantic: texts are close when they share words and word pieces, not
// when they mean the same thing ("car" and "automobile" are unrelated). It is meant for hybrid
// retrieval next to full-text search, for tests, and for machines without a model server.
//
// Stable: the same text and dimensions give the same vector in every strata version that
// calls the model k_local_model; a change of features gets a new model name.
#include <cstddef>
#include <span>
#include <string_view>

#include "embed/vector.h"

namespace strata::embed {

inline constexpr const char* k_local_model = "hash-ngram-v1";
inline constexpr std::size_t k_local_default_dimensions = 384;
inline constexpr std::size_t k_local_min_dimensions = 16;
inline constexpr std::size_t k_local_max_dimensions = 8192;

class LocalEmbedder {
 public:
  // REQUIRES: k_local_min_dimensions <= dimensions <= k_local_max_dimensions.
  explicit LocalEmbedder(std::size_t dimensions = k_local_default_dimensions);

  std::size_t dimensions() const { return dimensions_; }

  // The vector of `text` (any bytes; meant for UTF-8). Thread-safe: scratch space is per thread.
  Vector embed(std::string_view text) const;
  // Same, into `out`. REQUIRES: out.size() == dimensions().
  void embed_into(std::string_view text, std::span<float> out) const;

 private:
  std::size_t dimensions_;
};

}  // namespace strata::embed
