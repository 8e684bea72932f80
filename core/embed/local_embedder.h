#pragma once
// The `local` provider's embedder: deterministic, built in, no model file and no network. Two
// models, named as a collection records them:
//
// hash-ngram-v2 (the default for new collections): the text's terms as the keyword index
// (chunks_fts) makes them -- SQLite FTS5's own `porter unicode61 remove_diacritics 2`
// tokenizer (store/fts_tokenizer.h): Unicode words, case-folded, diacritics removed,
// Porter-stemmed -- less English stop words ("the", "of", "which", ...; the list is in
// local_embedder.cpp and is matched by stem). Each remaining term and each character 3-gram
// of it between '<' and '>' is a feature, weighted and hashed as in v1 below. Stemming makes
// "connections", "connected" and "connecting" one feature set; dropping stop words keeps
// function words, which every text shares, from making unrelated texts close. Measured on
// ../shared/eval/npl (BENCHMARKS.md "search"): a better ranker than v1 alone, and the one
// hybrid search is tuned for.
//
// hash-ngram-v1 (collections that recorded it keep it; `--model hash-ngram-v1`): every word
// (a run of ASCII letters, digits and '_', or of non-ASCII characters; ASCII lower-cased,
// not stemmed, stop words kept) and every character 3-gram of each word with '<' and '>' marking its ends
// (fastText's subwords), so "migrations" and "migration" share most features. Each distinct
// feature counts 1 + ln(tf) (sublinear term frequency; words weigh 1, 3-grams 0.5) and is
// hashed to one signed position of the output (the hashing trick: a fixed random projection of
// the sparse feature vector), and the vector is L2-normalised. An empty text (or one without a
// word, or, in v2, only stop words) gives the zero vector.
//
// It is lexical, not semantic: texts are close when they share words and word pieces, not
// when they mean the same thing ("car" and "automobile" are unrelated). It is meant for hybrid
// retrieval next to full-text search, for tests, and for machines without a model server.
//
// Stable: the same text, model and dimensions give the same vector in every strata version
// (v1 is pinned bit-for-bit by a unit test); a change of features gets a new model name.
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "embed/vector.h"

namespace strata::embed {

enum class LocalModel { hash_ngram_v1, hash_ngram_v2 };

inline constexpr const char* k_local_model_v1 = "hash-ngram-v1";
inline constexpr const char* k_local_model_v2 = "hash-ngram-v2";
// The model a collection gets when it is first embedded with the local provider.
inline constexpr LocalModel k_local_default_model = LocalModel::hash_ngram_v2;
inline constexpr const char* k_local_model = k_local_model_v2;
inline constexpr std::size_t k_local_default_dimensions = 384;
inline constexpr std::size_t k_local_min_dimensions = 16;
inline constexpr std::size_t k_local_max_dimensions = 8192;

// The model's name ("hash-ngram-v1"), and the model of a name (nullopt for any other name).
const char* local_model_name(LocalModel model);
std::optional<LocalModel> parse_local_model(std::string_view name);

class LocalEmbedder {
 public:
  // REQUIRES: k_local_min_dimensions <= dimensions <= k_local_max_dimensions.
  // hash-ngram-v2 throws Error(unavailable) on first use in a thread if SQLite has no FTS5
  // porter tokenizer (keyword search needs it too).
  explicit LocalEmbedder(std::size_t dimensions = k_local_default_dimensions,
                         LocalModel model = k_local_default_model);

  std::size_t dimensions() const { return dimensions_; }
  LocalModel model() const { return model_; }

  // The vector of `text` (any bytes; meant for UTF-8). Thread-safe: scratch space (and v2's
  // tokenizer) is per thread.
  Vector embed(std::string_view text) const;
  // Same, into `out`. REQUIRES: out.size() == dimensions().
  void embed_into(std::string_view text, std::span<float> out) const;

 private:
  std::size_t dimensions_;
  LocalModel model_;
};

}  // namespace strata::embed
