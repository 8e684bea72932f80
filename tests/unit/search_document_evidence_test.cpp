// with_document_evidence: a chunk's score gains a share of its document's other matching chunks.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "search/document_evidence.h"

namespace strata::search {
namespace {

using Hits = std::vector<RankedHit>;
using Docs = std::vector<std::int64_t>;

std::vector<std::int64_t> ids_of(const Hits& hits) {
  std::vector<std::int64_t> ids;
  for (const RankedHit& h : hits) ids.push_back(h.id);
  return ids;
}

TEST(SearchDocumentEvidence, APageMatchingInSeveralChunksPassesAPageMentioningTheWordsOnce) {
  // Chunk 1: a changelog's one mention, the best single chunk. Chunks 2-4: the page that answers.
  const Hits hits = {{1, 10.0}, {2, 9.0}, {3, 6.0}, {4, 5.0}, {5, 1.0}};
  const Docs docs = {100, 200, 200, 200, 300};
  const Hits out = with_document_evidence(hits, docs, DocumentEvidence{0.15, 6});
  EXPECT_EQ(ids_of(out), (std::vector<std::int64_t>{2, 1, 3, 4, 5}));
  // 0.9 + 0.15 * (0.6 + 0.5), and the changelog's chunk alone keeps 10/10.
  EXPECT_DOUBLE_EQ(out[0].score, 0.9 + 0.15 * (0.6 + 0.5));
  EXPECT_DOUBLE_EQ(out[1].score, 1.0);
  EXPECT_DOUBLE_EQ(out[2].score, 0.6 + 0.15 * (0.9 + 0.5));
}

TEST(SearchDocumentEvidence, OnlyTheBestOthersCount) {
  const Hits hits = {{1, 10.0}, {2, 8.0}, {3, 4.0}, {4, 2.0}};
  const Docs docs = {7, 7, 7, 7};
  const Hits out = with_document_evidence(hits, docs, DocumentEvidence{0.5, 2});
  ASSERT_EQ(out.size(), 4u);
  EXPECT_DOUBLE_EQ(out[0].score, 1.0 + 0.5 * (0.8 + 0.4));  // chunk 4's 0.2 is the third other: not counted
  EXPECT_DOUBLE_EQ(out[3].score, 0.2 + 0.5 * (1.0 + 0.8));
  EXPECT_EQ(ids_of(out), (std::vector<std::int64_t>{1, 2, 3, 4}));
}

TEST(SearchDocumentEvidence, OneChunkPerDocumentKeepsTheOrder) {
  const Hits hits = {{9, 5.0}, {3, 4.0}, {7, 4.0}, {1, 0.5}};
  const Hits out = with_document_evidence(hits, Docs{1, 2, 3, 4});
  EXPECT_EQ(ids_of(out), (std::vector<std::int64_t>{9, 3, 7, 1})) << "equal scores keep their order in the list";
  EXPECT_DOUBLE_EQ(out[1].score, 0.8);
}

TEST(SearchDocumentEvidence, TwoEqualChunksOfOneDocumentEachCountTheOther) {
  const Hits out = with_document_evidence(Hits{{1, 2.0}, {2, 2.0}}, Docs{5, 5}, DocumentEvidence{0.25, 6});
  EXPECT_DOUBLE_EQ(out[0].score, 1.25);
  EXPECT_DOUBLE_EQ(out[1].score, 1.25);
  EXPECT_EQ(ids_of(out), (std::vector<std::int64_t>{1, 2}));
}

TEST(SearchDocumentEvidence, EmptyOrScorelessListsComeBackAsTheyWere) {
  EXPECT_TRUE(with_document_evidence(Hits{}, Docs{}).empty());
  const Hits zero = {{1, 0.0}, {2, 0.0}};
  const Hits out = with_document_evidence(zero, Docs{1, 1});
  EXPECT_EQ(ids_of(out), (std::vector<std::int64_t>{1, 2}));
  EXPECT_DOUBLE_EQ(out[0].score, 0.0);
}

}  // namespace
}  // namespace strata::search
