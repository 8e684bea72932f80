#include "search/ann_search.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/error.h"

namespace strata::search {

std::vector<VectorHit> ann_search(const AnnIndex& ann, const VectorIndex& vectors, std::span<const float> query,
                                  std::size_t k, const AnnSettings& settings) {
  if (query.size() != vectors.dims()) {
    throw Error(ExitCode::invalid_input, "the query vector has " + std::to_string(query.size()) +
                                             " dimensions but the collection's vectors have " + std::to_string(vectors.dims()));
  }
  std::vector<float> y(query.begin(), query.end());
  if (!std::all_of(y.begin(), y.end(), [](float v) { return std::isfinite(v); })) {
    throw Error(ExitCode::invalid_input, "the query vector has a value that is not a finite number");
  }
  l2_normalise(y);
  std::vector<VectorHit> hits;
  for (const std::size_t r : ann.candidates(y, std::max(k, settings.candidates))) {
    hits.push_back(VectorHit{r, dot(vectors.row(r), y)});
  }
  std::sort(hits.begin(), hits.end(),
            [](const VectorHit& a, const VectorHit& b) { return a.score != b.score ? a.score > b.score : a.row < b.row; });
  if (hits.size() > k) hits.resize(k);
  return hits;
}

}  // namespace strata::search
