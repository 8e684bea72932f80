#pragma once
// One result of a search: a chunk reference with what retrieval found out about it. `ask` packs
// these into the sources of an answer as they are (llm/context_pack.h).
#include <cstddef>
#include <optional>
#include <string>

#include "search/rrf.h"
#include "store/chunk_ref.h"

namespace strata::search {

struct SearchHit {
  store::ChunkRef chunk;  // text: the chunk's full text
  std::string snippet;    // one line, at most ~200 bytes, around the best match, valid UTF-8,
                          // no control characters
  double score = 0;       // the mode's score: BM25 as a positive number, cosine, or RRF
  // Rank and score in each list (for --explain). Keyword and vector modes fill their own list.
  std::optional<ListPosition> keyword, vector;
  // Reranked: the reranker's score, and the hit's rank in the mode's order before it.
  std::optional<double> rerank_score;
  std::size_t fused_rank = 0;
};

}  // namespace strata::search
