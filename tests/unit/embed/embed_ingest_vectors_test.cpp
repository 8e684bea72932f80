// The vectors `strata ingest` gives what it wrote (embed::vectors_after_ingest), over real
// ingests: the built-in model's collections are embedded at once (also after --rechunk), a
// server model's chunks wait unless asked for, a collection without a model stays keyword-only
// unless a model may be chosen, and a server that cannot be reached leaves the documents in and
// the chunks counted for `strata embed`. Also what `collections` and `search` report of it.
#include "embed/ingest_vectors.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "embed/collection_embed.h"
#include "ingest/ingest.h"
#include "search/searcher.h"
#include "store/collections.h"
#include "store/embedding_store.h"
#include "store/store.h"
#include "test_util.h"

namespace strata::embed {
namespace {

using strata::testing::query_one;
using strata::testing::TempDir;
using strata::testing::write_file;

struct QuietIngest : ingest::IngestObserver {};
struct QuietEmbed : EmbedObserver {};

class IngestVectorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = tmp_ / "store.db";
    docs_ = tmp_ / "docs";
    for (int i = 0; i < 3; ++i) add_file(i);
  }

  void add_file(int i) {
    std::string text = "# File " + std::to_string(i) + "\n\n";
    for (int p = 0; p < 4; ++p) {
      text += "Paragraph " + std::to_string(p) + " of file " + std::to_string(i) +
              " is about rolling back migrations and the vectors of chunks.\n\n";
    }
    write_file(docs_ + "/f" + std::to_string(i) + ".md", text);
  }

  ingest::IngestSummary ingest(std::size_t size = 120, bool rechunk = false) {
    ingest::IngestRequest r;
    r.paths = {docs_};
    r.store_path = store_;
    r.collection = "docs";
    r.chunk.size = size;
    r.rechunk = rechunk;
    r.threads = 1;
    QuietIngest quiet;
    return ingest::ingest(r, quiet);
  }

  IngestVectorsResult vectors(IngestEmbedPolicy policy, bool choose_model = false, EmbedSettings settings = {}) {
    store::Store st = store::Store::open_existing(store_);
    IngestVectorsRequest r;
    r.collection = "docs";
    r.policy = policy;
    r.choose_model = choose_model;
    r.settings = std::move(settings);
    QuietEmbed quiet;
    return vectors_after_ingest(st, r, quiet);
  }

  void record(const store::EmbeddingModel& m) {
    store::Store st = store::Store::open_existing(store_);
    store::EmbeddingStore es(st);
    es.record_model(store::find_collection(st, "docs")->id, m);
  }

  // Ingests and embeds the collection, then ingests one more file and gives its chunks no
  // vector (as with --no-embed): returns how many chunks have none.
  std::int64_t embedded_then_one_file_more() {
    ingest();
    vectors(IngestEmbedPolicy::embed, true);
    add_file(3);
    ingest();
    const std::int64_t missing = chunks() - vectors_stored();
    EXPECT_GT(missing, 0);
    return missing;
  }

  std::int64_t n(const std::string& sql) const { return std::stoll(query_one(store_, sql)); }
  std::int64_t chunks() const { return n("SELECT count(*) FROM chunks"); }
  std::int64_t vectors_stored() const { return n("SELECT count(*) FROM embeddings"); }

  TempDir tmp_;
  std::string store_, docs_;
};

// A server nobody listens on: connection refused at once, never a request that hangs.
EmbedSettings unreachable_server() {
  EmbedSettings s;
  s.base_url = "http://127.0.0.1:1/v1";
  s.max_retries = 0;
  s.timeout = std::chrono::milliseconds(5000);
  return s;
}

TEST_F(IngestVectorsTest, ACollectionWithoutAModelStaysKeywordOnlyUnlessAModelMayBeChosen) {
  ingest();
  EXPECT_EQ(vectors(IngestEmbedPolicy::automatic).outcome, VectorsOutcome::keyword_only);
  // Asked for, but from a file that may not choose a model (a project's strata.toml).
  EXPECT_EQ(vectors(IngestEmbedPolicy::embed, false).outcome, VectorsOutcome::keyword_only);
  EXPECT_EQ(vectors_stored(), 0);
  EXPECT_EQ(query_one(store_, "SELECT embedding_model IS NULL FROM collections"), "1");

  const IngestVectorsResult r = vectors(IngestEmbedPolicy::embed, true);
  EXPECT_EQ(r.outcome, VectorsOutcome::embedded);
  ASSERT_TRUE(r.model);
  EXPECT_EQ(r.model->provider, "local");
  EXPECT_EQ(r.model->model, "hash-ngram-v2");
  EXPECT_EQ(r.waiting, 0);
  ASSERT_TRUE(r.run);
  EXPECT_EQ(static_cast<std::int64_t>(r.run->report.stats.done()), chunks());
  EXPECT_EQ(vectors_stored(), chunks());
  EXPECT_EQ(query_one(store_, "SELECT embedding_model FROM collections"), "hash-ngram-v2");
}

TEST_F(IngestVectorsTest, TheBuiltInModelsCollectionsAreEmbeddedAtOnce) {
  ingest();
  ASSERT_EQ(vectors(IngestEmbedPolicy::embed, true).outcome, VectorsOutcome::embedded);
  EXPECT_EQ(vectors(IngestEmbedPolicy::automatic).outcome, VectorsOutcome::up_to_date);

  add_file(3);
  const ingest::IngestSummary s = ingest();
  ASSERT_EQ(s.added, 1u);
  const std::int64_t before = vectors_stored();
  const IngestVectorsResult r = vectors(IngestEmbedPolicy::automatic);
  EXPECT_EQ(r.outcome, VectorsOutcome::embedded);
  EXPECT_EQ(r.waiting, 0);
  EXPECT_EQ(vectors_stored(), chunks());
  EXPECT_EQ(static_cast<std::int64_t>(r.run->report.stats.done()), chunks() - before) << "only the new file's chunks";
}

TEST_F(IngestVectorsTest, NoEmbedLeavesTheChunksWaitingAndCountsThem) {
  const std::int64_t missing = embedded_then_one_file_more();
  const IngestVectorsResult r = vectors(IngestEmbedPolicy::skip);
  EXPECT_EQ(r.outcome, VectorsOutcome::waiting);
  EXPECT_EQ(r.waiting, missing);
  EXPECT_FALSE(r.run);
  EXPECT_EQ(chunks() - vectors_stored(), missing);
}

TEST_F(IngestVectorsTest, RechunkingDoesNotTurnTheCollectionKeywordOnly) {
  ingest(120);
  vectors(IngestEmbedPolicy::embed, true);
  const std::int64_t old_chunks = chunks();
  ingest(400, true);  // every document re-chunked: every old vector is gone with its chunk
  ASSERT_NE(chunks(), old_chunks);
  ASSERT_EQ(vectors_stored(), 0);
  const IngestVectorsResult r = vectors(IngestEmbedPolicy::automatic);
  EXPECT_EQ(r.outcome, VectorsOutcome::embedded);
  EXPECT_EQ(vectors_stored(), chunks());
  EXPECT_EQ(query_one(store_, "SELECT embedding_model FROM collections"), "hash-ngram-v2");
}

TEST_F(IngestVectorsTest, TheRecordedModelWinsOverTheEmbedSettings) {
  ingest();
  EmbedSettings v1;
  v1.model = "hash-ngram-v1";
  {
    store::Store st = store::Store::open_existing(store_);
    QuietEmbed quiet;
    ASSERT_FALSE(embed_collection(st, "docs", v1, quiet).report.fatal);
  }
  add_file(3);
  ingest();
  // [embed] model = hash-ngram-v2 would be a model conflict for `strata embed`; ingest keeps
  // the collection's own model instead of failing after its documents are in.
  EmbedSettings v2;
  v2.model = "hash-ngram-v2";
  v2.base_url = "http://127.0.0.1:1/v1";
  const IngestVectorsResult r = vectors(IngestEmbedPolicy::automatic, false, v2);
  EXPECT_EQ(r.outcome, VectorsOutcome::embedded);
  EXPECT_EQ(r.model->model, "hash-ngram-v1");
  EXPECT_EQ(vectors_stored(), chunks());
}

TEST_F(IngestVectorsTest, AServerModelsChunksWaitUnlessAskedFor) {
  ingest();
  record({"openai", "test-model", 8});
  const IngestVectorsResult r = vectors(IngestEmbedPolicy::automatic, false, unreachable_server());
  EXPECT_EQ(r.outcome, VectorsOutcome::waiting) << "no request is even tried";
  EXPECT_EQ(r.waiting, chunks());
  EXPECT_FALSE(r.run);
  ASSERT_TRUE(r.model);
  EXPECT_EQ(r.model->model, "test-model");
}

TEST_F(IngestVectorsTest, AServerThatCannotBeReachedFailsTheStepNotTheDocuments) {
  ingest();
  record({"openai", "test-model", 8});
  const std::int64_t documents = n("SELECT count(*) FROM documents");
  const IngestVectorsResult r = vectors(IngestEmbedPolicy::embed, false, unreachable_server());
  EXPECT_EQ(r.outcome, VectorsOutcome::failed);
  EXPECT_NE(r.error, "");
  EXPECT_EQ(r.error.find('\n'), std::string::npos) << "one line: " << r.error;
  EXPECT_EQ(r.waiting, chunks());
  EXPECT_EQ(n("SELECT count(*) FROM documents"), documents);
  EXPECT_EQ(vectors_stored(), 0);
  EXPECT_EQ(query_one(store_, "SELECT embedding_model FROM collections"), "test-model") << "the record stays";
}

TEST_F(IngestVectorsTest, ABadSettingFailsTheStepWithItsMessage) {
  ingest();
  record({"openai", "test-model", 8});
  EmbedSettings s;
  s.base_url = "localhost:11434";  // no scheme
  const IngestVectorsResult r = vectors(IngestEmbedPolicy::embed, false, s);
  EXPECT_EQ(r.outcome, VectorsOutcome::failed);
  EXPECT_NE(r.error.find("must start with http:// or https://"), std::string::npos) << r.error;
  EXPECT_EQ(r.waiting, chunks());
}

TEST_F(IngestVectorsTest, ACollectionNotWrittenIsNothingToDo) {
  store::Store::open(store_);
  const IngestVectorsResult r = vectors(IngestEmbedPolicy::embed, true);
  EXPECT_EQ(r.outcome, VectorsOutcome::keyword_only);
  EXPECT_FALSE(r.model);
}

TEST_F(IngestVectorsTest, CollectionsListTheirVectorsAndModel) {
  ingest();
  {
    store::Store st = store::Store::open_existing(store_);
    const auto all = store::list_collections(st);
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].embedded, 0);
    EXPECT_FALSE(all[0].embedding_model);
  }
  vectors(IngestEmbedPolicy::embed, true);
  add_file(3);
  ingest();
  store::Store st = store::Store::open_existing(store_);
  const auto all = store::list_collections(st);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].embedded, vectors_stored());
  EXPECT_LT(*all[0].embedded, all[0].chunks);
  ASSERT_TRUE(all[0].embedding_model);
  EXPECT_EQ(all[0].embedding_model->model, "hash-ngram-v2");
  EXPECT_EQ(all[0].embedding_model->dimensions, 384);
  EXPECT_FALSE(store::find_collection(st, "docs")->embedded) << "counted by the listing only";
}

TEST_F(IngestVectorsTest, SearchCountsTheChunksVectorSearchCannotSee) {
  const std::int64_t missing = embedded_then_one_file_more();
  store::Store st = store::Store::open_existing(store_);
  search::Searcher s(st);
  search::SearchRequest q;
  q.query = "rolling back migrations";
  q.collection = "docs";
  for (const search::Mode m : {search::Mode::hybrid, search::Mode::vector}) {
    q.mode = m;
    const search::SearchResult r = s.search(q);
    EXPECT_EQ(r.without_vector, missing);
    EXPECT_EQ(r.chunks, chunks());
  }
  q.mode = search::Mode::keyword;
  EXPECT_EQ(s.search(q).without_vector, 0) << "keyword search asked for: nothing missing";
}

TEST_F(IngestVectorsTest, SearchSaysWhenAModelsCollectionLostEveryVector) {
  ingest(120);
  vectors(IngestEmbedPolicy::embed, true);
  ingest(400, true);  // re-chunked, and not embedded (as with --no-embed)
  store::Store st = store::Store::open_existing(store_);
  search::Searcher s(st);
  search::SearchRequest q;
  q.query = "rolling back migrations";
  q.collection = "docs";
  const search::SearchResult r = s.search(q);
  EXPECT_EQ(r.mode, search::Mode::keyword);
  EXPECT_EQ(r.without_vector, chunks());
  ASSERT_TRUE(r.model);
}

}  // namespace
}  // namespace strata::embed
