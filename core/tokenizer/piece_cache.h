#pragma once
// A bounded memo of piece -> token ranks for pieces that are not themselves tokens. Text repeats
// its words, so most multi-token pieces are seen many times; a hit skips byte-pair merging.
// Not thread-safe: the tokenizer keeps one per thread and encoding.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace strata::tokenizer {

class PieceCache {
 public:
  // Pieces longer than this are not cached (rare, and rarely repeated).
  static constexpr std::size_t k_max_piece = 64;

  PieceCache();

  // The cached ranks of `piece` (hash = hash_bytes(piece)), or an empty span.
  std::span<const std::uint32_t> find(std::string_view piece, std::uint64_t hash) const;

  // Remembers `ranks` for `piece`. The table starts small (short inputs stay cheap) and grows;
  // when full, the cache starts over: simpler than LRU, and the frequent pieces come back
  // within a few hundred words.
  void insert(std::string_view piece, std::uint64_t hash, std::span<const std::uint32_t> ranks);

 private:
  struct Entry {
    std::uint64_t hash = 0;
    std::uint32_t key = 0;    // offset in keys_
    std::uint32_t ranks = 0;  // offset in ranks_
    std::uint16_t key_len = 0;  // 0: empty slot
    std::uint16_t rank_count = 0;
  };
  void clear();
  void grow();

  std::vector<Entry> slots_;  // a power of two, at most half full
  std::vector<char> keys_;
  std::vector<std::uint32_t> ranks_;
  std::size_t used_ = 0;
};

}  // namespace strata::tokenizer
