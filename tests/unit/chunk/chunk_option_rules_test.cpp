// chunk::check_chunking: each rule chunk settings obey, with the message `strata chunk`,
// `strata ingest` and strata.toml's [chunk] show for it.
#include <gtest/gtest.h>

#include <string>

#include "chunk/option_rules.h"
#include "setting_flags.h"

namespace strata::chunk {
namespace {

// The message and hint of the rule `given` breaks, as the CLI prints them (settings as flags);
// "ok" when none.
std::string broken(const GivenChunking& given) {
  const CheckedChunking r = check_chunking(given);
  if (!r.error) return "ok";
  EXPECT_EQ(r.error->code(), ExitCode::usage);
  return cli::with_flags(std::string(r.error->what()) + (r.error->hint().empty() ? "" : " | " + r.error->hint()));
}

TEST(ChunkOptionRules, DefaultsAreUsable) {
  const CheckedChunking r = check_chunking({});
  ASSERT_FALSE(r.error);
  EXPECT_FALSE(r.strategy_chosen);  // chosen per input
  EXPECT_EQ(r.options.size, 1200u);
  EXPECT_EQ(r.options.overlap, 0u);
  EXPECT_EQ(r.options.min_size, 200u);  // a sixth of the size, ingest's and chunk's default
  EXPECT_EQ(fill_size(r.options), 1000u);
  EXPECT_EQ(r.options.unit, Unit::chars);
  EXPECT_EQ(r.options.encoding, tokenizer::Encoding::cl100k_base);
}

TEST(ChunkOptionRules, TheDefaultMinimumFollowsTheSizeAndLangchainHasNone) {
  GivenChunking g;
  g.size = 300;
  EXPECT_EQ(check_chunking(g).options.min_size, 50u);
  g.min_size = 0;
  EXPECT_EQ(check_chunking(g).options.min_size, 0u);
  GivenChunking langchain;
  langchain.langchain = true;
  EXPECT_EQ(check_chunking(langchain).options.min_size, 0u);
}

TEST(ChunkOptionRules, UnknownNames) {
  GivenChunking g;
  g.strategy = "semantic";
  EXPECT_EQ(broken(g), "--strategy: unknown strategy 'semantic' | use fixed, recursive, paragraph, sentence, markdown or token");
  g.strategy = "auto";
  EXPECT_EQ(broken(g), "--strategy: unknown strategy 'auto' | use fixed, recursive, paragraph, sentence, markdown or token");
  g.auto_allowed = true;
  g.names.strategy = "/p/strata.toml:2: chunk.strategy";
  EXPECT_EQ(broken(g), "ok");
  EXPECT_FALSE(check_chunking(g).strategy_chosen);
  g.strategy = "x";
  EXPECT_EQ(broken(g),
            "/p/strata.toml:2: chunk.strategy: unknown strategy 'x' | use auto, fixed, recursive, paragraph, sentence, "
            "markdown or token");

  GivenChunking u;
  u.unit = "words";
  EXPECT_EQ(broken(u), "--unit: unknown unit 'words' | use chars, bytes or tokens");
  GivenChunking t;
  t.tokenizer = "p50k_base";
  EXPECT_EQ(broken(t), "--tokenizer: unknown tokenizer 'p50k_base' | use cl100k_base or o200k_base");
  t.tokenizer = "o200k_base";
  EXPECT_EQ(check_chunking(t).options.encoding, tokenizer::Encoding::o200k_base);
}

TEST(ChunkOptionRules, SeparatorsAndCompatNeedTheRecursiveStrategy) {
  GivenChunking g;
  g.separators = true;
  CheckedChunking r = check_chunking(g);
  ASSERT_FALSE(r.error);
  EXPECT_TRUE(r.strategy_chosen);  // own separators choose the recursive splitter for every input
  EXPECT_EQ(r.options.strategy, Strategy::recursive);
  g.strategy = "fixed";
  EXPECT_EQ(broken(g), "--separators applies to --strategy recursive only, not fixed");
  GivenChunking c;
  c.langchain = true;
  c.strategy = "sentence";
  EXPECT_EQ(broken(c), "--compat applies to --strategy recursive only, not sentence");
  c.strategy = "recursive";
  r = check_chunking(c);
  ASSERT_FALSE(r.error);
  EXPECT_TRUE(r.options.compat_langchain);
}

TEST(ChunkOptionRules, TheTokenStrategyCountsTokens) {
  GivenChunking g;
  g.strategy = "token";
  CheckedChunking r = check_chunking(g);
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.options.unit, Unit::tokens);
  g.unit = "tokens";
  EXPECT_EQ(broken(g), "ok");
  g.unit = "bytes";
  EXPECT_EQ(broken(g), "--strategy token counts tokens; --unit bytes does not apply | leave out --unit, or pass --unit tokens");
}

TEST(ChunkOptionRules, SizeIsOneOrMore) {
  GivenChunking g;
  g.size = 0;
  g.names.size = "/p/strata.toml:3: chunk.size";
  EXPECT_EQ(broken(g), "/p/strata.toml:3: chunk.size must be 1 or more");
}

TEST(ChunkOptionRules, NoMinimumFlagWithLangchain) {
  GivenChunking g;
  g.langchain = true;
  g.min_size = 10;
  EXPECT_EQ(broken(g), "--min-size does not apply to --compat langchain | LangChain-compatible chunks are LangChain's exactly");
  // A file's minimum is left out rather than refused: LangChain's chunks are LangChain's.
  g.min_size_from_file = true;
  const CheckedChunking r = check_chunking(g);
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.options.min_size, 0u);
}

TEST(ChunkOptionRules, OverlapAndMinimumBelowTheSize) {
  GivenChunking g;
  g.size = 500;
  g.overlap = 600;
  EXPECT_EQ(broken(g), "--overlap (600) must be below --size (500)");
  g.overlap = 499;
  EXPECT_EQ(broken(g), "ok");
  g.min_size = 500;
  g.names.min_size = "/p/strata.toml:5: chunk.min_size";
  g.names.size_short = "chunk.size";
  EXPECT_EQ(broken(g), "/p/strata.toml:5: chunk.min_size (500) must be below chunk.size (500) | 0 turns the joining of small chunks off");
  g.min_size = 0;
  const CheckedChunking r = check_chunking(g);
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.options.size, 500u);
  EXPECT_EQ(r.options.overlap, 499u);
}

TEST(ChunkOptionRules, ResolvedOptionsObeyTheSameRules) {
  ChunkOptions o;
  EXPECT_FALSE(check_options(o));
  o.size = 0;
  ASSERT_TRUE(check_options(o));
  EXPECT_EQ(cli::with_flags(check_options(o)->what()), "--size must be 1 or more");
  o.size = 10;
  o.overlap = 10;
  EXPECT_EQ(cli::with_flags(check_options(o)->what()), "--overlap (10) must be below --size (10)");
  o.overlap = 0;
  o.min_size = 3;
  o.compat_langchain = true;
  EXPECT_EQ(cli::with_flags(check_options(o)->what()), "--min-size does not apply to --compat langchain");
}

}  // namespace
}  // namespace strata::chunk
