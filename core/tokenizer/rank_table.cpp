#include "tokenizer/rank_table.h"

#include <stdexcept>

namespace strata::tokenizer {

namespace tf = table_format;

RankTable::RankTable(std::string_view data) {
  const auto header = [&](unsigned i) { return word(data.data(), i); };
  if (data.size() < 4 * tf::k_header_words || header(tf::magic) != tf::k_magic ||
      header(tf::version) != tf::k_version) {
    throw std::logic_error("embedded rank table: bad header");
  }
  tokens_ = header(tf::tokens);
  const std::size_t slots = std::size_t{1} << header(tf::slot_bits);
  const std::size_t expected = 4 * (tf::k_header_words + tokens_ + 1 + slots) + header(tf::blob_size);
  if (data.size() != expected) throw std::logic_error("embedded rank table: bad size");
  offsets_ = data.data() + 4 * tf::k_header_words;
  slots_ = offsets_ + 4 * (std::size_t{tokens_} + 1);
  blob_ = slots_ + 4 * slots;
  slot_mask_ = slots - 1;
  for (unsigned b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    byte_ranks_[b] = find(&c, 1, hash_bytes(&c, 1));
    // BPE starts from single bytes, so a table without all 256 of them cannot encode.
    if (byte_ranks_[b] == k_none) throw std::logic_error("embedded rank table: a byte has no rank");
  }
}

}  // namespace strata::tokenizer
