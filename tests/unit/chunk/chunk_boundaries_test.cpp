// The vectorised byte counts of chunk/boundaries against a plain loop, on multilingual text long
// enough that a 16-byte lane counts past 127 blocks (a signed 8-bit counter overflowed there;
// UBSan saw it on any non-ASCII text of a few KB, and no test had such text).
#include "chunk/boundaries.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>

namespace strata::chunk::detail {
namespace {

std::size_t naive_code_points(const std::string& s, std::size_t a, std::size_t b) {
  std::size_t n = 0;
  for (std::size_t i = a; i < b; ++i) n += (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 ? 1u : 0u;
  return n;
}

std::size_t naive_newlines(const std::string& s, std::size_t a, std::size_t b) {
  std::size_t n = 0;
  for (std::size_t i = a; i < b; ++i) n += s[i] == '\n' ? 1u : 0u;
  return n;
}

// The first code-point start at or after `i` (the functions' contract: ranges start and end on them).
std::size_t start_at(const std::string& s, std::size_t i) {
  while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  return i;
}

// Accents, CJK, Cyrillic, an emoji and line feeds: every lane sees continuation bytes.
std::string multilingual(std::size_t bytes) {
  const std::string piece = "Café déjà vu, naïve façade.\n日本語のテキスト。\nПривет, мир! 🚀\n";
  std::string s;
  while (s.size() < bytes) s += piece;
  return s;
}

TEST(ChunkBoundaries, CountsMatchAPlainLoopOnLongMultilingualText) {
  const std::string text = multilingual(64 * 1024);
  for (const std::size_t a0 : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{4093}}) {
    for (const std::size_t b0 : {text.size(), text.size() - 3, std::size_t{5000}, std::size_t{4096 + 17}}) {
      const std::size_t a = start_at(text, a0), b = start_at(text, b0);
      if (b < a) continue;
      EXPECT_EQ(count_code_points(text, a, b), naive_code_points(text, a, b)) << a << ".." << b;
      EXPECT_EQ(count_newlines(text, a, b), naive_newlines(text, a, b)) << a << ".." << b;
      std::size_t cps = 0, nls = 0;
      count_code_points_and_newlines(text, a, b, cps, nls);
      EXPECT_EQ(cps, naive_code_points(text, a, b)) << a << ".." << b;
      EXPECT_EQ(nls, naive_newlines(text, a, b)) << a << ".." << b;
    }
  }
}

TEST(ChunkBoundaries, EveryByteAContinuationOrANewline) {
  // The extremes of a lane's counter: 255 blocks of one byte value each.
  const std::string cont(16 * 255 * 3 + 5, '\x80');
  EXPECT_EQ(count_code_points(cont, 0, cont.size()), 0u);
  const std::string lines(16 * 255 * 3 + 5, '\n');
  EXPECT_EQ(count_newlines(lines, 0, lines.size()), lines.size());
}

}  // namespace
}  // namespace strata::chunk::detail
