#include "chunk/boundaries.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstring>

namespace strata::chunk::detail {
namespace {

constexpr std::uint64_t kHigh = 0x8080808080808080ULL;

inline std::uint64_t load8(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

}  // namespace

std::int32_t decode_at(std::string_view text, std::size_t p, std::size_t& len) {
  const Utf8Step step = utf8_decode(text.substr(p));
  len = step.length;
  return step.status == Utf8Status::ok ? static_cast<std::int32_t>(step.code_point) : 0xFFFD;
}

namespace {

// Continuation bytes and line feeds in [a, b), 16 bytes at a time (GCC vector extensions, so
// any target compiles it; on x86-64 it is plain SSE2). The per-lane counters are unsigned: a lane
// counts up to 255 blocks, past a signed char's 127 (signed overflow, which UBSan reported on
// any non-ASCII text of a few KB), and unsigned wrap-around is defined.
typedef signed char Bytes16 __attribute__((vector_size(16)));
typedef unsigned char Counts16 __attribute__((vector_size(16)));

template <bool kCont, bool kNewline>
void count_bytes(const char* s, std::size_t a, std::size_t b, std::size_t& cont,
                 std::size_t& newlines) {
  std::size_t i = a;
  while (i + 16 <= b) {
    Counts16 acc_cont = {}, acc_nl = {};
    const std::size_t blocks = std::min<std::size_t>((b - i) / 16, 255);
    for (std::size_t k = 0; k < blocks; ++k, i += 16) {
      Bytes16 x;
      std::memcpy(&x, s + i, 16);
      // A comparison gives -1 (all bits set) per matching lane: subtracting it as unsigned adds 1.
      if constexpr (kCont) acc_cont -= reinterpret_cast<Counts16>(x < -64);  // 0x80..0xBF
      if constexpr (kNewline) acc_nl -= reinterpret_cast<Counts16>(x == '\n');
    }
    for (int lane = 0; lane < 16; ++lane) {
      if constexpr (kCont) cont += acc_cont[lane];
      if constexpr (kNewline) newlines += acc_nl[lane];
    }
  }
  for (; i < b; ++i) {
    if constexpr (kCont) cont += is_utf8_continuation(static_cast<unsigned char>(s[i])) ? 1u : 0u;
    if constexpr (kNewline) newlines += s[i] == '\n' ? 1u : 0u;
  }
}

}  // namespace

std::size_t count_code_points(std::string_view text, std::size_t a, std::size_t b) {
  std::size_t cont = 0, newlines = 0;
  count_bytes<true, false>(text.data(), a, b, cont, newlines);
  return (b - a) - cont;
}

std::size_t count_newlines(std::string_view text, std::size_t a, std::size_t b) {
  std::size_t cont = 0, newlines = 0;
  count_bytes<false, true>(text.data(), a, b, cont, newlines);
  return newlines;
}

void count_code_points_and_newlines(std::string_view text, std::size_t a, std::size_t b,
                                    std::size_t& code_points, std::size_t& newlines) {
  std::size_t cont = 0;
  newlines = 0;
  count_bytes<true, true>(text.data(), a, b, cont, newlines);
  code_points = (b - a) - cont;
}

Boundaries::Boundaries(std::string_view text) : text_(text) {
  const char* s = text.data();
  const std::size_t n = text.size();
  std::size_t i = 0;
  std::int32_t prev = -1;  // the previous code point, -1 at the start
  utf8proc_int32_t state = 0;
  while (i < n) {
    if (static_cast<unsigned char>(s[i]) < 0x80 && (prev < 0x80)) {
      // An ASCII run after an ASCII (or no) code point: every position is a cluster start
      // except the LF of CR LF.
      std::size_t j = i;
      while (j + 8 <= n && (load8(s + j) & kHigh) == 0) j += 8;
      while (j < n && static_cast<unsigned char>(s[j]) < 0x80) ++j;
      std::size_t k = i;
      if (prev == '\r' && s[i] == '\n') glue_.push_back(i);
      while (true) {
        const void* cr = std::memchr(s + k, '\r', j - k);
        if (cr == nullptr) break;
        const std::size_t at = static_cast<std::size_t>(static_cast<const char*>(cr) - s);
        if (at + 1 < j && s[at + 1] == '\n') glue_.push_back(at + 1);
        k = at + 1;
      }
      prev = static_cast<unsigned char>(s[j - 1]);
      state = 0;  // an ASCII code point starts no multi-code-point rule (RI, emoji ZWJ)
      i = j;
      continue;
    }
    std::size_t len = 0;
    const std::int32_t cp = decode_at(text, i, len);
    if (prev >= 0 && !utf8proc_grapheme_break_stateful(prev, cp, &state)) glue_.push_back(i);
    prev = cp;
    i += len;
  }
}

std::size_t Boundaries::floor(std::size_t p) const {
  if (p >= text_.size()) return text_.size();
  while (p > 0 && !is_boundary(p)) --p;
  return p;
}

std::size_t Boundaries::ceil(std::size_t p) const {
  while (p < text_.size() && !is_boundary(p)) ++p;
  return p < text_.size() ? p : text_.size();
}

std::size_t Boundaries::next(std::size_t p) const { return ceil(p + 1); }

std::size_t Boundaries::prev(std::size_t p) const { return p == 0 ? 0 : floor(p - 1); }

}  // namespace strata::chunk::detail
