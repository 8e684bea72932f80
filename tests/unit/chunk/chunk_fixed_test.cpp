// fixed: windows of `size` units snapped to grapheme boundaries, overlap in whole graphemes.
#include "chunk_check.h"

namespace strata::chunk::testing {
namespace {

std::vector<std::string> run(std::string_view in, std::size_t size, std::size_t overlap = 0,
                             Unit unit = Unit::chars) {
  auto o = options(Strategy::fixed, size, overlap, unit);
  o.count_tokens = false;
  const auto chunks = chunk_text(in, o);
  check_guarantees(in, o, chunks, true);
  return texts(in, chunks);
}

using V = std::vector<std::string>;

TEST(ChunkFixed, Windows) {
  EXPECT_EQ(run("abcdefghij", 4), (V{"abcd", "efgh", "ij"}));
  EXPECT_EQ(run("abcdefghij", 10), (V{"abcdefghij"}));
  EXPECT_EQ(run("abcdefghij", 20), (V{"abcdefghij"}));
}

TEST(ChunkFixed, OverlapInWholeGraphemes) {
  EXPECT_EQ(run("abcdefghij", 4, 1), (V{"abcd", "defg", "ghij"}));
  EXPECT_EQ(run("abcdefghij", 4, 3), (V{"abcd", "bcde", "cdef", "defg", "efgh", "fghi", "ghij"}));
}

TEST(ChunkFixed, KeepsWhitespaceEverywhere) {
  EXPECT_EQ(run("  a \n\n b  ", 4), (V{"  a ", "\n\n b", "  "}));
}

TEST(ChunkFixed, SnapsToGraphemeBoundaries) {
  // a, e + U+0301 (one grapheme of two code points), b
  EXPECT_EQ(run("ae\xCC\x81" "b", 2), (V{"a", "e\xCC\x81", "b"}));
  // CR LF is one grapheme
  EXPECT_EQ(run("a\r\nb", 2), (V{"a", "\r\n", "b"}));
  // bytes: never half a character
  EXPECT_EQ(run("日本語", 4, 0, Unit::bytes), (V{"日", "本", "語"}));
  EXPECT_EQ(run("日本語", 6, 0, Unit::bytes), (V{"日本", "語"}));
}

TEST(ChunkFixed, AGraphemeLargerThanTheSizeIsOversizedAndAlone) {
  const std::string family = "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";
  auto o = options(Strategy::fixed, 2);
  o.count_tokens = false;
  const std::string in = "ab" + family + "cd";
  const auto chunks = chunk_text(in, o);
  ASSERT_EQ(texts(in, chunks), (V{"ab", family, "cd"}));
  EXPECT_FALSE(chunks[0].oversized);
  EXPECT_TRUE(chunks[1].oversized);
  EXPECT_EQ(chunks[1].char_end - chunks[1].char_start, 5u);
  check_guarantees(in, o, chunks, true);
}

TEST(ChunkFixed, OverlapGivesWayWhenTheNextGraphemeWouldNotFit) {
  // size 4 bytes, overlap 3: after "abcd" the 4-byte emoji needs a window of its own.
  EXPECT_EQ(run("abcd\xF0\x9F\x98\x80" "e", 4, 3, Unit::bytes),
            (V{"abcd", "\xF0\x9F\x98\x80", "e"}));
}

}  // namespace
}  // namespace strata::chunk::testing
