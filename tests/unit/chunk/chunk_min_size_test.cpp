// ChunkOptions::min_size: small chunks join the neighbour they belong to when the two fit in the
// size, or take part of its text when they do not; chunks fill to the size less the minimum
// (fill_size); offsets stay exact.
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

// Options as a collection recorded before the size was a maximum cut its chunks: packed to
// `fill`, a join passing it by less than the minimum (ingest/chunk_settings.h size_is_fill).
ChunkOptions filled_to(ChunkOptions o, std::size_t fill) {
  o.fill = fill;
  o.size = fill + o.min_size - 1;
  return o;
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

// In characters chunks fill to the size less the minimum, so a heading above a section whose
// first chunk is full goes with that section within the size.
TEST(ChunkMinSize, InCharactersChunksFillToTheSizeLessTheMinimum) {
  const std::string in = heading_over_long_section();
  ChunkOptions o = options(Strategy::markdown, 120);
  o.min_size = 20;
  EXPECT_EQ(fill_size(o), 100u);
  const auto chunks = run(in, o);  // check_guarantees: no chunk over 120 characters
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(text_of(in, chunks[0]), "# Intro\n\nShort text.");
  EXPECT_EQ(text_of(in, chunks[1]), "## Options\n\n" + words(16) + ".");
  EXPECT_EQ(chunks[1].headings, (V{"Intro", "Options"}));
  EXPECT_GT(chunks[1].char_end - chunks[1].char_start, 100u);
}

// A join that would pass the size does not happen: the heading then joins the chunk before
// it when they fit, keeping that chunk's heading path (its text is the section above).
TEST(ChunkMinSize, AJoinNeverPassesTheSize) {
  const std::string in = heading_over_long_section();
  ChunkOptions o = options(Strategy::markdown, 107);
  o.min_size = 11;  // fill 96: "## Options\n\n" and the 96-character section make 108
  EXPECT_EQ(fill_size(o), 96u);
  const auto chunks = run(in, o);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(text_of(in, chunks[0]), "# Intro\n\nShort text.\n\n## Options");
  EXPECT_EQ(chunks[0].headings, (V{"Intro"}));
  EXPECT_EQ(text_of(in, chunks[1]), words(16) + ".");
  for (const Chunk& c : chunks) EXPECT_LE(c.char_end - c.char_start, 107u);
}

// Where the heading and the section's first chunk together pass the size, the heading takes
// the section's first words with it, up to a word's end, and the rest follows.
TEST(ChunkMinSize, AHeadingWithoutRoomTakesTheStartOfItsSection) {
  const std::string in = heading_over_long_section();
  ChunkOptions o = options(Strategy::markdown, 100);
  o.min_size = 20;  // fill 80: the 96-character section is cut into two
  const auto chunks = run(in, o);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(text_of(in, chunks[1]), "## Options\n\n" + words(12));
  EXPECT_EQ(chunks[1].headings, (V{"Intro", "Options"}));
  EXPECT_FALSE(chunks[1].heading_only);
  EXPECT_EQ(text_of(in, chunks[2]), words(4) + ".");
  EXPECT_EQ(chunks[2].headings, (V{"Intro", "Options"}));
}

TEST(ChunkMinSize, AJoinNeverPassesTheSizeInTokens) {
  // `strata chunk --unit tokens --size 256` gave chunks of up to 306 tokens when a join could
  // pass the size by less than min_size: in tokens the size is the limit, and chunks fill to it.
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
  // fit in the size (packed to 75, the size 89); when they do not (81 < 82), it joins the next
  // paragraph, which has room.
  const std::string in = words(12) + ". Tail end.\n\n" + words(10, "ipsum") + ".";
  ChunkOptions o = options(Strategy::recursive, 75);
  const auto before = run(in, o);
  ASSERT_EQ(before.size(), 3u);
  EXPECT_EQ(text_of(in, before[1]), "Tail end.");
  o.min_size = 15;
  o = filled_to(o, 75);
  const auto closer = run(in, o);
  ASSERT_EQ(closer.size(), 2u);
  EXPECT_EQ(text_of(in, closer[0]), words(12) + ". Tail end.");
  EXPECT_EQ(text_of(in, closer[1]), words(10, "ipsum") + ".");
  o.min_size = 10;
  o = filled_to(o, 72);
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
  o = filled_to(o, 100);
  const auto chunks = run(in, o);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(text_of(in, chunks[1]), "8 Probability distributions\n\n" + line + "\n" + line);
}

TEST(ChunkMinSize, WhereNoJoinFitsTheBoundaryMovesInstead) {
  // A join would measure more than the size on both sides (96 + 10 line feeds + 5 = 111 before,
  // 5 + 10 + 95 after, the next paragraph's first chunk): the small chunk takes the start of its
  // neighbour (as far from both, the smaller) instead, as little as brings it to the minimum, cut
  // where a word ends.
  const std::string in = words(16) + ".\n\n\n\n\n\n\n\n\n\nTiny.\n\n\n\n\n\n\n\n\n\n" + words(17, "ipsum") + ".";
  ChunkOptions o = options(Strategy::recursive, 100);
  o.min_size = 10;
  o = filled_to(o, 100);  // the size 109
  const auto chunks = run(in, o);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(text_of(in, chunks[0]), words(16) + ".");
  EXPECT_EQ(text_of(in, chunks[1]), "Tiny.\n\n\n\n\n\n\n\n\n\nipsum");
  EXPECT_EQ(chunks[1].line_start, 11u);
  EXPECT_EQ(chunks[1].line_end, 21u);
  EXPECT_EQ(chunks[1].char_start, chunks[1].start);
  EXPECT_EQ(text_of(in, chunks[2]), words(16, "ipsum") + ".");
  // Room for it with the chunk before: 111 characters.
  o = options(Strategy::recursive, 102);
  o.min_size = 10;
  o = filled_to(o, 102);
  ASSERT_EQ(run(in, o).size(), 2u);
  // With --overlap the neighbours share text, and the boundary stays: the small chunk too.
  ChunkOptions overlapping = options(Strategy::recursive, 100, 20);
  overlapping.min_size = 10;
  overlapping = filled_to(overlapping, 100);
  for (const Chunk& c : run(in, overlapping)) EXPECT_LE(c.char_end - c.char_start, overlapping.size);
  // In tokens chunks fill to the size itself.
  ChunkOptions t = options(Strategy::recursive, 100, 0, Unit::tokens);
  t.min_size = 10;
  EXPECT_EQ(fill_size(t), 100u);
}

TEST(ChunkMinSize, TheMovedBoundaryPrefersASentenceEndToAWord) {
  // The tail has to take 12 characters or more: the last sentence's 13 are taken whole rather
  // than a closer cut between two words.
  const std::string in = words(10) + ". Ipsum dolor. Sit amet est\n\nTiny.";
  ChunkOptions o = options(Strategy::recursive, 90);
  o.min_size = 12;
  o.fill = 82;  // "est" joins the chunk before it (86); "Tiny." would make 93
  const auto chunks = run(in, o);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(text_of(in, chunks[0]), words(10) + ". Ipsum dolor.");
  EXPECT_EQ(text_of(in, chunks[1]), "Sit amet est\n\nTiny.");
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
  ChunkOptions o = options(Strategy::markdown, 120);
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
