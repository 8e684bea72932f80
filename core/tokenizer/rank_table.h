#pragma once
// Read-only view of an embedded rank table (rank_table_format.h): token bytes <-> rank. No
// allocation and no parsing beyond the header; lookups are a hash probe.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "tokenizer/byte_hash.h"
#include "tokenizer/rank_table_format.h"

namespace strata::tokenizer {

class RankTable {
 public:
  static constexpr std::uint32_t k_none = 0xFFFFFFFFu;

  // `data` must outlive the table and hold a table written by make_rank_table; a malformed one
  // is a build error, reported by throwing std::logic_error.
  explicit RankTable(std::string_view data);

  std::uint32_t size() const { return tokens_; }

  // The rank of the token whose bytes are [p, p+n), or k_none. `hash` is hash_bytes(p, n).
  std::uint32_t find(const char* p, std::size_t n, std::uint64_t hash) const {
    const std::uint32_t tag = table_format::tag_of(hash);
    for (std::size_t i = hash & slot_mask_;; i = (i + 1) & slot_mask_) {
      const std::uint32_t s = word(slots_, i);
      if (s == table_format::k_empty_slot) return k_none;
      if ((s >> table_format::k_rank_bits) != tag) continue;
      const std::uint32_t rank = s & table_format::k_rank_mask;
      const std::uint32_t begin = word(offsets_, rank);
      if (word(offsets_, rank + 1) - begin == n && bytes_equal(blob_ + begin, p, n)) return rank;
    }
  }
  std::uint32_t find(std::string_view bytes) const {
    return find(bytes.data(), bytes.size(), hash_bytes(bytes.data(), bytes.size()));
  }

  // The bytes of `rank`; REQUIRES rank < size().
  std::string_view bytes_of(std::uint32_t rank) const {
    const std::uint32_t begin = word(offsets_, rank);
    return {blob_ + begin, word(offsets_, rank + 1) - begin};
  }
  std::size_t length_of(std::uint32_t rank) const { return word(offsets_, rank + 1) - word(offsets_, rank); }

  // Rank of each single byte (every byte is a token in the supported encodings).
  std::uint32_t byte_rank(unsigned char b) const { return byte_ranks_[b]; }

 private:
  // The embedded data is a char array, so words are read with memcpy (no aliasing questions;
  // compiles to a plain load).
  static std::uint32_t word(const char* base, std::size_t i) {
    std::uint32_t v;
    std::memcpy(&v, base + 4 * i, 4);
    return v;
  }

  const char* offsets_ = nullptr;
  const char* slots_ = nullptr;
  const char* blob_ = nullptr;
  std::uint32_t tokens_ = 0;
  std::size_t slot_mask_ = 0;
  std::uint32_t byte_ranks_[256] = {};
};

}  // namespace strata::tokenizer
