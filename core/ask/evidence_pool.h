#pragma once
// The offline answer's choice of passages. Keyword search ranks a chunk by the question's words
// across the whole chunk; the extractive answer quotes single sentences, and the chunk holding
// the sentence that answers can rank below chunks that repeat the question's words in sentences
// that do not ("how do I roll back a migration": the transaction rules outrank the `down`
// examples; "which wal_level for logical replication": wal_level's other uses outrank logical
// replication's settings). A model reads past those; the offline answer can only quote what was
// packed. So offline, retrieval goes deeper (k_offline_pool) and the answer's own scorer rates
// every passage (llm::extractive_evidence): a passage below the first k that clearly beats all
// of them is packed first. Retrieval's first k follow in its order, as before. A model's answer
// is packed as retrieval ranks.
#include <cstddef>
#include <string_view>
#include <vector>

#include "llm/extractive.h"
#include "search/hit.h"

namespace strata::ask {

// How deep the offline answer's retrieval goes (the request's k when larger).
inline constexpr std::size_t k_offline_pool = 60;
// How many passages from below the first k are packed first, at most.
inline constexpr std::size_t k_evidence_passages = 4;
// With the same fit to the question's kind, a deeper passage's best sentence must score this
// many times the best of the first k's.
inline constexpr double k_evidence_margin = 1.25;
// A following chunk starts at most this many bytes after the one before it ends (the
// whitespace a chunker drops; llm::ContextOptions::merge_gap_bytes merges them).
inline constexpr std::size_t k_follow_gap_bytes = 4;

// Whether evidence `a` beats `b`: a better fit to the question's kind, or the same fit and a
// score over k_evidence_margin times b's.
bool evidence_beats(const llm::ExtractiveEvidence& a, const llm::ExtractiveEvidence& b);

// The hits to pack, from `pool` (retrieval's order, best first): the passages after the first
// `k` whose evidence for `question` beats that of each of the first `k` (at most
// k_evidence_passages, best first, each followed by the chunk after it when it ends with ':'
// and the pool holds that chunk), then the first `k` of `pool` not already taken, in order.
// With no such passage: the first `k` of `pool`.
std::vector<search::SearchHit> by_evidence(std::string_view question, const std::vector<search::SearchHit>& pool,
                                           std::size_t k);

}  // namespace strata::ask
