#pragma once
// A page's chunks as evidence for each other. A question is answered by a page (a manual's
// section, a tutorial), and the page that answers it usually matches it in several chunks, while
// a page that merely mentions its words (a changelog, an index, a neighbouring topic) matches in
// one. Ranking each chunk by its own BM25 alone puts the mention level with the answer; adding a
// share of the scores of its document's other matching chunks does not (passage-to-document
// score aggregation, as in Dai & Callan's SumP, bounded here to a few chunks so that long pages
// do not win by length).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "search/rrf.h"

namespace strata::search {

// How many of a list's best chunks gather and receive evidence: the chunks of one page that
// match a query are rarely all in its first ten. Fixed, not the depth a search asks for, so that
// a chunk's score (and so the order of the first hits) is the same for -k 10 and -k 100, and in
// keyword and hybrid mode; a deeper pool let long tails of weak matches lift each other
// (CISI nDCG@10 0.3848 hybrid at a pool of 400 against 0.3889 at 100; BENCHMARKS.md).
inline constexpr std::size_t kDocumentEvidencePool = 100;

struct DocumentEvidence {
  double weight = 0.15;        // share of each other chunk's score that counts
  std::size_t others = 6;      // how many of the document's other best chunks count
  std::size_t pool = kDocumentEvidencePool;
};

// `hits`: a list best first with positive scores (BM25); `documents[i]`: the document of hits[i].
// Returns the same chunks re-scored, best first: each of the first `pool` as score/best + weight *
// (sum of the `others` best scores/best of the other chunks of its document among the first
// `pool`); those after the pool keep score/best, and so stay below it in their order. Equal scores
// keep their order in `hits`. A chunk alone in its document keeps its score/best, so a list where
// every document has one chunk keeps its order. Empty in, empty out; `documents` must be as long
// as `hits`.
std::vector<RankedHit> with_document_evidence(std::span<const RankedHit> hits, std::span<const std::int64_t> documents,
                                              const DocumentEvidence& evidence = {});

}  // namespace strata::search
