#include "tokenizer/pretokenizer.h"
#include "tokenizer/pretokenizer_scan.h"

namespace strata::tokenizer {

namespace {

// U = [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] (k_upper), W = [\p{Ll}\p{Lm}\p{Lo}\p{M}] (k_lower). Lm, Lo
// and marks are in both, which is why the backtracking below matters.

// U*W+ from s, as a backtracking engine finds it: U* first takes the whole U run [s, u), then
// gives characters back until W+ can start. So W+ starts at u when the character there is in W,
// else at the last character of the run that is in W; then it runs as far as it can.
const unsigned char* upper_star_lower_plus(const unsigned char* s, const unsigned char* end) {
  const unsigned char* q = s;
  const unsigned char* last_lower = nullptr;
  while (q < end) {
    const CodePoint c = classify(q);
    if ((c.cls & k_upper) == 0) break;
    if ((c.cls & k_lower) != 0) last_lower = q;
    q += c.len;
  }
  const unsigned char* start = nullptr;
  if (q < end && (classify(q).cls & k_lower) != 0) {
    start = q;
  } else if (last_lower != nullptr) {
    start = last_lower;
  } else {
    return nullptr;
  }
  return scan::run(start, end, k_lower);
}

// U+W* from s: both greedy, and W* can be empty, so no backtracking is ever needed.
const unsigned char* upper_plus_lower_star(const unsigned char* s, const unsigned char* end) {
  const unsigned char* u = scan::run(s, end, k_upper);
  return u == s ? nullptr : scan::run(u, end, k_lower);
}

const unsigned char* with_contraction(const unsigned char* q, const unsigned char* end) {
  return q + scan::contraction_length(q, end);
}

}  // namespace

// The alternatives are tried in the pattern's order; within each, the optional leading
// [^\r\n\p{L}\p{N}] is tried present first, then absent (it can be a mark, which U and W also
// match).
const unsigned char* next_piece_o200k(const unsigned char* p, const unsigned char* end) {
  const CodePoint c0 = classify(p);
  const bool prefix = (c0.cls & (k_letter | k_number | k_newline)) == 0;
  const unsigned char* after = p + c0.len;

  // [^\r\n\p{L}\p{N}]?U*W+C?
  if (prefix && after < end) {
    if (const unsigned char* q = upper_star_lower_plus(after, end)) return with_contraction(q, end);
  }
  if (const unsigned char* q = upper_star_lower_plus(p, end)) return with_contraction(q, end);

  // [^\r\n\p{L}\p{N}]?U+W*C?
  if (prefix && after < end) {
    if (const unsigned char* q = upper_plus_lower_star(after, end)) return with_contraction(q, end);
  }
  if (const unsigned char* q = upper_plus_lower_star(p, end)) return with_contraction(q, end);

  // \p{N}{1,3}
  if ((c0.cls & k_number) != 0) return scan::digits(p, c0, end);

  //  ?[^\s\p{L}\p{N}]+[\r\n/]*
  if (const unsigned char* q = scan::punctuation(p, c0, end, /*slash=*/true)) return q;

  // Only whitespace is left: \s*[\r\n]+|\s+(?!\S)|\s+
  return scan::whitespace(p, end);
}

}  // namespace strata::tokenizer
