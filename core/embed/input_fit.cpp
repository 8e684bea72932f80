#include "embed/input_fit.h"

#include <vector>

#include "common/utf8.h"
#include "tokenizer/tokenizer.h"

namespace strata::embed {
namespace {

const tokenizer::Tokenizer& cl100k() { return tokenizer::Tokenizer::get(tokenizer::Encoding::cl100k_base); }

// The longest prefix of `text` of at most `limit` tokens that ends on a character boundary.
// A token may end inside a character (byte-level BPE), so the cut moves back to the start of
// that character, and the prefix is re-counted: re-encoding a prefix can merge differently.
std::size_t prefix_within(std::string_view text, std::size_t limit) {
  const tokenizer::Tokenizer& t = cl100k();
  const std::vector<std::size_t> ends = t.token_ends(text);
  if (ends.size() <= limit) return text.size();
  for (std::size_t k = limit;; --k) {
    const std::size_t cut = utf8_boundary_before(text, k == 0 ? 0 : ends[k - 1]);
    if (k == 0 || t.count(text.substr(0, cut)) <= limit) return cut;
  }
}

}  // namespace

std::size_t count_tokens(std::string_view text) { return cl100k().count(text); }

FittedInput fit_input(std::string_view text, std::size_t max_tokens, bool need_exact) {
  FittedInput f;
  if (!need_exact && (max_tokens == 0 || text.size() <= max_tokens)) {
    f.tokens = text.size();
    return f;
  }
  f.tokens = count_tokens(text);
  f.exact = true;
  if (max_tokens != 0 && f.tokens > max_tokens) {
    f.over_limit = true;
    f.original_tokens = f.tokens;
    f.kept_bytes = prefix_within(text, max_tokens);
    f.tokens = count_tokens(text.substr(0, f.kept_bytes));
  }
  return f;
}

}  // namespace strata::embed
