// store::Store::open: fresh stores, upgrades of older stores, refusing newer ones, idempotence.
#include "store/store.h"

#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <filesystem>
#include <string>
#include <vector>

#include "common/error.h"
#include "migrate/model/migration_source.h"
#include "migrate/run/migrator.h"
#include "store/embedded_migrations.h"
#include "store/sqlite/sqlite_backend.h"
#include "test_util.h"

namespace strata {
namespace {

namespace fs = std::filesystem;
using store::Store;

// UpOptions with only `to` set (designated initializers trip -Wmissing-field-initializers on GCC 12).
migrate::UpOptions store_up_to(migrate::Version v) {
  migrate::UpOptions o;
  o.to = v;
  return o;
}

migrate::MigrationSet shipped() {
  std::vector<migrate::NamedContent> files;
  for (const store::EmbeddedFile& f : store::store_migration_files()) {
    files.push_back({f.name, f.content});
  }
  return migrate::load_files(files, "strata:migrations");
}

std::int64_t count_rows(const std::string& db, const std::string& sql) {
  SQLite::Database d(db, SQLite::OPEN_READONLY);
  return d.execAndGet(sql).getInt64();
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { path_ = tmp_ / "nested/dir/store.db"; }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(tmp_.path(), ec);
  }

  testing::TempDir tmp_;
  std::string path_;
};

TEST_F(StoreTest, ShippedMigrationsAreValidAndSorted) {
  const migrate::MigrationSet set = shipped();
  EXPECT_TRUE(set.problems.empty()) << set.problems.front().describe();
  ASSERT_GE(set.migrations.size(), 2u);
  EXPECT_EQ(set.migrations.front().version, 1);
  EXPECT_EQ(Store::latest_schema_version(), set.migrations.back().version);
  for (const migrate::Migration& m : set.migrations) {
    EXPECT_TRUE(m.down.present) << m.file << ": every store migration can be rolled back";
  }
}

TEST_F(StoreTest, FreshStoreGetsTheLatestSchema) {
  const Store s = Store::open(path_);
  EXPECT_EQ(s.path(), path_);
  EXPECT_EQ(s.schema_version(), Store::latest_schema_version());
  EXPECT_TRUE(fs::exists(path_)) << "the file and its parent folders are created";
  EXPECT_TRUE(testing::has_table(path_, "collections"));
  EXPECT_TRUE(testing::has_table(path_, "documents"));
  EXPECT_TRUE(testing::has_table(path_, "chunks"));
  EXPECT_TRUE(testing::has_table(path_, "chunks_fts"));
  EXPECT_TRUE(testing::has_table(path_, store::k_store_history_table));
  EXPECT_EQ(count_rows(path_, std::string("SELECT count(*) FROM ") + store::k_store_history_table),
            static_cast<std::int64_t>(store::store_migration_files().size()));
  EXPECT_EQ(count_rows(path_, std::string("SELECT max(version) FROM ") + store::k_store_history_table),
            Store::latest_schema_version());
  EXPECT_FALSE(testing::has_table(path_, "strata_migrations"))
      << "the store's history lives in its own table, not the user-facing default";
}

// Every search reads its collection's chunk count; from the table it cost ~200 page reads on a
// 100,000-chunk store, a third of a one-shot search (migration 0011).
TEST_F(StoreTest, ACollectionsChunkCountIsReadFromAnIndexAlone) {
  { const Store s = Store::open(path_); }
  SQLite::Database db(path_, SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "EXPLAIN QUERY PLAN SELECT coalesce(sum(d.chunk_count), 0) FROM documents d "
                          "WHERE d.collection_id = 1");
  std::string plan;
  while (q.executeStep()) plan += q.getColumn(3).getString() + "\n";
  EXPECT_NE(plan.find("COVERING INDEX documents_collection_chunks_idx"), std::string::npos) << plan;
}

TEST_F(StoreTest, FreshStoreIndexesNewChunks) {
  { const Store s = Store::open(path_); }
  SQLite::Database db(path_, SQLite::OPEN_READWRITE);
  db.exec("INSERT INTO collections (id, name) VALUES (1, 'notes')");
  db.exec("INSERT INTO documents (id, collection_id, source, content_hash, size_bytes, loader) "
          "VALUES (1, 1, 'a.md', 'h', 10, 'markdown')");
  db.exec("INSERT INTO chunks (id, document_id, ordinal, text, start_byte, end_byte, line_start, line_end) "
          "VALUES (42, 1, 0, 'a zebra crossing', 0, 16, 1, 1)");
  SQLite::Statement q(db, "SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH 'zebra'");
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getInt64(), 42);
}

TEST_F(StoreTest, UpgradesAStoreMadeByAnEarlierSchemaVersion) {
  ASSERT_GE(Store::latest_schema_version(), 2) << "needs at least two store migrations";
  fs::create_directories(fs::path(path_).parent_path());
  {
    migrate::Migrator m(migrate::Target{migrate::Endpoint::sqlite(path_), store::k_store_history_table}, shipped());
    const migrate::RunResult r = m.up(store_up_to(1));
    ASSERT_EQ(r.steps.size(), 1u);
  }
  ASSERT_TRUE(testing::has_table(path_, "chunks"));
  ASSERT_FALSE(testing::has_table(path_, "chunks_fts"));
  {
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO collections (id, name) VALUES (1, 'notes')");
    db.exec("INSERT INTO documents (id, collection_id, source, content_hash, size_bytes, loader) "
            "VALUES (1, 1, 'old.txt', 'h', 40, 'text')");
    db.exec("INSERT INTO chunks (id, document_id, ordinal, text, start_byte, end_byte, line_start, line_end) "
            "VALUES (7, 1, 0, 'an ancient word from before the index', 0, 37, 1, 1)");
    db.exec("INSERT INTO chunks (id, document_id, ordinal, text, start_byte, end_byte, line_start, line_end) "
            "VALUES (8, 1, 1, 'something else entirely', 37, 60, 2, 2)");
  }

  const Store s = Store::open(path_);
  EXPECT_EQ(s.schema_version(), Store::latest_schema_version());
  EXPECT_TRUE(testing::has_table(path_, "chunks_fts"));
  EXPECT_EQ(count_rows(path_, std::string("SELECT max(version) FROM ") + store::k_store_history_table),
            Store::latest_schema_version());

  SQLite::Database db(path_, SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH 'word'");
  std::vector<std::int64_t> rows;
  while (q.executeStep()) rows.push_back(q.getColumn(0).getInt64());
  EXPECT_EQ(rows, std::vector<std::int64_t>{7}) << "the pre-existing chunk is indexed";
  EXPECT_EQ(count_rows(path_, "SELECT count(*) FROM documents"), 1) << "data survives the upgrade";
}

// Migration 0015: the ask tables' rows from before keep their text and get no principal or MAC
// (never an answer nor a turn to continue); the cache is rebuilt empty, keyed per principal.
TEST_F(StoreTest, UpgradeTo15KeepsTheLogAndConversationsWithoutAPrincipal) {
  fs::create_directories(fs::path(path_).parent_path());
  {
    migrate::Migrator m(migrate::Target{migrate::Endpoint::sqlite(path_), store::k_store_history_table}, shipped());
    m.up(store_up_to(14));
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO conversations (id, collection, title) VALUES (1, 'default', 'q')");
    db.exec("INSERT INTO messages (conversation_id, role, content) VALUES (1, 'user', 'q'), (1, 'assistant', 'a')");
    db.exec("INSERT INTO llm_calls (conversation_id, collection, question, answer, provider, model, status, latency_ms, "
            "total_ms, chunk_ids) VALUES (1, 'default', 'q', 'a', 'none', 'extractive', 'ok', 0, 1, '[]')");
    db.exec("INSERT INTO response_cache (key, answer, model) VALUES ('k', 'a', 'm')");
  }
  const Store s = Store::open(path_);
  EXPECT_EQ(s.schema_version(), Store::latest_schema_version());
  EXPECT_EQ(count_rows(path_, "SELECT count(*) FROM llm_calls WHERE principal IS NULL AND question = 'q'"), 1);
  EXPECT_EQ(count_rows(path_, "SELECT count(*) FROM messages WHERE mac IS NULL"), 2);
  EXPECT_EQ(count_rows(path_, "SELECT count(*) FROM conversations WHERE principal IS NULL"), 1);
  EXPECT_EQ(count_rows(path_, "SELECT count(*) FROM response_cache"), 0);
  EXPECT_EQ(count_rows(path_, "SELECT count(*) FROM pragma_table_info('response_cache') WHERE pk > 0"), 2)
      << "keyed by (principal, key)";
}

TEST_F(StoreTest, RefusesAStoreFromANewerStrata) {
  { const Store s = Store::open(path_); }
  {
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec(std::string("INSERT INTO ") + store::k_store_history_table +
            " (version, name, checksum, checksum_ws, applied_at, duration_ms, strata_version, state, "
            "statements_done) VALUES (9999, 'from_the_future', 'x', 'x', '2099-01-01T00:00:00.000Z', "
            "0, '0.1.0', 'applied', 0)");
  }
  try {
    const Store s = Store::open(path_);
    FAIL() << "a store from a newer strata must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::history_mismatch);
    const std::string message = e.what();
    EXPECT_NE(message.find(path_), std::string::npos) << message;
    EXPECT_NE(message.find("newer"), std::string::npos) << message;
  }
  EXPECT_EQ(count_rows(path_, std::string("SELECT count(*) FROM ") + store::k_store_history_table + " WHERE version = 9999"),
            1)
      << "the refused store is left alone";
}

TEST_F(StoreTest, OpeningTwiceIsIdempotent) {
  std::string history_before;
  {
    const Store s = Store::open(path_);
    EXPECT_EQ(s.schema_version(), Store::latest_schema_version());
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO collections (id, name) VALUES (1, 'keep me')");
    history_before = testing::query_one(
        path_, std::string("SELECT group_concat(version || ':' || applied_at, ',') FROM ") +
                   store::k_store_history_table);
  }
  const Store again = Store::open(path_);
  EXPECT_EQ(again.schema_version(), Store::latest_schema_version());
  EXPECT_EQ(testing::query_one(path_, std::string("SELECT group_concat(version || ':' || applied_at, ',') FROM ") +
                                          store::k_store_history_table),
            history_before)
      << "nothing re-applied";
  EXPECT_EQ(testing::query_one(path_, "SELECT name FROM collections WHERE id = 1"), "keep me");

  // A second handle while the first is still open works as well.
  const Store third = Store::open(path_);
  EXPECT_EQ(third.schema_version(), Store::latest_schema_version());
}

TEST_F(StoreTest, StoreIsMovable) {
  Store a = Store::open(path_);
  Store b = std::move(a);
  EXPECT_EQ(b.path(), path_);
  EXPECT_EQ(b.schema_version(), Store::latest_schema_version());
}

// The 60 s default had no setting, so only a minute-long trial could see a lock outlast it.
// The timeout is the store's own, given when it is opened: another store in the same process
// keeps its default.
TEST_F(StoreTest, AWriteGivesUpAfterTheBusyTimeoutSet) {
  { const Store created = Store::open(path_); }
  EXPECT_EQ(Store::open(path_).busy_timeout(), std::chrono::seconds(60));
  SQLite::Database holder(path_, SQLite::OPEN_READWRITE);
  holder.exec("BEGIN EXCLUSIVE");
  Store st = Store::open(path_, store::OpenOptions{std::chrono::milliseconds(200)});  // WAL: the lock does not stop a reader
  EXPECT_EQ(st.busy_timeout(), std::chrono::milliseconds(200));
  const Store other = Store::open(path_);
  EXPECT_EQ(other.busy_timeout(), std::chrono::seconds(60));
  const Error e = testing::error_of([&] { store::connection(st).exec("BEGIN IMMEDIATE"); });
  EXPECT_EQ(e.code(), ExitCode::unavailable);
  EXPECT_NE(std::string(e.what()).find("locked by another process (waited 0.20 s)"), std::string::npos) << e.what();
  holder.exec("ROLLBACK");
  EXPECT_NO_THROW(store::connection(st).exec("BEGIN IMMEDIATE; ROLLBACK"));
}

TEST_F(StoreTest, DirectoryPathIsUnavailable) {
  fs::create_directories(path_);
  try {
    const Store s = Store::open(path_);
    FAIL() << "a directory is not a store";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::unavailable) << e.what();
    EXPECT_NE(std::string(e.what()).find(path_), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace strata
