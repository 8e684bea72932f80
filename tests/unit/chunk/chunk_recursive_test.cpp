// recursive (native mode) and recursive with compat_langchain.
#include "chunk_check.h"

namespace strata::chunk::testing {
namespace {

using V = std::vector<std::string>;

std::vector<Chunk> chunks_of(std::string_view in, std::size_t size, std::size_t overlap = 0,
                             std::vector<std::string> seps = {}) {
  auto o = options(Strategy::recursive, size, overlap);
  o.separators = std::move(seps);
  o.count_tokens = false;
  auto chunks = chunk_text(in, o);
  check_guarantees(in, o, chunks, false);
  return chunks;
}

V run_rec(std::string_view in, std::size_t size, std::size_t overlap = 0,
      std::vector<std::string> seps = {}) {
  return texts(in, chunks_of(in, size, overlap, std::move(seps)));
}

TEST(ChunkRecursive, MergesWordsGreedily) {
  EXPECT_EQ(run_rec("Hello world foo bar", 11), (V{"Hello world", "foo bar"}));
}

TEST(ChunkRecursive, ParagraphsFirst) {
  const std::string in = "para one.\n\npara two is longer.\n\nthree";
  EXPECT_EQ(run_rec(in, 20), (V{"para one.", "para two is longer.", "three"}));
  EXPECT_EQ(run_rec(in, 40), (V{in}));
}

TEST(ChunkRecursive, OverlapInWholePieces) {
  EXPECT_EQ(run_rec("a b c d e f", 5, 2), (V{"a b c", "c d e", "e f"}));
  EXPECT_EQ(run_rec("a b c d e f", 5, 1), (V{"a b c", "c d e", "e f"}));
  EXPECT_EQ(run_rec("a b c d e f", 5, 0), (V{"a b c", "d e f"}));
}

TEST(ChunkRecursive, KeepsTheIndentationOfALineThatFits) {
  EXPECT_EQ(run_rec("line one\n    indented two", 16), (V{"line one", "    indented two"}));
  EXPECT_EQ(run_rec("line one\n    indented two", 15), (V{"line one", "indented two"}));
}

TEST(ChunkRecursive, WhitespaceSeparatorsAreDroppedAtEdgesOnly) {
  const std::string in = "x\n\n\ny";
  const auto c = chunks_of(in, 3);
  ASSERT_EQ(texts(in, c), (V{"x", "y"}));
  EXPECT_EQ(c[1].start, 4u);
  EXPECT_EQ(c[1].line_start, 4u);
  EXPECT_EQ(run_rec(in, 5), (V{in}));
  EXPECT_EQ(run_rec("  \n\n \t ", 3), V{});
  EXPECT_EQ(run_rec("", 3), V{});
}

TEST(ChunkRecursive, CustomSeparatorsStartTheirPiece) {
  EXPECT_EQ(run_rec("int x = 1;\nclass A { int a; };\nclass B { int b; };", 25, 0,
                {"\nclass ", "\n", " "}),
            (V{"int x = 1;", "class A { int a; };", "class B { int b; };"}));
}

TEST(ChunkRecursive, FallsBackToGraphemes) {
  EXPECT_EQ(run_rec("abcdefghij", 4), (V{"abcd", "efgh", "ij"}));
  // A space carrying a combining mark is not a place to cut.
  EXPECT_EQ(run_rec("ab \xCC\x81" "cd ef", 6), (V{"ab \xCC\x81" "cd", "ef"}));
  EXPECT_EQ(run_rec("ab \xCC\x81" "cd ef", 5), (V{"ab \xCC\x81" "c", "d", "ef"}));
}

TEST(ChunkRecursive, CrLfText) {
  const std::string in = "one\r\n\r\ntwo\r\nthree";
  EXPECT_EQ(run_rec(in, 5), (V{"one", "two", "three"}));
  EXPECT_EQ(run_rec(in, 10), (V{"one", "two\r\nthree"}));
}

// Expected texts come from @langchain/textsplitters 1.0.2 (node, same inputs and settings).
V langchain(std::string_view in, std::size_t size, std::size_t overlap,
            std::vector<std::string> seps = {}) {
  auto o = options(Strategy::recursive, size, overlap);
  o.compat_langchain = true;
  o.separators = std::move(seps);
  o.count_tokens = false;
  const auto chunks = chunk_text(in, o);
  for (const auto& c : chunks) {
    EXPECT_LT(c.start, c.end);
    EXPECT_LE(c.end, in.size());
  }
  return texts(in, chunks);
}

TEST(ChunkLangChain, SameTextsAsLangChain) {
  EXPECT_EQ(langchain("Hello world.\n\nThis is a test of the splitter.\nIt keeps separators.  "
                      "Trailing  \n\n\n  indented code\n",
                      20, 5),
            (V{"Hello world.", "This is a test of", "of the splitter.", "It keeps", "separators.",
               "Trailing", "indented code"}));
  EXPECT_EQ(langchain("one two three four five six seven eight nine ten", 10, 4),
            (V{"one two", "two three", "four five", "six seven", "eight", "nine ten"}));
  EXPECT_EQ(langchain("abcdefghijklmnopqrstuvwxyz", 10, 3),
            (V{"abcdefghij", "hijklmnopq", "opqrstuvwx", "vwxyz"}));
  EXPECT_EQ(langchain("  lead and trail  \n\nx", 8, 0), (V{"lead", "and", "trail", "x"}));
  EXPECT_EQ(langchain("int x = 1;\nclass A { int a; };\nclass B { int b; };", 25, 0,
                      {"\nclass ", "\n", " ", ""}),
            (V{"int x = 1;", "class A { int a; };", "class B { int b; };"}));
}

TEST(ChunkLangChain, OffsetsAreExactAfterTrimming) {
  const std::string in = "  alpha beta  \n\n  gamma";
  auto o = options(Strategy::recursive, 12, 0);
  o.compat_langchain = true;
  o.count_tokens = false;
  const auto c = chunk_text(in, o);
  ASSERT_EQ(texts(in, c), (V{"alpha beta", "gamma"}));
  EXPECT_EQ(c[0].start, 2u);
  EXPECT_EQ(c[1].start, 18u);
  EXPECT_EQ(c[1].line_start, 3u);
}

}  // namespace
}  // namespace strata::chunk::testing
