// What ingest stores, read and removed through the store's API: the catalog (collections,
// documents, chunks), removal all-or-none with the FTS index following, collection removal
// cascading, and the DocumentWriter's promises (one transaction per replacement, unchanged
// touches nothing, --prune's path ranges).
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "ingest/chunk_settings.h"
#include "ingest/ingest.h"
#include "store/catalog.h"
#include "store/collections.h"
#include "store/document_writer.h"
#include "store/store.h"
#include "test_util.h"

namespace strata {
namespace {

namespace fs = std::filesystem;
using strata::testing::error_of;
using strata::testing::query_one;
using strata::testing::TempDir;
using strata::testing::write_file;

std::int64_t count_in(const std::string& db, const std::string& sql) { return std::stoll(query_one(db, sql)); }

struct Quiet : ingest::IngestObserver {};

void expect_consistent(const std::string& db_path) {
  SQLite::Database db(db_path, SQLite::OPEN_READWRITE);
  EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");
  SQLite::Statement fk(db, "PRAGMA foreign_key_check");
  EXPECT_FALSE(fk.executeStep());
  EXPECT_NO_THROW(db.exec("INSERT INTO chunks_fts(chunks_fts, rank) VALUES('integrity-check', 1)"));
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM chunks WHERE document_id NOT IN (SELECT id FROM documents)").getInt64(), 0);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM chunks_fts_docsize").getInt64(),
            db.execAndGet("SELECT count(*) FROM chunks").getInt64());
}

// Restores the working directory at the end of a test (the pipeline names files by it).
class WorkingDirectory {
 public:
  explicit WorkingDirectory(const fs::path& dir) : saved_(fs::current_path()) { fs::current_path(dir); }
  ~WorkingDirectory() {
    std::error_code ec;
    fs::current_path(saved_, ec);
  }
  WorkingDirectory(const WorkingDirectory&) = delete;
  WorkingDirectory& operator=(const WorkingDirectory&) = delete;

 private:
  fs::path saved_;
};

class IngestStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Files lie outside the working directory: their source ids are their absolute paths.
    fs::create_directories(tmp_.path() / "cwd");
    cwd_.emplace(tmp_.path() / "cwd");
    store_ = tmp_ / "store.db";
    docs_ = tmp_ / "docs";
    write_file(docs_ + "/a.md", "# A\n\nApples are the first document, about aardvarks.\n");
    write_file(docs_ + "/b.txt", std::string(450, 'b') + "\nbumblebee\n");
    write_file(docs_ + "/c.txt", "Cassowary is the third document.\n");
    ingest_into("main", 100);
    ingest_into("other", 1000);
  }

  ingest::IngestSummary ingest_into(const std::string& collection, std::size_t size) {
    ingest::IngestRequest r;
    r.paths = {docs_};
    r.store_path = store_;
    r.collection = collection;
    r.chunk.size = size;
    r.threads = 1;
    Quiet quiet;
    return ingest::ingest(r, quiet);
  }

  std::string src(const std::string& name) const { return docs_ + "/" + name; }
  std::int64_t n(const std::string& sql) const { return count_in(store_, sql); }
  std::int64_t fts_rows() const { return n("SELECT count(*) FROM chunks_fts_docsize"); }

  TempDir tmp_;
  std::optional<WorkingDirectory> cwd_;
  std::string store_, docs_;
};

TEST_F(IngestStoreTest, CollectionsListTheirCountsAndChunking) {
  store::Store s = store::Store::open_existing(store_);
  const std::vector<store::CollectionInfo> all = store::list_collections(s);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "main");
  EXPECT_EQ(all[1].name, "other");
  EXPECT_EQ(all[0].documents, 3);
  EXPECT_EQ(all[0].chunks, n("SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id"
                             " JOIN collections k ON k.id = d.collection_id WHERE k.name = 'main'"));
  EXPECT_GT(all[0].chunks, all[1].chunks) << "main is cut at 100 chars, other at 1000";
  EXPECT_EQ(all[0].bytes, static_cast<std::int64_t>(fs::file_size(src("a.md")) + fs::file_size(src("b.txt")) +
                                                    fs::file_size(src("c.txt"))));
  EXPECT_EQ(ingest::from_json(all[0].chunk_config).size, 100u);
  EXPECT_NE(all[0].last_ingested_at, "");
  const std::optional<store::CollectionInfo> other = store::find_collection(s, "other");
  ASSERT_TRUE(other);
  EXPECT_EQ(ingest::from_json(other->chunk_config).size, 1000u);
  EXPECT_FALSE(store::find_collection(s, "nope"));
}

TEST_F(IngestStoreTest, DocumentsAndChunksReadBackInOrder) {
  store::Store s = store::Store::open_existing(store_);
  std::vector<store::DocumentSummary> docs;
  store::for_each_document(s, "main", [&](const store::DocumentSummary& d) { docs.push_back(d); });
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[0].source, src("a.md"));
  EXPECT_EQ(docs[1].source, src("b.txt"));
  EXPECT_EQ(docs[0].loader, "markdown");
  EXPECT_EQ(docs[1].size_bytes, 461);
  EXPECT_EQ(docs[1].char_count, 461);
  const store::DocumentSummary b = store::get_document(s, "main", src("b.txt"));
  EXPECT_EQ(b.id, docs[1].id);
  std::vector<store::ChunkView> chunks;
  store::for_each_chunk(s, b.id, [&](const store::ChunkView& c) { chunks.push_back(c); });
  ASSERT_EQ(static_cast<std::int64_t>(chunks.size()), b.chunk_count);
  ASSERT_GE(chunks.size(), 5u);
  std::string joined;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    EXPECT_EQ(chunks[i].ordinal, static_cast<std::int64_t>(i));
    EXPECT_EQ(ingest::from_json(chunks[i].config_json).size, 100u);
    EXPECT_LE(chunks[i].end_byte - chunks[i].start_byte, 100);
    joined += chunks[i].text;
  }
  EXPECT_NE(joined.find("bumblebee"), std::string::npos);
  EXPECT_EQ(error_of([&] { store::get_document(s, "main", "missing.txt"); }).code(), ExitCode::invalid_input);
  EXPECT_EQ(error_of([&] { store::for_each_document(s, "nope", [](const store::DocumentSummary&) {}); }).code(),
            ExitCode::invalid_input);
}

TEST_F(IngestStoreTest, RemoveDocumentsIsAllOrNone) {
  const std::int64_t docs = n("SELECT count(*) FROM documents");
  const std::int64_t chunks = n("SELECT count(*) FROM chunks");
  {
    store::Store s = store::Store::open_existing(store_);
    const Error e = error_of([&] { store::remove_documents(s, "main", {src("a.md"), "missing.txt", src("c.txt")}); });
    EXPECT_EQ(e.code(), ExitCode::invalid_input);
    EXPECT_NE(std::string(e.what()).find("missing.txt"), std::string::npos) << e.what();
  }
  EXPECT_EQ(n("SELECT count(*) FROM documents"), docs) << "a.md was not removed on its own";
  EXPECT_EQ(n("SELECT count(*) FROM chunks"), chunks);

  const std::int64_t b_chunks = n("SELECT d.chunk_count FROM documents d JOIN collections k ON k.id = d.collection_id"
                                  " WHERE k.name = 'main' AND d.source = '" + src("b.txt") + "'");
  const std::int64_t a_chunks = n("SELECT d.chunk_count FROM documents d JOIN collections k ON k.id = d.collection_id"
                                  " WHERE k.name = 'main' AND d.source = '" + src("a.md") + "'");
  {
    store::Store s = store::Store::open_existing(store_);
    const std::vector<store::DocumentSummary> removed = store::remove_documents(s, "main", {src("a.md"), src("b.txt")});
    ASSERT_EQ(removed.size(), 2u);
    EXPECT_EQ(removed[0].source, src("a.md"));
    EXPECT_EQ(removed[1].chunk_count, b_chunks);
  }
  EXPECT_EQ(n("SELECT count(*) FROM documents"), docs - 2);
  EXPECT_EQ(n("SELECT count(*) FROM chunks"), chunks - a_chunks - b_chunks);
  EXPECT_EQ(fts_rows(), chunks - a_chunks - b_chunks);
  EXPECT_EQ(n("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH 'aardvarks'"), 1) << "the other collection's copy";
  expect_consistent(store_);
}

TEST_F(IngestStoreTest, RemoveCollectionCascades) {
  const std::int64_t other_chunks = n("SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id"
                                      " JOIN collections k ON k.id = d.collection_id WHERE k.name = 'other'");
  {
    store::Store s = store::Store::open_existing(store_);
    const store::CollectionInfo removed = store::remove_collection(s, "main");
    EXPECT_EQ(removed.name, "main");
    EXPECT_EQ(removed.documents, 3);
    EXPECT_EQ(error_of([&] { store::remove_collection(s, "main"); }).code(), ExitCode::invalid_input);
  }
  EXPECT_EQ(n("SELECT count(*) FROM collections"), 1);
  EXPECT_EQ(n("SELECT count(*) FROM documents"), 3);
  EXPECT_EQ(n("SELECT count(*) FROM chunks"), other_chunks);
  EXPECT_EQ(fts_rows(), other_chunks);
  EXPECT_EQ(n("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH 'bumblebee'"), 1);
  expect_consistent(store_);

  // The name is free again, and a new ingest records its own configuration.
  const ingest::IngestSummary again = ingest_into("main", 300);
  EXPECT_EQ(again.added, 3u);
  EXPECT_EQ(ingest::from_json(query_one(store_, "SELECT chunk_config FROM collections WHERE name = 'main'")).size, 300u);
}

TEST_F(IngestStoreTest, ReadingCommandsNeverCreateAStore) {
  const std::string missing = tmp_ / "missing/store.db";
  EXPECT_EQ(error_of([&] { store::Store::open_existing(missing); }).code(), ExitCode::unavailable);
  EXPECT_FALSE(fs::exists(tmp_ / "missing"));
}

// --- DocumentWriter ------------------------------------------------------------------------

store::DocumentRecord record(const std::string& source, const std::string& text, const std::string& path = "") {
  store::DocumentRecord d;
  d.source = source;
  if (!path.empty()) d.path = path;
  d.title = source;
  d.content_hash = "hash-of-" + text;
  d.size_bytes = static_cast<std::int64_t>(text.size());
  d.loader = "text";
  d.encoding = "utf-8";
  d.text = text;
  d.char_count = static_cast<std::int64_t>(text.size());
  // Two chunks: the halves.
  const std::int64_t half = d.size_bytes / 2;
  for (const auto& [from, to] : {std::pair<std::int64_t, std::int64_t>{0, half}, {half, d.size_bytes}}) {
    store::ChunkRecord c;
    c.start_byte = c.char_start = from;
    c.end_byte = c.char_end = to;
    c.line_start = c.line_end = 1;
    c.tokens = 1;
    c.headings_json = "[]";
    d.chunks.push_back(c);
  }
  return d;
}

class IngestWriterTest : public ::testing::Test {
 protected:
  std::int64_t n(const std::string& sql) const { return count_in(path_, sql); }
  TempDir tmp_;
  std::string path_ = tmp_ / "w.db";
  std::string config_ = ingest::to_json(ingest::ChunkSettings{});
};

TEST_F(IngestWriterTest, PutDecidesAddedUnchangedMetadataAndChanged) {
  store::Store s = store::Store::open(path_);
  store::DocumentWriter w(s, "c", config_, true);
  EXPECT_FALSE(w.find("x"));
  w.begin();
  EXPECT_EQ(w.put(record("x", "first version"), false), store::PutResult::added);
  w.commit();
  const std::string ids = query_one(path_, "SELECT group_concat(id) FROM chunks");
  const std::optional<store::StoredDocument> stored = w.find("x");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->content_hash, "hash-of-first version");
  EXPECT_EQ(stored->config_id, w.known_config_id());

  w.begin();
  EXPECT_EQ(w.put(record("x", "first version"), false), store::PutResult::unchanged);
  store::DocumentRecord meta = record("x", "first version");
  meta.metadata_json = R"({"k":"v"})";
  EXPECT_EQ(w.put(meta, false), store::PutResult::metadata_only);
  w.commit();
  EXPECT_EQ(query_one(path_, "SELECT group_concat(id) FROM chunks"), ids);
  EXPECT_EQ(query_one(path_, "SELECT metadata FROM documents"), R"({"k":"v"})");

  w.begin();
  EXPECT_EQ(w.put(record("x", "second version!"), false), store::PutResult::changed);
  w.commit();
  EXPECT_EQ(query_one(path_, "SELECT group_concat(text, '|') FROM (SELECT text FROM chunks ORDER BY ordinal)"), "second |version!");
  EXPECT_EQ(n("SELECT count(*) FROM documents"), 1);
  EXPECT_EQ(n("SELECT chunk_count FROM documents"), 2);

  w.begin();
  EXPECT_EQ(w.put(record("x", "second version!"), true), store::PutResult::changed) << "force re-writes the chunks";
  w.commit();
  expect_consistent(path_);
}

// The same bytes made into text by another loader, or by another version of the same loader,
// are another document: written again, with the version recorded.
TEST_F(IngestWriterTest, PutRewritesTheSameBytesReadByAnotherLoaderOrVersion) {
  store::Store s = store::Store::open(path_);
  store::DocumentWriter w(s, "c", config_, true);
  store::DocumentRecord r = record("x", "same bytes");
  r.loader = "html";
  r.loader_version = 1;
  w.begin();
  EXPECT_EQ(w.put(r, false), store::PutResult::added);
  EXPECT_EQ(w.put(r, false), store::PutResult::unchanged);
  r.loader_version = 2;
  EXPECT_EQ(w.put(r, false), store::PutResult::changed);
  w.commit();
  EXPECT_EQ(query_one(path_, "SELECT loader || ' ' || loader_version FROM documents"), "html 2");
  const std::optional<store::StoredDocument> stored = w.find("x");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->loader, "html");
  EXPECT_EQ(stored->loader_version, 2);
  w.begin();
  r.loader = "text";
  r.loader_version = 1;
  EXPECT_EQ(w.put(r, false), store::PutResult::changed);
  w.commit();
  EXPECT_EQ(query_one(path_, "SELECT loader || ' ' || loader_version FROM documents"), "text 1");
  expect_consistent(path_);
}

// A replacement is one transaction: another connection sees the old chunks until the commit,
// and a writer destroyed before its commit leaves the old document whole.
TEST_F(IngestWriterTest, ReplacementIsAtomic) {
  store::Store s = store::Store::open(path_);
  {
    store::DocumentWriter w(s, "c", config_, true);
    w.begin();
    w.put(record("x", "old text here"), false);
    w.commit();
  }
  {
    store::DocumentWriter w(s, "c", config_, false);
    w.begin();
    EXPECT_EQ(w.put(record("x", "new text, longer"), false), store::PutResult::changed);
    EXPECT_EQ(query_one(path_, "SELECT group_concat(text, '|') FROM (SELECT text FROM chunks ORDER BY ordinal)"), "old te|xt here")
        << "a reader sees the old chunks during the transaction";
    EXPECT_EQ(query_one(path_, "SELECT content_hash FROM documents"), "hash-of-old text here");
    // No commit: the destructor rolls back.
  }
  EXPECT_EQ(query_one(path_, "SELECT group_concat(text, '|') FROM (SELECT text FROM chunks ORDER BY ordinal)"), "old te|xt here");
  EXPECT_EQ(query_one(path_, "SELECT content_hash FROM documents"), "hash-of-old text here");
  expect_consistent(path_);
}

TEST_F(IngestWriterTest, FilesUnderAFolderMatchWholeSourceComponentsOnly) {
  store::Store s = store::Store::open(path_);
  store::DocumentWriter w(s, "c", config_, true);
  w.begin();
  for (const std::string p : {"docs", "docs/a.md", "docs/sub/b.md", "docs2/c.md", "docs-x/d.md", "docs.md", "doc"}) {
    w.put(record(p, "text of " + p, "/r/" + p), false);
  }
  w.put(record("/elsewhere/e.md", "outside the root", "/elsewhere/e.md"), false);
  w.put(record("docs/stdin", "no path"), false);
  w.commit();
  const auto sources = [&](const std::string& folder) {
    std::vector<std::string> out;
    for (const store::StoredDocument& d : w.files_under(folder)) out.push_back(d.source);
    return out;
  };
  EXPECT_EQ(sources("docs"), (std::vector<std::string>{"docs", "docs/a.md", "docs/sub/b.md"}))
      << "a document without a file (stdin, JSONL) is never a file under a folder";
  EXPECT_EQ(sources("docs/"), (std::vector<std::string>{"docs/a.md", "docs/sub/b.md"}));
  EXPECT_EQ(sources("").size(), 7u) << "the project root: every relative source";
  EXPECT_EQ(sources("/elsewhere"), (std::vector<std::string>{"/elsewhere/e.md"}));
  w.begin();
  w.remove(w.find("docs/a.md")->id);
  w.commit();
  EXPECT_EQ(n("SELECT count(*) FROM documents"), 8);
  EXPECT_EQ(n("SELECT count(*) FROM chunks"), 16);
  expect_consistent(path_);
}

TEST_F(IngestWriterTest, DocumentsNamedApartFromTheirPathBelowTheRoot) {
  store::Store s = store::Store::open(path_);
  store::DocumentWriter w(s, "c", config_, true);
  EXPECT_TRUE(w.documents_named_apart("/p").empty()) << "no collection yet";
  w.begin();
  w.put(record("docs/a.md", "right", "/p/docs/a.md"), false);
  w.put(record("a.md", "from docs/", "/p/docs/a.md"), false);
  w.put(record("/p/docs/a.md", "by absolute path", "/p/docs/a.md"), false);
  w.put(record("b.md", "from docs/ too", "/p/docs/b.md"), false);
  w.put(record("caf\xC3\xA9.md", "non-ASCII", "/p/caf\xC3\xA9.md"), false);
  w.put(record("q.md", "outside the root", "/q/q.md"), false);
  w.put(record("/p2/x.md", "a sibling folder", "/p2/x.md"), false);
  w.put(record("stdin", "no path"), false);
  w.commit();
  std::vector<std::string> apart;
  for (const store::MisnamedDocument& d : w.documents_named_apart("/p")) apart.push_back(d.source + " " + d.path);
  EXPECT_EQ(apart, (std::vector<std::string>{"/p/docs/a.md /p/docs/a.md", "a.md /p/docs/a.md", "b.md /p/docs/b.md"}))
      << "by path, the most recent first within one; byte comparison holds for non-ASCII paths";
  w.begin();
  w.rename(w.find("b.md")->id, "docs/b.md");
  w.commit();
  EXPECT_TRUE(w.find("docs/b.md"));
  EXPECT_EQ(w.documents_named_apart("/p").size(), 2u);
  EXPECT_EQ(n("SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.source = 'docs/b.md'"), 2)
      << "a renamed document keeps its chunks";
  expect_consistent(path_);
}

TEST_F(IngestWriterTest, CollectionsAreSeparateForTheWriter) {
  store::Store s = store::Store::open(path_);
  store::DocumentWriter a(s, "a", config_, true);
  store::DocumentWriter b(s, "b", config_, true);
  a.begin();
  a.put(record("same", "text a"), false);
  a.commit();
  EXPECT_FALSE(b.find("same"));
  b.begin();
  EXPECT_EQ(b.put(record("same", "text b"), false), store::PutResult::added);
  b.commit();
  EXPECT_EQ(a.find("same")->content_hash, "hash-of-text a");
  EXPECT_EQ(b.find("same")->content_hash, "hash-of-text b");
}

}  // namespace
}  // namespace strata
