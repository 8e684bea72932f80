#include "search/ann_search.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <thread>

#include "common/error.h"

namespace strata::search {

// AnnSettings' choices by size and machine live here, beside the search that uses them.
const std::size_t k_ann_breadth_small = 400;
const std::size_t k_ann_breadth_large = 1250;
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

const std::size_t k_ann_codes_breadth_least = 200;
const std::size_t k_ann_codes_nodes_per_candidate = 5000;

std::size_t ann_codes_breadth_by_size(std::size_t rows) {
  return std::max(k_ann_codes_breadth_least, rows / k_ann_codes_nodes_per_candidate);
}

std::size_t AnnSettings::breadth_for(std::size_t rows) const {
  if (search_breadth != 0) return search_breadth;
  return kind == AnnKind::rabitq ? ann_codes_breadth_by_size(rows) : ann_breadth_by_size(rows);
}

const char* ann_kind_name(AnnKind kind) { return kind == AnnKind::rabitq ? "rabitq" : "hnsw"; }

std::optional<AnnKind> ann_kind_named(std::string_view name) {
  if (name == "rabitq") return AnnKind::rabitq;
  if (name == "hnsw") return AnnKind::hnsw;
  return std::nullopt;
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
  // Each candidate node is scored once, from its first row: its copies hold the same vector.
  struct Scored {
    std::size_t node;
    float score;
  };
  std::vector<Scored> nodes;
  for (const std::size_t n : ann.candidates(y, std::max({k, settings.candidates, settings.breadth_for(ann.nodes())}))) {
    nodes.push_back(Scored{n, dot(vectors.row(ann.node_rows(n).front()), y)});
  }
  std::sort(nodes.begin(), nodes.end(), [](const Scored& a, const Scored& b) { return a.score > b.score; });
  // The rows of the best nodes, until k are held and the next node scores below the last taken
  // (a node that ties with it may hold lower rows, which come first among equals).
  std::vector<VectorHit> hits;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (i > 0 && hits.size() >= k && nodes[i].score < nodes[i - 1].score) break;
    for (const std::uint32_t r : ann.node_rows(nodes[i].node)) hits.push_back(VectorHit{r, nodes[i].score});
  }
  std::sort(hits.begin(), hits.end(),
            [](const VectorHit& a, const VectorHit& b) { return a.score != b.score ? a.score > b.score : a.row < b.row; });
  if (hits.size() > k) hits.resize(k);
  return hits;
}

}  // namespace strata::search
