// SearchRequest::similar (`strata search --similar`, the MCP search tool's "similar"): the chunks
// most like a chunk or a document, from the collection's own vectors, leaving the target out;
// the errors of a target not there, of a collection without vectors, and of a request that
// also gives a query, another mode or a reranker; and the service's arguments.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "common/error.h"
#include "embed/collection_embed.h"
#include "search/searcher.h"
#include "search/similar.h"
#include "service/search.h"
#include "store/store.h"
#include "test_util.h"

namespace strata {
namespace {

using search::Mode;
using search::SearchRequest;
using search::Searcher;
using store::Store;
using testing::error_of;
using testing::TempDir;

class SimilarSilent final : public embed::EmbedObserver {};

// Three documents of two chunks: two about rolling back migrations, one about baking bread.
class SearchSimilarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = tmp_ / "store.db";
    Store::open(path_);
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO collections (name) VALUES ('docs'), ('bare')");
    const char* const docs[][3] = {
        {"a.md", "Rolling back a migration restores the previous schema version.", "Run migrate down to roll back the newest migration."},
        {"b.md", "To roll back the newest migration, run migrate down once.", "Rolling back restores the previous schema of the database."},
        {"bread.md", "Bake the bread at a high temperature until the crust is golden.", "Knead the dough and let it rise before baking."},
    };
    for (const auto& d : docs) {
      SQLite::Statement doc(db, "INSERT INTO documents (collection_id, source, content_hash, size_bytes, loader, chunk_count) "
                                "VALUES (1, ?, 'h', 1, 'text', 2)");
      doc.bind(1, d[0]);
      doc.exec();
      const std::int64_t id = db.getLastInsertRowid();
      for (int k = 0; k < 2; ++k) {
        SQLite::Statement ch(db, "INSERT INTO chunks (document_id, ordinal, text, start_byte, end_byte, line_start, line_end) "
                                 "VALUES (?, ?, ?, 0, 1, ?, ?)");
        ch.bind(1, id);
        ch.bind(2, k);
        ch.bind(3, d[k + 1]);
        ch.bind(4, k + 1);
        ch.bind(5, k + 1);
        ch.exec();
      }
    }
    db.exec("INSERT INTO documents (collection_id, source, content_hash, size_bytes, loader, chunk_count) "
            "VALUES (2, 'x.md', 'h', 1, 'text', 1);"
            "INSERT INTO chunks (document_id, ordinal, text, start_byte, end_byte, line_start, line_end) "
            "VALUES (4, 0, 'nothing embedded here', 0, 1, 1, 1)");
    Store st = Store::open(path_);
    SimilarSilent quiet;
    embed::embed_collection(st, "docs", embed::EmbedSettings{}, quiet);
  }

  static SearchRequest similar(const std::string& target, std::string collection = "docs") {
    SearchRequest r;
    r.similar = target;
    r.collection = std::move(collection);
    r.k = 10;
    return r;
  }

  static std::vector<std::string> sources(const search::SearchResult& r) {
    std::vector<std::string> out;
    for (const search::SearchHit& h : r.hits) out.push_back(h.chunk.source);
    return out;
  }

  TempDir tmp_;
  std::string path_;
};

TEST_F(SearchSimilarTest, AChunksNeighboursLeaveItOut) {
  Store st = Store::open(path_);
  Searcher s(st);
  const search::SearchResult r = s.search(similar("1"));  // a.md's first chunk
  EXPECT_EQ(r.mode, Mode::vector);
  ASSERT_EQ(r.hits.size(), 5u) << "every other chunk of the collection";
  for (const search::SearchHit& h : r.hits) EXPECT_NE(h.chunk.chunk_id, 1);
  EXPECT_NE(r.hits.front().chunk.source, "bread.md") << "a chunk about rolling back is nearest";
  EXPECT_EQ(r.hits.back().chunk.source, "bread.md");
}

TEST_F(SearchSimilarTest, ADocumentsNeighboursAreOtherDocumentsChunks) {
  Store st = Store::open(path_);
  Searcher s(st);
  SearchRequest r = similar("a.md");
  r.k = 2;
  const search::SearchResult found = s.search(r);
  EXPECT_EQ(sources(found), (std::vector<std::string>{"b.md", "b.md"})) << "k hits, none of a.md's own";
  const search::SearchResult all = s.search(similar("a.md"));
  EXPECT_EQ(all.hits.size(), 4u);
  const std::vector<std::string> all_sources = sources(all);
  EXPECT_EQ(std::count(all_sources.begin(), all_sources.end(), "a.md"), 0);
}

TEST_F(SearchSimilarTest, ATargetThatIsNotThereIsInvalidInput) {
  Store st = Store::open(path_);
  Searcher s(st);
  const Error doc = error_of([&] { s.search(similar("missing.md")); });
  EXPECT_EQ(doc.code(), ExitCode::invalid_input);
  EXPECT_NE(std::string(doc.what()).find("no document 'missing.md'"), std::string::npos) << doc.what();
  // Chunk 7 is the other collection's: not found here either.
  for (const char* id : {"7", "999999"}) {
    const Error e = error_of([&] { s.search(similar(id)); });
    EXPECT_EQ(e.code(), ExitCode::invalid_input) << id;
    EXPECT_NE(std::string(e.what()).find("has no vector in collection 'docs'"), std::string::npos) << e.what();
  }
}

TEST_F(SearchSimilarTest, ACollectionWithoutVectorsOrAQueryOrAnotherModeIsAUsageError) {
  Store st = Store::open(path_);
  Searcher s(st);
  EXPECT_EQ(error_of([&] { s.search(similar("x.md", "bare")); }).code(), ExitCode::usage);
  SearchRequest both = similar("a.md");
  both.query = "roll back";
  EXPECT_EQ(error_of([&] { s.search(both); }).code(), ExitCode::usage);
  SearchRequest keyword = similar("a.md");
  keyword.mode = Mode::keyword;
  EXPECT_EQ(error_of([&] { s.search(keyword); }).code(), ExitCode::usage);
  SearchRequest vector = similar("a.md");
  vector.mode = Mode::vector;
  EXPECT_EQ(s.search(vector).hits.size(), 4u);
}

TEST(SearchSimilarTarget, DigitsAreAChunkAnythingElseASource) {
  EXPECT_TRUE(search::is_chunk_id_text("12"));
  for (const char* t : {"", "a.md", "12a", "-1", "1234567890123456789", " 1"}) EXPECT_FALSE(search::is_chunk_id_text(t)) << t;
}

TEST(SearchSimilarArguments, SimilarStandsForTheQuery) {
  const SearchRequest r = service::search_request(nlohmann::json{{"similar", "a.md"}}, SearchRequest{}, "docs");
  EXPECT_EQ(r.similar, "a.md");
  EXPECT_EQ(r.query, "");
  EXPECT_EQ(error_of([] { service::search_request(nlohmann::json::object(), SearchRequest{}, "docs"); }).code(), ExitCode::usage);
}

}  // namespace
}  // namespace strata
