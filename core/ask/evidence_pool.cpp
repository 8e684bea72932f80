#include "ask/evidence_pool.h"

#include <algorithm>

#include "common/text.h"
#include "llm/context_pack.h"
#include "llm/extractive.h"

namespace strata::ask {

bool evidence_beats(const llm::ExtractiveEvidence& a, const llm::ExtractiveEvidence& b) {
  if (a.fit != b.fit) return a.fit > b.fit;
  // Sentence scores over a pool are close and noisy (a page of other commands that "cannot be
  // executed inside a transaction block" scores a little above the entry asked about): only a
  // clear margin says the deeper passage answers better.
  return a.score > k_evidence_margin * b.score;
}

std::vector<search::SearchHit> by_evidence(std::string_view question, const std::vector<search::SearchHit>& pool,
                                           std::size_t k) {
  std::vector<llm::Source> sources(pool.size());
  for (std::size_t i = 0; i < pool.size(); ++i) {
    sources[i].number = i + 1;
    sources[i].chunk = pool[i].chunk;
  }
  const std::vector<llm::ExtractiveEvidence> evidence = llm::extractive_evidence(question, sources);
  llm::ExtractiveEvidence packed;  // the best of what retrieval's first k give
  for (std::size_t i = 0; i < pool.size() && i < k; ++i) packed = std::max(packed, evidence[i]);
  std::vector<std::size_t> chosen;
  for (std::size_t i = k; i < pool.size(); ++i) {
    if (evidence[i].score > 0.0 && evidence_beats(evidence[i], packed)) chosen.push_back(i);
  }
  std::stable_sort(chosen.begin(), chosen.end(), [&](std::size_t a, std::size_t b) { return evidence[a] > evidence[b]; });
  if (chosen.size() > k_evidence_passages) chosen.resize(k_evidence_passages);

  std::vector<bool> taken(pool.size(), false);
  std::vector<search::SearchHit> hits;
  for (const std::size_t i : chosen) {
    taken[i] = true;
    hits.push_back(pool[i]);
    // A passage that ends introducing something ("..., or roll back everything newer than a
    // version listed by status:") was cut from what it introduces: the chunk that follows it in
    // its document, when the pool holds it, is packed right after it (and merged with it).
    const store::ChunkRef& c = pool[i].chunk;
    if (!trim(c.text).ends_with(':')) continue;
    for (std::size_t j = 0; j < pool.size(); ++j) {
      const store::ChunkRef& next = pool[j].chunk;
      if (taken[j] || next.document_id != c.document_id || next.byte_start <= c.byte_start ||
          next.byte_start > c.byte_end + k_follow_gap_bytes) {
        continue;
      }
      taken[j] = true;
      hits.push_back(pool[j]);
      break;
    }
  }
  for (std::size_t i = 0; i < pool.size() && i < k; ++i) {
    if (!taken[i]) hits.push_back(pool[i]);
  }
  return hits;
}

}  // namespace strata::ask
