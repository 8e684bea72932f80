#pragma once
// A vector search answered from the approximate index (ann_index.h): its candidates rescored
// exactly, each with the stored (normalised) row and dot(), the scan's own score.
#include <cstddef>
#include <span>
#include <vector>

#include "search/ann_index.h"
#include "search/ann_settings.h"
#include "search/vector_index.h"

namespace strata::search {

// The k best rows for `query` (any length; normalised here) among the max(k, settings.candidates,
// settings.breadth_for(ann.nodes())) candidate nodes (every row
// of each) of `ann`'s graph search, best first, equal scores
// in ascending row order (as VectorIndex::search).
// REQUIRES: `ann` was built from `vectors` (same rows and dims). Throws strata::Error
// (invalid_input) when query.size() != dims or a value is not finite. Thread-safe.
std::vector<VectorHit> ann_search(const AnnIndex& ann, const VectorIndex& vectors, std::span<const float> query,
                                  std::size_t k, const AnnSettings& settings);

}  // namespace strata::search
