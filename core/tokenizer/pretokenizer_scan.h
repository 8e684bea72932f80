#pragma once
// Building blocks shared by the two pre-tokenizers: each one matches one part of a split
// pattern at `p` and returns where the match ends (or nullptr / p when it does not match).
#include <cstddef>

#include "tokenizer/char_class.h"

namespace strata::tokenizer::scan {

// The end of the run of characters whose class has a bit of `mask`, starting at p.
inline const unsigned char* run(const unsigned char* p, const unsigned char* end, unsigned mask) {
  while (p < end) {
    const CodePoint c = classify(p);
    if ((c.cls & mask) == 0) break;
    p += c.len;
  }
  return p;
}

// The end of the run of characters whose class has no bit of `mask`, starting at p.
inline const unsigned char* run_not(const unsigned char* p, const unsigned char* end, unsigned mask) {
  while (p < end) {
    const CodePoint c = classify(p);
    if ((c.cls & mask) != 0) break;
    p += c.len;
  }
  return p;
}

// Bytes of the contraction at p ('s 't 'm 'd 're 've 'll in any letter case, apostrophe
// U+0027 only), or 0.
inline std::size_t contraction_length(const unsigned char* p, const unsigned char* end) {
  if (end - p < 2 || p[0] != '\'') return 0;
  // `| 0x20` lower-cases ASCII letters; no other byte maps onto the letters tested here.
  const int c1 = p[1] | 0x20;
  if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd') return 2;
  if (end - p < 3) return 0;
  const int c2 = p[2] | 0x20;
  return ((c1 == 'r' || c1 == 'v') && c2 == 'e') || (c1 == 'l' && c2 == 'l') ? 3 : 0;
}

// \p{N}{1,3}, given that the character at p is a number.
inline const unsigned char* digits(const unsigned char* p, CodePoint c0, const unsigned char* end) {
  p += c0.len;
  for (int i = 0; i < 2 && p < end; ++i) {
    const CodePoint c = classify(p);
    if ((c.cls & k_number) == 0) break;
    p += c.len;
  }
  return p;
}

// ` ?[^\s\p{L}\p{N}]+[\r\n]*` (also '/' in the tail when `slash`), or nullptr.
inline const unsigned char* punctuation(const unsigned char* p, CodePoint c0, const unsigned char* end,
                                        bool slash) {
  constexpr unsigned stop = k_space | k_letter | k_number;
  const unsigned char* q = p;
  if (*p == ' ') {
    // The optional space counts only when punctuation follows; a lone space is not enough.
    if (p + 1 == end || (classify(p + 1).cls & stop) != 0) return nullptr;
    q = p + 1;
  } else if ((c0.cls & stop) != 0) {
    return nullptr;
  }
  q = run_not(q, end, stop);
  while (q < end && (*q == '\r' || *q == '\n' || (slash && *q == '/'))) ++q;
  return q;
}

// `\s*[\r\n]+|\s+(?!\S)|\s+`, given that the character at p is whitespace:
// - with a newline in the whitespace run: up to and including its last newline;
// - else the whole run when it ends the text;
// - else the run but its last character (which then leads the next piece), if that leaves one;
// - else the single whitespace character.
inline const unsigned char* whitespace(const unsigned char* p, const unsigned char* end) {
  const unsigned char* q = p;
  const unsigned char* last_newline = nullptr;
  const unsigned char* last_start = p;
  while (q < end) {
    const CodePoint c = classify(q);
    if ((c.cls & k_space) == 0) break;
    if ((c.cls & k_newline) != 0) last_newline = q;
    last_start = q;
    q += c.len;
  }
  if (last_newline != nullptr) return last_newline + 1;
  if (q == end) return q;
  return last_start > p ? last_start : q;
}

}  // namespace strata::tokenizer::scan
