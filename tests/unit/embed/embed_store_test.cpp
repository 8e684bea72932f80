// The embedding tables (migration 0004) through EmbeddingStore, and `strata embed`'s collection
// mode end to end in-process with the local provider: recording the model, resuming, the
// cache, refusing a second model and switching to it.
#include "store/embedding_store.h"

#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include "common/sha256.h"
#include "embed/collection_embed.h"
#include "embed/local_embedder.h"
#include "embed/vector.h"
#include "store/collections.h"
#include "store/store.h"
#include "test_util.h"
#include "setting_flags.h"

namespace strata {
namespace {

using store::EmbeddingModel;
using store::EmbeddingStore;
using store::Store;
using testing::TempDir;

// Inserts a collection with `docs` documents of `per_doc` chunks each; returns its id. Chunk
// text is "doc D chunk K" unless `text` says otherwise.
std::int64_t seed(const std::string& db_path, const std::string& collection, int docs, int per_doc,
                  const std::function<std::string(int, int)>& text = {}) {
  SQLite::Database db(db_path, SQLite::OPEN_READWRITE);
  db.exec("PRAGMA foreign_keys = ON");
  SQLite::Statement c(db, "INSERT INTO collections (name) VALUES (?)");
  c.bind(1, collection);
  c.exec();
  const std::int64_t cid = db.getLastInsertRowid();
  for (int d = 0; d < docs; ++d) {
    SQLite::Statement doc(db, "INSERT INTO documents (collection_id, source, content_hash, size_bytes, loader) VALUES (?, ?, 'h', 1, 'text')");
    doc.bind(1, cid);
    doc.bind(2, collection + "/doc" + std::to_string(d) + ".md");
    doc.exec();
    const std::int64_t did = db.getLastInsertRowid();
    for (int k = 0; k < per_doc; ++k) {
      SQLite::Statement ch(db,
                           "INSERT INTO chunks (document_id, ordinal, text, start_byte, end_byte, line_start, line_end) "
                           "VALUES (?, ?, ?, 0, 1, 1, 1)");
      ch.bind(1, did);
      ch.bind(2, k);
      ch.bind(3, text ? text(d, k) : "doc " + std::to_string(d) + " chunk " + std::to_string(k));
      ch.exec();
    }
  }
  return cid;
}

std::int64_t count(const std::string& db, const std::string& sql) {
  SQLite::Database d(db, SQLite::OPEN_READONLY);
  return d.execAndGet(sql).getInt64();
}

class StoreSilent final : public embed::EmbedObserver {};

class EmbedStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = tmp_ / "store.db";
    Store::open(path_);  // creates the schema
  }
  TempDir tmp_;
  std::string path_;
};

TEST_F(EmbedStoreTest, MigrationCreatesTheTablesAndColumns) {
  EXPECT_TRUE(testing::has_table(path_, "embeddings"));
  EXPECT_TRUE(testing::has_table(path_, "embedding_cache"));
  EXPECT_EQ(count(path_, "SELECT count(*) FROM pragma_table_info('collections') WHERE name LIKE 'embedding_%'"), 6)
      << "model, provider, dimensions, server, and the query and document prefixes";
  // One row per (provider, model, dimensions, text): the key is unique.
  EXPECT_EQ(testing::query_one(path_, "SELECT count(*) FROM pragma_index_list('embedding_cache') WHERE \"unique\" = 1"), "1");
}

TEST_F(EmbedStoreTest, ChunkCountsCountChunksAndVectors) {
  const std::int64_t id = seed(path_, "docs", 2, 3);
  Store st = Store::open(path_);
  EmbeddingStore es(st);
  const store::ChunkCounts counts = es.chunk_counts(id);
  EXPECT_EQ(counts.chunks, 6);
  EXPECT_EQ(counts.embedded, 0);
  EXPECT_FALSE(store::find_collection(st, "docs")->embedding_model);
}

TEST_F(EmbedStoreTest, PendingChunksArePagedInIdOrderPerCollection) {
  const std::int64_t a = seed(path_, "a", 3, 4);
  seed(path_, "b", 2, 2);
  Store st = Store::open(path_);
  EmbeddingStore es(st);
  EXPECT_EQ(es.count_pending(a), 12);
  std::vector<std::int64_t> ids;
  std::int64_t after = 0;
  while (true) {
    const auto page = es.pending_chunks(a, after, 5);
    if (page.empty()) break;
    EXPECT_LE(page.size(), 5u);
    for (const auto& c : page) {
      ids.push_back(c.chunk_id);
      EXPECT_TRUE(c.source.starts_with("a/"));
    }
    after = page.back().chunk_id;
  }
  ASSERT_EQ(ids.size(), 12u);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  const auto first = es.pending_chunks(a, 0, 1).front();
  EXPECT_EQ(first.text, "doc 0 chunk 0");
  EXPECT_EQ(first.ordinal, 0);
}

TEST_F(EmbedStoreTest, StoreVectorsWritesCacheAndEmbeddingsAndRecordsTheModel) {
  const std::int64_t cid = seed(path_, "docs", 1, 3);
  Store st = Store::open(path_);
  EmbeddingStore es(st);
  const EmbeddingModel m{"openai", "m", 2};
  const std::string blob = embed::to_blob(embed::Vector{1.0f, 2.0f});
  const std::vector<store::VectorRow> rows = {{{1, 2}, blob, sha256_hex("t"), true}};
  es.store_vectors(m, rows, cid);
  EXPECT_EQ(count(path_, "SELECT count(*) FROM embeddings"), 2);
  EXPECT_EQ(count(path_, "SELECT count(*) FROM embedding_cache"), 1);
  EXPECT_EQ(es.cached_vector(m, sha256_hex("t")), blob);
  EXPECT_FALSE(es.cached_vector({"openai", "m", 3}, sha256_hex("t")));  // dimensions are part of the key
  EXPECT_EQ(es.chunk_vector(2), blob);
  EXPECT_EQ(es.count_pending(cid), 1);
  const auto c = store::find_collection(st, "docs");
  ASSERT_TRUE(c->embedding_model);
  EXPECT_EQ(*c->embedding_model, m);
}

// Issue 19: a collection re-embedded against another server got the first server's cached
// vectors (the key had the model's name but not the server).
TEST_F(EmbedStoreTest, TheCacheIsKeyedByTheServerThatMadeTheVector) {
  seed(path_, "docs", 1, 1);
  Store st = Store::open(path_);
  EmbeddingStore es(st);
  const EmbeddingModel m{"openai", "nomic", 2};
  const std::string a = embed::to_blob(embed::Vector{1.0f, 2.0f});
  const std::string b = embed::to_blob(embed::Vector{3.0f, 4.0f});
  es.store_vectors(m, std::vector<store::VectorRow>{{{1}, a, sha256_hex("t"), true}}, std::nullopt, "http://a:80/v1");
  es.store_vectors(m, std::vector<store::VectorRow>{{{1}, b, sha256_hex("t"), true}}, std::nullopt, "http://b:80/v1");
  EXPECT_EQ(es.cached_vector(m, sha256_hex("t"), "http://a:80/v1"), a);
  EXPECT_EQ(es.cached_vector(m, sha256_hex("t"), "http://b:80/v1"), b);
  EXPECT_FALSE(es.cached_vector(m, sha256_hex("t"))) << "nor the provider's own API's";
  EXPECT_EQ(es.known_dimensions("openai", "nomic"), 2) << "a size seen from any server is known";
  EXPECT_FALSE(es.known_dimensions("openai-x", "nomic"));
}

TEST_F(EmbedStoreTest, AChunkDeletedMeanwhileIsSkippedNotAnError) {
  seed(path_, "docs", 1, 2);
  Store st = Store::open(path_);
  EmbeddingStore es(st);
  const std::vector<store::VectorRow> rows = {{{1, 999}, embed::to_blob(embed::Vector{1.0f}), "", false}};
  es.store_vectors({"local", "x", 1}, rows);
  EXPECT_EQ(count(path_, "SELECT count(*) FROM embeddings"), 1);
}

TEST_F(EmbedStoreTest, DeletingAChunkDeletesItsVectorButNotTheCache) {
  seed(path_, "docs", 1, 2);
  {
    Store st = Store::open(path_);
    EmbeddingStore es(st);
    const std::vector<store::VectorRow> rows = {{{1}, embed::to_blob(embed::Vector{1.0f}), sha256_hex("doc 0 chunk 0"), true}};
    es.store_vectors({"openai", "m", 1}, rows);
  }
  SQLite::Database db(path_, SQLite::OPEN_READWRITE);
  db.exec("PRAGMA foreign_keys = ON; DELETE FROM chunks WHERE id = 1");
  EXPECT_EQ(count(path_, "SELECT count(*) FROM embeddings"), 0);
  EXPECT_EQ(count(path_, "SELECT count(*) FROM embedding_cache"), 1);
}

TEST_F(EmbedStoreTest, SwitchModelDropsOnlyThatCollectionsVectors) {
  const std::int64_t a = seed(path_, "a", 1, 2);
  const std::int64_t b = seed(path_, "b", 1, 2);
  Store st = Store::open(path_);
  EmbeddingStore es(st);
  const std::string blob = embed::to_blob(embed::Vector{1.0f});
  es.store_vectors({"local", "x", 1}, std::vector<store::VectorRow>{{{1, 2}, blob, "", false}}, a);
  es.store_vectors({"local", "x", 1}, std::vector<store::VectorRow>{{{3, 4}, blob, "", false}}, b);
  EXPECT_EQ(es.switch_model(a, {"openai", "y", 0}), 2);
  EXPECT_EQ(count(path_, "SELECT count(*) FROM embeddings"), 2);
  const auto c = store::find_collection(st, "a");
  ASSERT_TRUE(c->embedding_model);
  EXPECT_EQ(c->embedding_model->model, "y");
  EXPECT_EQ(c->embedding_model->dimensions, 0);  // still to learn: NULL in the store
  EXPECT_EQ(testing::query_one(path_, "SELECT embedding_dimensions IS NULL FROM collections WHERE name = 'a'"), "1");
}

TEST_F(EmbedStoreTest, VectorBlobsMustBeWholeFloats) {
  seed(path_, "docs", 1, 1);
  SQLite::Database db(path_, SQLite::OPEN_READWRITE);
  EXPECT_THROW(db.exec("INSERT INTO embeddings (chunk_id, vector) VALUES (1, x'010203')"), SQLite::Exception);
  EXPECT_THROW(db.exec("INSERT INTO embedding_cache (provider, model, dimensions, text_sha256, vector) "
                       "VALUES ('p', 'm', 2, 'h', x'0102030405060708AA')"),
               SQLite::Exception);
}

// ---------------------------------------------------------------------------------------------
// Collection mode, in process, local provider

TEST_F(EmbedStoreTest, CollectionEmbedStoresEveryChunkAndRecordsTheModel) {
  seed(path_, "docs", 3, 5);
  Store st = Store::open(path_);
  StoreSilent quiet;
  const auto r = embed::embed_collection(st, "docs", embed::EmbedSettings{}, quiet);
  EXPECT_FALSE(r.report.fatal);
  EXPECT_EQ(r.report.stats.embedded, 15u);
  EXPECT_EQ(r.model, (EmbeddingModel{"local", embed::k_local_model, 384}));
  EXPECT_EQ(count(path_, "SELECT count(*) FROM embeddings"), 15);
  EXPECT_EQ(count(path_, "SELECT count(*) FROM embeddings WHERE length(vector) = 384 * 4"), 15);
  // The stored vector is the local embedder's, little-endian float32.
  EmbeddingStore es(st);
  EXPECT_EQ(embed::from_blob(*es.chunk_vector(1)), embed::LocalEmbedder().embed("doc 0 chunk 0"));
  // The local provider does not fill the cache: recomputing costs less than looking up.
  EXPECT_EQ(count(path_, "SELECT count(*) FROM embedding_cache"), 0);
}

TEST_F(EmbedStoreTest, CollectionEmbedResumesWithOnlyWhatIsMissing) {
  seed(path_, "docs", 2, 5);
  Store st = Store::open(path_);
  StoreSilent quiet;
  embed::embed_collection(st, "docs", embed::EmbedSettings{}, quiet);
  {
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec("DELETE FROM embeddings WHERE chunk_id IN (2, 7)");
  }
  const auto r = embed::embed_collection(st, "docs", embed::EmbedSettings{}, quiet);
  EXPECT_EQ(r.already, 8);
  EXPECT_EQ(r.report.stats.embedded, 2u);
  const auto again = embed::embed_collection(st, "docs", embed::EmbedSettings{}, quiet);
  EXPECT_EQ(again.report.stats.done(), 0u);
}

TEST_F(EmbedStoreTest, MissingCollectionIsInvalidInputNamingTheOthers) {
  seed(path_, "docs", 1, 1);
  seed(path_, "notes", 1, 1);
  Store st = Store::open(path_);
  StoreSilent quiet;
  const Error e = testing::error_of([&] { embed::embed_collection(st, "nope", embed::EmbedSettings{}, quiet); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_NE(std::string(e.what()).find("no collection 'nope'"), std::string::npos);
  EXPECT_NE(e.hint().find("docs notes"), std::string::npos) << e.hint();
}

TEST_F(EmbedStoreTest, AnotherSizeIsRefusedUntilSwitchModel) {
  seed(path_, "docs", 1, 4);
  Store st = Store::open(path_);
  StoreSilent quiet;
  embed::embed_collection(st, "docs", embed::EmbedSettings{}, quiet);
  embed::EmbedSettings other;
  other.dimensions = 64;
  const Error e = testing::error_of([&] { embed::embed_collection(st, "docs", other, quiet); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_NE(std::string(e.what()).find("holds 384-dimensional vectors"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("cannot mix sizes"), std::string::npos);
  EXPECT_NE(cli::with_flags(e.hint()).find("--switch-model"), std::string::npos);
  EXPECT_EQ(count(path_, "SELECT count(*) FROM embeddings"), 4);  // nothing touched

  other.switch_model = true;
  const auto r = embed::embed_collection(st, "docs", other, quiet);
  EXPECT_EQ(r.dropped, 4);
  EXPECT_EQ(r.report.stats.embedded, 4u);
  EXPECT_EQ(count(path_, "SELECT count(*) FROM embeddings WHERE length(vector) = 64 * 4"), 4);
  EXPECT_EQ(testing::query_one(path_, "SELECT embedding_dimensions FROM collections"), "64");
  // Without flags the next run uses the recorded model and has nothing to do.
  const auto again = embed::embed_collection(st, "docs", embed::EmbedSettings{}, quiet);
  EXPECT_EQ(again.model.dimensions, 64);
  EXPECT_EQ(again.report.stats.done(), 0u);
}

}  // namespace
}  // namespace strata
