#include "search/rrf.h"

#include <algorithm>
#include <cassert>
#include <unordered_map>

namespace strata::search {

std::vector<FusedHit> fuse_rrf(std::span<const std::vector<RankedHit>> lists, std::size_t limit,
                               double k, std::span<const double> weights) {
  assert(weights.empty() || weights.size() == lists.size());
  std::vector<FusedHit> hits;
  std::unordered_map<std::int64_t, std::size_t> index;  // id -> position in hits
  for (std::size_t l = 0; l < lists.size(); ++l) {
    const std::vector<RankedHit>& list = lists[l];
    for (std::size_t r = 0; r < list.size(); ++r) {
      auto [it, fresh] = index.try_emplace(list[r].id, hits.size());
      if (fresh) {
        hits.push_back(FusedHit{list[r].id, 0.0, std::vector<std::optional<ListPosition>>(lists.size())});
      }
      std::optional<ListPosition>& slot = hits[it->second].lists[l];
      if (!slot) slot = ListPosition{r + 1, list[r].score};
    }
  }
  // Best rank over the lists and the first list that has it: the tie-breakers after the score.
  struct Key {
    std::size_t best_rank;
    std::size_t best_list;
  };
  std::vector<Key> keys(hits.size());
  for (std::size_t h = 0; h < hits.size(); ++h) {
    FusedHit& hit = hits[h];
    Key key{static_cast<std::size_t>(-1), lists.size()};
    for (std::size_t l = 0; l < hit.lists.size(); ++l) {
      if (!hit.lists[l]) continue;
      const double weight = weights.empty() ? 1.0 : weights[l];
      hit.score += weight / (k + static_cast<double>(hit.lists[l]->rank));
      if (hit.lists[l]->rank < key.best_rank) key = Key{hit.lists[l]->rank, l};
    }
    keys[h] = key;
  }
  std::vector<std::size_t> order(hits.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto better = [&](std::size_t a, std::size_t b) {
    if (hits[a].score != hits[b].score) return hits[a].score > hits[b].score;
    if (keys[a].best_rank != keys[b].best_rank) return keys[a].best_rank < keys[b].best_rank;
    if (keys[a].best_list != keys[b].best_list) return keys[a].best_list < keys[b].best_list;
    return hits[a].id < hits[b].id;
  };
  const std::size_t n = std::min(limit, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n), order.end(), better);
  std::vector<FusedHit> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(std::move(hits[order[i]]));
  return out;
}

}  // namespace strata::search
