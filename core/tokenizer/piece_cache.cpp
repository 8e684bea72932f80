#include "tokenizer/piece_cache.h"

#include <algorithm>

#include "tokenizer/byte_hash.h"

namespace strata::tokenizer {

namespace {
constexpr std::size_t k_min_slots = std::size_t{1} << 10;
// 2^17 pieces (6 MB of slots, about 2 MB of keys and ranks): more than the distinct
// multi-token pieces of 33 MB of documentation (85k).
constexpr std::size_t k_max_slots = std::size_t{1} << 18;
}  // namespace

PieceCache::PieceCache() : slots_(k_min_slots) {}

std::span<const std::uint32_t> PieceCache::find(std::string_view piece, std::uint64_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Entry& e = slots_[i];
    if (e.key_len == 0) return {};
    if (e.hash == hash && e.key_len == piece.size() && bytes_equal(keys_.data() + e.key, piece.data(), piece.size())) {
      return {ranks_.data() + e.ranks, e.rank_count};
    }
  }
}

void PieceCache::insert(std::string_view piece, std::uint64_t hash, std::span<const std::uint32_t> ranks) {
  if (piece.empty() || piece.size() > k_max_piece || ranks.size() > 0xFFFF) return;
  if (used_ >= slots_.size() / 2) {
    if (slots_.size() < k_max_slots) {
      grow();
    } else {
      clear();
    }
  }
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = hash & mask;
  while (slots_[i].key_len != 0) i = (i + 1) & mask;
  slots_[i] = {hash, static_cast<std::uint32_t>(keys_.size()), static_cast<std::uint32_t>(ranks_.size()),
               static_cast<std::uint16_t>(piece.size()), static_cast<std::uint16_t>(ranks.size())};
  keys_.insert(keys_.end(), piece.begin(), piece.end());
  ranks_.insert(ranks_.end(), ranks.begin(), ranks.end());
  ++used_;
}

void PieceCache::grow() {
  std::vector<Entry> old(slots_.size() * 2);
  old.swap(slots_);
  const std::size_t mask = slots_.size() - 1;
  for (const Entry& e : old) {
    if (e.key_len == 0) continue;
    std::size_t i = e.hash & mask;
    while (slots_[i].key_len != 0) i = (i + 1) & mask;
    slots_[i] = e;
  }
}

void PieceCache::clear() {
  std::fill(slots_.begin(), slots_.end(), Entry{});
  keys_.clear();
  ranks_.clear();
  used_ = 0;
}

}  // namespace strata::tokenizer
