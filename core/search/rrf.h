#pragma once
// Reciprocal rank fusion for hybrid search: several ranked lists of the same kind of id (chunk
// ids from keyword and from vector search) become one ranking, where an id scores
// sum over lists of 1 / (k + rank), rank 1-based (or weight / (k + rank), weighted RRF). RRF needs no score calibration between BM25
// and cosine, which is why hybrid search uses it (Cormack, Clarke & Büttcher, SIGIR 2009).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace strata::search {

inline constexpr double kRrfK = 60.0;

// One entry of an input list, best first. `score` is the list's own score (BM25, cosine), kept
// only for --explain; fusion uses the position alone.
struct RankedHit {
  std::int64_t id = 0;
  double score = 0.0;
};

// Where an id stood in one input list.
struct ListPosition {
  std::size_t rank = 0;  // 1-based
  double score = 0.0;    // the list's own score
};

struct FusedHit {
  std::int64_t id = 0;
  double score = 0.0;  // sum of 1 / (k + rank) over the lists that hold the id
  // One entry per input list, in the order the lists were given; nullopt where the id is absent.
  std::vector<std::optional<ListPosition>> lists;
};

// Fuses `lists` (each best first) and returns at most `limit` hits, best first. An id repeated
// within one list counts once, at its best (first) position. Ties are broken deterministically:
// higher fused score, then the better best rank in any list, then the earlier list holding that
// best rank, then the smaller id. Scores are summed in list order, so equal inputs give bitwise
// equal outputs.
// `weights` (weighted RRF): list l contributes weights[l] / (k + rank) instead of 1 / (k + rank).
// Default: empty, every list weight 1 (plain RRF). A list of weight 0 still reports its
// positions in FusedHit::lists (for --explain) and its ids can still appear, but adds nothing
// to the score. REQUIRES: k > 0; weights empty or one per list, each finite and >= 0.
std::vector<FusedHit> fuse_rrf(std::span<const std::vector<RankedHit>> lists, std::size_t limit,
                               double k = kRrfK, std::span<const double> weights = {});

}  // namespace strata::search
