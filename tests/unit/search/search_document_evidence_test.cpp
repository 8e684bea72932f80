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

TEST(SearchDocumentEvidence, OnlyThePoolGathersEvidenceSoScoresDoNotDependOnTheDepth) {
  // Chunks 1-3 are in the pool of 3; chunk 4, of the same document as chunk 2, is not.
  const Hits hits = {{1, 10.0}, {2, 9.0}, {3, 8.0}, {4, 7.0}, {5, 6.0}};
  const Docs docs = {100, 200, 300, 200, 100};
  const Hits out = with_document_evidence(hits, docs, DocumentEvidence{0.5, 6, 3});
  EXPECT_EQ(ids_of(out), (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
  EXPECT_DOUBLE_EQ(out[0].score, 1.0) << "chunk 5, after the pool, lends chunk 1 nothing";
  EXPECT_DOUBLE_EQ(out[1].score, 0.9) << "chunk 4, after the pool, lends chunk 2 nothing";
  EXPECT_DOUBLE_EQ(out[3].score, 0.7) << "after the pool a chunk keeps score/best";
  // The pool's scores are those of the list cut to the pool.
  const Hits cut = with_document_evidence(Hits(hits.begin(), hits.begin() + 3), Docs(docs.begin(), docs.begin() + 3),
                                          DocumentEvidence{0.5, 6, 3});
  for (std::size_t i = 0; i < cut.size(); ++i) {
    EXPECT_EQ(out[i].id, cut[i].id);
    EXPECT_DOUBLE_EQ(out[i].score, cut[i].score);
  }
}

TEST(SearchDocumentEvidence, ChunksAfterThePoolStayBelowItInTheirOrder) {
  const Hits hits = {{1, 10.0}, {2, 2.0}, {3, 2.0}, {4, 2.0}, {5, 1.0}};
  const Docs docs = {1, 2, 2, 3, 3};
  const Hits out = with_document_evidence(hits, docs, DocumentEvidence{1.0, 6, 2});
  EXPECT_EQ(ids_of(out), (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
  EXPECT_DOUBLE_EQ(out[2].score, 0.2);
  EXPECT_DOUBLE_EQ(out[4].score, 0.1);
}

}  // namespace
}  // namespace strata::search
