#pragma once
// Character classes used by the encodings' split patterns, one bit each, read straight from the
// UTF-8 bytes. ASCII comes from a table; everything else from utf8proc's Unicode categories.
#include <array>
#include <cstddef>
#include <cstdint>

namespace strata::tokenizer {

enum CharClass : std::uint8_t {
  k_letter = 1,    // \p{L}: Lu Ll Lt Lm Lo
  k_number = 2,    // \p{N}: Nd Nl No
  k_space = 4,     // \s as tiktoken (Rust regex) has it, Unicode White_Space: \t \n \v \f \r,
                   // U+0085, Zs (U+0020 U+00A0 U+1680 U+2000-200A U+202F U+205F U+3000),
                   // U+2028, U+2029. Not U+FEFF (JavaScript's \s has it) nor U+001C-001F.
  k_newline = 8,   // \r or \n
  k_upper = 16,    // o200k's [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]
  k_lower = 32,    // o200k's [\p{Ll}\p{Lm}\p{Lo}\p{M}]
};

struct CodePoint {
  std::uint8_t cls;  // CharClass bits
  std::uint8_t len;  // bytes in the UTF-8 sequence, 1 to 4
};

namespace detail {

inline constexpr std::array<std::uint8_t, 128> k_ascii_class = [] {
  std::array<std::uint8_t, 128> v{};
  for (std::size_t c = 'A'; c <= 'Z'; ++c) v[c] = k_letter | k_upper;
  for (std::size_t c = 'a'; c <= 'z'; ++c) v[c] = k_letter | k_lower;
  for (std::size_t c = '0'; c <= '9'; ++c) v[c] = k_number;
  v['\t'] = v['\v'] = v['\f'] = v[' '] = k_space;
  v['\n'] = v['\r'] = k_space | k_newline;
  return v;
}();

CodePoint classify_non_ascii(const unsigned char* p);

}  // namespace detail

// The class and length of the character at `p`. REQUIRES: p starts a valid UTF-8 sequence (the
// tokenizer's input is validated UTF-8), so no bounds are needed beyond the first byte.
inline CodePoint classify(const unsigned char* p) {
  if (*p < 0x80) return {detail::k_ascii_class[*p], 1};
  return detail::classify_non_ascii(p);
}

}  // namespace strata::tokenizer
