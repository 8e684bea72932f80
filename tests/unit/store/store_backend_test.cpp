// Every operation of the store's backend seam (core/store/backend.h), through the public API
// that forwards to it, run over each backend of the table (core/store/backends.cpp): a SQLite
// file always, PostgreSQL on the test server (test_db.h: $STRATA_TEST_PG_URL, else the CTest
// fixture's server), skipped with the reason when there is none. A backend that misses an
// operation does not compile (backend.h's functions are pure virtual); one that answers it
// otherwise fails here. A new backend adds its row to Backends below.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "auth/key.h"
#include "common/error.h"
#include "store/api_keys.h"
#include "store/ask_store.h"
#include "store/catalog.h"
#include "store/collections.h"
#include "store/document_writer.h"
#include "store/embedding_store.h"
#include "store/jobs.h"
#include "store/mcp_sessions.h"
#include "store/rate_buckets.h"
#include "auth/rate_limiter.h"
#include "store/search_store.h"
#include "store/store.h"
#include "test_db.h"
#include "test_util.h"

namespace strata::store_backend_test {
namespace {

using store::CollectionDetail;
using store::CollectionInfo;
using store::DocumentRecord;
using store::DocumentWriter;
using store::PutResult;
using store::Store;

// ---- the backends: how a test gets a fresh, empty store on each ----

struct OnSqlite {
  static constexpr store::StoreKind kind = store::StoreKind::sqlite;
  // The store's path, or "" with `skip` saying why there is none.
  static std::string fresh(const testing::TempDir& tmp, std::unique_ptr<testing::TestDatabase>&, std::string&) {
    return tmp / "store.db";
  }
};

struct OnPostgres {
  static constexpr store::StoreKind kind = store::StoreKind::postgres;
  static std::string fresh(const testing::TempDir& tmp, std::unique_ptr<testing::TestDatabase>& db, std::string& skip) {
    db = std::make_unique<testing::TestDatabase>(migrate::DriverKind::postgres, tmp);
    if (!db->available()) {
      skip = db->skip_reason() + " (set STRATA_TEST_PG_URL to run the store's suite on PostgreSQL)";
      return {};
    }
    return db->url();
  }
};

using Backends = ::testing::Types<OnSqlite, OnPostgres>;

struct BackendNames {
  template <typename B>
  static std::string GetName(int) {
    return B::kind == store::StoreKind::sqlite ? "SQLite" : "PostgreSQL";
  }
};

// ---- what the tests write ----

// A document of `paragraphs` (separated by a blank line), a chunk each.
DocumentRecord document(const std::string& source, const std::vector<std::string>& paragraphs,
                        const std::string& title = "", const std::string& hash = "h1") {
  DocumentRecord d;
  d.source = source;
  d.path = "/project/" + source;
  d.title = title;
  d.content_hash = hash;
  d.loader = "text";
  d.encoding = "utf-8";
  d.metadata_json = R"({"team":"legal"})";
  std::int64_t line = 1;
  for (const std::string& p : paragraphs) {
    if (!d.text.empty()) {
      d.text += "\n\n";
      line += 2;
    }
    store::ChunkRecord c;
    c.start_byte = static_cast<std::int64_t>(d.text.size());
    d.text += p;
    c.end_byte = static_cast<std::int64_t>(d.text.size());
    c.char_start = c.start_byte;
    c.char_end = c.end_byte;
    c.line_start = c.line_end = line;
    c.tokens = 2;
    c.headings_json = "[]";
    d.chunks.push_back(c);
  }
  d.size_bytes = static_cast<std::int64_t>(d.text.size());
  d.char_count = d.size_bytes;
  return d;
}

std::string blob(std::initializer_list<float> v) {
  std::string b(v.size() * sizeof(float), '\0');
  std::copy(v.begin(), v.end(), reinterpret_cast<float*>(b.data()));
  return b;
}

template <typename B>
class StoreBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string skip;
    path_ = B::fresh(tmp_, db_, skip);
    if (!skip.empty()) GTEST_SKIP() << skip;
    store_ = std::make_unique<Store>(Store::open(path_));
    ASSERT_EQ(store_->kind(), B::kind);
  }

  Store& st() { return *store_; }

  // Writes the documents into `collection` in one transaction; returns what put() answered.
  std::vector<PutResult> put(const std::string& collection, const std::vector<DocumentRecord>& docs, bool force = false) {
    DocumentWriter w(st(), collection, R"({"size":100})", false);
    w.begin();
    std::vector<PutResult> out;
    for (const DocumentRecord& d : docs) out.push_back(w.put(d, force));
    w.commit();
    return out;
  }

  // The docs collection: a.md (2 chunks), b.md (1 chunk); its id.
  std::int64_t seed() {
    put("docs", {document("a.md", {"alpha beta rollback", "gamma delta"}, "Alpha title"),
                 document("sub/b.md", {"epsilon alpha"}, "")});
    return store::find_collection(st(), "docs")->id;
  }

  std::vector<std::int64_t> chunk_ids_of(const std::string& collection, const std::string& source) {
    std::vector<std::int64_t> ids;
    const store::DocumentSummary d = store::get_document(st(), collection, source);
    store::for_each_chunk(st(), d.id, [&](const store::ChunkView& c) { ids.push_back(c.id); });
    return ids;
  }

  testing::TempDir tmp_;
  std::unique_ptr<testing::TestDatabase> db_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

TYPED_TEST_SUITE(StoreBackendTest, Backends, BackendNames);

TYPED_TEST(StoreBackendTest, CollectionsAreFoundListedNamedAndRemoved) {
  EXPECT_TRUE(this->st().connected());
  EXPECT_FALSE(store::find_collection(this->st(), "docs"));
  EXPECT_TRUE(store::list_collections(this->st()).empty());
  const std::int64_t docs = this->seed();
  this->put("more", {document("c.md", {"zeta"})});

  const std::optional<CollectionInfo> record = store::find_collection(this->st(), "docs");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->id, docs);
  EXPECT_EQ(record->chunk_config, R"({"size":100})");
  EXPECT_EQ(record->chunks, 3);
  EXPECT_FALSE(record->has_vectors);
  EXPECT_EQ(record->documents, 0) << "a record does not count documents";
  const CollectionInfo listing = *store::find_collection(this->st(), "docs", CollectionDetail::listing);
  EXPECT_EQ(listing.documents, 2);
  EXPECT_GT(listing.bytes, 0);
  EXPECT_FALSE(listing.last_ingested_at.empty());

  const std::vector<CollectionInfo> all = store::list_collections(this->st());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "docs");
  EXPECT_EQ(all[1].name, "more");
  EXPECT_EQ(all[0].embedded, 0);
  EXPECT_EQ(store::collection_names(this->st()), (std::vector<std::string>{"docs", "more"}));

  const CollectionInfo removed = store::remove_collection(this->st(), "more");
  EXPECT_EQ(removed.name, "more");
  EXPECT_EQ(removed.documents, 1);
  EXPECT_EQ(store::collection_names(this->st()), (std::vector<std::string>{"docs"}));
  const Error e = testing::error_of([&] { store::remove_collection(this->st(), "more"); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_NE(std::string(e.what()).find("no collection named 'more' in " + this->st().path()), std::string::npos) << e.what();
}

TYPED_TEST(StoreBackendTest, PutAddsKeepsUpdatesMetadataAndReplacesByTheSameRule) {
  DocumentRecord a = document("a.md", {"alpha beta", "gamma"}, "A");
  EXPECT_EQ(this->put("docs", {a}), std::vector<PutResult>{PutResult::added});
  EXPECT_EQ(this->put("docs", {a}), std::vector<PutResult>{PutResult::unchanged});
  a.title = "A, renamed";
  EXPECT_EQ(this->put("docs", {a}), std::vector<PutResult>{PutResult::metadata_only});
  EXPECT_EQ(store::get_document(this->st(), "docs", "a.md").title, "A, renamed");
  EXPECT_EQ(this->put("docs", {a}, true), std::vector<PutResult>{PutResult::changed}) << "force replaces the chunks";
  DocumentRecord changed = document("a.md", {"one", "two", "three"}, "A, renamed", "h2");
  EXPECT_EQ(this->put("docs", {changed}), std::vector<PutResult>{PutResult::changed});
  EXPECT_EQ(store::get_document(this->st(), "docs", "a.md").chunk_count, 3);
  DocumentRecord reread = changed;
  reread.loader_version = 2;
  EXPECT_EQ(this->put("docs", {reread}), std::vector<PutResult>{PutResult::changed})
      << "the same bytes read by another reader version are another text";
}

TYPED_TEST(StoreBackendTest, TheWriterFindsRenamesRemovesAndListsFiles) {
  this->seed();
  DocumentWriter w(this->st(), "docs", R"({"size":100})", false);
  EXPECT_FALSE(w.in_transaction());
  ASSERT_TRUE(w.known_config_id());
  const std::optional<store::StoredDocument> a = w.find("a.md");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->content_hash, "h1");
  EXPECT_EQ(a->title, "Alpha title");
  EXPECT_EQ(a->config_id, w.known_config_id());
  EXPECT_FALSE(w.find("nothing.md"));

  std::vector<std::string> under;
  for (const store::StoredDocument& d : w.files_under("sub")) under.push_back(d.source);
  EXPECT_EQ(under, std::vector<std::string>{"sub/b.md"});
  EXPECT_EQ(w.files_under("").size(), 2u) << "every relative source";
  EXPECT_TRUE(w.files_under("su").empty()) << "a folder, not a prefix";
  const std::vector<store::MisnamedDocument> apart = w.documents_named_apart("/project");
  EXPECT_TRUE(apart.empty());

  w.begin();
  EXPECT_TRUE(w.in_transaction());
  w.rename(a->id, "renamed.md");
  w.remove(w.find("sub/b.md")->id);
  w.commit();
  EXPECT_FALSE(w.in_transaction());
  EXPECT_EQ(store::document_sources(this->st(), "docs"), std::vector<std::string>{"renamed.md"});
  // renamed.md's path is still /project/a.md: named apart from its file.
  const std::vector<store::MisnamedDocument> now_apart = w.documents_named_apart("/project");
  ASSERT_EQ(now_apart.size(), 1u);
  EXPECT_EQ(now_apart[0].source, "renamed.md");
  EXPECT_EQ(now_apart[0].path, "/project/a.md");
}

// A site's pages read at once for a re-crawl: files or not, at most `limit`, without the chunk
// configuration.
TYPED_TEST(StoreBackendTest, TheWriterReadsASitesPagesAtOnce) {
  this->seed();
  DocumentWriter w(this->st(), "docs", R"({"size":100})", false);
  DocumentRecord page = document("https://docs.example/guide/a.html", {"a page"}, "A page", "h3");
  page.path.reset();
  this->put("docs", {page, document("https://docs.example/b.html", {"b page"}, "", "h4"),
                     document("https://docs.example.org/c.html", {"another site"}, "", "h5")});
  std::vector<std::string> site;
  for (const store::StoredDocument& d : w.documents_under("https://docs.example", 10)) {
    site.push_back(d.source + (d.path ? " (file)" : ""));
    EXPECT_FALSE(d.config_id) << d.source;
    EXPECT_EQ(d.metadata_json, R"({"team":"legal"})");
  }
  EXPECT_EQ(site, (std::vector<std::string>{"https://docs.example/b.html (file)", "https://docs.example/guide/a.html"}))
      << "the origin's pages in source order, not another host's that starts alike";
  EXPECT_EQ(w.documents_under("https://docs.example", 1).size(), 1u) << "at most the limit";
  EXPECT_TRUE(w.documents_under("", 10).empty()) << "no folder, nothing";
}

TYPED_TEST(StoreBackendTest, ARefusalIsTheBackendsAndPutThrowsIt) {
  DocumentWriter w(this->st(), "docs", "{}", false);
  EXPECT_FALSE(w.refusal(document("ok.md", {"fine"})));
  DocumentRecord nul = document("nul.md", {"a"});
  nul.text = std::string("a\0b", 3);
  nul.chunks[0].end_byte = 3;
  if (TypeParam::kind == store::StoreKind::sqlite) {
    EXPECT_FALSE(w.refusal(nul)) << "a file holds any bytes";
  } else {
    ASSERT_TRUE(w.refusal(nul));
    EXPECT_NE(w.refusal(nul)->find("NUL byte"), std::string::npos) << *w.refusal(nul);
    w.begin();
    EXPECT_EQ(testing::error_of([&] { w.put(nul, false); }).code(), ExitCode::invalid_input);
  }
}

TYPED_TEST(StoreBackendTest, TheCatalogReadsAndRemovesDocuments) {
  this->seed();
  std::vector<std::string> listed;
  store::for_each_document(this->st(), "docs", [&](const store::DocumentSummary& d) { listed.push_back(d.source); });
  EXPECT_EQ(listed, (std::vector<std::string>{"a.md", "sub/b.md"}));
  const store::DocumentSummary a = store::get_document(this->st(), "docs", "a.md");
  EXPECT_EQ(a.title, "Alpha title");
  EXPECT_EQ(a.chunk_count, 2);
  EXPECT_EQ(a.metadata_json, R"({"team":"legal"})");
  EXPECT_EQ(a.path, std::optional<std::string>("/project/a.md"));
  EXPECT_EQ(store::find_document(this->st(), "docs", "a.md")->id, a.id);
  EXPECT_FALSE(store::find_document(this->st(), "docs", "z.md"));
  EXPECT_EQ(store::find_document_by_path(this->st(), "docs", "/project/sub/b.md")->source, "sub/b.md");
  EXPECT_FALSE(store::find_document_by_path(this->st(), "docs", "/elsewhere"));
  EXPECT_EQ(store::document_sources(this->st(), "docs"), (std::vector<std::string>{"a.md", "sub/b.md"}));
  EXPECT_EQ(store::document_text(this->st(), a.id), "alpha beta rollback\n\ngamma delta");

  EXPECT_EQ(testing::error_of([&] { store::get_document(this->st(), "docs", "z.md"); }).code(), ExitCode::invalid_input);
  EXPECT_EQ(testing::error_of([&] { store::for_each_document(this->st(), "none", [](const auto&) {}); }).code(),
            ExitCode::invalid_input);
  const Error missing = testing::error_of([&] { store::remove_documents(this->st(), "docs", {"a.md", "z.md"}); });
  EXPECT_EQ(missing.code(), ExitCode::invalid_input);
  EXPECT_EQ(store::document_sources(this->st(), "docs").size(), 2u) << "all or none";
  const std::vector<store::DocumentSummary> removed = store::remove_documents(this->st(), "docs", {"a.md"});
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].source, "a.md");
  EXPECT_EQ(store::document_sources(this->st(), "docs"), std::vector<std::string>{"sub/b.md"});
}

TYPED_TEST(StoreBackendTest, ChunksIterateInOrderWithTheirFields) {
  this->seed();
  const store::DocumentSummary a = store::get_document(this->st(), "docs", "a.md");
  std::vector<store::ChunkView> chunks;
  store::for_each_chunk(this->st(), a.id, [&](const store::ChunkView& c) { chunks.push_back(c); });
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].ordinal, 0);
  EXPECT_EQ(chunks[1].ordinal, 1);
  EXPECT_LT(chunks[0].id, chunks[1].id);
  EXPECT_EQ(chunks[0].text, "alpha beta rollback");
  EXPECT_EQ(chunks[1].text, "gamma delta");
  EXPECT_EQ(chunks[1].start_byte, 21);
  EXPECT_EQ(chunks[1].line_start, 3);
  EXPECT_EQ(chunks[0].headings_json, "[]");
  EXPECT_EQ(chunks[0].config_json, R"({"size":100})");

  const std::vector<std::int64_t> ids{chunks[1].id, 999'999, chunks[0].id};
  EXPECT_EQ(store::chunk_documents(this->st(), ids), (std::vector<std::int64_t>{a.id, 0, a.id}));
  const std::vector<store::ChunkRef> refs = store::chunk_refs(this->st(), ids);
  ASSERT_EQ(refs.size(), 2u) << "an id no longer there is skipped";
  EXPECT_EQ(refs[0].chunk_id, chunks[1].id);
  EXPECT_EQ(refs[0].source, "a.md");
  EXPECT_EQ(refs[0].title, "Alpha title");
  EXPECT_EQ(refs[0].text, "gamma delta");
  EXPECT_FALSE(refs[0].page_start);
}

// A chunk's heading path reaches a ChunkRef as its section (what the page's source cards and
// search hits show under the title), the title's own heading left out.
TYPED_TEST(StoreBackendTest, ChunkRefsCarryTheSectionBelowTheTitle) {
  DocumentRecord d = document("guide.md", {"rollback steps here", "no headings"}, "Guide");
  d.chunks[0].headings_json = R"(["Guide", "Migrations", "Rolling back"])";
  this->put("docs", {d});
  const store::DocumentSummary g = store::get_document(this->st(), "docs", "guide.md");
  std::vector<std::int64_t> ids;
  store::for_each_chunk(this->st(), g.id, [&](const store::ChunkView& c) { ids.push_back(c.id); });
  const std::vector<store::ChunkRef> refs = store::chunk_refs(this->st(), ids);
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0].section, "Migrations \u203a Rolling back");
  EXPECT_EQ(refs[1].section, "");
}

TYPED_TEST(StoreBackendTest, KeywordSearchRanksFiltersAndNamesWhatIsAbsent) {
  const std::int64_t docs = this->seed();
  EXPECT_TRUE(store::collection_is_whole_store(this->st(), docs));
  // a.md's two chunks (its title, "Alpha title", is indexed with each) and b.md's one.
  const std::vector<store::KeywordRow> rows = store::keyword_search(this->st(), docs, "\"alpha\"", {}, 10);
  ASSERT_EQ(rows.size(), 3u);
  for (const store::KeywordRow& r : rows) EXPECT_LT(r.bm25, 0) << "negative, lower is better";
  EXPECT_LE(rows[0].bm25, rows[1].bm25);
  EXPECT_LE(rows[1].bm25, rows[2].bm25);
  EXPECT_EQ(rows[0].chunk_id, this->chunk_ids_of("docs", "a.md")[0]) << "in its text and its title";
  EXPECT_EQ(store::keyword_search(this->st(), docs, "\"alpha\"", {}, 1).size(), 1u);
  EXPECT_TRUE(store::keyword_search(this->st(), docs, "\"nowhere\"", {}, 10).empty());

  const std::vector<store::DocumentFilter> in_sub{{"source", "sub/", store::FilterMatch::prefix}};
  const std::vector<store::KeywordRow> filtered = store::keyword_search(this->st(), docs, "\"alpha\"", in_sub, 10);
  ASSERT_EQ(filtered.size(), 1u);
  EXPECT_EQ(filtered[0].chunk_id, this->chunk_ids_of("docs", "sub/b.md")[0]);
  EXPECT_TRUE(store::any_document_passes(this->st(), docs, {{"team", "legal"}}));
  EXPECT_FALSE(store::any_document_passes(this->st(), docs, {{"team", "sales"}}));
  std::vector<std::int64_t> a_chunks = this->chunk_ids_of("docs", "a.md");
  EXPECT_EQ(store::filtered_chunk_ids(this->st(), docs, {{"source", "a.md"}}), a_chunks);
  EXPECT_EQ(testing::error_of([&] { store::filtered_chunk_ids(this->st(), docs, {{"", "x"}}); }).code(), ExitCode::usage);
  EXPECT_EQ(testing::error_of([&] { store::keyword_search(this->st(), docs, "\"alpha\"", {{"", "x"}}, 5); }).code(),
            ExitCode::usage);

  EXPECT_EQ(store::terms_not_in_collection(this->st(), docs, {"\"alpha\"", "\"zebra\""}),
            std::vector<std::string>{"\"zebra\""});
  EXPECT_EQ(store::words_inside_no_term(this->st(), docs, {"back", "zebra"}), std::vector<std::string>{"zebra"})
      << "back is inside rollback";

  // Another collection: each is ranked and scoped on its own.
  this->put("other", {document("z.md", {"zebra alpha"})});
  EXPECT_FALSE(store::collection_is_whole_store(this->st(), docs));
  EXPECT_EQ(store::keyword_search(this->st(), docs, "\"zebra\"", {}, 10).size(), 0u);
  EXPECT_EQ(store::terms_not_in_collection(this->st(), docs, {"\"zebra\""}), std::vector<std::string>{"\"zebra\""});
  EXPECT_EQ(store::keyword_search(this->st(), docs, "\"alpha\"", {}, 10).size(), 3u);
}

TYPED_TEST(StoreBackendTest, EmbeddingsAreRecordedPendingStoredAndLoaded) {
  const std::int64_t docs = this->seed();
  const store::EmbeddingModel m{"local", "hash", 2};
  store::EmbeddingStore es(this->st());
  EXPECT_EQ(es.chunk_counts(docs).chunks, 3);
  EXPECT_EQ(es.chunk_counts(docs).embedded, 0);
  EXPECT_EQ(es.count_pending(docs), 3);
  EXPECT_FALSE(es.known_dimensions("local", "hash"));
  es.record_model(docs, m);
  EXPECT_EQ(store::find_collection(this->st(), "docs")->embedding_model, std::optional<store::EmbeddingModel>(m));
  EXPECT_EQ(es.known_dimensions("local", "hash"), std::optional<std::int64_t>(2));

  const std::vector<store::ChunkToEmbed> page = es.pending_chunks(docs, 0, 2);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_LT(page[0].chunk_id, page[1].chunk_id);
  EXPECT_EQ(page[0].text, "alpha beta rollback");
  EXPECT_EQ(page[0].source, "a.md");
  EXPECT_EQ(page[0].title, "Alpha title");
  const std::vector<store::ChunkToEmbed> next = es.pending_chunks(docs, page[1].chunk_id, 2);
  ASSERT_EQ(next.size(), 1u);

  const store::VectorFingerprint before = store::vector_fingerprint(this->st());
  EXPECT_FALSE(before.store_id.empty());
  std::vector<store::VectorRow> rows{{{page[0].chunk_id}, blob({1, 0}), "sha-a", true},
                                     {{page[1].chunk_id, next[0].chunk_id}, blob({0, 1}), "", false}};
  es.store_vectors(m, rows);
  EXPECT_NE(store::vector_fingerprint(this->st()), before);
  EXPECT_EQ(es.count_pending(docs), 0);
  EXPECT_EQ(es.chunk_counts(docs).embedded, 3);
  EXPECT_EQ(es.cached_vector(m, "sha-a"), std::optional<std::string>(blob({1, 0})));
  EXPECT_FALSE(es.cached_vector(m, "sha-a", "http://elsewhere")) << "another server's cache";
  EXPECT_EQ(es.chunk_vector(next[0].chunk_id), std::optional<std::string>(blob({0, 1})));
  EXPECT_TRUE(store::find_collection(this->st(), "docs")->has_vectors);
  EXPECT_EQ(store::list_collections(this->st())[0].embedded, 3);

  const store::CollectionVectors v = store::load_vectors(this->st(), docs, 2);
  EXPECT_EQ(v.fingerprint, store::vector_fingerprint(this->st()));
  EXPECT_EQ(v.chunk_ids, (std::vector<std::int64_t>{page[0].chunk_id, page[1].chunk_id, next[0].chunk_id}));
  EXPECT_EQ(v.matrix, (std::vector<float>{1, 0, 0, 1, 0, 1}));
  EXPECT_EQ(testing::error_of([&] { store::load_vectors(this->st(), docs, 3); }).code(), ExitCode::invalid_input);
  EXPECT_EQ(testing::error_of([&] { store::load_vectors(this->st(), docs, 1 << 20); }).code(), ExitCode::invalid_input);

  EXPECT_EQ(es.switch_model(docs, store::EmbeddingModel{"local", "other", 2}), 3);
  EXPECT_EQ(es.count_pending(docs), 3);
  EXPECT_EQ(es.cached_vector(m, "sha-a"), std::optional<std::string>(blob({1, 0}))) << "the cache keeps old vectors";
}

TYPED_TEST(StoreBackendTest, AsksAreWrittenReadBackAndCached) {
  const store::AskPrincipal me{"key:0123456789abcdef", std::string(64, 'k')};
  store::AskStore as(this->st(), me);
  EXPECT_TRUE(as.access().read);
  EXPECT_TRUE(as.access().write);
  EXPECT_FALSE(as.last_conversation());
  EXPECT_FALSE(as.cached_answer("key1"));

  store::AskRecord r;
  r.call.collection = "docs";
  r.call.question = "what is alpha?";
  r.call.answer = "the first letter";
  r.call.provider = "openai";
  r.call.model = "gpt-test";
  r.call.endpoint = "https://api.example/v1";
  r.call.chunk_ids = {3, 1};
  r.new_conversation = true;
  r.cache_key = "key1";
  r.cache_value = store::CachedAnswer{"the first letter", "gpt-test", "stop", 10, 4};
  const store::AskStore::Written w = as.write(r);
  ASSERT_TRUE(w.conversation_id);
  EXPECT_GT(w.call_id, 0);
  EXPECT_EQ(as.last_conversation(), w.conversation_id);
  const std::optional<store::Conversation> c = as.conversation(*w.conversation_id);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->verified);
  EXPECT_EQ(c->title, "what is alpha?");
  ASSERT_EQ(c->turns.size(), 2u);
  EXPECT_EQ(c->turns[1].content, "the first letter");
  const std::optional<store::CachedAnswer> cached = as.cached_answer("key1");
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->answer, "the first letter");
  EXPECT_EQ(cached->output_tokens, std::optional<std::int64_t>(4));
  const std::vector<store::LlmCall> calls = as.calls(0);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].chunk_ids, (std::vector<std::int64_t>{3, 1}));
  EXPECT_EQ(as.call(w.call_id)->question, "what is alpha?");
  EXPECT_FALSE(as.call(w.call_id + 100));

  // Another key vouches for none of it.
  store::AskStore stranger(this->st(), store::AskPrincipal{"key:fedcba9876543210", std::string(64, 'x')});
  EXPECT_FALSE(stranger.cached_answer("key1"));
  EXPECT_FALSE(stranger.conversation(*w.conversation_id));
  EXPECT_EQ(testing::error_of([&] { store::AskStore(this->st(), store::AskPrincipal{"key:1", ""}); }).code(),
            ExitCode::unavailable);
}

TYPED_TEST(StoreBackendTest, ApiKeysAreAddedListedFoundRevokedAndMarkedUsed) {
  store::ApiKey bot;
  bot.name = "ci-bot";
  bot.scope = store::KeyScope::write;
  bot.collections = {"docs", "faq"};
  bot.rate_per_minute = 60;
  bot.expires_at = "2030-01-01T00:00:00Z";
  bot.created_at = "2026-11-26T22:00:00Z";
  const std::string bot_hash(64, 'a');
  store::create_api_key(this->st(), bot, bot_hash);
  store::ApiKey all;
  all.name = "all";
  all.created_at = "2026-11-26T22:01:00Z";
  store::create_api_key(this->st(), all, std::string(64, 'b'));

  const Error dup = testing::error_of([&] { store::create_api_key(this->st(), bot, std::string(64, 'c')); });
  EXPECT_EQ(dup.code(), ExitCode::invalid_input);
  EXPECT_NE(std::string(dup.what()).find("a key named 'ci-bot' exists"), std::string::npos) << dup.what();
  EXPECT_EQ(testing::error_of([&] {
              store::ApiKey bad = all;
              bad.name = "-x";
              store::create_api_key(this->st(), bad, std::string(64, 'd'));
            }).code(),
            ExitCode::usage);

  const std::vector<store::ApiKey> keys = store::list_api_keys(this->st());
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].name, "all");
  EXPECT_EQ(keys[0].scope, store::KeyScope::read);
  EXPECT_TRUE(keys[0].collections.empty());
  EXPECT_FALSE(keys[0].rate_per_minute);
  EXPECT_FALSE(keys[0].expires_at);
  EXPECT_EQ(keys[1].name, "ci-bot");
  EXPECT_EQ(keys[1].scope, store::KeyScope::write);
  EXPECT_EQ(keys[1].collections, (std::vector<std::string>{"docs", "faq"}));
  EXPECT_EQ(keys[1].rate_per_minute, std::optional<std::int64_t>(60));
  EXPECT_EQ(keys[1].expires_at, std::optional<std::string>("2030-01-01T00:00:00Z"));
  EXPECT_EQ(keys[1].created_at, "2026-11-26T22:00:00Z");
  EXPECT_FALSE(keys[1].revoked_at);
  EXPECT_FALSE(keys[1].last_used_at);

  const std::optional<store::StoredApiKey> found = store::find_api_key(this->st(), bot_hash);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->key.name, "ci-bot");
  EXPECT_EQ(found->secret_sha256, bot_hash);
  EXPECT_FALSE(store::find_api_key(this->st(), std::string(64, 'e')));
  EXPECT_FALSE(store::find_api_key(this->st(), "not a hash"));

  // A use is written at most once per interval: the second, within it, writes nothing.
  EXPECT_TRUE(store::record_api_key_use(this->st(), "ci-bot", "2026-11-26T23:00:00Z", "2026-11-26T22:59:00Z"));
  EXPECT_FALSE(store::record_api_key_use(this->st(), "ci-bot", "2026-11-26T23:00:30Z", "2026-11-26T22:59:30Z"));
  EXPECT_TRUE(store::record_api_key_use(this->st(), "ci-bot", "2026-11-26T23:01:01Z", "2026-11-26T23:00:01Z"));
  EXPECT_EQ(store::find_api_key(this->st(), bot_hash)->key.last_used_at, std::optional<std::string>("2026-11-26T23:01:01Z"));

  // Revoking keeps the first time; an unknown name is invalid input.
  EXPECT_EQ(store::revoke_api_key(this->st(), "ci-bot", "2026-11-27T00:00:00Z").revoked_at,
            std::optional<std::string>("2026-11-27T00:00:00Z"));
  EXPECT_EQ(store::revoke_api_key(this->st(), "ci-bot", "2026-11-28T00:00:00Z").revoked_at,
            std::optional<std::string>("2026-11-27T00:00:00Z"));
  EXPECT_EQ(store::find_api_key(this->st(), bot_hash)->key.revoked_at, std::optional<std::string>("2026-11-27T00:00:00Z"));
  EXPECT_EQ(testing::error_of([&] { store::revoke_api_key(this->st(), "nobody", "2026-11-27T00:00:00Z"); }).code(),
            ExitCode::invalid_input);
  EXPECT_FALSE(store::list_api_keys(this->st())[0].revoked_at) << "the other key is untouched";
}

// The server's background jobs (store/jobs.h): queued, claimed by one runner (never twice),
// progress and beats, a cancel asked from anywhere, handed back at shutdown, taken over from a
// runner that stopped beating, listed by owner.
TYPED_TEST(StoreBackendTest, JobsAreQueuedClaimedOnceCancelledHandedBackAndTakenOver) {
  const auto job = [](const std::string& id, const std::string& owner, const std::string& at) {
    store::Job j;
    j.id = id;
    j.kind = "crawl";
    j.collection = "web";
    j.owner = owner;
    j.request = R"({"url":"http://example.test/"})";
    j.created_at = at;
    return j;
  };
  store::create_job(this->st(), job("a1", "app", "2026-11-29T10:00:00Z"));
  store::create_job(this->st(), job("b2", "bot", "2026-11-29T10:00:01Z"));
  store::create_job(this->st(), job("c3", "app", "2026-11-29T10:00:02Z"));
  const std::optional<store::Job> a = store::find_job(this->st(), "a1");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, store::JobStatus::queued);
  EXPECT_EQ(a->revision, 1);
  EXPECT_EQ(a->request, R"({"url":"http://example.test/"})");
  EXPECT_FALSE(a->started_at);
  EXPECT_FALSE(store::find_job(this->st(), "nope"));
  EXPECT_FALSE(store::find_job(this->st(), std::string(store::k_max_job_id + 1, 'x')));
  EXPECT_EQ(store::count_active_jobs(this->st(), "app"), 2u);

  const std::vector<store::Job> apps = store::list_jobs(this->st(), std::string("app"), 10);
  ASSERT_EQ(apps.size(), 2u);
  EXPECT_EQ(apps[0].id, "c3") << "newest first";
  EXPECT_EQ(store::list_jobs(this->st(), std::nullopt, 2).size(), 2u);

  // The oldest queued job is claimed, by one runner alone.
  const std::string now = "2026-11-29T10:01:00Z", stale = "2026-11-29T10:00:30Z";
  const std::optional<store::Job> first = store::claim_job(this->st(), "r1", now, stale);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, "a1");
  EXPECT_EQ(first->status, store::JobStatus::running);
  EXPECT_EQ(first->runner, std::optional<std::string>("r1"));
  EXPECT_EQ(first->started_at, std::optional<std::string>(now));
  EXPECT_EQ(first->revision, 2);
  const std::optional<store::Job> second = store::claim_job(this->st(), "r2", now, stale);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, "b2") << "a running job with a fresh beat is not claimed again";

  // Progress is its runner's to record; the answer says whether a cancel was asked.
  EXPECT_EQ(store::record_job_progress(this->st(), "a1", "r1", 3, 10), std::optional<bool>(false));
  EXPECT_EQ(store::record_job_progress(this->st(), "a1", "r2", 4, 10), std::nullopt) << "not r2's job";
  EXPECT_EQ(store::find_job(this->st(), "a1")->done, 3);
  EXPECT_EQ(store::find_job(this->st(), "a1")->total, std::optional<std::int64_t>(10));
  // A checkpoint is written with progress and kept by a write that gives none.
  EXPECT_FALSE(store::find_job(this->st(), "a1")->checkpoint);
  EXPECT_EQ(store::record_job_progress(this->st(), "a1", "r1", 3, 10, std::string(R"({"v":1})")), std::optional<bool>(false));
  EXPECT_EQ(store::record_job_progress(this->st(), "a1", "r1", 3, 10), std::optional<bool>(false));
  EXPECT_EQ(store::find_job(this->st(), "a1")->checkpoint, std::optional<std::string>(R"({"v":1})"));
  EXPECT_EQ(store::record_job_progress(this->st(), "b2", "r2", 1, std::nullopt, std::string("b2's")), std::optional<bool>(false));

  // A cancel: a queued job ends at once; a running one is marked, and its runner learns it.
  const std::optional<store::Job> c = store::cancel_job(this->st(), "c3", now);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, store::JobStatus::cancelled);
  EXPECT_EQ(c->finished_at, std::optional<std::string>(now));
  EXPECT_EQ(store::cancel_job(this->st(), "a1", now)->status, store::JobStatus::running);
  EXPECT_EQ(store::beat_jobs(this->st(), "r1", "2026-11-29T10:01:05Z"), std::vector<std::string>{"a1"});
  EXPECT_EQ(store::beat_jobs(this->st(), "r2", "2026-11-29T10:01:05Z"), std::vector<std::string>{});
  EXPECT_EQ(store::record_job_progress(this->st(), "a1", "r1", 5, 10), std::optional<bool>(true));
  EXPECT_TRUE(store::finish_job(this->st(), "a1", "r1", store::JobStatus::cancelled, R"({"new":5})", std::nullopt, now));
  EXPECT_FALSE(store::finish_job(this->st(), "a1", "r1", store::JobStatus::succeeded, std::nullopt, std::nullopt, now))
      << "an ended job is not ended again";
  EXPECT_EQ(store::find_job(this->st(), "a1")->status, store::JobStatus::cancelled);
  EXPECT_EQ(store::find_job(this->st(), "a1")->result, std::optional<std::string>(R"({"new":5})"));
  EXPECT_FALSE(store::find_job(this->st(), "a1")->checkpoint) << "dropped when the job ends";
  EXPECT_EQ(store::cancel_job(this->st(), "a1", now)->status, store::JobStatus::cancelled) << "an ended job stays as it is";
  EXPECT_FALSE(store::cancel_job(this->st(), "nope", now));

  // Handed back at shutdown: queued again, and claimed by the next runner.
  EXPECT_TRUE(store::release_job(this->st(), "b2", "r2"));
  EXPECT_FALSE(store::release_job(this->st(), "b2", "r2"));
  EXPECT_EQ(store::find_job(this->st(), "b2")->status, store::JobStatus::queued);
  const std::optional<store::Job> again = store::claim_job(this->st(), "r3", "2026-11-29T10:02:00Z", "2026-11-29T10:01:30Z");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, "b2");
  EXPECT_EQ(again->started_at, std::optional<std::string>(now)) << "its first start is kept";
  EXPECT_EQ(again->checkpoint, std::optional<std::string>("b2's")) << "the next runner goes on from its checkpoint";

  // A runner that stopped beating: another takes its job over (never the runner itself), and
  // the old runner can no longer write the row.
  EXPECT_FALSE(store::claim_job(this->st(), "r3", "2026-11-29T10:10:00Z", "2026-11-29T10:09:30Z")) << "not its own job";
  const std::optional<store::Job> taken = store::claim_job(this->st(), "r4", "2026-11-29T10:10:00Z", "2026-11-29T10:09:30Z");
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->id, "b2");
  EXPECT_EQ(taken->runner, std::optional<std::string>("r4"));
  EXPECT_EQ(taken->checkpoint, std::optional<std::string>("b2's")) << "and so does one taking it over";
  EXPECT_EQ(store::record_job_progress(this->st(), "b2", "r3", 1, std::nullopt), std::nullopt);
  EXPECT_FALSE(store::finish_job(this->st(), "b2", "r3", store::JobStatus::succeeded, std::nullopt, std::nullopt, now));
  EXPECT_TRUE(store::finish_job(this->st(), "b2", "r4", store::JobStatus::failed, std::nullopt, std::string("boom"), now));
  EXPECT_EQ(store::find_job(this->st(), "b2")->error, std::optional<std::string>("boom"));
  EXPECT_FALSE(store::claim_job(this->st(), "r5", "2026-11-29T11:00:00Z", "2026-11-29T10:59:30Z")) << "nothing left to run";
  EXPECT_EQ(store::count_active_jobs(this->st(), "app"), 0u);
}

// The per-key bound of jobs (store::create_bounded_job): counted and added in one step, so that
// requests of one key at the same instant, each on its own connection as each server worker or
// replica has one, add exactly as many jobs as the bound allows; another owner is not held off,
// and a job that ended frees its place.
TYPED_TEST(StoreBackendTest, AJobBoundHoldsForRequestsAtTheSameInstant) {
  const auto job = [](const std::string& id, const std::string& owner) {
    store::Job j;
    j.id = id;
    j.kind = "embed";
    j.collection = "docs";
    j.owner = owner;
    j.request = "{}";
    j.created_at = "2026-11-29T10:00:00Z";
    return j;
  };
  constexpr int k_requests = 8;
  constexpr std::size_t k_bound = 3;
  std::vector<std::unique_ptr<Store>> handles;
  for (int i = 0; i < k_requests; ++i) handles.push_back(std::make_unique<Store>(Store::open(this->path_)));
  std::atomic<int> ready{0};
  std::atomic<int> added{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < k_requests; ++i) {
    threads.emplace_back([&, i] {
      ready.fetch_add(1);
      while (ready.load() < k_requests) std::this_thread::yield();
      if (store::create_bounded_job(*handles[static_cast<std::size_t>(i)], job("j" + std::to_string(i), "app"), k_bound).added) {
        added.fetch_add(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(added.load(), static_cast<int>(k_bound));
  EXPECT_EQ(store::count_active_jobs(this->st(), "app"), k_bound);

  const store::JobAdmission refused = store::create_bounded_job(this->st(), job("late", "app"), k_bound);
  EXPECT_FALSE(refused.added);
  EXPECT_EQ(refused.active, k_bound);
  EXPECT_FALSE(store::find_job(this->st(), "late")) << "a refused job leaves no row";
  EXPECT_TRUE(store::create_bounded_job(this->st(), job("other", "bot"), k_bound).added) << "another owner's bound";

  const std::optional<store::Job> claimed = store::claim_job(this->st(), "r1", "2026-11-29T10:01:00Z", "2026-11-29T10:00:30Z");
  ASSERT_TRUE(claimed);
  ASSERT_TRUE(store::finish_job(this->st(), claimed->id, "r1", store::JobStatus::succeeded, std::nullopt, std::nullopt,
                                "2026-11-29T10:02:00Z"));
  const store::JobAdmission freed = store::create_bounded_job(this->st(), job("after", claimed->owner), k_bound);
  EXPECT_TRUE(freed.added) << "a job that ended frees its place";
  EXPECT_EQ(freed.active, claimed->owner == "app" ? k_bound - 1 : 0u);

  // /metrics' queue: queued and running jobs by kind, every owner's.
  ASSERT_TRUE(store::claim_job(this->st(), "r2", "2026-11-29T10:03:00Z", "2026-11-29T10:02:30Z"));
  const std::vector<store::JobCount> counts = store::count_jobs_by_kind(this->st());
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0].kind, "embed");
  EXPECT_EQ(counts[0].status, store::JobStatus::queued);
  EXPECT_EQ(counts[0].count, 3);
  EXPECT_EQ(counts[1].status, store::JobStatus::running);
  EXPECT_EQ(counts[1].count, 1);
}

// Rate buckets in the store (store/rate_buckets.h): a new bucket is full; takes pass while it
// holds enough and take nothing when refused; a check takes nothing; a spend may go below zero;
// buckets are apart by name.
TYPED_TEST(StoreBackendTest, RateBucketsTakeCheckAndSpendAsTheMemoryLimiterDoes) {
  using store::RateUse;
  // 3 a minute: one earned back every 20 s, far longer than this test runs.
  store::RateBucket b = store::use_rate_bucket(this->st(), "requests:app", 3, 1, RateUse::take);
  EXPECT_TRUE(b.allowed);
  EXPECT_NEAR(b.tokens, 2.0, 0.01);
  EXPECT_TRUE(store::use_rate_bucket(this->st(), "requests:app", 3, 2, RateUse::take).allowed);
  b = store::use_rate_bucket(this->st(), "requests:app", 3, 1, RateUse::take);
  EXPECT_FALSE(b.allowed) << "the fourth of 3 a minute";
  EXPECT_NEAR(b.tokens, 0.0, 0.01) << "a refusal takes nothing";
  EXPECT_FALSE(store::use_rate_bucket(this->st(), "requests:app", 3, 1, RateUse::check).allowed);
  EXPECT_TRUE(store::use_rate_bucket(this->st(), "requests:bot", 3, 1, RateUse::take).allowed) << "another key's bucket";
  EXPECT_FALSE(store::use_rate_bucket(this->st(), "requests:bot", 3, 5, RateUse::take).allowed) << "more than it holds";

  // Tokens: a check takes nothing; a spend goes into debt, and the key then waits.
  EXPECT_TRUE(store::use_rate_bucket(this->st(), "tokens:app", 1000, 1, RateUse::check).allowed);
  b = store::use_rate_bucket(this->st(), "tokens:app", 1000, 1500, RateUse::spend);
  EXPECT_TRUE(b.allowed);
  EXPECT_NEAR(b.tokens, -500.0, 1.0);
  b = store::use_rate_bucket(this->st(), "tokens:app", 1000, 1, RateUse::check);
  EXPECT_FALSE(b.allowed) << "in debt";
  EXPECT_LT(b.tokens, 0.0);

  const auth::RateDecision d = auth::rate_decision(b.tokens, 1000, 1000, b.allowed, 1.0);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.remaining, 0);
  EXPECT_GE(d.retry_after_seconds, 29) << "501 tokens at 1000 a minute";
  EXPECT_LE(d.retry_after_seconds, 31);
}

// MCP sessions kept in the store (store/mcp_sessions.h): found by the key that opened it while
// used within the idle time, their last use moved on; another key's or an expired one is not
// found; ended once; stale ones go when a session is saved.
TYPED_TEST(StoreBackendTest, McpSessionsAreFoundByTheirKeyUntilTheyExpireOrEnd) {
  store::save_mcp_session(this->st(), "s1", "app", 1, "2026-11-29T10:00:00Z", "2026-11-29T09:30:00Z");
  store::save_mcp_session(this->st(), "s2", "", 0, "2026-11-29T10:00:00Z", "2026-11-29T09:30:00Z");
  EXPECT_EQ(store::use_mcp_session(this->st(), "s1", "app", "2026-11-29T10:20:00Z", "2026-11-29T09:50:00Z"),
            std::optional<int>(1));
  EXPECT_FALSE(store::use_mcp_session(this->st(), "s1", "bot", "2026-11-29T10:20:00Z", "2026-11-29T09:50:00Z"))
      << "another key's session";
  EXPECT_FALSE(store::use_mcp_session(this->st(), "nope", "app", "2026-11-29T10:20:00Z", "2026-11-29T09:50:00Z"));
  // s1 was used at 10:20: alive at 10:45 with a 30-minute idle time; s2 (10:00) is not.
  EXPECT_EQ(store::use_mcp_session(this->st(), "s1", "app", "2026-11-29T10:45:00Z", "2026-11-29T10:15:00Z"),
            std::optional<int>(1));
  EXPECT_FALSE(store::use_mcp_session(this->st(), "s2", "", "2026-11-29T10:45:00Z", "2026-11-29T10:15:00Z")) << "expired";
  // A save by another key never takes a session over.
  store::save_mcp_session(this->st(), "s1", "bot", 3, "2026-11-29T10:46:00Z", "2026-11-29T10:16:00Z");
  EXPECT_FALSE(store::use_mcp_session(this->st(), "s1", "bot", "2026-11-29T10:47:00Z", "2026-11-29T10:17:00Z"));
  EXPECT_EQ(store::use_mcp_session(this->st(), "s1", "app", "2026-11-29T10:47:00Z", "2026-11-29T10:17:00Z"),
            std::optional<int>(1));
  EXPECT_FALSE(store::end_mcp_session(this->st(), "s1", "bot"));
  EXPECT_TRUE(store::end_mcp_session(this->st(), "s1", "app"));
  EXPECT_FALSE(store::end_mcp_session(this->st(), "s1", "app")) << "ended once";
  EXPECT_FALSE(store::use_mcp_session(this->st(), "s1", "app", "2026-11-29T10:48:00Z", "2026-11-29T10:18:00Z"));
  EXPECT_FALSE(store::end_mcp_session(this->st(), "s2", "")) << "the stale one went with the last save";
}

// A key's asks are recorded under its own principal: another key (or the same name with another
// secret) neither continues its conversation nor gets its cached answers.
TYPED_TEST(StoreBackendTest, AKeysConversationsAreItsOwn) {
  auth::Key a;
  a.name = "app";
  auth::Key b;
  b.name = "bot";
  const std::string secret_a = auth::new_secret(), secret_b = auth::new_secret();
  store::AskRecord r;
  r.call.collection = "docs";
  r.call.question = "q";
  r.call.answer = "an answer";
  r.call.provider = "none";
  r.new_conversation = true;
  r.cache_key = "k";
  r.cache_value = store::CachedAnswer{"an answer", "m", "stop", 1, 1};
  store::AskStore as_a(this->st(), auth::principal_of(a, secret_a));
  const store::AskStore::Written w = as_a.write(r);
  ASSERT_TRUE(w.conversation_id);
  ASSERT_TRUE(as_a.conversation(*w.conversation_id));
  EXPECT_TRUE(as_a.conversation(*w.conversation_id)->verified);
  EXPECT_TRUE(as_a.cached_answer("k"));

  store::AskStore as_b(this->st(), auth::principal_of(b, secret_b));
  EXPECT_FALSE(as_b.conversation(*w.conversation_id));
  EXPECT_FALSE(as_b.cached_answer("k"));
  EXPECT_TRUE(as_b.calls(0).empty()) << "another key's log is not this key's, even under the same role";
  EXPECT_FALSE(as_b.call(w.call_id));
  ASSERT_EQ(as_a.calls(0).size(), 1u);
  EXPECT_TRUE(as_a.call(w.call_id));
  store::AskStore a_elsewhere(this->st(), auth::principal_of(a, secret_b));
  const std::optional<store::Conversation> c = a_elsewhere.conversation(*w.conversation_id);
  EXPECT_TRUE(!c || !c->verified) << "the name alone does not vouch for a conversation";
  EXPECT_FALSE(a_elsewhere.cached_answer("k"));
}

TYPED_TEST(StoreBackendTest, TheDerivedFolderIsTheBackendsAnswer) {
  const store::DerivedFolder f = store::derived_folder(this->st(), "store-id");
  if (TypeParam::kind == store::StoreKind::sqlite) {
    EXPECT_EQ(f.path, this->path_ + ".vectors");
    EXPECT_FALSE(f.private_to_user);
  } else {
    EXPECT_EQ(f.path, "") << "no cache folder was given";
    EXPECT_TRUE(f.private_to_user);
  }
}

}  // namespace
}  // namespace strata::store_backend_test
