// chunk_text's contract: validation, names, empty input, the fields of a chunk.
#include "chunk_check.h"
#include "test_util.h"
#include "setting_flags.h"

namespace strata::chunk::testing {
namespace {

TEST(ChunkOptions, SizeAndOverlapAreValidated) {
  auto o = options(Strategy::recursive, 0);
  Error e = strata::testing::error_of([&] { chunk_text("text", o); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_NE(cli::with_flags(e.what()).find("--size"), std::string::npos);
  o = options(Strategy::fixed, 10, 10);
  e = strata::testing::error_of([&] { chunk_text("text", o); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_NE(cli::with_flags(e.what()).find("--overlap"), std::string::npos);
  EXPECT_NE(cli::with_flags(e.what()).find("--size"), std::string::npos);
  // Checked even for empty input.
  e = strata::testing::error_of([&] { chunk_text("", o); });
  EXPECT_EQ(e.code(), ExitCode::usage);
}

TEST(ChunkOptions, Names) {
  for (Strategy s : {Strategy::fixed, Strategy::recursive, Strategy::paragraph, Strategy::sentence,
                     Strategy::markdown, Strategy::token}) {
    EXPECT_EQ(strategy_from_name(name_of(s)), s);
  }
  for (Unit u : {Unit::chars, Unit::bytes, Unit::tokens}) EXPECT_EQ(unit_from_name(name_of(u)), u);
  EXPECT_FALSE(strategy_from_name("semantic"));
  EXPECT_FALSE(unit_from_name("words"));
  EXPECT_STREQ(name_of(Strategy::markdown), "markdown");
}

TEST(ChunkOptions, EmptyInputGivesNoChunks) {
  for (Strategy s : {Strategy::fixed, Strategy::recursive, Strategy::paragraph, Strategy::sentence,
                     Strategy::markdown, Strategy::token}) {
    EXPECT_TRUE(chunk_text("", options(s, 5)).empty());
  }
}

TEST(ChunkOptions, EveryFieldOfAChunk) {
  const std::string in = "héllo\nwörld\n\nsecond paragraph here\n";
  auto o = options(Strategy::recursive, 12);
  const auto c = chunk_text(in, o);
  ASSERT_EQ(texts(in, c), (std::vector<std::string>{"héllo\nwörld", "second", "paragraph", "here"}));
  EXPECT_EQ(c[0].index, 0u);
  EXPECT_EQ(c[0].start, 0u);
  EXPECT_EQ(c[0].end, 13u);  // two 2-byte letters
  EXPECT_EQ(c[0].char_start, 0u);
  EXPECT_EQ(c[0].char_end, 11u);
  EXPECT_EQ(c[0].line_start, 1u);
  EXPECT_EQ(c[0].line_end, 2u);
  EXPECT_EQ(c[1].start, 15u);
  EXPECT_EQ(c[1].char_start, 13u);
  EXPECT_EQ(c[1].line_start, 4u);
  EXPECT_EQ(c[3].index, 3u);
  EXPECT_EQ(c[0].tokens, tokenizer::Tokenizer::get(o.encoding).count("héllo\nwörld"));
  EXPECT_TRUE(c[0].headings.empty());
  EXPECT_FALSE(c[0].oversized);
  check_guarantees(in, o, c, false);
}

TEST(ChunkOptions, TokenCountsCanBeSkipped) {
  auto o = options(Strategy::fixed, 4);
  o.count_tokens = false;
  for (const auto& c : chunk_text("abcdefgh", o)) EXPECT_EQ(c.tokens, 0u);
  o.unit = Unit::tokens;  // counted anyway: they are the measure
  for (const auto& c : chunk_text("abcdefgh", o)) EXPECT_GT(c.tokens, 0u);
}

TEST(ChunkOptions, TokensUnitCountsTheChunkItself) {
  const std::string in = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu";
  for (Strategy s : {Strategy::recursive, Strategy::paragraph, Strategy::sentence,
                     Strategy::markdown, Strategy::fixed}) {
    auto o = options(s, 4, 1, Unit::tokens);
    const auto chunks = chunk_text(in, o);
    EXPECT_GT(chunks.size(), 3u);
    check_guarantees(in, o, chunks, s == Strategy::fixed);
  }
}

}  // namespace
}  // namespace strata::chunk::testing
