// find_collection on a SQLite store keeps a collection's record for the store's state
// (store/sqlite/store_state.h): a long-running process reads it before every search. Whatever
// changes the store (another connection's commit, this connection's own write, a rolled-back
// write, a vector added, the collection removed) must show in the next lookup.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "store/collections.h"
#include "store/document_writer.h"
#include "store/sqlite/sqlite_backend.h"
#include "store/sqlite/store_state.h"
#include "store/store.h"
#include "test_util.h"

namespace strata::sqlite_collection_records_test {
namespace {

using store::DocumentRecord;
using store::Store;

// A document of one chunk holding `text`.
DocumentRecord document(const std::string& source, const std::string& text) {
  DocumentRecord d;
  d.source = source;
  d.path = "/project/" + source;
  d.content_hash = "h-" + source;
  d.loader = "text";
  d.encoding = "utf-8";
  d.metadata_json = "{}";
  d.text = text;
  store::ChunkRecord c;
  c.end_byte = c.char_end = static_cast<std::int64_t>(text.size());
  c.line_start = c.line_end = 1;
  c.tokens = 1;
  c.headings_json = "[]";
  d.chunks.push_back(c);
  d.size_bytes = d.char_count = static_cast<std::int64_t>(text.size());
  return d;
}

void put(Store& st, const std::string& source) {
  store::DocumentWriter w(st, "docs", R"({"size":100})", false);
  w.begin();
  w.put(document(source, "alpha " + source), false);
  w.commit();
}

std::int64_t chunks(Store& st) {
  const std::optional<store::CollectionInfo> c = store::find_collection(st, "docs");
  return c ? c->chunks : -1;
}

class CollectionRecordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_.emplace(Store::open(tmp_ / "store.db"));
    put(*a_, "one.md");
    b_.emplace(Store::open(tmp_ / "store.db"));
  }
  testing::TempDir tmp_;
  std::optional<Store> a_, b_;  // two connections to one file
};

TEST_F(CollectionRecordsTest, AnotherConnectionsCommitShowsInTheNextLookup) {
  EXPECT_EQ(chunks(*a_), 1);
  EXPECT_EQ(chunks(*a_), 1) << "kept, and still right";
  put(*b_, "two.md");
  EXPECT_EQ(chunks(*a_), 2);
}

TEST_F(CollectionRecordsTest, ThisConnectionsOwnWriteShowsInTheNextLookup) {
  EXPECT_EQ(chunks(*a_), 1);
  put(*a_, "two.md");
  EXPECT_EQ(chunks(*a_), 2);
}

TEST_F(CollectionRecordsTest, AWriteRolledBackLeavesNoTrace) {
  EXPECT_EQ(chunks(*a_), 1);
  {
    store::DocumentWriter w(*a_, "docs", R"({"size":100})", false);
    w.begin();
    w.put(document("two.md", "alpha two"), false);
    EXPECT_EQ(chunks(*a_), 2) << "the transaction sees its own write";
  }  // not committed: rolled back
  EXPECT_EQ(chunks(*a_), 1);
}

TEST_F(CollectionRecordsTest, AVectorAddedElsewhereShows) {
  const std::optional<store::CollectionInfo> before = store::find_collection(*a_, "docs");
  ASSERT_TRUE(before);
  EXPECT_FALSE(before->has_vectors);
  store::database(*b_).exec("INSERT INTO embeddings (chunk_id, vector) SELECT id, x'0000803f' FROM chunks LIMIT 1");
  const std::optional<store::CollectionInfo> after = store::find_collection(*a_, "docs");
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->has_vectors);
}

TEST_F(CollectionRecordsTest, ACollectionRemovedElsewhereIsGone) {
  EXPECT_EQ(chunks(*a_), 1);
  store::remove_collection(*b_, "docs");
  EXPECT_FALSE(store::find_collection(*a_, "docs").has_value());
}

TEST(StoreState, NoneInsideATransaction) {
  testing::TempDir tmp;
  Store st = Store::open(tmp / "store.db");
  SQLite::Database& db = store::database(st);
  const std::optional<store::sqlite_store::StoreState> outside = store::sqlite_store::committed_state(db);
  ASSERT_TRUE(outside);
  db.exec("BEGIN");
  EXPECT_FALSE(store::sqlite_store::committed_state(db));
  db.exec("ROLLBACK");
  EXPECT_EQ(store::sqlite_store::committed_state(db), outside) << "nothing changed";
}

TEST(CollectionRecords, KeepsRecordsForOneStateOnly) {
  store::sqlite_store::CollectionRecords records;
  store::CollectionInfo c;
  c.name = "docs";
  c.chunks = 7;
  const store::sqlite_store::StoreState s1{1, 10}, s2{1, 11};
  records.keep(s1, c);
  ASSERT_TRUE(records.find(s1, "docs"));
  EXPECT_EQ(records.find(s1, "docs")->chunks, 7);
  EXPECT_FALSE(records.find(s1, "other"));
  EXPECT_FALSE(records.find(s2, "docs")) << "another state";
  c.name = "other";
  records.keep(s2, c);
  EXPECT_FALSE(records.find(s1, "docs")) << "the older state's records are dropped";
  EXPECT_TRUE(records.find(s2, "other"));
}

}  // namespace
}  // namespace strata::sqlite_collection_records_test
