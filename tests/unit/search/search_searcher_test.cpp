// search::Searcher over a real store: keyword queries that look like FTS5 syntax, filters
// applied before ranking in every mode, hybrid fusion, the int8 pre-pass against exact search
// on a collection's own vectors, errors, snippets and reloading after the store changes.
#include "search/searcher.h"

#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "common/error.h"
#include "common/text.h"
#include "embed/collection_embed.h"
#include "search/fts_query.h"
#include "embed/local_embedder.h"
#include "search/snippet.h"
#include "search/vector_index.h"
#include "store/collections.h"
#include "store/search_store.h"
#include "store/store.h"
#include "test_util.h"
#include "setting_flags.h"

namespace strata {
namespace {

using search::Mode;
using search::SearchRequest;
using search::Searcher;
using store::Store;
using testing::TempDir;

class SearcherSilent final : public embed::EmbedObserver {};

// A small corpus about databases and cooking, 4 chunks per document, with metadata.
const char* const k_topics[] = {
    "Rolling back a migration restores the previous schema version of the database.",
    "The connection pool keeps idle connections open for reuse by later queries.",
    "C++ templates generate code at compile time; the C++ standard library uses them.",
    "Whisk the eggs with sugar, then fold in the flour gently before baking.",
    "Vector search ranks chunks by cosine similarity between embedding vectors.",
    "Full-text search with BM25 weighs rare terms higher than common ones.",
    "Bake the bread at a high temperature until the crust is golden brown.",
    "A write-ahead log lets readers continue while a writer commits.",
};

class SearcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = tmp_ / "store.db";
    Store::open(path_);
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec("PRAGMA foreign_keys = ON");
    db.exec("INSERT INTO collections (name) VALUES ('docs'), ('empty')");
    for (int d = 0; d < 40; ++d) {
      SQLite::Statement doc(db,
                            "INSERT INTO documents (collection_id, source, title, content_hash, size_bytes, loader, "
                            "metadata, chunk_count) VALUES (1, ?, ?, 'h', 1, 'text', ?, 4)");
      doc.bind(1, "notes/doc" + std::to_string(d) + ".md");
      doc.bind(2, "Doc " + std::to_string(d));
      doc.bind(3, d % 10 == 0 ? R"({"team":"legal"})" : R"({"team":"ops"})");
      doc.exec();
      const std::int64_t did = db.getLastInsertRowid();
      for (int k = 0; k < 4; ++k) {
        const std::string text = std::string(k_topics[(d + k) % 8]) + "\nNote " + std::to_string(d) + "." +
                                 std::to_string(k) + " for the record.";
        SQLite::Statement ch(db,
                             "INSERT INTO chunks (document_id, ordinal, text, start_byte, end_byte, line_start, line_end) "
                             "VALUES (?, ?, ?, 0, ?, ?, ?)");
        ch.bind(1, did);
        ch.bind(2, k);
        ch.bind(3, text);
        ch.bind(4, static_cast<std::int64_t>(text.size()));
        ch.bind(5, 2 * k + 1);
        ch.bind(6, 2 * k + 2);
        ch.exec();
      }
    }
  }

  void embed_docs() {
    Store st = Store::open(path_);
    SearcherSilent quiet;
    embed::embed_collection(st, "docs", embed::EmbedSettings{}, quiet);
  }

  static SearchRequest request(const std::string& query, std::optional<Mode> mode = std::nullopt, std::size_t k = 10) {
    SearchRequest r;
    r.query = query;
    r.collection = "docs";
    r.mode = mode;
    r.k = k;
    return r;
  }

  static std::vector<std::int64_t> ids(const search::SearchResult& r) {
    std::vector<std::int64_t> out;
    for (const search::SearchHit& h : r.hits) out.push_back(h.chunk.chunk_id);
    return out;
  }

  TempDir tmp_;
  std::string path_;
};

TEST_F(SearcherTest, KeywordQueriesThatLookLikeFts5SyntaxNeverFail) {
  Store st = Store::open(path_);
  Searcher s(st);
  const std::string nasty[] = {"C++",        "\"",         "AND",        "-",           ":",         "(",
                               ")",          "NEAR",       "NEAR(a b)",  "OR NOT AND",  "col:value", "text:bake",
                               "\"unbalanced", "*",        "^start",     "a AND (b OR", "-bake",     "+",
                               "{text}: x",  "\x01\x02\x1b[31m", "\xff\xfe broken \xc3", "caf\xc3\xa9", "🙂 emoji",
                               "'; DROP TABLE chunks; --", std::string("nul\0byte", 8), "NEAR/3"};
  for (const std::string& q : nasty) {
    SCOPED_TRACE(q);
    search::SearchResult r;
    EXPECT_NO_THROW(r = s.search(request(q, Mode::keyword)));
    EXPECT_EQ(r.mode, Mode::keyword);
    for (const search::SearchHit& h : r.hits) EXPECT_FALSE(find_invalid_utf8(h.snippet).has_value());
  }
  const search::SearchResult cpp = s.search(request("C++", Mode::keyword));
  ASSERT_FALSE(cpp.hits.empty());
  EXPECT_NE(cpp.hits[0].chunk.text.find("C++"), std::string::npos);
  EXPECT_FALSE(s.search(request("text:bake", Mode::keyword)).hits.empty());  // not a column filter
}

TEST_F(SearcherTest, KeywordHitsCarryTheirRecordAndAPositiveScore) {
  Store st = Store::open(path_);
  Searcher s(st);
  const search::SearchResult r = s.search(request("rolling back migrations", Mode::keyword, 5));
  ASSERT_EQ(r.hits.size(), 5u);
  for (std::size_t i = 0; i < r.hits.size(); ++i) {
    const search::SearchHit& h = r.hits[i];
    EXPECT_NE(h.chunk.text.find("Rolling back a migration"), std::string::npos);
    EXPECT_GT(h.score, 0);
    if (i > 0) {
      EXPECT_LE(h.score, r.hits[i - 1].score);
    }
    ASSERT_TRUE(h.keyword);
    EXPECT_EQ(h.keyword->rank, i + 1);
    EXPECT_FALSE(h.vector);
    EXPECT_EQ(h.chunk.source.rfind("notes/doc", 0), 0u);
    EXPECT_EQ(h.chunk.title.rfind("Doc ", 0), 0u);
    EXPECT_EQ(h.chunk.line_end, h.chunk.line_start + 1);
    EXPECT_EQ(h.chunk.byte_end, h.chunk.text.size());
    EXPECT_EQ(h.snippet.find('\n'), std::string::npos);
    EXPECT_NE(h.snippet.find("Rolling"), std::string::npos);
  }
  EXPECT_FALSE(r.model);
  EXPECT_GT(r.timings.total_ms, 0);
}

TEST_F(SearcherTest, BadRequestsAreClearErrors) {
  Store st = Store::open(path_);
  Searcher s(st);
  EXPECT_EQ(testing::error_of([&] { s.search(request("")); }).code(), ExitCode::usage);
  EXPECT_EQ(testing::error_of([&] { s.search(request(" \t\n")); }).code(), ExitCode::usage);
  EXPECT_EQ(testing::error_of([&] { s.search(request("x", Mode::keyword, 0)); }).code(), ExitCode::usage);
  SearchRequest other = request("x");
  other.collection = "nope";
  const Error missing = testing::error_of([&] { s.search(other); });
  EXPECT_EQ(missing.code(), ExitCode::invalid_input) << "exit 3, as every command's unknown collection";
  EXPECT_EQ(missing.kind(), ErrorKind::not_found) << "never the class of a server that is down";
  EXPECT_NE(std::string(missing.what()).find("'nope'"), std::string::npos);
  EXPECT_NE(missing.hint().find("docs"), std::string::npos);
  const Error no_vectors = testing::error_of([&] { s.search(request("x", Mode::vector)); });
  EXPECT_EQ(no_vectors.code(), ExitCode::usage);
  EXPECT_NE(no_vectors.hint().find("strata embed"), std::string::npos);
  EXPECT_EQ(testing::error_of([&] { s.search(request("x", Mode::hybrid)); }).code(), ExitCode::usage);
  SearchRequest bad_filter = request("x", Mode::keyword);
  bad_filter.where = {{"", "v"}};
  EXPECT_EQ(testing::error_of([&] { s.search(bad_filter); }).code(), ExitCode::usage);
  // Punctuation only: nothing to look for, no error, no hits.
  EXPECT_TRUE(s.search(request("?!", Mode::keyword)).hits.empty());
  for (const double w : {-0.1, 1.5, std::nan("")}) {
    SearchRequest weight = request("x", Mode::keyword);
    weight.vector_weight = w;
    const Error e = testing::error_of([&] { s.search(weight); });
    EXPECT_EQ(e.code(), ExitCode::usage) << w;
    EXPECT_NE(cli::with_flags(e.what()).find("--vector-weight"), std::string::npos);
  }
}

TEST_F(SearcherTest, TheDefaultModeIsHybridOnlyWithVectors) {
  {
    Store st = Store::open(path_);
    Searcher s(st);
    EXPECT_EQ(s.search(request("bread")).mode, Mode::keyword);
  }
  embed_docs();
  Store st = Store::open(path_);
  Searcher s(st);
  const search::SearchResult r = s.search(request("bread"));
  EXPECT_EQ(r.mode, Mode::hybrid);
  ASSERT_TRUE(r.model);
  EXPECT_EQ(r.model->provider, "local");
  EXPECT_EQ(r.model->dimensions, 384);
}

TEST_F(SearcherTest, FiltersApplyBeforeRankingInEveryMode) {
  embed_docs();
  Store st = Store::open(path_);
  Searcher s(st);
  // 4 of 40 documents are legal (16 chunks); ask for 12 in each mode and get 12, all legal.
  for (const Mode mode : {Mode::keyword, Mode::vector, Mode::hybrid}) {
    SCOPED_TRACE(std::string(search::to_string(mode)));
    SearchRequest r = request("notes for the record about connection pools", mode, 12);
    r.where = {{"team", "legal"}};
    const search::SearchResult res = s.search(r);
    // Keyword can only return chunks that hold a query term: all 16 legal chunks have "Note"
    // and "record".
    ASSERT_EQ(res.hits.size(), 12u);
    for (const search::SearchHit& h : res.hits) {
      const int doc = std::stoi(h.chunk.source.substr(std::string("notes/doc").size()));
      EXPECT_EQ(doc % 10, 0) << h.chunk.source;
    }
  }
  SearchRequest two = request("bread", Mode::vector, 10);
  two.where = {{"team", "legal"}, {"source", "notes/doc10.md"}};
  EXPECT_EQ(s.search(two).hits.size(), 4u);  // fewer allowed than k: all of them
}

TEST_F(SearcherTest, HybridIsTheWeightedRrfFusionOfBothListsAtDepth) {
  embed_docs();
  Store st = Store::open(path_);
  Searcher s(st);
  const std::size_t k = 10, depth = 50;
  const std::string q = "bake bread crust temperature";
  const search::SearchResult kw = s.search(request(q, Mode::keyword, depth));
  const search::SearchResult vec = s.search(request(q, Mode::vector, depth));
  std::vector<search::RankedHit> lists[2];
  for (const auto& h : kw.hits) lists[0].push_back({h.chunk.chunk_id, h.score});
  for (const auto& h : vec.hits) lists[1].push_back({h.chunk.chunk_id, h.score});
  // The default weight, equal weights and others: the keyword list weighs 1, the vector list w.
  for (const std::optional<double> weight : {std::optional<double>(), std::optional(1.0), std::optional(0.5)}) {
    const double w = weight.value_or(search::k_hybrid_vector_weight);
    SCOPED_TRACE(w);
    const double weights[] = {1.0, w};
    // Below weight 1 keyword's best counts as the vector list's first too (fuse_hybrid).
    const std::vector<search::FusedHit> want = search::fuse_hybrid(lists[0], lists[1], w, k);
    if (w >= 1.0) {
      const std::vector<search::FusedHit> plain = search::fuse_rrf(lists, k, search::kRrfK, weights);
      ASSERT_EQ(plain.size(), want.size());
      for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(plain[i].id, want[i].id);
    }
    SearchRequest r = request(q, Mode::hybrid, k);
    if (weight) r.vector_weight = *weight;
    const search::SearchResult hy = s.search(r);
    EXPECT_DOUBLE_EQ(hy.vector_weight, w) << "the weight used: the request's, else the local model's default";
    ASSERT_EQ(hy.hits.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      SCOPED_TRACE(i);
      const search::SearchHit& h = hy.hits[i];
      EXPECT_EQ(h.chunk.chunk_id, want[i].id);
      EXPECT_DOUBLE_EQ(h.score, want[i].score);
      double expect = 0;
      if (h.keyword) expect += 1.0 / (60.0 + static_cast<double>(h.keyword->rank));
      if (h.vector) expect += w / (60.0 + static_cast<double>(h.vector->rank));
      if (w < 1.0 && h.keyword && h.keyword->rank == 1) expect = (1.0 + w) / 61.0;  // keyword's best
      EXPECT_DOUBLE_EQ(h.score, expect);
      EXPECT_TRUE(h.keyword || h.vector);
      // --explain's positions are each list's own rank and score, whatever the weight.
      if (h.keyword) {
        EXPECT_DOUBLE_EQ(h.keyword->score, kw.hits[h.keyword->rank - 1].score);
      }
      if (h.vector) {
        EXPECT_DOUBLE_EQ(h.vector->score, vec.hits[h.vector->rank - 1].score);
      }
    }
    EXPECT_GT(hy.timings.keyword_ms, 0);
    EXPECT_GT(hy.timings.vector_ms, 0);
  }
}

// The weaker vector list cannot unseat keyword's best chunk. Constructed: keyword ranks chunk 1
// first and chunk 2 second; the vector list puts chunk 2 first and chunk 1 100th. Plain
// weighted RRF puts chunk 2 first (1/62 + w/61 > 1/61 + w/160); fuse_hybrid keeps chunk 1 first
// (1/61 + w/61) and leaves every other chunk where plain fusion puts it, with its score.
TEST(SearchHybridFusion, KeywordsBestStaysFirstWhenTheVectorListWeighsLess) {
  std::vector<search::RankedHit> keyword, vector;
  for (std::int64_t id = 1; id <= 20; ++id) keyword.push_back({id, 30.0 - static_cast<double>(id)});
  vector.push_back({2, 0.9});
  for (std::int64_t id = 100; id < 198; ++id) vector.push_back({id, 0.8});
  vector.push_back({1, 0.1});  // 100th
  const double w = search::k_hybrid_vector_weight;
  const double weights[] = {1.0, w};
  const std::vector<search::RankedHit> plain_lists[] = {keyword, vector};
  const std::vector<search::FusedHit> plain = search::fuse_rrf(plain_lists, 6, search::kRrfK, weights);
  ASSERT_EQ(plain.size(), 6u);
  EXPECT_EQ(plain[0].id, 2) << "plain RRF unseats keyword's best";
  EXPECT_EQ(plain[1].id, 1);

  const std::vector<search::FusedHit> fused = search::fuse_hybrid(keyword, vector, w, 6);
  ASSERT_EQ(fused.size(), 6u);
  EXPECT_EQ(fused[0].id, 1);
  EXPECT_DOUBLE_EQ(fused[0].score, 1.0 / 61 + w / 61);
  ASSERT_EQ(fused[0].lists.size(), 2u);
  ASSERT_TRUE(fused[0].lists[1]);
  EXPECT_EQ(fused[0].lists[1]->rank, 100u) << "its place in the vector list itself";
  // The rest: plain fusion's order and scores.
  EXPECT_EQ(fused[1].id, plain[0].id);
  EXPECT_DOUBLE_EQ(fused[1].score, 1.0 / 62 + w / 61);
  for (std::size_t i = 2; i < fused.size(); ++i) {
    EXPECT_EQ(fused[i].id, plain[i].id) << i;
    EXPECT_DOUBLE_EQ(fused[i].score, plain[i].score) << i;
  }
  // Keyword's best outside plain fusion's first `limit`: still first. Ten chunks that both lists
  // rank above chunk 1's vector place outscore it in plain fusion.
  std::vector<search::RankedHit> vector_first;
  for (std::int64_t id = 2; id <= 12; ++id) vector_first.push_back({id, 0.9});
  const std::vector<search::FusedHit> strong = search::fuse_hybrid(keyword, vector_first, 0.9, 3);
  ASSERT_EQ(strong.size(), 3u);
  EXPECT_EQ(strong[0].id, 1);
  EXPECT_DOUBLE_EQ(strong[0].score, 1.9 / 61);
  EXPECT_FALSE(strong[0].lists[1]);
  // A semantic model's list (weight 1) is fused as it is: plain RRF.
  const double equal[] = {1.0, 1.0};
  const auto semantic = search::fuse_hybrid(keyword, vector, 1.0, 5);
  const auto want = search::fuse_rrf(plain_lists, 5, search::kRrfK, equal);
  ASSERT_EQ(semantic.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(semantic[i].id, want[i].id);
    EXPECT_DOUBLE_EQ(semantic[i].score, want[i].score);
  }
  // Nothing found by keyword: the vector list alone.
  const auto only_vector = search::fuse_hybrid({}, vector, w, 3);
  ASSERT_EQ(only_vector.size(), 3u);
  EXPECT_EQ(only_vector[0].id, 2);
  EXPECT_FALSE(only_vector[0].lists[0]);
}

TEST_F(SearcherTest, HybridsFirstHitIsKeywordsFirst) {
  embed_docs();
  Store st = Store::open(path_);
  Searcher s(st);
  for (const char* q : {"bake bread crust temperature", "connection pool idle", "vector search cosine embedding",
                        "write-ahead log readers", "templates compile time"}) {
    SCOPED_TRACE(q);
    const search::SearchResult kw = s.search(request(q, Mode::keyword, 10));
    const search::SearchResult hy = s.search(request(q, Mode::hybrid, 10));
    ASSERT_FALSE(kw.hits.empty());
    ASSERT_FALSE(hy.hits.empty());
    EXPECT_EQ(hy.hits[0].chunk.chunk_id, kw.hits[0].chunk.chunk_id);
    ASSERT_TRUE(hy.hits[0].keyword);
    EXPECT_EQ(hy.hits[0].keyword->rank, 1u);
  }
}

// The built-in models are lexical, a weaker BM25: their list only reorders near-ties (0.1).
// A server's model is semantic, known or not, and weighs as much as the keyword list (1).
TEST(SearchDefaultVectorWeight, FollowsTheModelsKind) {
  EXPECT_EQ(search::default_vector_weight({"local", "hash-ngram-v2", 384}), search::k_hybrid_vector_weight);
  EXPECT_EQ(search::default_vector_weight({"local", "hash-ngram-v1", 64}), search::k_hybrid_vector_weight);
  EXPECT_EQ(search::default_vector_weight({"openai", "text-embedding-3-small", 1536}), search::k_semantic_vector_weight);
  EXPECT_EQ(search::default_vector_weight({"openai", "nomic-embed-text:latest", 768}), search::k_semantic_vector_weight);
  EXPECT_EQ(search::default_vector_weight({"openai", "some-new-model", 1024}), search::k_semantic_vector_weight);
  EXPECT_EQ(search::k_semantic_vector_weight, 1.0);
  EXPECT_LT(search::k_hybrid_vector_weight, search::k_semantic_vector_weight);
}

TEST_F(SearcherTest, HybridWithVectorWeightZeroKeepsTheKeywordOrder) {
  embed_docs();
  Store st = Store::open(path_);
  Searcher s(st);
  const std::string q = "connection pool idle";
  const search::SearchResult kw = s.search(request(q, Mode::keyword, 10));
  ASSERT_FALSE(kw.hits.empty());
  SearchRequest r = request(q, Mode::hybrid, kw.hits.size());
  r.vector_weight = 0.0;
  const search::SearchResult hy = s.search(r);
  ASSERT_EQ(hy.hits.size(), kw.hits.size());
  for (std::size_t i = 0; i < kw.hits.size(); ++i) {
    EXPECT_EQ(hy.hits[i].chunk.chunk_id, kw.hits[i].chunk.chunk_id) << i;
    // The vector list still reports where each hit stood in it.
    EXPECT_TRUE(hy.hits[i].keyword);
  }
  EXPECT_TRUE(std::any_of(hy.hits.begin(), hy.hits.end(), [](const search::SearchHit& h) { return h.vector.has_value(); }));
}

TEST_F(SearcherTest, Int8PrepassTopTenIsTheExactTopTenOnTheCollection) {
  embed_docs();
  Store st = Store::open(path_);
  const auto c = store::find_collection(st, "docs");
  ASSERT_TRUE(c && c->embedding_model);
  store::CollectionVectors v = store::load_vectors(st, c->id, 384);
  ASSERT_EQ(v.chunk_ids.size(), 160u);
  const search::VectorIndex index(v.matrix, 384, search::Prepass::int8);
  const embed::LocalEmbedder local(384);
  Searcher s(st);
  for (const char* q : {"bread", "database migration", "vector cosine", "C++ templates", "eggs sugar flour", "zzz"}) {
    SCOPED_TRACE(q);
    const embed::Vector qv = local.embed(q);
    const auto fast = index.search(qv, 10);
    const auto exact = index.search_exact(qv, 10);
    ASSERT_EQ(fast.size(), exact.size());
    for (std::size_t i = 0; i < fast.size(); ++i) {
      EXPECT_EQ(fast[i].row, exact[i].row);
      EXPECT_EQ(fast[i].score, exact[i].score);
    }
    // And the Searcher returns exactly those chunks with those scores.
    const search::SearchResult r = s.search(request(q, Mode::vector, 10));
    ASSERT_EQ(r.hits.size(), exact.size());
    for (std::size_t i = 0; i < exact.size(); ++i) {
      EXPECT_EQ(r.hits[i].chunk.chunk_id, v.chunk_ids[exact[i].row]);
      EXPECT_FLOAT_EQ(static_cast<float>(r.hits[i].score), exact[i].score);
    }
  }
}

TEST_F(SearcherTest, VectorsAreLoadedOnceAndReloadedWhenTheStoreChanges) {
  embed_docs();
  Store st = Store::open(path_);
  Searcher s(st);
  const search::SearchResult first = s.search(request("golden crust", Mode::vector));
  EXPECT_GT(first.timings.load_ms, 0);
  const search::SearchResult second = s.search(request("golden crust", Mode::vector));
  EXPECT_EQ(second.timings.load_ms, 0);
  EXPECT_EQ(ids(first), ids(second));
  {
    // Another connection adds a document whose chunk is the best match, and embeds it.
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO documents (collection_id, source, content_hash, size_bytes, loader) VALUES (1, 'new.md', 'h', 1, 'text')");
    db.exec("INSERT INTO chunks (document_id, ordinal, text, start_byte, end_byte, line_start, line_end) "
            "VALUES (last_insert_rowid(), 0, 'golden crust', 0, 12, 1, 1)");
  }
  embed_docs();
  const search::SearchResult third = s.search(request("golden crust", Mode::vector));
  EXPECT_GT(third.timings.load_ms, 0);
  ASSERT_FALSE(third.hits.empty());
  EXPECT_EQ(third.hits[0].chunk.source, "new.md");
  EXPECT_NEAR(third.hits[0].score, 1.0, 1e-5);
}

TEST_F(SearcherTest, CollectionsAreSeparate) {
  Store st = Store::open(path_);
  Searcher s(st);
  SearchRequest r = request("bread", Mode::keyword);
  r.collection = "empty";
  EXPECT_TRUE(s.search(r).hits.empty());
}

TEST(SearchSnippet, CentresOnTheMostQueryTermsAndStaysOneSafeLine) {
  const std::string text = std::string(300, 'a') + " intro\n\nthe connection pool\tkeeps idle connections " +
                           std::string(300, 'b') + " pool tail";
  const std::string s = search::make_snippet(text, {"connection", "pool"});
  EXPECT_NE(s.find("connection pool keeps idle connections"), std::string::npos);
  EXPECT_LE(s.size(), search::kSnippetBytes + 6);
  EXPECT_EQ(s.rfind("\xE2\x80\xA6", 0), 0u);  // cut at the start: an ellipsis
  EXPECT_EQ(s.find_first_of("\n\t"), std::string::npos);
  // Stems: "migrations" finds "migrating".
  EXPECT_NE(search::make_snippet(std::string(400, 'x') + " migrating now", {"migrations"}).find("migrating"), std::string::npos);
  // No match: the start of the text.
  EXPECT_EQ(search::make_snippet("hello world", {"zzz"}), "hello world");
  // A CJK bigram is found inside a run of CJK text, where no word starts.
  std::string zh;
  for (int i = 0; i < 60; ++i) zh += "查询参数";
  zh += "什么是依赖注入";
  EXPECT_NE(search::make_snippet(zh, search::fts_terms("依赖注入")).find("依赖注入"), std::string::npos);
  // Controls, bidi overrides and invalid bytes are made safe; UTF-8 is never cut.
  const std::string unsafe = search::make_snippet("a\x1b[31m red\xe2\x80\xae evil\xc2\x85 \xff end", {});
  EXPECT_EQ(unsafe, "a [31m red evil \xEF\xBF\xBD end");
  const std::string accents = search::make_snippet(std::string(150, ' ') + std::string(100, '\xc3') , {});
  EXPECT_FALSE(find_invalid_utf8(accents).has_value());
  std::string e_acute;
  for (int i = 0; i < 300; ++i) e_acute += "\xc3\xa9";
  const std::string cut = search::make_snippet(e_acute, {});
  EXPECT_FALSE(find_invalid_utf8(cut).has_value());
  EXPECT_LE(cut.size(), search::kSnippetBytes + 6);
}

}  // namespace
}  // namespace strata
