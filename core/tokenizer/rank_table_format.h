#pragma once
// The layout of an embedded rank table, shared by the build-time generator
// (generator/make_rank_table.cpp) and the run-time reader (rank_table.cpp). Everything is
// precomputed at build time so that using a table costs no parsing at start-up: the bytes of
// every token, and an open-addressing hash table from token bytes to rank.
//
//   u32 header[k_header_words]          magic, version, token count, slot bits, blob size
//   u32 offsets[tokens + 1]             start of each token's bytes in blob, by rank
//   u32 slots[1 << slot_bits]           k_empty_slot, or rank | tag << k_rank_bits
//   u8  blob[blob size]                 the token bytes, concatenated in rank order
//
// Integers are in host byte order (the generator runs on the build host). A token's slot is
// found by linear probing from hash_bytes(token) & (slots - 1); the tag (high hash bits) lets a
// probe reject most non-matching slots without touching the token bytes.
#include <cstdint>

namespace strata::tokenizer::table_format {

inline constexpr std::uint32_t k_magic = 0x4B525453;  // "STRK"
inline constexpr std::uint32_t k_version = 1;
inline constexpr std::uint32_t k_header_words = 8;
inline constexpr unsigned k_rank_bits = 18;  // o200k_base has 199998 ranks < 2^18
inline constexpr std::uint32_t k_rank_mask = (1u << k_rank_bits) - 1;
inline constexpr std::uint32_t k_empty_slot = 0xFFFFFFFFu;

enum Header : unsigned { magic = 0, version = 1, tokens = 2, slot_bits = 3, blob_size = 4 };

inline std::uint32_t tag_of(std::uint64_t hash) {
  return static_cast<std::uint32_t>(hash >> (64 - (32 - k_rank_bits)));
}

}  // namespace strata::tokenizer::table_format
