#include "tokenizer/pretokenizer.h"
#include "tokenizer/pretokenizer_scan.h"

namespace strata::tokenizer {

// The alternatives are tried in the pattern's order; the first that matches at p wins (regex
// alternation is ordered, not longest-match).
const unsigned char* next_piece_cl100k(const unsigned char* p, const unsigned char* end) {
  // ('s|'t|'re|'ve|'m|'ll|'d) in the listed letter cases: before letters, so "'sword" is 's+word.
  if (const std::size_t n = scan::contraction_length(p, end)) return p + n;

  // [^\r\n\p{L}\p{N}]?\p{L}+ : a letter run, with at most one leading non-letter (a space, a
  // quote, a tab, a mark...) that is not a newline or a number.
  const CodePoint c0 = classify(p);
  if ((c0.cls & k_letter) != 0) return scan::run(p + c0.len, end, k_letter);
  const unsigned char* after = p + c0.len;
  if ((c0.cls & (k_newline | k_number)) == 0 && after < end) {
    const CodePoint c1 = classify(after);
    if ((c1.cls & k_letter) != 0) return scan::run(after + c1.len, end, k_letter);
  }

  // \p{N}{1,3}
  if ((c0.cls & k_number) != 0) return scan::digits(p, c0, end);

  //  ?[^\s\p{L}\p{N}]+[\r\n]*
  if (const unsigned char* q = scan::punctuation(p, c0, end, /*slash=*/false)) return q;

  // Only whitespace is left: \s*[\r\n]+|\s+(?!\S)|\s+
  return scan::whitespace(p, end);
}

}  // namespace strata::tokenizer
