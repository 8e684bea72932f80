// markdown: blocks as units, fences kept whole, heading paths.
#include "chunk_check.h"

namespace strata::chunk::testing {
namespace {

using V = std::vector<std::string>;
using H = std::vector<std::vector<std::string>>;

struct Result {
  V texts;
  H headings;
};

Result run_md(std::string_view in, std::size_t size, std::size_t overlap = 0) {
  auto o = options(Strategy::markdown, size, overlap);
  o.count_tokens = false;
  const auto chunks = chunk_text(in, o);
  check_guarantees(in, o, chunks, false);
  Result r;
  for (const auto& c : chunks) {
    r.texts.emplace_back(text_of(in, c));
    r.headings.push_back(c.headings);
  }
  return r;
}

const std::string kDoc =
    "# Install\n"
    "\n"
    "Intro text.\n"
    "\n"
    "## Debian\n"
    "\n"
    "```sh\n"
    "apt install strata\n"
    "\n"
    "apt install extra\n"
    "```\n"
    "\n"
    "- one\n"
    "- two\n"
    "\n"
    "  continued\n"
    "\n"
    "| a | b |\n"
    "|---|---|\n"
    "| 1 | 2 |\n"
    "\n"
    "# Usage\n"
    "Run it.\n";

TEST(ChunkMarkdown, SectionsCarryTheirHeadingPath) {
  const Result r = run_md(kDoc, 1000);
  ASSERT_EQ(r.texts.size(), 3u);
  EXPECT_EQ(r.texts[0], "# Install\n\nIntro text.");
  EXPECT_EQ(r.headings[0], (V{"Install"}));
  EXPECT_EQ(r.texts[1].substr(0, 9), "## Debian");
  EXPECT_EQ(r.texts[1].substr(r.texts[1].size() - 9), "| 1 | 2 |");
  EXPECT_EQ(r.headings[1], (V{"Install", "Debian"}));
  EXPECT_EQ(r.texts[2], "# Usage\nRun it.");
  EXPECT_EQ(r.headings[2], (V{"Usage"}));
}

// Issue 19: a 250 KB Markdown heading was repeated in every chunk's heading path (a store past
// 60 MB from one file). Each heading is kept to 200 characters, then "…".
TEST(ChunkMarkdown, AHeadingPathIsBoundedHoweverLongTheHeading) {
  std::string in = "# " + std::string(250'000, 'h') + "\n\n## \xc3\xa9" + std::string(300, 'e') + "\n\n";
  for (int i = 0; i < 50; ++i) in += "Some text about the section, long enough to fill chunks.\n\n";
  const Result r = run_md(in, 200);
  ASSERT_GT(r.texts.size(), 40u);
  for (const V& path : r.headings) {
    for (const std::string& h : path) EXPECT_LE(h.size(), 200u * 2 + 3) << "bounded in bytes too";
  }
  const V& last = r.headings.back();
  ASSERT_EQ(last.size(), 2u);
  EXPECT_EQ(last[0], std::string(200, 'h') + "\u2026");
  EXPECT_EQ(last[1], "\xc3\xa9" + std::string(199, 'e') + "\u2026") << "cut on a character, counted in characters";
  EXPECT_EQ(run_md("# Short\n\ntext\n", 100).headings[0], (V{"Short"}));
}

TEST(ChunkMarkdown, BlocksAreUnitsAndAFenceIsNeverSplitWhenItFits) {
  const Result r = run_md(kDoc, 50);
  EXPECT_EQ(r.texts, (V{"# Install\n\nIntro text.", "## Debian",
                        "```sh\napt install strata\n\napt install extra\n```",
                        "- one\n- two\n\n  continued", "| a | b |\n|---|---|\n| 1 | 2 |",
                        "# Usage\nRun it."}));
  EXPECT_EQ(r.headings[3], (V{"Install", "Debian"}));
}

TEST(ChunkMarkdown, AFenceLargerThanTheSizeIsCutByLines) {
  const Result r = run_md("```\nline one\nline two\n```", 20);
  EXPECT_EQ(r.texts, (V{"```\nline one", "line two\n```"}));
}

TEST(ChunkMarkdown, HeadingsWithNothingBetweenStayWithTheirText) {
  const Result r = run_md("# A\n## B\ntext under b\n\n## C\nmore", 1000);
  EXPECT_EQ(r.texts, (V{"# A\n## B\ntext under b", "## C\nmore"}));
  EXPECT_EQ(r.headings, (H{{"A", "B"}, {"A", "C"}}));
}

TEST(ChunkMarkdown, SetextHeadingsAndClosingHashes) {
  const Result r = run_md("Title\n=====\n\nBody.\n\nSub ##\n---\n\nMore.\n\n### Deep ###\nx", 1000);
  EXPECT_EQ(r.headings, (H{{"Title"}, {"Title", "Sub ##"}, {"Title", "Sub ##", "Deep"}}));
}

TEST(ChunkMarkdown, HashesInsideAFenceAreNotHeadings) {
  const Result r = run_md("intro\n\n~~~\n# not a heading\n~~~\n\nafter", 1000);
  ASSERT_EQ(r.texts.size(), 1u);
  EXPECT_TRUE(r.headings[0].empty());
}

}  // namespace
}  // namespace strata::chunk::testing
