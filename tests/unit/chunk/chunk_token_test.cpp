// token: windows of N tokens, overlap in whole tokens, never part of a character.
#include "chunk_check.h"

namespace strata::chunk::testing {
namespace {

using V = std::vector<std::string>;

std::vector<Chunk> run_chunks(std::string_view in, std::size_t size, std::size_t overlap,
                              tokenizer::Encoding e = tokenizer::Encoding::cl100k_base) {
  auto o = options(Strategy::token, size, overlap);
  o.encoding = e;
  const auto chunks = chunk_text(in, o);
  check_guarantees(in, o, chunks, true);
  return chunks;
}

V run_tok(std::string_view in, std::size_t size, std::size_t overlap = 0) {
  return texts(in, run_chunks(in, size, overlap));
}

const std::string kFox = "The quick brown fox jumps over the lazy dog.";

TEST(ChunkToken, WindowsOfNTokens) {
  EXPECT_EQ(run_tok(kFox, 3), (V{"The quick brown", " fox jumps over", " the lazy dog", "."}));
  EXPECT_EQ(run_tok(kFox, 100), (V{kFox}));
}

TEST(ChunkToken, OverlapInWholeTokens) {
  EXPECT_EQ(run_tok(kFox, 3, 1),
            (V{"The quick brown", " brown fox jumps", " jumps over the", " the lazy dog", " dog."}));
  for (const auto& c : run_chunks(kFox, 3, 1)) EXPECT_LE(c.tokens, 3u);
}

TEST(ChunkToken, NeverHoldsPartOfACharacter) {
  // Byte-level BPE splits these inside characters; the chunks must not.
  const std::string in = "日本語のテキスト 🇫🇷🇩🇪 👨‍👩‍👧 e\xCC\x81\xCC\x81\xCC\x81 Привет мир";
  for (std::size_t size : {1u, 2u, 3u, 5u}) {
    for (std::size_t overlap = 0; overlap < size; ++overlap) run_chunks(in, size, overlap);
    run_chunks(in, size, 0, tokenizer::Encoding::o200k_base);
  }
}

TEST(ChunkToken, AGraphemeOfManyTokensIsOversized) {
  const std::string family = "👨‍👩‍👧‍👦";
  const auto chunks = run_chunks("a" + family + "b", 1, 0);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_TRUE(chunks[1].oversized);
  EXPECT_GT(chunks[1].tokens, 1u);
}

}  // namespace
}  // namespace strata::chunk::testing
