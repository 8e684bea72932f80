// ChunkOptions::min_size: small chunks join the neighbour they belong to, offsets stay exact,
// and the excess over the size stays below the minimum.
#include "chunk_check.h"
#include "common/error.h"

namespace strata::chunk::testing {
namespace {

using V = std::vector<std::string>;

std::vector<Chunk> run(std::string_view in, ChunkOptions o) {
  const auto chunks = chunk_text(in, o);
  check_guarantees(in, o, chunks, false);
  check_no_small_chunks(in, o, chunks);
  return chunks;
}

std::string words(std::size_t n, std::string_view word = "lorem") {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) s += ' ';
    s += word;
  }
  return s;
}

// A heading above a paragraph too large to share a chunk with it.
std::string heading_over_long_section() { return "# Intro\n\nShort text.\n\n## Options\n\n" + words(16) + ".\n"; }

TEST(ChunkMinSize, OffByDefaultAHeadingAboveALongSectionStandsAlone) {
  const std::string in = heading_over_long_section();
  ChunkOptions o = options(Strategy::markdown, 100);
  const auto chunks = run(in, o);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(text_of(in, chunks[1]), "## Options");
  EXPECT_TRUE(chunks[1].heading_only);
}

TEST(ChunkMinSize, AHeadingJoinsTheSectionBelowIt) {
  const std::string in = heading_over_long_section();
  ChunkOptions o = options(Strategy::markdown, 100);
  o.min_size = 20;
  const auto chunks = run(in, o);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(text_of(in, chunks[0]), "# Intro\n\nShort text.");
  EXPECT_EQ(text_of(in, chunks[1]), "## Options\n\n" + words(16) + ".");
  EXPECT_EQ(chunks[1].headings, (V{"Intro", "Options"}));
  EXPECT_FALSE(chunks[1].heading_only);
  EXPECT_EQ(chunks[1].index, 1u);
  // Larger than the size, by less than the minimum: the documented margin.
  EXPECT_GT(chunks[1].char_end - chunks[1].char_start, 100u);
  EXPECT_LT(chunks[1].char_end - chunks[1].char_start, 120u);
}

TEST(ChunkMinSize, AHeadingAtTheEndJoinsTheChunkBeforeIt) {
  const std::string in = words(15) + ".\n\n## See also\n";
  ChunkOptions o = options(Strategy::markdown, 90);
  o.min_size = 20;
  const auto chunks = run(in, o);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(text_of(in, chunks[0]), words(15) + ".\n\n## See also");
}

TEST(ChunkMinSize, TheTailOfALongParagraphJoinsBackward) {
  // One paragraph cut by sentences: its last sentence alone would be a chunk of 9 characters,
  // and the next paragraph is further away (a blank line) than the sentence before (a space).
  const std::string in = words(12) + ". Tail end.\n\n" + words(10, "ipsum") + ".";
  ChunkOptions o = options(Strategy::recursive, 75);
  const auto before = run(in, o);
  ASSERT_EQ(before.size(), 3u);
  EXPECT_EQ(text_of(in, before[1]), "Tail end.");
  o.min_size = 15;
  const auto chunks = run(in, o);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(text_of(in, chunks[0]), words(12) + ". Tail end.");
  EXPECT_EQ(text_of(in, chunks[1]), words(10, "ipsum") + ".");
}

TEST(ChunkMinSize, ATitleLineInPlainTextJoinsWhatFollows) {
  // A PDF's section title between two long paragraphs: equally far from both, it starts like a
  // title and does not end a sentence, so it goes with the text below it.
  const std::string in = words(14) + ".\n\n8 Probability distributions\n\n" + words(14, "ipsum") + ".";
  ChunkOptions o = options(Strategy::recursive, 90);
  o.min_size = 30;
  const auto chunks = run(in, o);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(text_of(in, chunks[1]), "8 Probability distributions\n\n" + words(14, "ipsum") + ".");
}

TEST(ChunkMinSize, NoJoinPastTheMargin) {
  // The join would measure size + min_size or more on both sides: the small chunk stays.
  const std::string in = words(16) + ".\n\n\n\n\n\n\n\n\n\nTiny.\n\n\n\n\n\n\n\n\n\n" + words(16, "ipsum") + ".";
  ChunkOptions o = options(Strategy::recursive, 100);
  o.min_size = 10;
  const auto chunks = run(in, o);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(text_of(in, chunks[1]), "Tiny.");
}

TEST(ChunkMinSize, ASmallDocumentIsOneSmallChunk) {
  const std::string in = "# Title\n";
  ChunkOptions o = options(Strategy::markdown, 1000);
  o.min_size = 200;
  const auto chunks = run(in, o);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(text_of(in, chunks[0]), "# Title");
}

TEST(ChunkMinSize, TokenCountsAreOfTheJoinedText) {
  const std::string in = heading_over_long_section();
  ChunkOptions o = options(Strategy::markdown, 100);
  o.min_size = 20;
  o.count_tokens = true;
  const auto chunks = run(in, o);  // check_guarantees recounts every chunk
  ASSERT_EQ(chunks.size(), 2u);
  o = options(Strategy::markdown, 24, 0, Unit::tokens);
  o.min_size = 5;
  run(in, o);
}

TEST(ChunkMinSize, WithOverlapTheJoinIsStillOneSpan) {
  const std::string in = heading_over_long_section() + "\n" + words(30, "dolor") + ".\n";
  ChunkOptions o = options(Strategy::markdown, 100, 30);
  o.min_size = 20;
  const auto chunks = run(in, o);
  for (const Chunk& c : chunks) EXPECT_NE(text_of(in, c), "## Options");
}

TEST(ChunkMinSize, IsValidated) {
  ChunkOptions o = options(Strategy::recursive, 100);
  o.min_size = 100;
  EXPECT_THROW(chunk_text("text", o), Error);
  o.min_size = 10;
  o.compat_langchain = true;
  EXPECT_THROW(chunk_text("text", o), Error);
  o.min_size = 0;
  EXPECT_NO_THROW(chunk_text("text", o));
}

TEST(ChunkMinSize, ProgressFollowsTheInputToItsEnd) {
  std::string in;
  for (int i = 0; i < 3000; ++i) in += words(8) + ".\n\n";
  ChunkOptions o = options(Strategy::recursive, 500);
  o.min_size = 100;
  std::vector<std::size_t> seen;
  o.progress = [&seen](std::size_t done) { seen.push_back(done); };
  chunk_text(in, o);
  ASSERT_GE(seen.size(), 2u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(seen.back(), in.size());
}

}  // namespace
}  // namespace strata::chunk::testing
