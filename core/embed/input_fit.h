#pragma once
// Fitting one input to a model's per-input token limit, and counting its tokens for batching,
// counting only when it matters: a cl100k_base token is at least one byte, so a text of n bytes
// has at most n tokens, and a text whose byte size is within the limit needs no count at all.
#include <cstddef>
#include <string>
#include <string_view>

namespace strata::embed {

struct FittedInput {
  std::size_t tokens = 0;       // exact, or the byte size when that bound was enough
  bool exact = false;           // `tokens` was counted
  bool over_limit = false;      // the text has more tokens than the limit
  std::size_t original_tokens = 0;  // when over_limit: the text's count
  std::size_t kept_bytes = 0;   // when over_limit: the longest prefix within the limit, cut at a
                                // character boundary (a prefix of the text: nothing is copied)
};

// `max_tokens` 0 means no limit (the local provider). `need_exact` asks for an exact count even
// when the bound would do (the batch planner needs it when the bound does not fit).
// REQUIRES: `text` is valid UTF-8.
FittedInput fit_input(std::string_view text, std::size_t max_tokens, bool need_exact);

// The exact cl100k_base count of `text`.
std::size_t count_tokens(std::string_view text);

}  // namespace strata::embed
