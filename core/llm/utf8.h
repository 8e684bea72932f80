#pragma once
// Internal to core/llm: one UTF-8 decoding step, as the WHATWG/Unicode "maximal subpart"
// practice defines it, for decoders that replace invalid input with U+FFFD and may be fed a
// stream in arbitrary pieces.
#include <cstddef>
#include <string>
#include <string_view>

namespace strata::llm::detail {

enum class Utf8Status {
  ok,          // a well-formed sequence of `length` bytes encoding `code_point`
  invalid,     // `length` (>= 1) bytes form one maximal ill-formed subpart: one U+FFFD
  incomplete,  // all the bytes given are a proper prefix of a well-formed sequence
};

struct Utf8Step {
  Utf8Status status = Utf8Status::invalid;
  std::size_t length = 1;
  char32_t code_point = 0;
};

// Decodes at the start of s[0, n). REQUIRES: n >= 1.
Utf8Step utf8_step(const unsigned char* s, std::size_t n);

inline constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

void append_utf8(std::string& out, char32_t code_point);

// `text` with each maximal ill-formed subpart (and a sequence cut at the end) replaced by
// U+FFFD; valid text is returned unchanged.
std::string replace_invalid_utf8(std::string_view text);

}  // namespace strata::llm::detail
