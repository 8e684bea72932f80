// The approximate index built on several threads (levels drawn beforehand) and kept between
// processes (AnnIndex::save / load, search/ann_file.cpp): a saved index loads as the same graph,
// only for its own key and settings; a damaged, truncated, planted or crafted file is never
// loaded (nullptr: the caller builds); a second cache loads what the first saved.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "search/ann_cache.h"
#include "search/ann_index.h"
#include "search/ann_search.h"
#include "search/derived_file.h"
#include "search/vector_index.h"
#include "ann_test_vectors.h"
#include "test_util.h"

namespace strata {
namespace {

using search::AnnIndex;
using search::AnnSettings;

// 1500 rows of 16 dims, the last 100 copies of the first 100 (nodes stand for several rows).
std::shared_ptr<const search::VectorIndex> saved_test_vectors() {
  std::vector<float> m = testing::random_matrix(1400, 16, 21);
  m.insert(m.end(), m.begin(), m.begin() + 100 * 16);
  return std::make_shared<const search::VectorIndex>(std::move(m), 16);
}

search::AnnKey saved_test_key() { return search::AnnKey{{"store-s", 4}, 2, store::EmbeddingModel("local", "m", 16), 1500}; }

double recall_of(const AnnIndex& ann, const search::VectorIndex& vectors, const AnnSettings& settings) {
  constexpr std::size_t queries = 50, k = 10;
  const std::vector<float> q = testing::random_matrix(queries, vectors.dims(), 77);
  std::size_t found = 0;
  for (std::size_t i = 0; i < queries; ++i) {
    const std::span<const float> query(q.data() + i * vectors.dims(), vectors.dims());
    const std::vector<search::VectorHit> exact = vectors.search_exact(query, k);
    for (const search::VectorHit& h : search::ann_search(ann, vectors, query, k, settings)) {
      for (const search::VectorHit& e : exact) found += e.row == h.row ? 1 : 0;
    }
  }
  return static_cast<double>(found) / static_cast<double>(queries * k);
}

std::vector<std::vector<std::size_t>> candidates_of(const AnnIndex& ann, std::size_t dims) {
  const std::vector<float> q = testing::random_matrix(20, dims, 78);
  std::vector<std::vector<std::size_t>> out;
  for (std::size_t i = 0; i < 20; ++i) {
    std::vector<std::size_t> c = ann.candidates(std::span<const float>(q.data() + i * dims, dims), 40);
    std::sort(c.begin(), c.end());
    out.push_back(std::move(c));
  }
  return out;
}

std::string file_bytes(const std::string& path) { return testing::read_file(path); }

void put_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::uint64_t checksum_of(const std::string& bytes) {
  search::FileChecksum c;
  c.add(bytes.data(), bytes.size());
  return c.value();
}

// The index file at `path` (whose whole bytes are `bytes`) with a byte flipped, cut short by one
// byte and one byte longer: `refused(what)` checks each is not loaded, and restores the files.
template <typename Refused>
void expect_damage_refused(const std::string& path, const std::string& bytes, const std::string& name, Refused refused) {
  std::string flipped = bytes;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x10);
  put_bytes(path, flipped);
  refused("a flipped byte in the " + name);
  put_bytes(path, bytes.substr(0, bytes.size() - 1));
  refused("a truncated " + name);
  put_bytes(path, bytes + "x");
  refused("a " + name + " one byte longer");
}

// The description `m` with its checksums made to match the index file `index` (the checksum
// notices damage, not an adversary), summed as strata sums it: the header, the strings, the
// nodes' starts, their rows.
std::string matching_description(std::string m, const std::string& index) {
  const std::uint64_t index_sum = checksum_of(index);
  std::memcpy(m.data() + 96, &index_sum, 8);
  std::memset(m.data() + 104, 0, 8);
  std::uint64_t strings = 0, nodes = 0;
  std::memcpy(&strings, m.data() + 80, 8);
  std::memcpy(&nodes, m.data() + 48, 8);
  const std::size_t starts = (nodes + 1) * 4, rows_at = 128 + strings + starts;
  search::FileChecksum c;
  c.add(m.data(), 128);
  c.add(m.data() + 128, strings);
  c.add(m.data() + 128 + strings, starts);
  c.add(m.data() + rows_at, m.size() - rows_at);
  const std::uint64_t meta_sum = c.value();
  std::memcpy(m.data() + 104, &meta_sum, 8);
  return m;
}

// The graph's settings: only the graph is saved.
AnnSettings graph_settings() {
  AnnSettings s;
  s.kind = search::AnnKind::hnsw;
  return s;
}

TEST(AnnParallelBuildTest, EveryThreadCountFindsTheScansRows) {
  const auto vectors = saved_test_vectors();
  for (const std::size_t threads : {std::size_t{1}, std::size_t{2}, std::size_t{4}}) {
   for (const search::AnnKind kind : {search::AnnKind::rabitq, search::AnnKind::hnsw}) {
    AnnSettings settings;
    settings.kind = kind;
    settings.build_threads = threads;
    const std::unique_ptr<AnnIndex> ann = AnnIndex::build(*vectors, settings);
    ASSERT_NE(ann, nullptr);
    EXPECT_EQ(ann->nodes(), 1400u);
    EXPECT_FALSE(ann->loaded());
    EXPECT_GE(recall_of(*ann, *vectors, settings), 0.98) << threads << " threads, " << search::ann_kind_name(kind);
   }
  }
}

// The codes (the default kind) are saved as `<id>.bits` beside the description and load as the
// same codes; a damaged, truncated or crafted file, or another kind's, is never loaded.
TEST(AnnCodesFileTest, SavedCodesLoadAsTheSameCodesAndNothingElseLoads) {
  testing::TempDir tmp;
  const auto vectors = saved_test_vectors();
  const std::string meta = AnnIndex::saved_file(tmp.path().string(), 2), bits = tmp / "2.bits";
  const AnnSettings codes;
  const std::unique_ptr<AnnIndex> built = AnnIndex::build(*vectors, codes);
  ASSERT_NE(built, nullptr);
  ASSERT_TRUE(built->save(meta, saved_test_key(), codes));
  EXPECT_TRUE(std::filesystem::is_regular_file(bits));
  EXPECT_FALSE(std::filesystem::exists(tmp / "2.hnsw"));
  const std::unique_ptr<AnnIndex> loaded = AnnIndex::load(meta, saved_test_key(), *vectors, codes);
  ASSERT_NE(loaded, nullptr);
  EXPECT_TRUE(loaded->loaded());
  EXPECT_EQ(loaded->kind(), search::AnnKind::rabitq);
  EXPECT_EQ(loaded->nodes(), built->nodes());
  EXPECT_EQ(loaded->bytes(), built->bytes());
  EXPECT_EQ(candidates_of(*loaded, 16), candidates_of(*built, 16));
  EXPECT_GE(recall_of(*loaded, *vectors, codes), 0.98);
  EXPECT_EQ(AnnIndex::load(meta, saved_test_key(), *vectors, graph_settings()), nullptr) << "the graph's settings";

  const std::string file = file_bytes(bits), description = file_bytes(meta);
  const auto expect_refused = [&](const std::string& what) {
    EXPECT_EQ(AnnIndex::load(meta, saved_test_key(), *vectors, codes), nullptr) << what;
    put_bytes(bits, file);
    put_bytes(meta, description);
    ASSERT_NE(AnnIndex::load(meta, saved_test_key(), *vectors, codes), nullptr) << "restored after: " << what;
  };
  expect_damage_refused(bits, file, "codes file", expect_refused);
  // A crafted file: a code's bit flipped and both checksums made to match (the checksum is no
  // secret): the codes made again from their vectors differ.
  {
    // The codes file: signs (4 rounds × 64 floats) and mean (16 floats), then the first block's
    // first word (node 0's only word: 16 dims are one word).
    put_bytes(bits, file);
    put_bytes(meta, matching_description(description, file));
    ASSERT_NE(AnnIndex::load(meta, saved_test_key(), *vectors, codes), nullptr) << "the checksums made as strata makes them";
    std::string crafted = file;
    const std::size_t at = (4 * 64 + 16) * sizeof(float);
    crafted[at] = static_cast<char>(crafted[at] ^ 0x01);
    put_bytes(bits, crafted);
    put_bytes(meta, matching_description(description, crafted));
    expect_refused("a code that is not its vector's, the checksums matched");
  }
  std::filesystem::remove(bits);
  expect_refused("no codes file");
  // The other way: a graph's files are not loaded as codes.
  const std::unique_ptr<AnnIndex> graph = AnnIndex::build(*vectors, graph_settings());
  ASSERT_NE(graph, nullptr);
  ASSERT_TRUE(graph->save(meta, saved_test_key(), graph_settings()));
  EXPECT_EQ(AnnIndex::load(meta, saved_test_key(), *vectors, codes), nullptr);
  EXPECT_NE(AnnIndex::load(meta, saved_test_key(), *vectors, graph_settings()), nullptr);
}

class AnnFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    vectors_ = saved_test_vectors();
    built_ = AnnIndex::build(*vectors_, settings_);
    ASSERT_NE(built_, nullptr);
    meta_ = AnnIndex::saved_file(tmp_.path().string(), 2);
    graph_ = tmp_ / "2.hnsw";
    ASSERT_TRUE(built_->save(meta_, saved_test_key(), settings_));
  }
  std::unique_ptr<AnnIndex> load(const search::AnnKey& key) const { return AnnIndex::load(meta_, key, *vectors_, settings_); }

  testing::TempDir tmp_;
  AnnSettings settings_ = graph_settings();
  std::shared_ptr<const search::VectorIndex> vectors_;
  std::unique_ptr<AnnIndex> built_;
  std::string meta_, graph_;
};

TEST_F(AnnFileTest, ASavedIndexLoadsAsTheSameGraph) {
  EXPECT_EQ(meta_, tmp_ / "2.ann");
  EXPECT_TRUE(std::filesystem::is_regular_file(graph_));
  const std::unique_ptr<AnnIndex> loaded = load(saved_test_key());
  ASSERT_NE(loaded, nullptr);
  EXPECT_TRUE(loaded->loaded());
  EXPECT_EQ(loaded->rows(), built_->rows());
  EXPECT_EQ(loaded->nodes(), built_->nodes());
  EXPECT_EQ(loaded->bytes(), built_->bytes());
  for (std::size_t n = 0; n < built_->nodes(); ++n) {
    const auto a = built_->node_rows(n), b = loaded->node_rows(n);
    ASSERT_TRUE(std::equal(a.begin(), a.end(), b.begin(), b.end())) << "node " << n;
  }
  EXPECT_EQ(candidates_of(*loaded, 16), candidates_of(*built_, 16));
  for (const auto& entry : std::filesystem::directory_iterator(tmp_.path())) {
    EXPECT_EQ(entry.path().string().find(".tmp-"), std::string::npos) << "no temporary file left: " << entry.path();
  }
  EXPECT_FALSE(built_->save(tmp_ / "missing/2.ann", saved_test_key(), settings_)) << "a folder it cannot write: false";
  EXPECT_FALSE(std::filesystem::exists(tmp_ / "missing"));
  EXPECT_FALSE(built_->save("", saved_test_key(), settings_)) << "no derived folder: nothing saved";
}

TEST_F(AnnFileTest, OnlyItsOwnKeyAndSettingsLoadIt) {
  search::AnnKey other = saved_test_key();
  other.fingerprint.generation = 5;  // an embed or a removal since
  EXPECT_EQ(load(other), nullptr);
  other = saved_test_key();
  other.fingerprint.store_id = "store-t";
  EXPECT_EQ(load(other), nullptr);
  other = saved_test_key();
  other.collection_id = 3;
  EXPECT_EQ(load(other), nullptr);
  other = saved_test_key();
  other.model.model = "m2";
  EXPECT_EQ(load(other), nullptr);
  AnnSettings wider = settings_;
  wider.links = 16;
  EXPECT_EQ(AnnIndex::load(meta_, saved_test_key(), *vectors_, wider), nullptr);
  // Vectors of the same shape but other values: the nodes' vectors are compared.
  const search::VectorIndex different(testing::random_matrix(1500, 16, 22), 16);
  EXPECT_EQ(AnnIndex::load(meta_, saved_test_key(), different, settings_), nullptr);
  EXPECT_NE(load(saved_test_key()), nullptr);
}

TEST_F(AnnFileTest, ADamagedOrTruncatedFileIsNotLoaded) {
  const std::string graph = file_bytes(graph_), meta = file_bytes(meta_);
  const auto expect_refused = [&](const std::string& what) {
    EXPECT_EQ(load(saved_test_key()), nullptr) << what;
    put_bytes(graph_, graph);
    put_bytes(meta_, meta);
    ASSERT_NE(load(saved_test_key()), nullptr) << "restored after: " << what;
  };
  expect_damage_refused(graph_, graph, "graph", expect_refused);  // the flip: a vector's bit
  std::string m = meta;
  m[m.size() - 2] = static_cast<char>(m[m.size() - 2] ^ 0x01);  // a node's row
  put_bytes(meta_, m);
  expect_refused("a flipped byte in the description");
  put_bytes(meta_, meta.substr(0, 100));
  expect_refused("a truncated description");
  std::filesystem::remove(graph_);
  expect_refused("no graph");
  put_bytes(meta_, "");
  expect_refused("an empty description");
}

TEST_F(AnnFileTest, APlantedFileIsNeitherReadNorWrittenThrough) {
  const std::string graph = file_bytes(graph_);
  // A FIFO in the graph's place: refused at once, no wait for a writer.
  std::filesystem::remove(graph_);
  ASSERT_EQ(::mkfifo(graph_.c_str(), 0600), 0);
  EXPECT_EQ(load(saved_test_key()), nullptr);
  std::filesystem::remove(graph_);
  std::filesystem::create_symlink("/dev/zero", graph_);
  EXPECT_EQ(load(saved_test_key()), nullptr);
  // A link to a file outside the folder: a save replaces the link, never writes the file.
  std::filesystem::remove(graph_);
  const std::string victim = tmp_ / "outside.txt";
  put_bytes(victim, "keep me");
  std::filesystem::create_symlink(victim, graph_);
  ASSERT_TRUE(built_->save(meta_, saved_test_key(), settings_));
  EXPECT_EQ(file_bytes(victim), "keep me");
  EXPECT_FALSE(std::filesystem::is_symlink(graph_));
  EXPECT_EQ(file_bytes(graph_), graph);
  EXPECT_NE(load(saved_test_key()), nullptr);
}

// Files whose checksums were made to match (the checksum notices damage, not an adversary): a
// node said to hold rows past the last, or a link past the last node, is found before anything
// reads through it.
TEST_F(AnnFileTest, ACraftedGraphWithMatchingChecksumsIsRefused) {
  std::string graph = file_bytes(graph_);
  const std::string meta = file_bytes(meta_);
  // The graph written as given, and the description's checksums made to match it.
  const auto plant = [&](const std::string& g, const std::string& m) {
    put_bytes(graph_, g);
    put_bytes(meta_, matching_description(m, g));
  };
  plant(graph, meta);
  ASSERT_NE(load(saved_test_key()), nullptr) << "the checksums are made as strata makes them";
  // The last node but one said to end far past the last row (its rows ascend to the end of the
  // list, so only the bound stops the walk): refused before anything past the list is read.
  std::uint64_t strings = 0, nodes = 0;
  std::memcpy(&strings, meta.data() + 80, 8);
  std::memcpy(&nodes, meta.data() + 48, 8);
  std::string bad_nodes = meta;
  const std::uint32_t far = 0x00FFFFFF;
  std::memcpy(bad_nodes.data() + 128 + strings + 4 * (nodes - 1), &far, 4);  // the last node's start
  plant(graph, bad_nodes);
  EXPECT_EQ(load(saved_test_key()), nullptr);
  constexpr std::size_t header = 96;  // hnswlib's saved fields before the nodes
  std::uint32_t count_word = 0;
  std::memcpy(&count_word, graph.data() + header, 4);
  ASSERT_GT(count_word & 0xFFFF, 0u) << "node 0 has links at level 0";
  const std::uint32_t past = 0x00FFFFFF;
  std::memcpy(graph.data() + header + 4, &past, 4);
  plant(graph, meta);
  EXPECT_EQ(load(saved_test_key()), nullptr);
}

TEST(AnnCacheFileTest, ASecondCacheLoadsWhatTheFirstSaved) {
  testing::TempDir tmp;
  const auto vectors = saved_test_vectors();
  const std::string saved = AnnIndex::saved_file(tmp.path().string(), 2);
  const AnnSettings settings = graph_settings();
  {
    search::AnnCache first;
    EXPECT_EQ(first.find_or_build(saved_test_key(), vectors, settings, saved), nullptr);
    first.wait_idle();
    const std::shared_ptr<const AnnIndex> built = first.find_or_build(saved_test_key(), vectors, settings, saved);
    ASSERT_NE(built, nullptr);
    EXPECT_FALSE(built->loaded());
  }
  ASSERT_TRUE(std::filesystem::is_regular_file(saved));
  search::AnnCache second;  // another process on the same machine
  EXPECT_EQ(second.find_or_build(saved_test_key(), vectors, settings, saved), nullptr);
  second.wait_idle();
  const std::shared_ptr<const AnnIndex> loaded = second.find_or_build(saved_test_key(), vectors, settings, saved);
  ASSERT_NE(loaded, nullptr);
  EXPECT_TRUE(loaded->loaded());
  EXPECT_GE(recall_of(*loaded, *vectors, settings), 0.98);
  // Another state of the vectors: built again, not loaded.
  search::AnnKey next = saved_test_key();
  next.fingerprint.generation = 9;
  search::AnnCache third;
  third.find_or_build(next, vectors, settings, saved);
  third.wait_idle();
  const std::shared_ptr<const AnnIndex> rebuilt = third.find_or_build(next, vectors, settings, saved);
  ASSERT_NE(rebuilt, nullptr);
  EXPECT_FALSE(rebuilt->loaded());
}

}  // namespace
}  // namespace strata
