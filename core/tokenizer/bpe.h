#pragma once
// Byte-level byte-pair encoding of one piece, as tiktoken does it: start from single bytes and
// repeatedly merge the adjacent pair whose concatenation has the lowest rank (the leftmost
// such pair on a tie) until no adjacent pair is a token.
#include <cstdint>
#include <string_view>
#include <vector>

#include "tokenizer/rank_table.h"

namespace strata::tokenizer {

// Appends the ranks of `piece` to `out`. REQUIRES: piece is not empty.
void byte_pair_encode(const RankTable& table, std::string_view piece, std::vector<std::uint32_t>& out);

}  // namespace strata::tokenizer
