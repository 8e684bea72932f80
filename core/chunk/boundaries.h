#pragma once
// Internal to core/chunk: where a chunk may begin or end. A position is a boundary when it is
// 0, the end of the text, or the start of an extended grapheme cluster (UAX #29, as utf8proc
// computes it). The few code-point starts that are NOT cluster starts (a combining mark, the LF
// of CR LF, the parts of an emoji ZWJ sequence, ...) are found in one pass and kept sorted, so
// mostly-ASCII text costs one fast scan and no memory.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/utf8.h"

namespace strata::chunk::detail {

// The ASCII whitespace a splitter may drop at a chunk edge: space, \t, \n, \v, \f, \r.
inline bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

// Decodes the code point at `p` (common/utf8.h's utf8_decode; the chunker's text is valid UTF-8,
// an ill-formed byte would give U+FFFD); `len` receives its byte length.
std::int32_t decode_at(std::string_view text, std::size_t p, std::size_t& len);

// Code points in [a, b); a and b must be code-point starts (or the end).
std::size_t count_code_points(std::string_view text, std::size_t a, std::size_t b);

// '\n' bytes in [a, b).
std::size_t count_newlines(std::string_view text, std::size_t a, std::size_t b);

// Both at once.
void count_code_points_and_newlines(std::string_view text, std::size_t a, std::size_t b,
                                    std::size_t& code_points, std::size_t& newlines);

class Boundaries {
 public:
  explicit Boundaries(std::string_view text);

  std::string_view text() const { return text_; }
  std::size_t size() const { return text_.size(); }

  bool is_boundary(std::size_t p) const {
    if (p == 0 || p >= text_.size()) return true;
    if (is_utf8_continuation(static_cast<unsigned char>(text_[p]))) return false;
    return glue_.empty() || !std::binary_search(glue_.begin(), glue_.end(), p);
  }
  // The greatest boundary <= p, and the least boundary >= p.
  std::size_t floor(std::size_t p) const;
  std::size_t ceil(std::size_t p) const;
  // The boundary after / before p (p < size / p > 0).
  std::size_t next(std::size_t p) const;
  std::size_t prev(std::size_t p) const;

 private:
  std::string_view text_;
  std::vector<std::size_t> glue_;  // code-point starts that are not cluster starts, ascending
};

}  // namespace strata::chunk::detail
