#include "search/document_evidence.h"

#include <algorithm>
#include <cassert>
#include <unordered_map>

namespace strata::search {

std::vector<RankedHit> with_document_evidence(std::span<const RankedHit> hits, std::span<const std::int64_t> documents,
                                              const DocumentEvidence& evidence) {
  assert(hits.size() == documents.size());
  std::vector<RankedHit> out(hits.begin(), hits.end());
  if (hits.empty() || !(hits.front().score > 0.0)) return out;
  const double best = hits.front().score;
  const std::size_t pool = std::min(evidence.pool, hits.size());
  for (std::size_t i = pool; i < hits.size(); ++i) out[i].score = hits[i].score / best;

  // Each document's chunk scores, best first (the list is best first, so they arrive in order).
  std::unordered_map<std::int64_t, std::vector<double>> by_document;
  for (std::size_t i = 0; i < pool; ++i) by_document[documents[i]].push_back(hits[i].score / best);

  for (std::size_t i = 0; i < pool; ++i) {
    const double own = hits[i].score / best;
    const std::vector<double>& scores = by_document[documents[i]];
    double others = 0.0;
    std::size_t counted = 0;
    bool skipped_own = false;
    for (const double s : scores) {
      if (counted == evidence.others) break;
      if (!skipped_own && s == own) {  // the chunk itself (or an equal one, which is the same sum)
        skipped_own = true;
        continue;
      }
      others += s;
      ++counted;
    }
    out[i].score = own + evidence.weight * others;
  }
  std::stable_sort(out.begin(), out.end(), [](const RankedHit& a, const RankedHit& b) { return a.score > b.score; });
  return out;
}

}  // namespace strata::search
