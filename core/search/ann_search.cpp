#include "search/ann_search.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <thread>

#include "common/error.h"

namespace strata::search {

// AnnSettings' choices by size and machine live here, beside the search that uses them.
const std::size_t k_ann_breadth_small = 400;
const std::size_t k_ann_breadth_large = 800;
const std::size_t k_ann_breadth_most = 4000;

std::size_t ann_breadth_by_size(std::size_t rows) {
  constexpr double small_rows = 109'817, large_rows = 1'318'324;
  const double per_log = (static_cast<double>(k_ann_breadth_large) - static_cast<double>(k_ann_breadth_small)) /
                         (std::log(large_rows) - std::log(small_rows));
  const double at = static_cast<double>(k_ann_breadth_small) +
                    per_log * (std::log(static_cast<double>(std::max<std::size_t>(rows, 1))) - std::log(small_rows));
  // Never below the breadth measured at the smallest size: smaller collections are cheap to
  // search wide, and a narrower search was not measured to keep the recall.
  return std::clamp(static_cast<std::size_t>(std::llround(std::max(at, 0.0))), k_ann_breadth_small, k_ann_breadth_most);
}

std::size_t AnnSettings::breadth_for(std::size_t rows) const {
  return search_breadth != 0 ? search_breadth : ann_breadth_by_size(rows);
}

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
  for (const std::size_t r : ann.candidates(y, std::max({k, settings.candidates, settings.breadth_for(ann.rows())}))) {
    hits.push_back(VectorHit{r, dot(vectors.row(r), y)});
  }
  std::sort(hits.begin(), hits.end(),
            [](const VectorHit& a, const VectorHit& b) { return a.score != b.score ? a.score > b.score : a.row < b.row; });
  if (hits.size() > k) hits.resize(k);
  return hits;
}

}  // namespace strata::search
