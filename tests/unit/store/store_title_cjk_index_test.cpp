// Migration 0007: the keyword index holds each chunk's document title and the CJK terms of its
// text and title; it follows every change (chunks written, replaced and deleted, titles changed,
// documents deleted by cascade) and stays consistent with its content; an upgraded store's rows
// get their CJK terms when strata next opens it.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "common/cjk_terms.h"
#include "common/text.h"
#include "migrate/model/migration_source.h"
#include "migrate/run/migrator.h"
#include "search/fts_query.h"
#include "store/document_writer.h"
#include "store/embedded_migrations.h"
#include "store/collections.h"
#include "store/search_store.h"
#include "store/store.h"
#include "store/sqlite/sqlite_backend.h"
#include "raw_store_rows.h"
#include "test_util.h"

namespace strata {
namespace {

using store::Store;

migrate::MigrationSet shipped_set() {
  std::vector<migrate::NamedContent> files;
  for (const store::EmbeddedFile& f : store::store_migration_files()) files.push_back({f.name, f.content});
  return migrate::load_files(files, "strata:migrations");
}

void migrate_to(const std::string& path, migrate::Version v) {
  migrate::Migrator m(migrate::Target{migrate::Endpoint::sqlite(path), store::k_store_history_table}, shipped_set());
  migrate::UpOptions o;
  o.to = v;
  m.up(o);
}

// FTS5's own check of the index against its content (the view of migration 0007): it fails when
// a row was removed with other values than it was indexed with.
void expect_index_consistent(SQLite::Database& db) {
  EXPECT_NO_THROW(db.exec("INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('integrity-check', 1)"));
}

class StoreTitleCjkIndexTest : public ::testing::Test {
 protected:
  std::vector<std::int64_t> search(const std::string& query) {
    Store s = Store::open(path_);
    const auto c = store::find_collection(s, "c");
    std::vector<std::int64_t> ids;
    if (!c) return ids;
    for (const store::KeywordRow& r : store::keyword_search(s, c->id, search::fts_match_expression(query), {}, 10)) {
      ids.push_back(r.chunk_id);
    }
    return ids;
  }



  testing::TempDir tmp_;
  std::string path_ = tmp_ / "store.db";
};

TEST_F(StoreTitleCjkIndexTest, ATitleFindsEveryChunkOfItsDocumentAndFollowsChanges) {
  { Store s = Store::open(path_); }
  SQLite::Database db(path_, SQLite::OPEN_READWRITE);
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("INSERT INTO collections (id, name) VALUES (1, 'c')");
  const std::int64_t d = testing::insert_raw_document(db, "a.jsonl", "Zebra crossings");
  const std::int64_t a = testing::insert_raw_chunk(db, d, "first part");
  const std::int64_t b = testing::insert_raw_chunk(db, d, "second part");
  const std::int64_t other = testing::insert_raw_chunk(db, testing::insert_raw_document(db, "b.jsonl", "Roads"), "a zebra on the road");
  const std::vector<std::int64_t> zebra = search("zebra");
  EXPECT_EQ(std::set<std::int64_t>({a, b, other}), std::set<std::int64_t>(zebra.begin(), zebra.end()));
  EXPECT_EQ(search("crossing"), (std::vector<std::int64_t>{a, b})) << "stemmed as the text is";

  db.exec("UPDATE documents SET title = 'Horses' WHERE id = " + std::to_string(d));
  EXPECT_EQ(search("zebra"), std::vector<std::int64_t>{other});
  EXPECT_EQ(search("horse"), (std::vector<std::int64_t>{a, b}));
  expect_index_consistent(db);

  db.exec("UPDATE chunks SET text = 'a rewritten part' WHERE id = " + std::to_string(a));
  EXPECT_EQ(search("rewritten"), std::vector<std::int64_t>{a});
  db.exec("DELETE FROM chunks WHERE id = " + std::to_string(b));
  EXPECT_EQ(search("horse"), std::vector<std::int64_t>{a});
  expect_index_consistent(db);

  // Deleted with its collection: the document's chunks leave the index with their title.
  db.exec("DELETE FROM collections WHERE id = 1");
  EXPECT_EQ(testing::query_one(path_, "SELECT count(*) FROM chunks"), "0");
  expect_index_consistent(db);
  db.exec("INSERT INTO collections (id, name) VALUES (1, 'c')");
  testing::insert_raw_chunk(db, testing::insert_raw_document(db, "c.jsonl", "Zebra"), "text");
  EXPECT_EQ(search("horse"), std::vector<std::int64_t>{});
  EXPECT_EQ(search("zebra").size(), 1u);
}

TEST_F(StoreTitleCjkIndexTest, OnlyATitlesFirstCharactersAreIndexed) {
  // A title is repeated with every chunk: a huge one must not cost its size per chunk.
  { Store s = Store::open(path_); }
  SQLite::Database db(path_, SQLite::OPEN_READWRITE);
  db.exec("INSERT INTO collections (id, name) VALUES (1, 'c')");
  std::string title;
  for (int i = 0; i < 49; ++i) title += "alpha ";
  title += "abc 依赖项 omega";  // characters 299 and 300 are 依赖; 项 and omega come after them
  ASSERT_EQ(utf8_prefix(title, store::k_indexed_title_chars), title.substr(0, title.size() - 9));
  const std::int64_t d = testing::insert_raw_document(db, "long", title);
  const std::int64_t c = testing::insert_raw_chunk(db, d, "text");
  EXPECT_EQ(search("alpha"), std::vector<std::int64_t>{c});
  EXPECT_EQ(search("omega"), std::vector<std::int64_t>{});
  expect_index_consistent(db);
  // The writer's CJK terms are those of the same prefix.
  Store s = Store::open(path_);
  store::DocumentWriter w(s, "c", "{}", true);
  store::DocumentRecord r;
  r.source = "long";
  r.title = title;
  r.content_hash = "h";
  r.loader = "text";
  r.encoding = "utf-8";
  w.begin();
  w.put(r, false);
  w.commit();
  EXPECT_EQ(testing::query_one(path_, "SELECT title_cjk_terms FROM documents WHERE source = 'long'"), "依赖");
}

TEST_F(StoreTitleCjkIndexTest, TheWriterStoresCjkTermsOfTextAndTitle) {
  Store s = Store::open(path_);
  store::DocumentWriter w(s, "c", "{}", true);
  store::DocumentRecord r;
  r.source = "zh.md";
  r.title = "依赖项";
  r.content_hash = "h";
  r.loader = "markdown";
  r.encoding = "utf-8";
  r.text = "FastAPI 提供了简单易用，但功能强大的依赖注入系统。English only.";
  r.size_bytes = static_cast<std::int64_t>(r.text.size());
  store::ChunkRecord whole;
  whole.end_byte = static_cast<std::int64_t>(r.text.find("English"));
  whole.headings_json = "[]";
  store::ChunkRecord english = whole;
  english.start_byte = whole.end_byte;
  english.end_byte = static_cast<std::int64_t>(r.text.size());
  r.chunks = {whole, english};
  w.begin();
  w.put(r, false);
  w.commit();
  EXPECT_EQ(testing::query_one(path_, "SELECT cjk_terms FROM chunks WHERE ordinal = 0"),
            cjk_index_terms(r.text.substr(0, static_cast<std::size_t>(whole.end_byte))));
  EXPECT_EQ(testing::query_one(path_, "SELECT count(*) FROM chunks WHERE ordinal = 1 AND cjk_terms IS NULL"), "1");
  EXPECT_EQ(testing::query_one(path_, "SELECT title_cjk_terms FROM documents"), "依赖 赖项");
  EXPECT_EQ(search("什么是依赖注入").size(), 2u) << "the text's bigrams, and the title's 依赖 in every chunk";
  EXPECT_EQ(search("什么是依赖注入").front(), 1);
  EXPECT_EQ(search("依赖项").size(), 2u);

  // A new title alone (the same content) moves the index with it.
  r.title = "English title";
  w.begin();
  EXPECT_EQ(w.put(r, false), store::PutResult::metadata_only);
  w.commit();
  EXPECT_EQ(testing::query_one(path_, "SELECT count(*) FROM documents WHERE title_cjk_terms IS NULL"), "1");
  EXPECT_EQ(search("赖项"), std::vector<std::int64_t>{});
  SQLite::Database db(path_, SQLite::OPEN_READWRITE);
  expect_index_consistent(db);
}

TEST_F(StoreTitleCjkIndexTest, AnUpgradedStoresRowsGetTheirTermsAtTheNextOpen) {
  migrate_to(path_, 6);
  {
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO collections (id, name) VALUES (1, 'c')");
    testing::insert_raw_chunk(db, testing::insert_raw_document(db, "zh.md", "依赖项"), "编程中的「依赖注入」是声明代码运行所需的一种方式。");
    testing::insert_raw_chunk(db, testing::insert_raw_document(db, "en.md", "Dependencies"), "Dependency injection, in English.");
    testing::insert_raw_chunk(db, testing::insert_raw_document(db, "ko.md", "untitled"), "의존성 주입은 무엇입니까");
  }
  migrate_to(path_, 7);
  EXPECT_EQ(testing::query_one(path_, "SELECT group_concat(kind || ' ' || row_id, ', ') FROM cjk_terms_pending"),
            "chunk 1, chunk 3, title 1");
  EXPECT_EQ(search("dependencies"), std::vector<std::int64_t>{2}) << "the English title was indexed by the migration";

  { Store s = Store::open(path_); }
  EXPECT_EQ(testing::query_one(path_, "SELECT count(*) FROM cjk_terms_pending"), "0");
  EXPECT_EQ(testing::query_one(path_, "SELECT title_cjk_terms FROM documents WHERE id = 1"), "依赖 赖项");
  EXPECT_EQ(testing::query_one(path_, "SELECT count(*) FROM chunks WHERE cjk_terms IS NULL"), "1");
  EXPECT_EQ(search("依赖注入"), std::vector<std::int64_t>{1});
  EXPECT_EQ(search("주입"), std::vector<std::int64_t>{3});
  SQLite::Database db(path_, SQLite::OPEN_READWRITE);
  expect_index_consistent(db);
}

TEST_F(StoreTitleCjkIndexTest, TheMigrationListsExactlyTheRowsWithACjkCharacter) {
  // The migration's GLOB class must be common/cjk_terms.cpp's: a row it misses would never get
  // its terms. Each range's first and last code point and their neighbours, in text and titles.
  migrate_to(path_, 6);
  std::set<std::int64_t> want;
  {
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO collections (id, name) VALUES (1, 'c')");
    const std::int64_t d = testing::insert_raw_document(db, "d", "");
    const std::int32_t edges[][2] = {{0x1100, 0x11FF}, {0x3005, 0x3007}, {0x3040, 0x30FF}, {0x3130, 0x318F},
                                     {0x31F0, 0x31FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xA960, 0xA97F},
                                     {0xAC00, 0xD7FF}, {0xF900, 0xFAFF}, {0xFF66, 0xFFDC}, {0x20000, 0x3FFFF}};
    for (const auto& e : edges) {
      for (const std::int32_t cp : {e[0] - 1, e[0], e[1], e[1] + 1}) {
        SQLite::Statement q(db, "SELECT 'x' || char(?1) || 'y'");
        q.bind(1, cp);
        q.executeStep();
        const std::int64_t id = testing::insert_raw_chunk(db, d, q.getColumn(0).getString());
        if (is_cjk(cp)) want.insert(id);
      }
    }
    EXPECT_EQ(want.size(), 24u);  // the ends of the ranges, not their neighbours
  }
  migrate_to(path_, 7);
  SQLite::Database db(path_, SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT row_id FROM cjk_terms_pending WHERE kind = 'chunk'");
  std::set<std::int64_t> got;
  while (q.executeStep()) got.insert(q.getColumn(0).getInt64());
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace strata
