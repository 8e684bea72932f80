// The prefixes of embedding models (embed/model_prefixes.h): the known models' own, matched on
// their names in the spellings servers use; the rules that choose a collection's (its record,
// else the model's own, else none; flags over both); the record itself (migration 0017); a
// change of prefixes refused as a change of model unless switching; and the local provider's
// inputs carrying the document prefix.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <vector>

#include "common/error.h"
#include "embed/collection_embed.h"
#include "embed/model_prefixes.h"
#include "embed/settings.h"
#include "store/collections.h"
#include "store/embedding_store.h"
#include "store/store.h"
#include "test_util.h"

namespace strata {
namespace {

using embed::default_prefixes;
using embed::EmbedSettings;
using embed::ModelPrefixes;
using store::EmbeddingModel;
using store::Store;
using testing::error_of;
using testing::TempDir;

constexpr const char* k_prefix_bge = "Represent this sentence for searching relevant passages: ";

TEST(EmbedModelPrefixes, KnownModelsGetTheirCardsPrefixes) {
  EXPECT_EQ(default_prefixes("nomic-embed-text"), (ModelPrefixes{"search_query: ", "search_document: "}));
  EXPECT_EQ(default_prefixes("nomic-ai/nomic-embed-text-v1.5"), (ModelPrefixes{"search_query: ", "search_document: "}));
  EXPECT_EQ(default_prefixes("nomic-embed-text:latest"), (ModelPrefixes{"search_query: ", "search_document: "}));
  EXPECT_EQ(default_prefixes("intfloat/e5-large-v2"), (ModelPrefixes{"query: ", "passage: "}));
  EXPECT_EQ(default_prefixes("intfloat/multilingual-e5-small"), (ModelPrefixes{"query: ", "passage: "}));
  EXPECT_EQ(default_prefixes("E5-BASE-V2"), (ModelPrefixes{"query: ", "passage: "}));
  EXPECT_EQ(default_prefixes("BAAI/bge-small-en-v1.5"), (ModelPrefixes{k_prefix_bge, ""}));
  EXPECT_EQ(default_prefixes("bge-large:335m"), (ModelPrefixes{k_prefix_bge, ""}));
  EXPECT_EQ(default_prefixes("mxbai-embed-large"), (ModelPrefixes{k_prefix_bge, ""}));
  EXPECT_EQ(default_prefixes("mixedbread-ai/mxbai-embed-large-v1"), (ModelPrefixes{k_prefix_bge, ""}));
  EXPECT_EQ(default_prefixes("snowflake-arctic-embed:137m"), (ModelPrefixes{k_prefix_bge, ""}));
  EXPECT_EQ(default_prefixes("Snowflake/snowflake-arctic-embed-m"), (ModelPrefixes{k_prefix_bge, ""}));
  EXPECT_EQ(default_prefixes("Snowflake/snowflake-arctic-embed-l-v2.0"), (ModelPrefixes{"query: ", ""}));
}

TEST(EmbedModelPrefixes, ModelsWithoutPrefixesAndUnknownModelsGetNone) {
  for (const char* model : {"thenlper/gte-large", "gte-base", "BAAI/bge-m3", "bge-m3:latest", "intfloat/e5-mistral-7b-instruct",
                            "intfloat/multilingual-e5-large-instruct", "text-embedding-3-small", "all-minilm",
                            "hash-ngram-v2", "", "nomic", "my-nomic-embed-text"}) {
    EXPECT_EQ(default_prefixes(model), ModelPrefixes{}) << model;
  }
  // A name is data from a flag or a store: a long one is matched against nothing, quickly.
  EXPECT_EQ(default_prefixes(std::string(100'000, '*')), ModelPrefixes{});
}

TEST(EmbedModelPrefixes, PrefixedSourceAddsThePrefixToEveryInput) {
  class Two final : public embed::InputSource {
   public:
    bool next(std::vector<embed::EmbedInput>& page) override {
      page.clear();
      if (done_) return false;
      done_ = true;
      page.push_back({1, "alpha", "a"});
      page.push_back({2, "", "b"});
      return true;
    }
    bool done_ = false;
  } two;
  embed::PrefixedSource source(two, "passage: ");
  std::vector<embed::EmbedInput> page;
  ASSERT_TRUE(source.next(page));
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].text, "passage: alpha");
  EXPECT_EQ(page[1].text, "passage: ");
  EXPECT_EQ(page[0].key, 1);
  EXPECT_FALSE(source.next(page));
}

EmbeddingModel prefix_recorded(std::string q, std::string d) {
  EmbeddingModel m{"openai", "nomic-embed-text", 768, "http://127.0.0.1:1/v1"};
  m.query_prefix = std::move(q);
  m.document_prefix = std::move(d);
  return m;
}

EmbedSettings prefix_nomic_settings() {
  EmbedSettings s;
  s.model = "nomic-embed-text";
  return s;
}

TEST(EmbedChoosePrefixes, ARecordWinsOverTheModelsOwnAndFlagsOverBoth) {
  const embed::ModelChoice nomic{"openai", "nomic-embed-text"};
  // A new collection: the model's own.
  EXPECT_EQ(embed::choose_prefixes(prefix_nomic_settings(), std::nullopt, nomic), (ModelPrefixes{"search_query: ", "search_document: "}));
  // A collection recorded without prefixes (before migration 0017 too) keeps none.
  EXPECT_EQ(embed::choose_prefixes(prefix_nomic_settings(), prefix_recorded("", ""), nomic), ModelPrefixes{});
  EXPECT_EQ(embed::choose_prefixes(prefix_nomic_settings(), prefix_recorded("q: ", "d: "), nomic), (ModelPrefixes{"q: ", "d: "}));
  // Switching re-embeds everything: the model's own, unless given.
  EmbedSettings s = prefix_nomic_settings();
  s.switch_model = true;
  EXPECT_EQ(embed::choose_prefixes(s, prefix_recorded("", ""), nomic), (ModelPrefixes{"search_query: ", "search_document: "}));
  // Given ones win; "" clears.
  s.query_prefix = "";
  s.document_prefix = "doc: ";
  EXPECT_EQ(embed::choose_prefixes(s, prefix_recorded("q: ", "d: "), nomic), (ModelPrefixes{"", "doc: "}));
  // Another model's record says nothing of this one's.
  EXPECT_EQ(embed::choose_prefixes(prefix_nomic_settings(), EmbeddingModel{"local", "hash-ngram-v2", 384}, nomic),
            (ModelPrefixes{"search_query: ", "search_document: "}));
}

TEST(EmbedChoosePrefixes, APrefixIsBoundedText) {
  const embed::ModelChoice nomic{"openai", "nomic-embed-text"};
  EmbedSettings s = prefix_nomic_settings();
  s.query_prefix = std::string(embed::k_max_prefix_bytes + 1, 'q');
  EXPECT_EQ(error_of([&] { embed::choose_prefixes(s, std::nullopt, nomic); }).code(), ExitCode::usage);
  s.query_prefix.reset();
  s.document_prefix = std::string("\xff", 1);
  EXPECT_EQ(error_of([&] { embed::choose_prefixes(s, std::nullopt, nomic); }).code(), ExitCode::usage);
}

class EmbedPrefixStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = tmp_ / "store.db";
    Store::open(path_);
    SQLite::Database(path_, SQLite::OPEN_READWRITE)
        .exec("INSERT INTO collections (name) VALUES ('docs');"
              "INSERT INTO documents (collection_id, source, content_hash, size_bytes, loader, chunk_count) "
              "VALUES (1, 'a.md', 'h', 1, 'text', 1);"
              "INSERT INTO chunks (document_id, ordinal, text, start_byte, end_byte, line_start, line_end) VALUES "
              "(1, 0, 'rolling back a migration', 0, 1, 1, 1)");
  }
  TempDir tmp_;
  std::string path_;
};

TEST_F(EmbedPrefixStoreTest, ThePrefixesAreRecordedWithTheModelAndReadBack) {
  Store st = Store::open(path_);
  store::EmbeddingStore es(st);
  es.record_model(1, prefix_recorded("search_query: ", "search_document: "));
  EXPECT_EQ(testing::query_one(path_, "SELECT embedding_query_prefix FROM collections"), "search_query: ");
  const auto m = store::find_collection(st, "docs")->embedding_model;
  ASSERT_TRUE(m);
  EXPECT_EQ(m->query_prefix, "search_query: ");
  EXPECT_EQ(m->document_prefix, "search_document: ");
  EXPECT_EQ(store::list_collections(st).front().embedding_model->document_prefix, "search_document: ");
  // None is NULL, as in a store from before the columns.
  es.record_model(1, prefix_recorded("", ""));
  EXPECT_EQ(testing::query_one(path_, "SELECT embedding_query_prefix IS NULL AND embedding_document_prefix IS NULL FROM collections"), "1");
  EXPECT_EQ(store::find_collection(st, "docs")->embedding_model->query_prefix, "");
}

TEST_F(EmbedPrefixStoreTest, AChangeOfPrefixesIsAChangeOfModel) {
  Store st = Store::open(path_);
  class Quiet final : public embed::EmbedObserver {} quiet;
  EmbedSettings s;
  s.document_prefix = "passage: ";
  s.query_prefix = "query: ";
  const embed::CollectionEmbedResult first = embed::embed_collection(st, "docs", s, quiet);
  EXPECT_EQ(first.model.document_prefix, "passage: ");
  EXPECT_EQ(store::find_collection(st, "docs")->embedding_model->query_prefix, "query: ");
  // Unset: the record's, so nothing to do.
  EXPECT_EQ(embed::embed_collection(st, "docs", EmbedSettings{}, quiet).report.stats.done(), 0u);
  s.document_prefix = "";
  const Error e = error_of([&] { embed::embed_collection(st, "docs", s, quiet); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_NE(std::string(e.what()).find("document prefix 'passage: '"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.hint()).find(mention(Setting::switch_model)), std::string::npos) << e.hint();
  s.switch_model = true;
  const embed::CollectionEmbedResult switched = embed::embed_collection(st, "docs", s, quiet);
  EXPECT_EQ(switched.dropped, 1);
  EXPECT_EQ(switched.report.stats.embedded, 1u);
  EXPECT_EQ(testing::query_one(path_, "SELECT embedding_document_prefix IS NULL FROM collections"), "1");
}

}  // namespace
}  // namespace strata
