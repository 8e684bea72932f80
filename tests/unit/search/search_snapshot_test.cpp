// The persisted vector index snapshot (search/vector_snapshot.h): a mapped snapshot searches
// exactly like the index it was written from; a snapshot for another store state, collection or
// model is never used; a truncated or damaged file is ignored (and rebuilt), never trusted; and
// a store whose snapshot folder cannot be written still searches.
#include "search/vector_snapshot.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "embed/collection_embed.h"
#include "search/searcher.h"
#include "search/vector_index.h"
#include "store/collections.h"
#include "store/search_store.h"
#include "store/store.h"
#include "test_util.h"

namespace strata::search {
namespace {

using store::Store;
using strata::testing::TempDir;

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  float uniform() { return static_cast<float>(static_cast<double>(next() >> 40) / 8388608.0 - 1.0); }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t state_;
};

std::vector<float> random_matrix(std::size_t rows, std::size_t dims, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> m(rows * dims);
  for (float& v : m) v = rng.uniform();
  // A zero row and two identical rows (ties).
  std::fill_n(m.data() + 3 * dims, dims, 0.0f);
  std::copy_n(m.data() + 10 * dims, dims, m.data() + 11 * dims);
  return m;
}

std::vector<std::int64_t> ascending_ids(std::size_t rows) {
  std::vector<std::int64_t> ids(rows);
  for (std::size_t i = 0; i < rows; ++i) ids[i] = static_cast<std::int64_t>(7 + 3 * i);
  return ids;
}

SnapshotKey key_for(std::int64_t generation = 42, std::size_t dims = 48) {
  return SnapshotKey{store::VectorFingerprint{"0123456789abcdef0123456789abcdef", generation}, 5,
                     store::EmbeddingModel{"local", "strata-hash-v1", static_cast<std::int64_t>(dims)}};
}

void expect_same_hits(const std::vector<VectorHit>& a, const std::vector<VectorHit>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].row, b[i].row) << i;
    EXPECT_EQ(std::memcmp(&a[i].score, &b[i].score, sizeof(float)), 0) << i;  // bit for bit
  }
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST(SearchSnapshot, PathIsBesideTheStore) {
  EXPECT_EQ(snapshot_file("/data/kb.db.vectors", 3), "/data/kb.db.vectors/3.bin");
  EXPECT_EQ(snapshot_file("", 3), "");
  TempDir tmp;
  store::Store st = store::Store::open(tmp / "kb.db");
  const store::DerivedFolder beside = store::derived_folder(st, "any-id");
  EXPECT_EQ(beside.path, (tmp / "kb.db") + ".vectors");
  EXPECT_FALSE(beside.private_to_user);
}

TEST(SearchSnapshot, RoundTripSearchesBitForBitLikeTheInMemoryIndex) {
  TempDir tmp;
  for (const Prepass prepass : {Prepass::int8, Prepass::none}) {
    SCOPED_TRACE(prepass == Prepass::int8 ? "int8" : "none");
    const std::size_t rows = 3001, dims = 48;
    const VectorIndex built(random_matrix(rows, dims, 1), dims, prepass);
    const std::vector<std::int64_t> ids = ascending_ids(rows);
    const std::string path = tmp / "s.vectors/5.bin";
    ASSERT_TRUE(write_snapshot(path, key_for(), ids, built));
    std::optional<CollectionIndex> read = read_snapshot(path, key_for());
    ASSERT_TRUE(read);
    EXPECT_TRUE(read->from_snapshot);
    EXPECT_EQ(read->chunk_ids, ids);
    EXPECT_EQ(read->fingerprint, key_for().fingerprint);
    const VectorIndex& mapped = *read->index;
    ASSERT_EQ(mapped.rows(), rows);
    ASSERT_EQ(mapped.dims(), dims);
    EXPECT_EQ(mapped.prepass(), prepass);
    EXPECT_EQ(std::memcmp(mapped.row(rows - 1).data(), built.row(rows - 1).data(), dims * 4), 0);

    RowSet odd(rows);
    for (std::size_t r = 1; r < rows; r += 2) odd.insert(r);
    Rng rng(9);
    for (int q = 0; q < 20; ++q) {
      std::vector<float> query(dims);
      for (float& v : query) v = rng.uniform();
      if (q == 0) query = std::vector<float>(built.row(10).begin(), built.row(10).end());  // the tied rows
      for (const std::size_t k : {std::size_t{1}, std::size_t{10}, std::size_t{100}, rows + 5}) {
        VectorSearchStats a, b;
        expect_same_hits(mapped.search(query, k, nullptr, &a), built.search(query, k, nullptr, &b));
        EXPECT_EQ(a.rescored, b.rescored);
        expect_same_hits(mapped.search(query, k, &odd), built.search(query, k, &odd));
        expect_same_hits(mapped.search_exact(query, k), built.search_exact(query, k));
      }
    }
    // No temporary file is left behind.
    std::size_t files = 0;
    for (const auto& e : std::filesystem::directory_iterator(tmp / "s.vectors")) {
      EXPECT_EQ(e.path().filename(), "5.bin");
      ++files;
    }
    EXPECT_EQ(files, 1u);
  }
}

TEST(SearchSnapshot, EmptyCollectionRoundTrips) {
  TempDir tmp;
  const VectorIndex built(std::vector<float>{}, 8);
  const std::string path = tmp / "e.bin";
  ASSERT_TRUE(write_snapshot(path, key_for(1, 8), {}, built));
  const std::optional<CollectionIndex> read = read_snapshot(path, key_for(1, 8));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->index->rows(), 0u);
  EXPECT_TRUE(read->index->search(std::vector<float>(8, 1.0f), 10).empty());
}

// The snapshot folder beside a file store can be planted by a repository: a FIFO in the
// snapshot's place is refused at once (an open() that waited for a writer would hang the search).
TEST(SearchSnapshot, AFifoInItsPlaceIsRefusedWithoutWaiting) {
  TempDir tmp;
  const std::string path = tmp / "f.bin";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  EXPECT_FALSE(read_snapshot(path, key_for()));
}

TEST(SearchSnapshot, WritingRemovesOnlyAbandonedTemporaryFiles) {
  TempDir tmp;
  std::filesystem::create_directory(tmp / "t.vectors");
  const std::string old_tmp = tmp / "t.vectors/5.bin.tmp-AAAAAA", new_tmp = tmp / "t.vectors/5.bin.tmp-BBBBBB",
                    other = tmp / "t.vectors/6.bin.tmp-CCCCCC";
  for (const std::string& p : {old_tmp, new_tmp, other}) spit(p, "partial");
  const auto long_ago = std::filesystem::file_time_type::clock::now() - std::chrono::hours(3);
  std::filesystem::last_write_time(old_tmp, long_ago);
  std::filesystem::last_write_time(other, long_ago);
  const VectorIndex built(random_matrix(20, 48, 4), 48);
  ASSERT_TRUE(write_snapshot(tmp / "t.vectors/5.bin", key_for(), ascending_ids(20), built));
  EXPECT_FALSE(std::filesystem::exists(old_tmp));
  EXPECT_TRUE(std::filesystem::exists(new_tmp));  // perhaps another process writing right now
  EXPECT_TRUE(std::filesystem::exists(other));    // another collection's
}

TEST(SearchSnapshot, AnotherStoreStateCollectionOrModelIsNotUsed) {
  TempDir tmp;
  const VectorIndex built(random_matrix(50, 48, 2), 48);
  const std::string path = tmp / "k.bin";
  ASSERT_TRUE(write_snapshot(path, key_for(), ascending_ids(50), built));
  ASSERT_TRUE(read_snapshot(path, key_for()));

  SnapshotKey k = key_for(43);
  EXPECT_FALSE(read_snapshot(path, k));  // the embeddings changed since
  k = key_for();
  k.fingerprint.store_id = "ffffffffffffffffffffffffffffffff";  // a store made again at this path
  EXPECT_FALSE(read_snapshot(path, k));
  k = key_for();
  k.collection_id = 6;
  EXPECT_FALSE(read_snapshot(path, k));
  k = key_for();
  k.model.model = "other-model";
  EXPECT_FALSE(read_snapshot(path, k));
  k = key_for();
  k.model.provider = "openai";
  EXPECT_FALSE(read_snapshot(path, k));
  EXPECT_FALSE(read_snapshot(path, key_for(42, 49)));
  k = key_for();
  k.fingerprint.store_id.clear();  // a store without a fingerprint never uses a snapshot
  EXPECT_FALSE(read_snapshot(path, k));
  EXPECT_FALSE(read_snapshot(tmp / "missing.bin", key_for()));
}

TEST(SearchSnapshot, TruncatedOrDamagedFilesAreIgnoredNeverTrusted) {
  TempDir tmp;
  const std::size_t rows = 200, dims = 48;
  const VectorIndex built(random_matrix(rows, dims, 3), dims);
  const std::string path = tmp / "c.bin";
  ASSERT_TRUE(write_snapshot(path, key_for(), ascending_ids(rows), built));
  const std::string good = slurp(path);
  ASSERT_GT(good.size(), 256u);

  // Every truncation, including to nothing.
  for (std::size_t n = 0; n < good.size(); n += (n < 512 ? 1 : 97)) {
    spit(path, good.substr(0, n));
    EXPECT_FALSE(read_snapshot(path, key_for())) << n;
  }
  // Extra bytes at the end.
  spit(path, good + std::string(64, '\0'));
  EXPECT_FALSE(read_snapshot(path, key_for()));

  // One flipped byte in the header, the strings, the chunk ids or the per-row arrays: the
  // checksum (or a bounds check) rejects the file. Bytes of the matrix and the codes are only
  // size-checked; a flip there must still never crash a search.
  std::size_t rejected = 0;
  for (std::size_t at = 0; at < good.size(); at += (at < 256 ? 1 : 61)) {
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x5a);
    spit(path, bad);
    const std::optional<CollectionIndex> r = read_snapshot(path, key_for());
    if (!r) {
      ++rejected;
      continue;
    }
    EXPECT_EQ(r->index->rows(), rows);
    EXPECT_EQ(r->index->search(std::vector<float>(dims, 0.5f), 5).size(), 5u);
  }
  EXPECT_GT(rejected, 256u);
  for (std::size_t at = 0; at < 256; ++at) {  // every header byte matters, reserved ones too
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x01);
    spit(path, bad);
    EXPECT_FALSE(read_snapshot(path, key_for())) << at;
  }
  // NaN in the (unchecksummed) matrix: searches still return k rows without crashing.
  {
    std::string bad = good;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::uint64_t matrix_offset = 0;
    std::memcpy(&matrix_offset, good.data() + 72 + 2 * 16, 8);
    for (std::size_t r = 0; r < rows; r += 3) std::memcpy(bad.data() + matrix_offset + r * dims * 4, &nan, 4);
    spit(path, bad);
    const std::optional<CollectionIndex> r = read_snapshot(path, key_for());
    ASSERT_TRUE(r);
    for (const std::size_t k : {std::size_t{5}, std::size_t{50}, rows}) {
      EXPECT_EQ(r->index->search(std::vector<float>(dims, 0.5f), k).size(), k);
      EXPECT_EQ(r->index->search_exact(std::vector<float>(dims, 0.5f), k).size(), k);
    }
  }

  // Not a snapshot at all, or not a file.
  spit(path, std::string(100000, 'x'));
  EXPECT_FALSE(read_snapshot(path, key_for()));
  std::filesystem::remove(path);
  std::filesystem::create_directory(path);
  EXPECT_FALSE(read_snapshot(path, key_for()));
  EXPECT_FALSE(write_snapshot(path, key_for(), ascending_ids(rows), built));  // a folder is in the way
}

// ---- Through the store and the Searcher -------------------------------------------------------

class SnapshotSilent final : public embed::EmbedObserver {};

class SnapshotStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = tmp_ / "store.db";
    Store::open(path_);
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO collections (name) VALUES ('docs')");
    for (int d = 0; d < 30; ++d) add_document(db, d);
    embed();
  }

  static void add_document(SQLite::Database& db, int d) {
    SQLite::Statement doc(db,
                          "INSERT INTO documents (collection_id, source, title, content_hash, size_bytes, loader, "
                          "metadata, chunk_count) VALUES (1, ?, ?, 'h', 1, 'text', '{}', 3)");
    doc.bind(1, "doc" + std::to_string(d) + ".md");
    doc.bind(2, "Doc " + std::to_string(d));
    doc.exec();
    const std::int64_t did = db.getLastInsertRowid();
    for (int k = 0; k < 3; ++k) {
      const std::string text = "Document " + std::to_string(d) + " part " + std::to_string(k) +
                               (k == 0 ? " bakes bread" : k == 1 ? " migrates databases" : " ranks vectors");
      SQLite::Statement ch(db,
                           "INSERT INTO chunks (document_id, ordinal, text, start_byte, end_byte, line_start, line_end) "
                           "VALUES (?, ?, ?, 0, ?, 1, 1)");
      ch.bind(1, did);
      ch.bind(2, k);
      ch.bind(3, text);
      ch.bind(4, static_cast<std::int64_t>(text.size()));
      ch.exec();
    }
  }

  void embed() {
    Store st = Store::open(path_);
    SnapshotSilent quiet;
    embed::embed_collection(st, "docs", embed::EmbedSettings{}, quiet);
  }

  CollectionIndex load() {
    Store st = Store::open(path_);
    const auto c = store::find_collection(st, "docs");
    EXPECT_TRUE(c && c->embedding_model);
    return load_collection_index(st, c->id, *c->embedding_model);
  }

  std::vector<std::pair<std::int64_t, double>> search(const std::string& q, Mode mode) {
    Store st = Store::open(path_);
    Searcher s(st);
    SearchRequest r;
    r.query = q;
    r.collection = "docs";
    r.mode = mode;
    r.k = 10;
    std::vector<std::pair<std::int64_t, double>> out;
    for (const SearchHit& h : s.search(r).hits) out.emplace_back(h.chunk.chunk_id, h.score);
    return out;
  }

  std::string snapshot() const { return path_ + ".vectors/1.bin"; }

  TempDir tmp_;
  std::string path_;
};

TEST_F(SnapshotStoreTest, FirstSearchWritesItLaterSearchesMapItWithTheSameResults) {
  ASSERT_FALSE(std::filesystem::exists(snapshot()));
  const auto first = search("bread baking", Mode::vector);
  ASSERT_EQ(first.size(), 10u);
  ASSERT_TRUE(std::filesystem::exists(snapshot()));
  const CollectionIndex mapped = load();
  EXPECT_TRUE(mapped.from_snapshot);
  EXPECT_EQ(mapped.chunk_ids.size(), 90u);
  EXPECT_EQ(search("bread baking", Mode::vector), first);  // doubles compared exactly
  EXPECT_EQ(search("database migrations", Mode::hybrid), search("database migrations", Mode::hybrid));

  // The same as an index built from the store right now.
  std::filesystem::remove(snapshot());
  EXPECT_EQ(search("bread baking", Mode::vector), first);
}

TEST_F(SnapshotStoreTest, AStaleSnapshotIsRebuiltAfterTheVectorsChange) {
  ASSERT_TRUE(load().chunk_ids.size() == 90u);
  ASSERT_TRUE(load().from_snapshot);
  {
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    add_document(db, 30);
  }
  embed();  // three more vectors: a new generation
  const CollectionIndex rebuilt = load();
  EXPECT_FALSE(rebuilt.from_snapshot);
  EXPECT_EQ(rebuilt.chunk_ids.size(), 93u);
  const CollectionIndex again = load();
  EXPECT_TRUE(again.from_snapshot);
  EXPECT_EQ(again.chunk_ids, rebuilt.chunk_ids);
  EXPECT_EQ(again.fingerprint, rebuilt.fingerprint);

  // A vector removed (its chunk deleted) is a change too.
  {
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec("DELETE FROM embeddings WHERE chunk_id = (SELECT max(chunk_id) FROM embeddings)");
  }
  const CollectionIndex fewer = load();
  EXPECT_FALSE(fewer.from_snapshot);
  EXPECT_EQ(fewer.chunk_ids.size(), 92u);
}

TEST_F(SnapshotStoreTest, ATruncatedOrCorruptSnapshotIsRebuilt) {
  const auto expected = search("ranks vectors", Mode::vector);
  const std::string good = slurp(snapshot());
  spit(snapshot(), good.substr(0, good.size() / 2));
  EXPECT_EQ(search("ranks vectors", Mode::vector), expected);
  EXPECT_EQ(slurp(snapshot()), good);  // rewritten
  std::string bad = good;
  bad[300] = static_cast<char>(bad[300] ^ 0x40);  // in the strings / chunk ids
  spit(snapshot(), bad);
  EXPECT_FALSE(load().from_snapshot);
  EXPECT_TRUE(load().from_snapshot);
  EXPECT_EQ(search("ranks vectors", Mode::vector), expected);
}

TEST_F(SnapshotStoreTest, AStoreWhoseSnapshotFolderCannotBeWrittenStillSearches) {
  // A file where the folder should be: nothing can be created in it (even by root).
  spit(path_ + ".vectors", "not a folder");
  const auto first = search("bread", Mode::vector);
  EXPECT_EQ(first.size(), 10u);
  EXPECT_EQ(search("bread", Mode::hybrid).size(), 10u);
  EXPECT_FALSE(load().from_snapshot);
  EXPECT_EQ(search("bread", Mode::vector), first);
  EXPECT_EQ(slurp(path_ + ".vectors"), "not a folder");
}

}  // namespace
}  // namespace strata::search
