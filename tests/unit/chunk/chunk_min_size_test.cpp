// ChunkOptions::min_size: small chunks join the neighbour they belong to when the two fit in
// join_limit, and offsets stay exact.
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

TEST(ChunkMinSize, AHeadingJoinsTheSectionBelowItWhenTheyFit) {
  // The section is a paragraph too long to share a chunk with its heading, cut by sentences:
  // its first chunk has room for the heading.
  const std::string in = "# Intro\n\nShort text.\n\n## Options\n\n" + words(6, "Lorem") + ". " + words(6, "Ipsum") +
                         ". " + words(6, "Dolor") + ".\n";
  ChunkOptions o = options(Strategy::markdown, 100);
  const auto alone = run(in, o);
  ASSERT_EQ(alone.size(), 4u);
  EXPECT_EQ(text_of(in, alone[1]), "## Options");
  o.min_size = 20;
  const auto chunks = run(in, o);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(text_of(in, chunks[1]), "## Options\n\n" + words(6, "Lorem") + ". " + words(6, "Ipsum") + ".");
  EXPECT_EQ(chunks[1].headings, (V{"Intro", "Options"}));
  EXPECT_FALSE(chunks[1].heading_only);
  EXPECT_EQ(chunks[1].index, 1u);
}

// In characters a join may pass the size by less than min_size (join_limit): a heading above a
// section whose first chunk is full goes with that section.
TEST(ChunkMinSize, AJoinInCharactersPassesTheSizeByLessThanTheMinimum) {
  const std::string in = heading_over_long_section();
  ChunkOptions o = options(Strategy::markdown, 100);
  o.min_size = 20;
  EXPECT_EQ(join_limit(o), 119u);
  const auto chunks = run(in, o);  // check_guarantees: no chunk over 119 characters
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(text_of(in, chunks[0]), "# Intro\n\nShort text.");
  EXPECT_EQ(text_of(in, chunks[1]), "## Options\n\n" + words(16) + ".");
  EXPECT_EQ(chunks[1].headings, (V{"Intro", "Options"}));
  EXPECT_GT(chunks[1].char_end - chunks[1].char_start, 100u);
}

// A join that would pass join_limit does not happen: the heading then joins the chunk before
// it when they fit, keeping that chunk's heading path (its text is the section above).
TEST(ChunkMinSize, AJoinNeverPassesTheLimit) {
  const std::string in = heading_over_long_section();
  ChunkOptions o = options(Strategy::markdown, 96);
  o.min_size = 11;  // limit 106: "## Options\n\n" and the 96-character section make 108
  EXPECT_EQ(join_limit(o), 106u);
  const auto chunks = run(in, o);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(text_of(in, chunks[0]), "# Intro\n\nShort text.\n\n## Options");
  EXPECT_EQ(chunks[0].headings, (V{"Intro"}));
  EXPECT_EQ(text_of(in, chunks[1]), words(16) + ".");
  for (const Chunk& c : chunks) EXPECT_LE(c.char_end - c.char_start, 106u);
}

TEST(ChunkMinSize, AJoinNeverPassesTheSizeInTokens) {
  // `strata chunk --unit tokens --size 256` gave chunks of up to 306 tokens when a join could
  // pass the size by less than min_size: in tokens the size is the limit (join_limit).
  std::string in;
  for (std::size_t section = 0; section < 40; ++section) {
    in += "## Section " + std::to_string(section) + "\n\n";
    for (std::size_t sentence = 0; sentence < 3 + section % 5; ++sentence) in += words(9 + section % 7, "token") + ". ";
    in += "\n\nA short line " + std::to_string(section) + ".\n\n";
  }
  for (const Strategy s : {Strategy::markdown, Strategy::recursive, Strategy::paragraph, Strategy::sentence}) {
    SCOPED_TRACE(name_of(s));
    ChunkOptions o = options(s, 64, 0, Unit::tokens);
    o.min_size = 64 / 5;
    const auto chunks = run(in, o);
    std::size_t joined = 0;
    for (const Chunk& c : chunks) {
      EXPECT_LE(c.tokens, 64u) << text_of(in, c);
      EXPECT_EQ(c.tokens, tokenizer::Tokenizer::get(o.encoding).count(text_of(in, c)));
      if (c.tokens >= o.min_size) ++joined;
    }
    EXPECT_GT(joined, 0u);
  }
  ChunkOptions t = options(Strategy::token, 64);
  t.min_size = 12;
  for (const Chunk& c : run(in, t)) EXPECT_LE(c.tokens, 64u);
}

TEST(ChunkMinSize, AHeadingAtTheEndJoinsTheChunkBeforeIt) {
  const std::string in = words(15) + ".\n\n## See also\n";
  ChunkOptions o = options(Strategy::markdown, 110);
  o.min_size = 20;
  const auto chunks = run(in, o);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(text_of(in, chunks[0]), words(15) + ".\n\n## See also");
}

TEST(ChunkMinSize, TheTailOfALongParagraphJoinsTheNeighbourWithRoom) {
  // One paragraph cut by words: its last sentence alone would be a chunk of 9 characters. The
  // sentence before it is closer (a space, not a blank line): the tail joins it when the two
  // fit in the limit (75 + 15 - 1), passing the size; when they do not (72 + 10 - 1 = 81 < 82),
  // it joins the next paragraph, which has room.
  const std::string in = words(12) + ". Tail end.\n\n" + words(10, "ipsum") + ".";
  ChunkOptions o = options(Strategy::recursive, 75);
  const auto before = run(in, o);
  ASSERT_EQ(before.size(), 3u);
  EXPECT_EQ(text_of(in, before[1]), "Tail end.");
  o.min_size = 15;
  const auto closer = run(in, o);
  ASSERT_EQ(closer.size(), 2u);
  EXPECT_EQ(text_of(in, closer[0]), words(12) + ". Tail end.");
  EXPECT_EQ(text_of(in, closer[1]), words(10, "ipsum") + ".");
  o.size = 72;
  o.min_size = 10;
  const auto chunks = run(in, o);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(text_of(in, chunks[0]), words(12) + ".");
  EXPECT_EQ(text_of(in, chunks[1]), "Tail end.\n\n" + words(10, "ipsum") + ".");
}

TEST(ChunkMinSize, ATitleLineInPlainTextJoinsWhatFollows) {
  // A PDF's section title between two long paragraphs: equally far from both, it starts like a
  // title and does not end a sentence, so it goes with the text below it (whose first chunk, two
  // of its four lines, has room for it).
  const std::string line = words(6, "ipsum");
  const std::string in =
      words(14) + ".\n\n8 Probability distributions\n\n" + line + "\n" + line + "\n" + line + "\n" + line + "\n";
  ChunkOptions o = options(Strategy::recursive, 100);
  o.min_size = 30;
  const auto chunks = run(in, o);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(text_of(in, chunks[1]), "8 Probability distributions\n\n" + line + "\n" + line);
}

TEST(ChunkMinSize, NoJoinPastTheLimit) {
  // The join would measure more than join_limit (100 + 10 - 1) on both sides: the small chunk
  // stays.
  const std::string in = words(16) + ".\n\n\n\n\n\n\n\n\n\nTiny.\n\n\n\n\n\n\n\n\n\n" + words(16, "ipsum") + ".";
  ChunkOptions o = options(Strategy::recursive, 100);
  o.min_size = 10;
  const auto chunks = run(in, o);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(text_of(in, chunks[1]), "Tiny.");
  // Room for it with the chunk before: 96 + 10 line feeds + 5 = 111 characters.
  o.size = 102;  // limit 111
  ASSERT_EQ(run(in, o).size(), 2u);
  o.size = 101;  // limit 110
  ASSERT_EQ(run(in, o).size(), 3u);
  // In tokens the limit is the size itself.
  EXPECT_EQ(join_limit(options(Strategy::recursive, 100, 0, Unit::tokens)), 100u);
  ChunkOptions t = options(Strategy::recursive, 100, 0, Unit::tokens);
  t.min_size = 10;
  EXPECT_EQ(join_limit(t), 100u);
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
