#include "llm/citations.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace strata::llm {
namespace {

using Numbers = std::vector<std::size_t>;

std::vector<Numbers> numbers_of(const CitationReport& r) {
  std::vector<Numbers> out;
  for (const CitationMarker& m : r.markers) out.push_back(m.numbers);
  return out;
}

TEST(LlmCitations, FindsEveryMarkerShape) {
  const std::string answer = "A [1]. B [2, 3]. C [1][4]. D [1-3]. E [2–4]. F [5;6]. G[7] H [ 8 ]";
  const CitationReport r = check_citations(answer, 10);
  EXPECT_EQ(numbers_of(r), (std::vector<Numbers>{{1}, {2, 3}, {1}, {4}, {1, 2, 3}, {2, 3, 4}, {5, 6}, {7}, {8}}));
  EXPECT_EQ(r.cited, (Numbers{1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_TRUE(r.unknown.empty());
  EXPECT_EQ(r.uncited, (Numbers{9, 10}));
  EXPECT_EQ(r.markers[0].offset, 2u);
  EXPECT_EQ(r.markers[0].length, 3u);
  EXPECT_EQ(answer.substr(r.markers[1].offset, r.markers[1].length), "[2, 3]");
}

TEST(LlmCitations, FlagsNumbersThatMatchNoSource) {
  const CitationReport r = check_citations("True [1]. Invented [4]. Zero [0]. Range [2-5].", 3);
  EXPECT_EQ(r.cited, (Numbers{1, 2, 3}));
  EXPECT_EQ(r.unknown, (Numbers{0, 4, 5}));
  EXPECT_TRUE(r.uncited.empty());
  const CitationReport none = check_citations("Anything [1].", 0);
  EXPECT_EQ(none.unknown, (Numbers{1}));
}

TEST(LlmCitations, NoMarkersNoSources) {
  const CitationReport r = check_citations("No citations here.", 2);
  EXPECT_TRUE(r.markers.empty());
  EXPECT_EQ(r.uncited, (Numbers{1, 2}));
  EXPECT_TRUE(check_citations("", 0).markers.empty());
}

TEST(LlmCitations, IgnoresBracketsThatAreNotCitations) {
  const std::string answer =
      "[see below] [a] [1a] [1.5] [-1] [1-] [3-1] [1-100] [1,] [] [ ] [1\n] "
      "a [link](http://x/) [1](http://y/) [text][2] [1234567]";
  const CitationReport r = check_citations(answer, 3);
  EXPECT_TRUE(r.markers.empty()) << r.markers.size();
  // Outside code spans an index reads as a citation; inside them it does not (SkipsCode).
  EXPECT_EQ(numbers_of(check_citations("m[0][1]", 3)), (std::vector<Numbers>{{0}, {1}}));
}

TEST(LlmCitations, SkipsCode) {
  const std::string answer =
      "Use `v[2]` or ``a[`3`]`` here [1].\n"
      "```cpp\nint x = a[5];\n```\n"
      "  ~~~~\n[6]\n  ~~~~\n"
      "After [2].\n"
      "```\nunclosed [7]";
  const CitationReport r = check_citations(answer, 3);
  EXPECT_EQ(numbers_of(r), (std::vector<Numbers>{{1}, {2}}));
}

TEST(LlmCitations, AdjacentToWordsAndCjk) {
  const CitationReport r = check_citations("Paris is the capital[1]. 東京は首都です[2]。(see [3])", 3);
  EXPECT_EQ(numbers_of(r), (std::vector<Numbers>{{1}, {2}, {3}}));
}

TEST(LlmCitations, WithoutCitationsDropsEveryMarkerAndTheSpaceBeforeIt) {
  EXPECT_EQ(without_citations("Run it [1]. Redo re-applies it [1][3]; see also [2-4]."),
            "Run it. Redo re-applies it; see also.");
  EXPECT_EQ(without_citations("東京[2]は首都です。"), "東京は首都です。");
  // Not markers: code, links, brackets with words, numbers past any source count still go.
  EXPECT_EQ(without_citations("Use `a[1]` or [the guide](x) [note] [99]."), "Use `a[1]` or [the guide](x) [note].");
  EXPECT_EQ(without_citations("No citations."), "No citations.");
}

TEST(LlmCitations, ArbitraryTextNeverBreaksInvariants) {
  std::mt19937 rng(17);
  const std::string alphabet = "[]()0123456789,-; `~\nab";
  for (int trial = 0; trial < 3000; ++trial) {
    std::string text(std::uniform_int_distribution<std::size_t>(0, 40)(rng), ' ');
    for (char& c : text) c = alphabet[std::uniform_int_distribution<std::size_t>(0, alphabet.size() - 1)(rng)];
    const CitationReport r = check_citations(text, 5);
    std::size_t previous_end = 0;
    for (const CitationMarker& m : r.markers) {
      ASSERT_GE(m.offset, previous_end);
      ASSERT_LE(m.offset + m.length, text.size());
      EXPECT_EQ(text[m.offset], '[');
      EXPECT_EQ(text[m.offset + m.length - 1], ']');
      EXPECT_FALSE(m.numbers.empty());
      previous_end = m.offset + m.length;
    }
    EXPECT_EQ(r.cited.size() + r.uncited.size(), 5u);
  }
}

}  // namespace
}  // namespace strata::llm
