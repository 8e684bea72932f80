// Migration 0019: rows written before the keyword index held the whole terms of names such as
// C++ and C# (common/symbol_terms.h) are listed by the upgrade and get them, with their CJK terms,
// the next time strata opens the store (store/sqlite/index_terms_backfill.h); the listing misses
// no row that has such a name.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/index_terms.h"
#include "common/symbol_terms.h"
#include "migrate/model/migration_source.h"
#include "migrate/run/migrator.h"
#include "search/fts_query.h"
#include "store/collections.h"
#include "store/embedded_migrations.h"
#include "store/search_store.h"
#include "store/store.h"
#include "raw_store_rows.h"
#include "test_util.h"

namespace strata {
namespace {

using store::Store;

class StoreSymbolTermsTest : public ::testing::Test {
 protected:
  void migrate_to(migrate::Version v) {
    std::vector<migrate::NamedContent> files;
    for (const store::EmbeddedFile& f : store::store_migration_files()) files.push_back({f.name, f.content});
    migrate::Migrator m(migrate::Target{migrate::Endpoint::sqlite(path_), store::k_store_history_table},
                        migrate::load_files(files, "strata:migrations"));
    migrate::UpOptions o;
    o.to = v;
    m.up(o);
  }

  // Chunk ids for `query`, best first (opening the store, which fills what an upgrade listed).
  std::vector<std::int64_t> search(const std::string& query) {
    Store s = Store::open(path_);
    std::vector<std::int64_t> ids;
    for (const store::KeywordRow& r :
         store::keyword_search(s, store::find_collection(s, "c")->id, search::fts_match_expression(query), {}, 10)) {
      ids.push_back(r.chunk_id);
    }
    return ids;
  }



  std::string pending() const {
    return testing::query_one(path_, "SELECT coalesce(group_concat(k, ', '), '') FROM (SELECT kind || ' ' || row_id AS k"
                                     " FROM cjk_terms_pending ORDER BY kind, row_id)");
  }

  testing::TempDir tmp_;
  std::string path_ = tmp_ / "store.db";
};

TEST_F(StoreSymbolTermsTest, AnUpgradedStoresRowsGetTheirTermsAtTheNextOpen) {
  migrate_to(18);
  const std::string cpp = "Templates in C++ resolve at compile time; 依赖注入 too.";
  {
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO collections (id, name) VALUES (1, 'c')");
    testing::insert_raw_chunk(db, testing::insert_raw_document(db, "cpp.md", ""), cpp);                                  // chunk 1
    testing::insert_raw_chunk(db, testing::insert_raw_document(db, "c.md", "The C language"), "C has no templates: C.");  // chunk 2
    testing::insert_raw_chunk(db, testing::insert_raw_document(db, "cs.md", "C# notes"), "generics at run time");        // chunk 3, title 3
    testing::insert_raw_chunk(db, testing::insert_raw_document(db, "plain.md", ""), "a+b is no name, nor C.");           // chunk 4
  }
  migrate_to(19);
  EXPECT_EQ(pending(), "chunk 1, chunk 4, title 3") << "an ASCII letter or digit before a '+' or '#'";
  EXPECT_EQ(testing::query_one(path_, "SELECT count(*) FROM chunks WHERE cjk_terms IS NOT NULL"), "0");

  { Store s = Store::open(path_); }
  EXPECT_EQ(pending(), "");
  EXPECT_EQ(testing::query_one(path_, "SELECT cjk_terms FROM chunks WHERE id = 1"), derived_index_terms(cpp));
  EXPECT_NE(derived_index_terms(cpp).find("cplusplus"), std::string::npos);
  EXPECT_EQ(testing::query_one(path_, "SELECT title_cjk_terms FROM documents WHERE id = 3"), "csharp");
  EXPECT_EQ(testing::query_one(path_, "SELECT count(*) FROM chunks WHERE cjk_terms IS NULL"), "3")
      << "a listed row without a name keeps no terms";
  EXPECT_EQ(search("C++").front(), 1);
  EXPECT_EQ(search("C#").front(), 3);
  EXPECT_EQ(search("C").size(), 4u);
  EXPECT_EQ(search("依赖注入"), std::vector<std::int64_t>{1}) << "the CJK terms were computed with them";
  SQLite::Database db(path_, SQLite::OPEN_READWRITE);
  EXPECT_NO_THROW(db.exec("INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('integrity-check', 1)"));
}

TEST_F(StoreSymbolTermsTest, TheMigrationListsEveryRowWithAName) {
  // Texts and titles of names, near-names and the rest: every row that has a name is listed (a
  // row missed would never get its terms).
  migrate_to(18);
  std::set<std::int64_t> want_chunks, want_titles;
  {
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO collections (id, name) VALUES (1, 'c')");
    const std::vector<std::string> pieces = {"C", "c", "g", "x86", "10", "_", " ", "+", "++", "#", "##", ".", "中",
                                             "é", "\n", "ab", "(", ")", "Notepad", "\xFF"};
    std::mt19937 rng(19);
    std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1), len(0, 8);
    for (int i = 0; i < 600; ++i) {
      std::string text, title;
      for (std::size_t n = len(rng); n > 0; --n) text += pieces[pick(rng)];
      for (std::size_t n = len(rng); n > 0; --n) title += pieces[pick(rng)];
      const std::int64_t d = testing::insert_raw_document(db, "d" + std::to_string(i), title);
      const std::int64_t k = testing::insert_raw_chunk(db, d, text);
      if (!symbol_terms(text).empty()) want_chunks.insert(k);
      if (!symbol_terms(title).empty()) want_titles.insert(d);
    }
  }
  ASSERT_GT(want_chunks.size(), 30u);
  ASSERT_GT(want_titles.size(), 30u);
  migrate_to(19);
  SQLite::Database db(path_, SQLite::OPEN_READONLY);
  std::set<std::int64_t> chunks, titles;
  SQLite::Statement q(db, "SELECT kind, row_id FROM cjk_terms_pending");
  while (q.executeStep()) (q.getColumn(0).getString() == "chunk" ? chunks : titles).insert(q.getColumn(1).getInt64());
  for (const std::int64_t id : want_chunks) EXPECT_TRUE(chunks.contains(id)) << "chunk " << id;
  for (const std::int64_t id : want_titles) EXPECT_TRUE(titles.contains(id)) << "title " << id;
}

}  // namespace
}  // namespace strata
