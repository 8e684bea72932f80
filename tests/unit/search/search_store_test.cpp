// The store's side of `strata search` (core/store/search_store): migration 0005's porter index
// and embeddings counter, the FTS5 keyword query with --where filters inside it, the filtered id
// list for vector search, vector loading and hit records.
#include "store/search_store.h"

#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <random>

#include "common/error.h"
#include "search/fts_query.h"
#include "store/collections.h"
#include "store/fts_bm25.h"
#include "store/store.h"
#include "store/sqlite/sqlite_backend.h"
#include "test_util.h"

namespace strata {
namespace {

using store::DocumentFilter;
using store::Store;
using testing::TempDir;

// Writes documents and chunks straight into a store file, as ingest would leave them.
class Seeder {
 public:
  explicit Seeder(const std::string& path) : db_(path, SQLite::OPEN_READWRITE) { db_.exec("PRAGMA foreign_keys = ON"); }

  std::int64_t collection(const std::string& name) {
    SQLite::Statement q(db_, "INSERT INTO collections (name) VALUES (?)");
    q.bind(1, name);
    q.exec();
    return db_.getLastInsertRowid();
  }

  std::int64_t document(std::int64_t collection, const std::string& source, const std::string& metadata = "{}",
                        const std::string& title = "") {
    SQLite::Statement q(db_,
                        "INSERT INTO documents (collection_id, source, title, content_hash, size_bytes, loader, metadata) "
                        "VALUES (?, ?, ?, 'h', 1, 'text', ?)");
    q.bind(1, collection);
    q.bind(2, source);
    q.bind(3, title);
    q.bind(4, metadata);
    q.exec();
    return db_.getLastInsertRowid();
  }

  std::int64_t chunk(std::int64_t document, const std::string& text, int line = 1) {
    SQLite::Statement q(db_,
                        "INSERT INTO chunks (document_id, ordinal, text, start_byte, end_byte, line_start, line_end) "
                        "VALUES (?, (SELECT count(*) FROM chunks WHERE document_id = ?1), ?, 0, ?, ?, ?)");
    q.bind(1, document);
    q.bind(2, text);
    q.bind(3, static_cast<std::int64_t>(text.size()));
    q.bind(4, line);
    q.bind(5, line + 1);
    q.exec();
    return db_.getLastInsertRowid();
  }

  void vector(std::int64_t chunk, const std::vector<float>& v) {
    SQLite::Statement q(db_, "INSERT OR REPLACE INTO embeddings (chunk_id, vector) VALUES (?, ?)");
    q.bind(1, chunk);
    q.bind(2, v.data(), static_cast<int>(v.size() * sizeof(float)));
    q.exec();
  }

  void exec(const std::string& sql) { db_.exec(sql); }

 private:
  SQLite::Database db_;
};

class SearchStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = tmp_ / "store.db";
    Store::open(path_);
  }

  std::vector<std::int64_t> keyword_ids(std::int64_t collection, const std::string& query,
                                        const std::vector<DocumentFilter>& filters = {}, std::size_t limit = 10) {
    Store s = Store::open(path_);
    std::vector<std::int64_t> ids;
    for (const store::KeywordRow& r : store::keyword_search(s, collection, search::fts_match_expression(query), filters, limit)) {
      ids.push_back(r.chunk_id);
    }
    return ids;
  }

  TempDir tmp_;
  std::string path_;
};

TEST_F(SearchStoreTest, MigrationRebuildsTheIndexWithThePorterStemmer) {
  EXPECT_NE(testing::query_one(path_, "SELECT sql FROM sqlite_schema WHERE name = 'chunks_fts'")
                .find("porter unicode61 remove_diacritics 2"),
            std::string::npos);
  Seeder s(path_);
  const std::int64_t c = s.collection("docs");
  const std::int64_t d = s.document(c, "a.md");
  const std::int64_t stemmed = s.chunk(d, "Migrating the database rolled back twice.");
  s.chunk(d, "Nothing to see here.");
  EXPECT_EQ(keyword_ids(c, "migrations"), std::vector<std::int64_t>{stemmed});
  EXPECT_EQ(keyword_ids(c, "rolling"), std::vector<std::int64_t>{stemmed});
  EXPECT_EQ(keyword_ids(c, "CAFÉ"), std::vector<std::int64_t>{});
}

TEST_F(SearchStoreTest, KeywordSearchRanksByBm25WithinTheCollection) {
  Seeder s(path_);
  const std::int64_t a = s.collection("a");
  const std::int64_t b = s.collection("b");
  const std::int64_t d = s.document(a, "x.md");
  const std::int64_t once = s.chunk(d, "rollback is one word among many other words in this longer chunk of text");
  const std::int64_t twice = s.chunk(d, "rollback rollback");
  s.chunk(s.document(b, "y.md"), "rollback rollback rollback");
  Store st = Store::open(path_);
  const auto rows = store::keyword_search(st, a, search::fts_match_expression("rollback"), {}, 10);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].chunk_id, twice);
  EXPECT_EQ(rows[1].chunk_id, once);
  EXPECT_LT(rows[0].bm25, rows[1].bm25);  // bm25() is negative: lower is better
  EXPECT_LT(rows[0].bm25, 0);
}

TEST_F(SearchStoreTest, EqualScoresComeOutInChunkIdOrder) {
  Seeder s(path_);
  const std::int64_t c = s.collection("docs");
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(s.chunk(s.document(c, "d" + std::to_string(i)), "same text"));
  EXPECT_EQ(keyword_ids(c, "same"), ids);
}

TEST_F(SearchStoreTest, FiltersApplyBeforeTheLimit) {
  // 100 documents match strongly; the 12 legal ones match weakly (a long chunk), so a filter
  // applied after a top-10 cut would return nothing.
  Seeder s(path_);
  const std::int64_t c = s.collection("docs");
  for (int i = 0; i < 100; ++i) s.chunk(s.document(c, "other" + std::to_string(i), R"({"team":"ops"})"), "retention retention");
  std::vector<std::int64_t> legal;
  for (int i = 0; i < 12; ++i) {
    legal.push_back(s.chunk(s.document(c, "legal" + std::to_string(i), R"({"team":"legal"})"),
                            "retention " + std::string(400, 'x') + " and a good deal of other words around it"));
  }
  const auto ids = keyword_ids(c, "retention", {{"team", "legal"}}, 10);
  ASSERT_EQ(ids.size(), 10u);
  for (const std::int64_t id : ids) EXPECT_NE(std::find(legal.begin(), legal.end(), id), legal.end());
  EXPECT_EQ(keyword_ids(c, "retention", {}, 10).size(), 10u);
}

// The keyword query on a store holding one collection, written the plain way: every matching
// row joined to its chunk and document, the filters checked per row, the whole table's
// statistics. keyword_search must give exactly its rows and scores.
std::vector<store::KeywordRow> joined_keyword_search(Store& st, const std::string& match,
                                                     const std::vector<DocumentFilter>& filters, std::size_t limit) {
  const store::FtsColumnWeights& w = store::k_keyword_column_weights;
  std::string sql = std::string("SELECT f.rowid, ") + store::k_fts_bm25_scoped_function + "(chunks_fts, ?4, ?5, 0, 3, 0, 0, 1, 0, " +
                    std::to_string(w.text) + ", " + std::to_string(w.title) + ", " + std::to_string(w.cjk) +
                    ") AS score FROM chunks_fts f JOIN chunks c ON c.id = f.rowid "
                    "JOIN documents d ON d.id = c.document_id WHERE chunks_fts MATCH '{text title cjk} : (' || ?1 || ')'";
  for (std::size_t i = 0; i < filters.size(); ++i) {
    const int v = 6 + 2 * static_cast<int>(i);
    sql += filters[i].key == "source" ? " AND d.source = ?" + std::to_string(v) + " AND ?" + std::to_string(v + 1) + " IS NOT NULL"
                                      : " AND CAST(json_extract(d.metadata, '$.' || ?" + std::to_string(v + 1) + ") AS TEXT) = ?" +
                                            std::to_string(v);
  }
  sql += " ORDER BY score, f.rowid LIMIT ?3";
  SQLite::Statement q(store::database(st), sql);
  q.bind(1, match);
  q.bind(3, static_cast<std::int64_t>(limit));
  q.bind(4, store::k_keyword_bm25.k1);
  q.bind(5, store::k_keyword_bm25.b);
  for (std::size_t i = 0; i < filters.size(); ++i) {
    q.bind(6 + 2 * static_cast<int>(i), filters[i].value);
    q.bind(7 + 2 * static_cast<int>(i), filters[i].key);
  }
  std::vector<store::KeywordRow> rows;
  while (q.executeStep()) rows.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getDouble()});
  return rows;
}

// Random chunks over a small vocabulary (many equal scores, long and short rows) in documents
// with a "team" and a "year" in their metadata. The same seed gives the same documents.
void seed_random(Seeder& s, std::int64_t collection, const std::string& prefix, unsigned seed, int documents) {
  static const char* const words[] = {"backup", "restore", "vault", "key",   "index",  "query", "store", "chunk",
                                      "rotate", "archive", "log",   "audit", "vector", "merge", "fts",   "rank"};
  static const char* const teams[] = {"ops", "legal", "dev"};
  std::mt19937 rng(seed);
  for (int d = 0; d < documents; ++d) {
    const std::string meta = std::string(R"({"team":")") + teams[rng() % 3] + R"(","year":)" + std::to_string(2020 + rng() % 4) + "}";
    const std::int64_t doc = s.document(collection, prefix + std::to_string(d) + ".md", meta, d % 4 == 0 ? "Vault keys" : "");
    const int chunks = 1 + static_cast<int>(rng() % 6);
    for (int c = 0; c < chunks; ++c) {
      std::string text;
      const int n = 1 + static_cast<int>(rng() % 30);
      for (int w = 0; w < n; ++w) text += std::string(w ? " " : "") + words[rng() % 16];
      s.chunk(doc, text);
    }
  }
}

const char* const k_random_queries[] = {"backup", "backup vault", "restore the archive key", "index query store chunk rank",
                                        "fts", "missing words", "rotate log audit vector merge", "c1 c2 scope"};

// A chunk as "source#ordinal", which names it in any store.
std::string chunk_name(Store& st, std::int64_t chunk_id) {
  SQLite::Statement q(store::database(st), "SELECT d.source || '#' || c.ordinal FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id = ?");
  q.bind(1, chunk_id);
  return q.executeStep() ? q.getColumn(0).getString() : "?";
}

void expect_same_rows(Store& got_store, const std::vector<store::KeywordRow>& got, Store& want_store,
                      const std::vector<store::KeywordRow>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(chunk_name(got_store, got[i].chunk_id), chunk_name(want_store, want[i].chunk_id)) << what << " row " << i;
    EXPECT_EQ(got[i].bm25, want[i].bm25) << what << " row " << i;  // bit for bit
  }
}

const std::vector<std::vector<DocumentFilter>> k_filter_sets = {
    {}, {{"team", "legal"}}, {{"team", "ops"}, {"year", "2021"}}, {{"source", "a3.md"}}};

TEST_F(SearchStoreTest, KeywordSearchOfAStoreOfOneCollectionGivesThePlainQuerysRowsAndScores) {
  Seeder s(path_);
  const std::int64_t a = s.collection("a");
  seed_random(s, a, "a", 7, 60);
  Store st = Store::open(path_);
  EXPECT_TRUE(store::collection_is_whole_store(st, a));
  for (const auto& filters : k_filter_sets) {
    for (const char* query : k_random_queries) {
      for (const std::size_t limit : {std::size_t{1}, std::size_t{7}, std::size_t{50}, std::size_t{10000}}) {
        const std::string match = search::fts_match_expression(query);
        expect_same_rows(st, store::keyword_search(st, a, match, filters, limit), st,
                         joined_keyword_search(st, match, filters, limit),
                         std::string(query) + " limit " + std::to_string(limit) + " filters " + std::to_string(filters.size()));
      }
    }
  }
}

TEST_F(SearchStoreTest, ACollectionRanksTheSameWhateverElseTheStoreHolds) {
  // One store with four collections (one empty; scope tokens c1, c2 typed as query words too),
  // and for each non-empty one a store holding only it: the same rows, in the same order (ties
  // included), with the same scores, bit for bit, with and without filters and limits.
  Seeder shared(path_);
  const std::int64_t a = shared.collection("a");
  seed_random(shared, a, "a", 7, 60);
  const std::int64_t b = shared.collection("b");
  const std::int64_t empty = shared.collection("empty");
  seed_random(shared, b, "b", 8, 40);
  const std::int64_t c = shared.collection("c");
  seed_random(shared, c, "c", 9, 20);
  Store st = Store::open(path_);
  const struct {
    std::int64_t id;
    const char* prefix;
    unsigned seed;
    int documents;
  } collections[] = {{a, "a", 7, 60}, {b, "b", 8, 40}, {c, "c", 9, 20}};
  for (const auto& col : collections) {
    SCOPED_TRACE(col.prefix);
    const std::string alone_path = tmp_ / (std::string(col.prefix) + ".db");
    Store::open(alone_path);
    Seeder alone_seeder(alone_path);
    const std::int64_t alone_id = alone_seeder.collection(col.prefix);
    seed_random(alone_seeder, alone_id, col.prefix, col.seed, col.documents);
    Store alone = Store::open(alone_path);
    EXPECT_FALSE(store::collection_is_whole_store(st, col.id));
    for (const auto& filters : k_filter_sets) {
      for (const char* query : k_random_queries) {
        for (const std::size_t limit : {std::size_t{1}, std::size_t{7}, std::size_t{10000}}) {
          const std::string match = search::fts_match_expression(query);
          expect_same_rows(st, store::keyword_search(st, col.id, match, filters, limit), alone,
                           store::keyword_search(alone, alone_id, match, filters, limit),
                           std::string(query) + " limit " + std::to_string(limit) + " filters " + std::to_string(filters.size()));
        }
      }
    }
  }
  EXPECT_TRUE(store::keyword_search(st, empty, search::fts_match_expression("backup"), {}, 10).empty());
}

TEST_F(SearchStoreTest, ACollectionsKeywordStatisticsAreKeptUntilItChanges) {
  Seeder s(path_);
  const std::int64_t a = s.collection("a");
  const std::int64_t b = s.collection("b");
  const std::int64_t doc = s.document(a, "a.md", "{}", "Backup guide");
  s.chunk(doc, "backup the vault");
  s.chunk(doc, "restore the vault keys");
  s.chunk(s.document(b, "b.md"), "backup backup");
  const auto stats = [&](std::int64_t collection) {
    return testing::query_one(path_, "SELECT chunk_count || ' ' || token_count FROM keyword_stats WHERE collection_id = " +
                                         std::to_string(collection));
  };
  EXPECT_EQ(stats(a), "");
  EXPECT_EQ(keyword_ids(a, "backup").size(), 2u);  // the title holds it too
  // 2 chunks; "backup the vault" 3 + "restore the vault keys" 4 tokens, and the title's 2 in each.
  EXPECT_EQ(stats(a), "2 11");
  EXPECT_EQ(stats(b), "");
  s.chunk(doc, "one more");
  EXPECT_EQ(stats(a), "") << "a new chunk clears its collection's row";
  EXPECT_EQ(keyword_ids(a, "backup").size(), 3u);
  EXPECT_EQ(stats(a), "3 15");
  s.exec("UPDATE documents SET title = 'Guide' WHERE id = " + std::to_string(doc));
  EXPECT_EQ(stats(a), "") << "a new title clears it";
  EXPECT_EQ(keyword_ids(a, "backup").size(), 1u);
  EXPECT_EQ(stats(a), "3 12");
  s.exec("DELETE FROM chunks WHERE text = 'one more'");
  EXPECT_EQ(stats(a), "") << "a removed chunk clears it";

  // Another connection holds the write lock: the search answers at once, from a count of its
  // own, and keeps nothing.
  SQLite::Database writer(path_, SQLite::OPEN_READWRITE);
  writer.exec("BEGIN IMMEDIATE");
  EXPECT_EQ(keyword_ids(a, "vault").size(), 2u);
  EXPECT_EQ(stats(a), "");
  writer.exec("ROLLBACK");
  EXPECT_EQ(keyword_ids(a, "vault").size(), 2u);
  EXPECT_EQ(stats(a), "2 9");
}

TEST_F(SearchStoreTest, AnEmptyCollectionBesideAnotherIsNotTheWholeStore) {
  Seeder s(path_);
  const std::int64_t a = s.collection("a");
  const std::int64_t b = s.collection("b");
  s.chunk(s.document(b, "x.md"), "backup key");
  Store st = Store::open(path_);
  EXPECT_FALSE(store::collection_is_whole_store(st, a));
  EXPECT_TRUE(store::collection_is_whole_store(st, b));  // a holds no document
  EXPECT_TRUE(store::keyword_search(st, a, search::fts_match_expression("backup"), {}, 10).empty());
  EXPECT_EQ(store::keyword_search(st, b, search::fts_match_expression("backup"), {}, 10).size(), 1u);
}

TEST_F(SearchStoreTest, FilterValuesMatchStringsNumbersBooleansAndArrayElements) {
  Seeder s(path_);
  const std::int64_t c = s.collection("docs");
  const auto doc = [&](const std::string& source, const std::string& meta) { return s.chunk(s.document(c, source, meta, "T " + source), "word"); };
  const std::int64_t str = doc("s.md", R"({"team":"legal","year":"2024"})");
  const std::int64_t num = doc("n.md", R"({"year":2024,"draft":true})");
  const std::int64_t arr = doc("a.md", R"({"tags":["x","legal"],"year":2023.5})");
  const std::int64_t odd = doc("o.md", R"({"we\"ird key":"v","nested":{"team":"legal"}})");
  const std::int64_t none = doc("none.md", "{}");
  using V = std::vector<std::int64_t>;
  Store st = Store::open(path_);
  const auto ids = [&](std::vector<DocumentFilter> f) { return store::filtered_chunk_ids(st, c, f); };
  EXPECT_EQ(ids({{"team", "legal"}}), V{str});  // a nested object's keys are not top-level keys
  EXPECT_EQ(ids({{"year", "2024"}}), (V{str, num}));
  EXPECT_EQ(ids({{"year", "2023.5"}}), V{arr});
  EXPECT_EQ(ids({{"draft", "true"}}), V{num});
  EXPECT_EQ(ids({{"tags", "legal"}}), V{arr});
  EXPECT_EQ(ids({{"we\"ird key", "v"}}), V{odd});
  EXPECT_EQ(ids({{"nested", "legal"}}), V{});
  EXPECT_EQ(ids({{"year", "2024"}, {"draft", "true"}}), V{num});  // ANDed
  EXPECT_EQ(ids({{"source", "none.md"}}), V{none});
  EXPECT_EQ(ids({{"title", "T a.md"}}), V{arr});
  EXPECT_EQ(ids({{"loader", "text"}}).size(), 5u);
  EXPECT_EQ(ids({{"missing", ""}}), V{});
  EXPECT_EQ(ids({}).size(), 5u);
  EXPECT_EQ(testing::error_of([&] { ids({{"", "x"}}); }).code(), ExitCode::usage);
}

TEST_F(SearchStoreTest, FingerprintChangesWithEveryChangeToTheVectors) {
  Seeder s(path_);
  const std::int64_t c = s.collection("docs");
  const std::int64_t d = s.document(c, "a.md");
  const std::int64_t x = s.chunk(d, "x");
  Store st = Store::open(path_);
  const store::VectorFingerprint f0 = store::vector_fingerprint(st);
  EXPECT_EQ(f0.store_id.size(), 32u);
  s.vector(x, {1, 0});
  const store::VectorFingerprint f1 = store::vector_fingerprint(st);
  EXPECT_NE(f1, f0);
  s.vector(x, {0, 1});  // replaced under the same chunk id
  const store::VectorFingerprint f2 = store::vector_fingerprint(st);
  EXPECT_NE(f2, f1);
  s.exec("DELETE FROM documents");  // cascades to chunks and their vectors
  EXPECT_NE(store::vector_fingerprint(st), f2);
  // Another store made at the same counter is told apart by its id.
  const std::string other = tmp_ / "other.db";
  Store o = Store::open(other);
  EXPECT_NE(store::vector_fingerprint(o).store_id, f0.store_id);
}

TEST_F(SearchStoreTest, LoadVectorsReadsTheCollectionInChunkIdOrder) {
  Seeder s(path_);
  const std::int64_t c = s.collection("docs");
  const std::int64_t other = s.collection("other");
  const std::int64_t d = s.document(c, "a.md");
  const std::int64_t x = s.chunk(d, "x"), y = s.chunk(d, "y"), z = s.chunk(d, "z");
  s.vector(z, {5, 6});
  s.vector(x, {1, 2});
  s.chunk(d, "no vector");
  s.vector(s.chunk(s.document(other, "b.md"), "w"), {9, 9});
  (void)y;
  Store st = Store::open(path_);
  const store::CollectionVectors v = store::load_vectors(st, c, 2);
  EXPECT_EQ(v.chunk_ids, (std::vector<std::int64_t>{x, z}));
  EXPECT_EQ(v.matrix, (std::vector<float>{1, 2, 5, 6}));
  EXPECT_EQ(v.fingerprint, store::vector_fingerprint(st));
  const Error e = testing::error_of([&] { store::load_vectors(st, c, 3); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_NE(std::string(e.what()).find("chunk " + std::to_string(x)), std::string::npos);
}

TEST_F(SearchStoreTest, ChunkRefsKeepTheOrderAskedAndSkipMissingIds) {
  Seeder s(path_);
  const std::int64_t c = s.collection("docs");
  const std::int64_t d = s.document(c, "a.md", "{}", "Title A");
  const std::int64_t x = s.chunk(d, "first", 3), y = s.chunk(d, "second", 7);
  Store st = Store::open(path_);
  const auto r = store::chunk_refs(st, {y, 999999, x});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].chunk_id, y);
  EXPECT_EQ(r[0].text, "second");
  EXPECT_EQ(r[0].line_start, 7u);
  EXPECT_EQ(r[0].line_end, 8u);
  EXPECT_EQ(r[0].source, "a.md");
  EXPECT_EQ(r[0].title, "Title A");
  EXPECT_EQ(r[0].document_id, d);
  EXPECT_FALSE(r[0].page_start.has_value());
  EXPECT_EQ(r[1].chunk_id, x);
}

TEST_F(SearchStoreTest, FindCollectionSaysWhetherItHasVectors) {
  Seeder s(path_);
  const std::int64_t c = s.collection("docs");
  const std::int64_t d = s.document(c, "a.md");
  s.vector(s.chunk(d, "x"), {1, 2});
  s.chunk(d, "y");
  s.exec("UPDATE collections SET embedding_provider = 'local', embedding_model = 'm', embedding_dimensions = 2");
  Store st = Store::open(path_);
  const auto found = store::find_collection(st, "docs");
  ASSERT_TRUE(found);
  EXPECT_TRUE(found->has_vectors);
  ASSERT_TRUE(found->embedding_model);
  EXPECT_EQ(found->embedding_model->dimensions, 2);
  EXPECT_FALSE(store::find_collection(st, "nope"));
  EXPECT_EQ(store::collection_names(st), std::vector<std::string>{"docs"});
}

}  // namespace
}  // namespace strata
