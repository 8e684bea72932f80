// The approximate vector index of long-running processes (search/ann_*.h): its recall against
// the exact scan on random vectors, scores that are the scan's own, the background cache (a
// build per state of the store's vectors, a memory bound), and a Searcher that answers from it
// once built, follows embeds and removals, and scans under `exact`, with filters, or without
// SearchRequest::ann; the service's "exact" argument.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"
#include "embed/collection_embed.h"
#include "search/ann_cache.h"
#include "search/ann_index.h"
#include "search/ann_search.h"
#include "search/searcher.h"
#include "search/vector_index.h"
#include "service/search.h"
#include "store/store.h"
#include "ann_test_vectors.h"
#include "test_util.h"

namespace strata {
namespace {

using search::AnnCache;
using search::AnnIndex;
using search::AnnKey;
using search::AnnSettings;
using search::AnnState;
using search::VectorHit;
using search::VectorIndex;
using store::Store;

using testing::random_index;
using testing::random_matrix;

// Both kinds of index, each named in a failure.
AnnSettings settings_of(search::AnnKind kind) {
  AnnSettings s;
  s.kind = kind;
  return s;
}
const search::AnnKind kKinds[] = {search::AnnKind::rabitq, search::AnnKind::hnsw};

// The recall of `ann`'s top k against the scan's over `queries` queries of `q`; every row found
// must carry the scan's score, bit for bit.
double recall_against_the_scan(const AnnIndex& ann, const VectorIndex& vectors, const std::vector<float>& q,
                               std::size_t queries, std::size_t k, const AnnSettings& settings) {
  const std::size_t dims = vectors.dims();
  std::size_t found = 0;
  for (std::size_t i = 0; i < queries; ++i) {
    const std::span<const float> query(q.data() + i * dims, dims);
    const std::vector<VectorHit> exact = vectors.search_exact(query, k);
    const std::vector<VectorHit> approx = search::ann_search(ann, vectors, query, k, settings);
    EXPECT_EQ(approx.size(), k);
    for (std::size_t j = 1; j < approx.size(); ++j) EXPECT_GE(approx[j - 1].score, approx[j].score) << "best first";
    for (const VectorHit& h : approx) {
      const auto same = std::find_if(exact.begin(), exact.end(), [&](const VectorHit& e) { return e.row == h.row; });
      if (same == exact.end()) continue;
      ++found;
      EXPECT_EQ(same->score, h.score) << "rescored exactly: the scan's score, bit for bit";
    }
  }
  return static_cast<double>(found) / static_cast<double>(queries * k);
}

TEST(AnnIndexTest, RecallAgainstTheScanIsAtLeast098AndScoresAreTheScans) {
  constexpr std::size_t rows = 2000, dims = 32, k = 10, queries = 60;
  const auto vectors = random_index(rows, dims, 7);
  const std::vector<float> q = random_matrix(queries, dims, 99);
  for (const search::AnnKind kind : kKinds) {
    const AnnSettings settings = settings_of(kind);
    const std::unique_ptr<AnnIndex> ann = AnnIndex::build(*vectors, settings);
    ASSERT_NE(ann, nullptr);
    EXPECT_EQ(ann->kind(), kind);
    EXPECT_EQ(ann->rows(), rows);
    EXPECT_EQ(ann->bytes(), AnnIndex::estimated_bytes(settings, rows, dims));
    EXPECT_GE(recall_against_the_scan(*ann, *vectors, q, queries, k, settings), 0.98) << search::ann_kind_name(kind);
  }
  EXPECT_EQ(AnnIndex::estimated_bytes(settings_of(search::AnnKind::hnsw), rows, dims), AnnIndex::estimated_bytes(rows, dims, 32));
}

// The codes on vectors shaped as the built-in model's (sparse, never negative, by topic), where
// a query reads 1% of the rows as candidates. The rotation is what makes one bit a dimension
// enough: without it a code's bits are mostly the zeros of a sparse row, and this fails.
TEST(AnnIndexTest, TheCodesFindTheScansRowsAmongFewCandidatesOnSparseVectors) {
  constexpr std::size_t rows = 20000, dims = 96, k = 10, queries = 50;
  const auto vectors = std::make_shared<const VectorIndex>(testing::sparse_topic_matrix(rows, dims, 12, 8), dims);
  const std::vector<float> q = testing::sparse_topic_matrix(queries, dims, 6, 9);
  AnnSettings settings = settings_of(search::AnnKind::rabitq);
  settings.search_breadth = 200;
  settings.candidates = 10;
  const std::unique_ptr<AnnIndex> ann = AnnIndex::build(*vectors, settings);
  ASSERT_NE(ann, nullptr);
  EXPECT_GE(recall_against_the_scan(*ann, *vectors, q, queries, k, settings), 0.98);
  // 96 dims are two 64-bit words a code, a 48th of the float rows.
  EXPECT_EQ(ann->bytes(), AnnIndex::estimated_bytes(settings, rows, ann->nodes(), dims));
  EXPECT_LT(ann->bytes(), rows * dims * sizeof(float) / 8);
}

// Rows holding the same vector are one node of the graph: a corpus repeated twelve times (as the
// bench corpus is at a million rows) left a graph whose links were mostly copies of the node
// itself. Every copy is still a candidate, and the answer is the scan's, ties in row order.
TEST(AnnIndexTest, CopiesOfAVectorAreOneNodeAndEveryCopyIsFound) {
  constexpr std::size_t distinct = 400, copies = 6, dims = 16, k = 10, queries = 40;
  const std::vector<float> base = random_matrix(distinct, dims, 11);
  std::vector<float> m;
  for (std::size_t c = 0; c < copies; ++c) m.insert(m.end(), base.begin(), base.end());  // row r = copy of r % 400
  const auto vectors = std::make_shared<const VectorIndex>(std::move(m), dims);
  const std::vector<float> q = random_matrix(queries, dims, 12);
  for (const search::AnnKind kind : kKinds) {
  SCOPED_TRACE(search::ann_kind_name(kind));
  const AnnSettings settings = settings_of(kind);
  const std::unique_ptr<AnnIndex> ann = AnnIndex::build(*vectors, settings);
  ASSERT_NE(ann, nullptr);
  EXPECT_EQ(ann->rows(), distinct * copies);
  EXPECT_EQ(ann->nodes(), distinct);
  EXPECT_EQ(ann->bytes(), AnnIndex::estimated_bytes(settings, distinct * copies, distinct, dims));
  EXPECT_LT(ann->bytes(), AnnIndex::estimated_bytes(settings, distinct * copies, dims));
  for (std::size_t i = 0; i < queries; ++i) {
    const std::span<const float> query(q.data() + i * dims, dims);
    const std::vector<VectorHit> exact = vectors->search_exact(query, k);
    const std::vector<VectorHit> approx = search::ann_search(*ann, *vectors, query, k, settings);
    ASSERT_EQ(approx.size(), k);
    // The best vector's six copies come first, in row order, then the next vector's.
    for (std::size_t j = 0; j < k; ++j) {
      EXPECT_EQ(approx[j].row, exact[j].row) << "query " << i << ", place " << j;
      EXPECT_EQ(approx[j].score, exact[j].score);
    }
    EXPECT_EQ(approx[0].row % distinct, approx[copies - 1].row % distinct);
  }
  }
}

TEST(AnnIndexTest, AStoppedBuildGivesNothingAndABadQueryIsInvalidInput) {
  const auto vectors = random_index(200, 8, 3);
  const std::atomic<bool> stop{true};
  for (const search::AnnKind kind : kKinds) {
    SCOPED_TRACE(search::ann_kind_name(kind));
    EXPECT_EQ(AnnIndex::build(*vectors, settings_of(kind), &stop), nullptr);
    const std::unique_ptr<AnnIndex> ann = AnnIndex::build(*vectors, settings_of(kind));
    ASSERT_NE(ann, nullptr);
    const std::vector<float> wrong(7, 1.0f);
    EXPECT_EQ(testing::error_of([&] { search::ann_search(*ann, *vectors, wrong, 5, settings_of(kind)); }).code(),
              ExitCode::invalid_input);
  }
}

TEST(AnnSettingsTest, TheKindIsNamedInTheConfigsWordsAndTheCodesAreTheDefault) {
  EXPECT_EQ(AnnSettings{}.kind, search::AnnKind::rabitq);
  for (const search::AnnKind kind : kKinds) EXPECT_EQ(search::ann_kind_named(search::ann_kind_name(kind)), kind);
  EXPECT_EQ(search::ann_kind_named("HNSW"), std::nullopt);
  EXPECT_EQ(search::ann_kind_named(""), std::nullopt);
}

TEST(AnnSettingsTest, TheCodesCandidatesGrowLinearlyWithTheNodes) {
  AnnSettings s;
  EXPECT_EQ(s.breadth_for(1), search::k_ann_codes_breadth_least);
  EXPECT_EQ(s.breadth_for(100'000), search::k_ann_codes_breadth_least);
  EXPECT_EQ(s.breadth_for(1'427'474), 1'427'474 / search::k_ann_codes_nodes_per_candidate);  // bench/ann.sh's 1.4M
  s.search_breadth = 64;
  EXPECT_EQ(s.breadth_for(1'427'474), 64u);
}

TEST(AnnSettingsTest, TheSearchBreadthGrowsWithTheCollectionUnlessFixed) {
  AnnSettings s = settings_of(search::AnnKind::hnsw);
  // The measured sizes of bench/ann.sh (BENCHMARKS.md): the breadths chosen there.
  EXPECT_EQ(s.breadth_for(109'817), search::k_ann_breadth_small);
  EXPECT_EQ(s.breadth_for(1'318'324), search::k_ann_breadth_large);
  std::size_t last = 0;
  for (std::size_t rows = 1; rows <= (std::size_t{1} << 34); rows *= 2) {
    const std::size_t b = s.breadth_for(rows);
    EXPECT_GE(b, last) << rows;
    EXPECT_GE(b, s.candidates) << rows;
    EXPECT_LE(b, search::k_ann_breadth_most) << rows;
    last = b;
  }
  s.search_breadth = 64;
  EXPECT_EQ(s.breadth_for(10), 64u);
  EXPECT_EQ(s.breadth_for(1'318'324), 64u);
}

TEST(AnnCacheTest, BuildsInTheBackgroundOncePerStateAndFreesTheOldOne) {
  AnnCache cache;
  const auto vectors = random_index(300, 8, 5);
  AnnKey key{{"store-a", 1}, 1, store::EmbeddingModel("local", "m", 8), 300};
  EXPECT_EQ(cache.find_or_build(key, vectors, AnnSettings{}), nullptr) << "the scan answers while it is built";
  cache.wait_idle();
  EXPECT_EQ(cache.state(key), AnnState::ready);
  const std::size_t held = cache.bytes();
  EXPECT_EQ(held, AnnIndex::estimated_bytes(AnnSettings{}, 300, 8));
  const std::shared_ptr<const AnnIndex> first = cache.find_or_build(key, vectors, AnnSettings{});
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->rows(), 300u);
  // An embed or a removal changes the store's generation: a new build, the old index freed.
  const auto fewer = random_index(250, 8, 6);
  AnnKey next = key;
  next.fingerprint.generation = 2;
  next.rows = 250;
  EXPECT_EQ(cache.find_or_build(next, fewer, AnnSettings{}), nullptr);
  EXPECT_EQ(cache.state(key), std::nullopt);
  cache.wait_idle();
  const std::shared_ptr<const AnnIndex> second = cache.find_or_build(next, fewer, AnnSettings{});
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->rows(), 250u);
  EXPECT_EQ(cache.bytes(), AnnIndex::estimated_bytes(AnnSettings{}, 250, 8));
}

TEST(AnnCacheTest, AnIndexBeyondTheMemoryBoundIsNotBuilt) {
  AnnCache cache;
  const auto vectors = random_index(300, 8, 5);
  AnnSettings small;
  small.max_bytes = AnnIndex::estimated_bytes(small, 300, 8) - 1;
  const AnnKey key{{"store-b", 1}, 3, store::EmbeddingModel("local", "m", 8), 300};
  EXPECT_EQ(cache.find_or_build(key, vectors, small), nullptr);
  cache.wait_idle();
  EXPECT_EQ(cache.state(key), AnnState::too_large);
  EXPECT_EQ(cache.find_or_build(key, vectors, small), nullptr) << "not tried again for the same state";
  EXPECT_EQ(cache.bytes(), 0u);
}

class AnnQuietObserver final : public embed::EmbedObserver {};

// A collection of 60 chunks embedded with the built-in model; the approximate index is allowed
// from one vector on.
class SearchAnnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = tmp_ / "store.db";
    Store::open(path_);
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO collections (name) VALUES ('docs')");
    const char* const words[] = {"migration", "rollback", "schema", "bread", "dough", "oven", "index", "vector",
                                 "query",     "table",    "column", "yeast", "crust", "flour", "graph", "search"};
    for (int d = 0; d < 6; ++d) {
      SQLite::Statement doc(db, "INSERT INTO documents (collection_id, source, content_hash, size_bytes, loader, chunk_count) "
                                "VALUES (1, ?, 'h', 1, 'text', 10)");
      doc.bind(1, "d" + std::to_string(d) + ".md");
      doc.exec();
      const std::int64_t id = db.getLastInsertRowid();
      for (int k = 0; k < 10; ++k) {
        const int n = d * 10 + k;
        const std::string text = std::string(words[n % 16]) + " " + words[(n * 7 + 3) % 16] + " " + words[(n * 5 + 1) % 16] +
                                 " number " + std::to_string(n);
        SQLite::Statement ch(db, "INSERT INTO chunks (document_id, ordinal, text, start_byte, end_byte, line_start, line_end) "
                                 "VALUES (?, ?, ?, 0, 1, ?, ?)");
        ch.bind(1, id);
        ch.bind(2, k);
        ch.bind(3, text);
        ch.bind(4, k + 1);
        ch.bind(5, k + 1);
        ch.exec();
      }
    }
    Store st = Store::open(path_);
    AnnQuietObserver quiet;
    embed::embed_collection(st, "docs", embed::EmbedSettings{}, quiet);
  }

  static search::SearchRequest request(bool exact = false) {
    search::SearchRequest r;
    r.query = "rollback of a schema migration";
    r.collection = "docs";
    r.mode = search::Mode::vector;
    r.k = 5;
    r.ann = AnnSettings{};
    r.ann->min_rows = 1;
    r.exact = exact;
    return r;
  }

  static std::vector<std::pair<std::int64_t, double>> ranked(const search::SearchResult& r) {
    std::vector<std::pair<std::int64_t, double>> out;
    for (const search::SearchHit& h : r.hits) out.emplace_back(h.chunk.chunk_id, h.score);
    return out;
  }

  testing::TempDir tmp_;
  std::string path_;
};

TEST_F(SearchAnnTest, TheScanAnswersUntilTheIndexIsBuiltThenTheIndexWithTheScansHits) {
  Store st = Store::open(path_);
  search::Searcher s(st);
  const search::SearchResult first = s.search(request());
  EXPECT_FALSE(first.approximate) << "the first query starts the build and is answered by the scan";
  AnnCache::process().wait_idle();
  const search::SearchResult second = s.search(request());
  EXPECT_TRUE(second.approximate);
  EXPECT_EQ(ranked(second), ranked(first)) << "60 vectors: the graph finds every one, rescored as the scan scores";
  const search::SearchResult exact = s.search(request(true));
  EXPECT_FALSE(exact.approximate);
  EXPECT_EQ(ranked(exact), ranked(first));
  search::SearchRequest filtered = request();
  filtered.where.push_back({"source", "d0.md"});
  const search::SearchResult f = s.search(filtered);
  EXPECT_FALSE(f.approximate) << "a filter is applied by the scan";
  for (const search::SearchHit& h : f.hits) EXPECT_EQ(h.chunk.source, "d0.md");
  search::SearchRequest one_process = request();
  one_process.ann.reset();
  EXPECT_FALSE(s.search(one_process).approximate);
}

TEST_F(SearchAnnTest, ARemovalAndAnEmbedRebuildTheIndex) {
  Store st = Store::open(path_);
  search::Searcher s(st);
  s.search(request());
  AnnCache::process().wait_idle();
  const search::SearchResult before = s.search(request());
  ASSERT_TRUE(before.approximate);
  ASSERT_FALSE(before.hits.empty());
  const std::int64_t best = before.hits.front().chunk.chunk_id;
  {
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec("DELETE FROM embeddings WHERE chunk_id = " + std::to_string(best));
  }
  const search::SearchResult removed = s.search(request());
  EXPECT_FALSE(removed.approximate) << "another state of the vectors: the scan answers while the index is rebuilt";
  AnnCache::process().wait_idle();
  const search::SearchResult rebuilt = s.search(request());
  EXPECT_TRUE(rebuilt.approximate);
  EXPECT_EQ(ranked(rebuilt), ranked(removed));
  for (const search::SearchHit& h : rebuilt.hits) EXPECT_NE(h.chunk.chunk_id, best);
  AnnQuietObserver quiet;
  embed::embed_collection(st, "docs", embed::EmbedSettings{}, quiet);  // embeds the chunk again
  const search::SearchResult embedded = s.search(request());
  EXPECT_FALSE(embedded.approximate);
  AnnCache::process().wait_idle();
  const search::SearchResult again = s.search(request());
  EXPECT_TRUE(again.approximate);
  EXPECT_EQ(again.hits.front().chunk.chunk_id, best);
  EXPECT_EQ(ranked(again), ranked(before));
}

TEST(SearchAnnServiceTest, TheExactArgumentIsABoolean) {
  const search::SearchRequest plain = service::search_request(nlohmann::json{{"query", "x"}}, {}, "docs");
  EXPECT_FALSE(plain.exact);
  const search::SearchRequest exact = service::search_request(nlohmann::json{{"query", "x"}, {"exact", true}}, {}, "docs");
  EXPECT_TRUE(exact.exact);
  const Error e = testing::error_of([] { service::search_request(nlohmann::json{{"query", "x"}, {"exact", "yes"}}, {}, "docs"); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_NE(std::string(e.what()).find("argument 'exact' must be true or false"), std::string::npos) << e.what();
}

}  // namespace
}  // namespace strata
