#include "tokenizer/bpe.h"

#include <algorithm>
#include <queue>

namespace strata::tokenizer {

namespace {

constexpr std::uint32_t k_none = RankTable::k_none;

std::uint32_t rank_of(const RankTable& t, const char* p, std::size_t n) {
  return t.find(p, n, hash_bytes(p, n));
}

// tiktoken's own algorithm: parts[i] is the start of part i and the rank of the pair it would
// form with the next part; each step scans for the smallest. Quadratic, but for the short pieces
// of ordinary text nothing is faster, and there is no allocation.
void merge_short(const RankTable& t, std::string_view piece, std::vector<std::uint32_t>& out) {
  struct Part {
    std::uint32_t start;
    std::uint32_t pair_rank;  // rank of this part + the next one, k_none if not a token
  };
  constexpr std::size_t k_max = 128;
  Part parts[k_max + 1];
  const std::size_t n = piece.size();
  std::size_t count = n + 1;  // parts plus an end sentinel
  for (std::size_t i = 0; i + 1 < n; ++i) {
    parts[i] = {static_cast<std::uint32_t>(i), rank_of(t, piece.data() + i, 2)};
  }
  parts[n - 1] = {static_cast<std::uint32_t>(n - 1), k_none};
  parts[n] = {static_cast<std::uint32_t>(n), k_none};

  // The rank of parts i and i+1 joined with part i+2, once i and i+1 have merged.
  const auto joined_rank = [&](std::size_t i) {
    if (i + 3 >= count) return k_none;
    return rank_of(t, piece.data() + parts[i].start, parts[i + 3].start - parts[i].start);
  };
  while (true) {
    std::size_t best = 0;
    std::uint32_t best_rank = k_none;
    for (std::size_t i = 0; i + 1 < count; ++i) {
      if (parts[i].pair_rank < best_rank) {
        best_rank = parts[i].pair_rank;
        best = i;
      }
    }
    if (best_rank == k_none) break;
    if (best > 0) parts[best - 1].pair_rank = joined_rank(best - 1);
    parts[best].pair_rank = joined_rank(best);
    std::copy(parts + best + 2, parts + count, parts + best + 1);
    --count;
  }
  for (std::size_t i = 0; i + 1 < count; ++i) {
    out.push_back(rank_of(t, piece.data() + parts[i].start, parts[i + 1].start - parts[i].start));
  }
}

// The same merges in the same order for long pieces (a minified line, a base64 blob), in
// O(n log n): a heap of candidate pairs ordered by (rank, start) -- which is exactly "lowest
// rank, leftmost first" -- with stale candidates skipped when popped.
void merge_long(const RankTable& t, std::string_view piece, std::vector<std::uint32_t>& out) {
  const std::uint32_t n = static_cast<std::uint32_t>(piece.size());
  std::vector<std::uint32_t> end(n), prev(n);  // per part start: its end and the previous start
  std::vector<bool> alive(n, true);
  struct Candidate {
    std::uint32_t rank, left, mid, right;  // parts [left, mid) and [mid, right)
    bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : left > o.left; }
  };
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap;
  const auto push = [&](std::uint32_t left, std::uint32_t mid, std::uint32_t right) {
    const std::uint32_t r = rank_of(t, piece.data() + left, right - left);
    if (r != k_none) heap.push({r, left, mid, right});
  };
  for (std::uint32_t i = 0; i < n; ++i) {
    end[i] = i + 1;
    prev[i] = i - 1;  // wraps for i == 0; never read for the first part
  }
  for (std::uint32_t i = 0; i + 1 < n; ++i) push(i, i + 1, i + 2);
  while (!heap.empty()) {
    const Candidate c = heap.top();
    heap.pop();
    if (!alive[c.left] || end[c.left] != c.mid || !alive[c.mid] || end[c.mid] != c.right) continue;
    end[c.left] = c.right;
    alive[c.mid] = false;
    if (c.right < n) prev[c.right] = c.left;
    if (c.left > 0) push(prev[c.left], c.left, c.right);
    if (c.right < n) push(c.left, c.right, end[c.right]);
  }
  for (std::uint32_t i = 0; i < n; i = end[i]) out.push_back(rank_of(t, piece.data() + i, end[i] - i));
}

}  // namespace

void byte_pair_encode(const RankTable& table, std::string_view piece, std::vector<std::uint32_t>& out) {
  if (piece.size() == 1) {
    out.push_back(table.byte_rank(static_cast<unsigned char>(piece[0])));
  } else if (piece.size() <= 128) {
    merge_short(table, piece, out);
  } else {
    merge_long(table, piece, out);
  }
}

}  // namespace strata::tokenizer
