// The server a collection's vectors came from (migration 0014): recorded with the model, read back,
// and obeyed by later commands (embed::choose_server): a recorded server on loopback is used, any
// other only when the user names it, two servers are never mixed; the MCP search tool's keyword
// fallback when the query cannot be embedded. Regression tests for a collection embedded through
// a local server whose next search sent the query to api.openai.com.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include "common/error.h"
#include "embed/collection_embed.h"
#include "embed/settings.h"
#include "net/endpoint_trust.h"
#include "search/searcher.h"
#include "store/collections.h"
#include "store/embedding_store.h"
#include "store/store.h"
#include "test_util.h"
#include "setting_flags.h"

namespace strata {
namespace {

using embed::EmbedSettings;
using embed::ServerChoice;
using store::EmbeddingModel;
using store::Store;
using testing::error_of;
using testing::TempDir;

constexpr const char* k_local = "http://localhost:11434/v1";
constexpr const char* k_remote = "https://embed.example.com/v1";

EmbeddingModel nomic(const std::string& server) { return EmbeddingModel{"openai", "nomic-embed-text", 768, server}; }

// The settings as the CLI gives them: `url` from a flag, the environment or the user's file, or
// (`project`) from a project's strata.toml.
EmbedSettings given(std::optional<std::string> url, bool project = false) {
  EmbedSettings s;
  s.base_url = std::move(url);
  s.base_url_source = project ? "/p/strata.toml:2: embed.base_url" : "--base-url";
  s.base_url_from_project = project;
  s.collection = "docs";
  return s;
}

TEST(EmbedServerOf, LeavesOutUserinfoQueryAndTrailingSlashes) {
  EXPECT_EQ(net::server_of("http://localhost:11434/v1/"), "http://localhost:11434/v1");
  EXPECT_EQ(net::server_of("http://bob:s3cret@LocalHost:11434/v1?key=x#f"), "http://localhost:11434/v1");
  EXPECT_EQ(net::server_of("https://api.openai.com/v1"), "https://api.openai.com:443/v1");
  EXPECT_EQ(net::server_of("http://127.0.0.1"), "http://127.0.0.1:80");
  EXPECT_EQ(net::server_of("not a url"), "");
}

TEST(EmbedServerOf, LoopbackIsThisMachineOnly) {
  for (const char* url : {"http://localhost:11434/v1", "http://LOCALHOST/v1", "http://127.0.0.1:8080", "http://127.9.8.7/v1",
                          "http://[::1]:11434/v1", "http://evil.example@127.0.0.1:9/v1"}) {
    EXPECT_TRUE(net::loopback_url(url)) << url;
  }
  for (const char* url : {"https://api.openai.com/v1", "http://128.0.0.1/v1", "http://localhost.evil.example/v1",
                          "http://127.0.0.1.evil.example/v1", "http://127.0.0.1@evil.example/v1", "http://[::2]/v1",
                          "http://0.0.0.0/v1", "nonsense"}) {
    EXPECT_FALSE(net::loopback_url(url)) << url;
  }
}

class EmbedServerStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = tmp_ / "store.db";
    Store::open(path_);  // the schema; then one collection of one document with two chunks
    SQLite::Database(path_, SQLite::OPEN_READWRITE)
        .exec("INSERT INTO collections (name) VALUES ('docs');"
              "INSERT INTO documents (collection_id, source, content_hash, size_bytes, loader, chunk_count) "
              "VALUES (1, 'a.md', 'h', 1, 'text', 2);"
              "INSERT INTO chunks (document_id, ordinal, text, start_byte, end_byte, line_start, line_end) VALUES "
              "(1, 0, 'rolling back a migration', 0, 1, 1, 1), (1, 1, 'baking bread at home', 0, 1, 2, 2)");
  }
  TempDir tmp_;
  std::string path_;
};

TEST_F(EmbedServerStoreTest, TheServerIsRecordedWithTheModelAndReadBack) {
  Store st = Store::open(path_);
  store::EmbeddingStore es(st);
  es.record_model(1, nomic(k_local));
  EXPECT_EQ(testing::query_one(path_, "SELECT embedding_server FROM collections"), k_local);
  EXPECT_EQ(store::find_collection(st, "docs")->embedding_model->server, k_local);
  EXPECT_EQ(store::list_collections(st).front().embedding_model->server, k_local);
  // The local provider has none: NULL, as in a store from before the column.
  es.record_model(1, EmbeddingModel{"local", "hash-ngram-v2", 384});
  EXPECT_EQ(testing::query_one(path_, "SELECT embedding_server IS NULL FROM collections"), "1");
  EXPECT_EQ(store::find_collection(st, "docs")->embedding_model->server, "");
}

TEST_F(EmbedServerStoreTest, EmbeddingACollectionRecordsTheServerWithoutItsPassword) {
  // The local provider records none; the server's form is checked on the record itself above.
  Store st = Store::open(path_);
  class Quiet final : public embed::EmbedObserver {} quiet;
  const embed::CollectionEmbedResult r = embed::embed_collection(st, "docs", EmbedSettings{}, quiet);
  EXPECT_EQ(r.model.server, "");
  EXPECT_EQ(testing::query_one(path_, "SELECT embedding_server IS NULL FROM collections"), "1");
  EXPECT_EQ(embed::resolve_embedder(given("http://bob:pw@localhost:11434/v1/"), nomic(k_local)).server, k_local);
}

TEST(EmbedChooseServer, ARecordedLoopbackServerIsUsedWithoutAFlagAndGetsNoKey) {
  // The bug: no flag meant https://api.openai.com/v1, which then got the query.
  const ServerChoice c = embed::choose_server(given(std::nullopt), nomic(k_local), "nomic-embed-text");
  EXPECT_EQ(c.base_url, k_local);
  EXPECT_TRUE(c.from_record);
  EmbedSettings s = given(std::nullopt);
  s.getenv = [](std::string_view) { return std::optional<std::string>("sk-secret"); };
  const embed::ResolvedEmbedder r = embed::resolve_embedder(s, nomic(k_local));
  EXPECT_EQ(r.base_url, k_local);
  EXPECT_TRUE(r.server_from_record);
}

TEST(EmbedChooseServer, AProjectFilesServerDoesNotOutweighTheRecordedOne) {
  const ServerChoice c = embed::choose_server(given("https://collector.example/v1", true), nomic(k_local), "nomic-embed-text");
  EXPECT_EQ(c.base_url, k_local);
}

TEST(EmbedChooseServer, ARecordedServerOffThisMachineIsUsedOnlyWhenTheUserNamesIt) {
  const Error e = error_of([] { embed::choose_server(given(std::nullopt), nomic(k_remote), "nomic-embed-text"); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_NE(std::string(e.what()).find(net::server_of(k_remote)), std::string::npos) << e.what();
  EXPECT_EQ(cli::with_flags(e.hint()), "to send it there: --base-url " + net::server_of(k_remote));
  // A project file naming it is not the user's choice.
  EXPECT_EQ(error_of([] { embed::choose_server(given(k_remote, true), nomic(k_remote), "nomic-embed-text"); }).code(),
            ExitCode::usage);
  // The user's own URL, password, trailing slash and all.
  const ServerChoice c = embed::choose_server(given("https://u:pw@embed.example.com/v1/"), nomic(k_remote), "nomic-embed-text");
  EXPECT_EQ(c.base_url, "https://u:pw@embed.example.com/v1/");
  EXPECT_FALSE(c.from_record);
}

TEST(EmbedChooseServer, ARecordThatIsNotAUrlIsAServerNotKnown) {
  EXPECT_EQ(error_of([] { embed::choose_server(given(std::nullopt), nomic("\x1b]8;;x"), "nomic-embed-text"); }).code(),
            ExitCode::usage);
  EXPECT_EQ(embed::choose_server(given(k_remote), nomic("junk"), "nomic-embed-text").base_url, k_remote);
}

TEST(EmbedChooseServer, AnotherServerThanTheRecordedOneIsRefusedUnlessSwitching) {
  const Error e = error_of([] { embed::choose_server(given("http://localhost:8080/v1"), nomic(k_local), "nomic-embed-text"); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_NE(std::string(e.what()).find("two servers"), std::string::npos) << e.what();
  EXPECT_NE(cli::with_flags(e.hint()).find(std::string("--base-url ") + k_local), std::string::npos) << e.hint();
  EmbedSettings s = given("http://localhost:8080/v1");
  s.switch_model = true;
  EXPECT_EQ(embed::choose_server(s, nomic(k_local), "nomic-embed-text").base_url, "http://localhost:8080/v1");
  // Another model: the record says nothing about its server.
  EXPECT_EQ(embed::choose_server(given("http://localhost:8080/v1"), nomic(k_local), "all-minilm").base_url,
            "http://localhost:8080/v1");
}

TEST(EmbedChooseServer, TheOfficialServerRecordedIsTheDefaultAsBefore) {
  const EmbeddingModel m{"openai", "text-embedding-3-small", 1536, net::server_of(embed::k_default_base_url)};
  const ServerChoice c = embed::choose_server(given(std::nullopt), m, "text-embedding-3-small");
  EXPECT_EQ(c.base_url, embed::k_default_base_url);
  EXPECT_FALSE(c.from_record);
}

TEST(EmbedChooseServer, AStoreWithoutServersKeepsOpenAisModelsAndAsksForAnyOther) {
  const EmbeddingModel small{"openai", "text-embedding-3-small", 1536};
  EXPECT_EQ(embed::choose_server(given(std::nullopt), small, "text-embedding-3-small").base_url, embed::k_default_base_url);
  // nomic-embed-text never came from OpenAI's API: sending the query there is wrong.
  const Error e = error_of([] { embed::choose_server(given(std::nullopt), nomic(""), "nomic-embed-text"); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_NE(cli::with_flags(e.hint()).find("--base-url"), std::string::npos);
  EXPECT_EQ(error_of([] { embed::choose_server(given(k_remote, true), nomic(""), "nomic-embed-text"); }).code(), ExitCode::usage);
  EXPECT_EQ(embed::choose_server(given(k_local, true), nomic(""), "nomic-embed-text").base_url, k_local);
  EXPECT_EQ(embed::choose_server(given(k_remote), nomic(""), "nomic-embed-text").base_url, k_remote);
}

TEST_F(EmbedServerStoreTest, ASearchWhoseQueryCannotBeEmbeddedFallsBackToKeywordsOnlyWhenAsked) {
  {
    Store st = Store::open(path_);
    store::EmbeddingStore es(st);
    const EmbeddingModel m{"openai", "nomic-embed-text", 2, k_remote};
    const std::string blob(8, '\0');
    es.store_vectors(m, std::vector<store::VectorRow>{{{1, 2}, blob, "", false}}, std::int64_t{1});
  }
  Store st = Store::open(path_);
  search::Searcher searcher(st);
  search::SearchRequest r;
  r.query = "rolling back";
  r.collection = "docs";
  r.mode = search::Mode::hybrid;
  EXPECT_EQ(error_of([&] { searcher.search(r); }).code(), ExitCode::usage);
  r.keyword_when_query_fails = true;
  for (const search::Mode mode : {search::Mode::hybrid, search::Mode::vector}) {
    r.mode = mode;
    const search::SearchResult result = searcher.search(r);
    EXPECT_EQ(result.mode, search::Mode::keyword);
    ASSERT_FALSE(result.hits.empty());
    EXPECT_EQ(result.hits.front().chunk.chunk_id, 1);
    EXPECT_NE(cli::with_flags(result.query_not_embedded).find("--base-url " + net::server_of(k_remote)), std::string::npos)
        << result.query_not_embedded;
  }
}

}  // namespace
}  // namespace strata
