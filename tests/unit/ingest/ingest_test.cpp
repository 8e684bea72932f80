// strata ingest through the core API: a first run's rows (ranges that slice the loaded text,
// tokens, headings, configuration), the FTS index in step, incremental runs (unchanged,
// changed content, mtime only, metadata only, --rechunk), --prune, --dry-run, failing and
// skipped files, Windows-1252, JSONL, stdin and separate collections.
#include "ingest/ingest.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/sha256.h"
#include "common/text.h"
#include "ingest/loader.h"
#include "test_util.h"
#include "setting_flags.h"

namespace strata::ingest {
namespace {

namespace fs = std::filesystem;
using strata::testing::error_of;
using strata::testing::query_one;
using strata::testing::read_file;
using strata::testing::TempDir;
using strata::testing::write_file;
using Row = std::vector<std::string>;

// Every document event of a run, in order.
struct Recorder : IngestObserver {
  std::vector<DocumentEvent> events;
  void document(const DocumentEvent& e) override { events.push_back(e); }

  std::optional<DocumentEvent> of(const std::string& source) const {
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
      if (it->source == source) return *it;
    }
    return std::nullopt;
  }
};

// All rows of `sql`, each column as text ("NULL" for null).
std::vector<Row> rows(const std::string& db_path, const std::string& sql) {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  SQLite::Statement q(db, sql);
  std::vector<Row> out;
  while (q.executeStep()) {
    Row row;
    for (int i = 0; i < q.getColumnCount(); ++i) {
      row.push_back(q.getColumn(i).isNull() ? "NULL" : q.getColumn(i).getString());
    }
    out.push_back(std::move(row));
  }
  return out;
}

std::int64_t count(const std::string& db_path, const std::string& sql) { return std::stoll(query_one(db_path, sql)); }

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// The invariants every store must keep, whatever happened to it: SQLite's and FTS5's own
// checks (the rank form also compares the index with the chunks table), no orphans, the FTS
// index holding one row per chunk, and each document's chunk_count equal to its rows.
void expect_consistent(const std::string& db_path) {
  SQLite::Database db(db_path, SQLite::OPEN_READWRITE);
  EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");
  SQLite::Statement fk(db, "PRAGMA foreign_key_check");
  EXPECT_FALSE(fk.executeStep()) << "foreign_key_check reports a row of " << fk.getColumn(0).getString();
  EXPECT_NO_THROW(db.exec("INSERT INTO chunks_fts(chunks_fts) VALUES('integrity-check')"));
  EXPECT_NO_THROW(db.exec("INSERT INTO chunks_fts(chunks_fts, rank) VALUES('integrity-check', 1)"));
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM chunks WHERE document_id NOT IN (SELECT id FROM documents)").getInt64(), 0);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM documents WHERE collection_id NOT IN (SELECT id FROM collections)")
                .getInt64(),
            0);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM chunks_fts_docsize").getInt64(),
            db.execAndGet("SELECT count(*) FROM chunks").getInt64());
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM documents d WHERE d.chunk_count <>"
                          " (SELECT count(*) FROM chunks c WHERE c.document_id = d.id)")
                .getInt64(),
            0);
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

const char* const k_guide_md =
    "# Guide\n"
    "\n"
    "Strata keeps documents in one SQLite file. This guide explains how to ingest a folder of notes\n"
    "and how the store decides what changed since the last run.\n"
    "\n"
    "## Install\n"
    "\n"
    "Copy the binary anywhere on your PATH. Nothing else is needed: the schema ships inside it and\n"
    "every store upgrades itself when it is opened by a newer binary.\n"
    "\n"
    "## Usage\n"
    "\n"
    "Run strata ingest with a folder. Run it again: only the files whose content changed are read\n"
    "again, chunked again and written again, each inside a transaction of its own.\n";

const char* const k_notes_txt =
    "Zebrafish notes, first line.\n"
    "Caf\xC3\xA9 na\xC3\xAFve r\xC3\xA9sum\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E text with code points above one byte.\n"
    "A third line that is long enough to make the recursive splitter cut the text into pieces of\n"
    "two hundred characters or fewer, so that the ranges are tested on more than one chunk here.\n"
    "Last line.\n";

const char* const k_page_html =
    "<!doctype html><html><head><title>The Page</title><style>body { color: red }</style>"
    "<script>var secret = 'scriptword';</script></head>"
    "<body><h1>Heading One</h1><p>Paragraph with &amp; an entity and the word quokka.</p></body></html>";

const char* const k_code_py = "def main():\n    print('hello from python')\n";

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(tmp_.path() / "cwd");
    // Files lie outside the working directory: their source ids are their absolute paths.
    cwd_.emplace(tmp_.path() / "cwd");
    docs_ = tmp_ / "docs";
    store_ = tmp_ / "store.db";
    write_file(doc("guide.md"), k_guide_md);
    write_file(doc("notes.txt"), k_notes_txt);
    write_file(doc("page.html"), k_page_html);
    write_file(doc("sub/code.py"), k_code_py);
  }

  std::string doc(const std::string& name) const { return docs_ + "/" + name; }

  IngestRequest request(std::vector<std::string> paths = {}) const {
    IngestRequest r;
    r.paths = paths.empty() ? std::vector<std::string>{docs_} : std::move(paths);
    r.store_path = store_;
    r.threads = 2;
    r.chunk.size = 200;
    return r;
  }

  IngestSummary run(const IngestRequest& r) {
    recorder_.events.clear();
    return ingest(r, recorder_);
  }

  std::int64_t n(const std::string& sql) const { return count(store_, sql); }

  std::string doc_field(const std::string& source, const std::string& column) const {
    return query_one(store_, "SELECT " + column + " FROM documents WHERE source = " + quoted(source));
  }

  std::vector<Row> chunk_ids(const std::string& source) const {
    return rows(store_, "SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.source = " +
                            quoted(source) + " ORDER BY c.ordinal");
  }

  // Every document with its ingested_at and chunk ids: equal snapshots mean nothing was touched.
  std::vector<Row> snapshot() const {
    return rows(store_,
                "SELECT d.id, d.source, d.ingested_at, d.content_hash, d.metadata, d.mtime_ns, d.chunk_count,"
                " (SELECT group_concat(c.id || ':' || c.config_id, ',') FROM chunks c WHERE c.document_id = d.id)"
                " FROM documents d ORDER BY d.source");
  }

  TempDir tmp_;
  std::optional<WorkingDirectory> cwd_;
  std::string docs_, store_;
  Recorder recorder_;
};

// --- the first run -------------------------------------------------------------------------

TEST_F(IngestTest, FirstRunStoresEveryFileAndItsChunks) {
  const IngestSummary s = run(request());
  EXPECT_EQ(s.added, 4u);
  EXPECT_EQ(s.changed + s.unchanged + s.removed + s.failed + s.skipped, 0u);
  EXPECT_FALSE(s.dry_run);
  EXPECT_EQ(s.collection, "default");
  EXPECT_EQ(s.settings.size, 200u);
  EXPECT_GT(s.chunks, 4u);
  EXPECT_EQ(static_cast<std::int64_t>(s.chunks), n("SELECT count(*) FROM chunks"));
  EXPECT_EQ(s.bytes, std::string(k_guide_md).size() + std::string(k_notes_txt).size() + std::string(k_page_html).size() +
                         std::string(k_code_py).size());
  EXPECT_EQ(n("SELECT count(*) FROM documents"), 4);
  for (const std::string name : {"guide.md", "notes.txt", "page.html", "sub/code.py"}) {
    const std::optional<DocumentEvent> e = recorder_.of(doc(name));
    ASSERT_TRUE(e) << name;
    EXPECT_EQ(e->action, Action::added);
    EXPECT_EQ(doc_field(doc(name), "path"), doc(name)) << "absolute path recorded";
  }
  EXPECT_EQ(doc_field(doc("guide.md"), "loader"), "markdown");
  EXPECT_EQ(doc_field(doc("notes.txt"), "loader"), "text");
  EXPECT_EQ(doc_field(doc("page.html"), "loader"), "html");
  EXPECT_EQ(doc_field(doc("sub/code.py"), "loader"), "code");
  EXPECT_EQ(doc_field(doc("page.html"), "title"), "The Page");
  EXPECT_EQ(doc_field(doc("notes.txt"), "title"), "notes.txt") << "no title found: the file name";
  expect_consistent(store_);
}

TEST_F(IngestTest, DocumentRowsRecordHashSizeMtimeAndEncoding) {
  run(request());
  for (const std::string name : {"guide.md", "notes.txt", "page.html", "sub/code.py"}) {
    const std::string bytes = read_file(doc(name));
    EXPECT_EQ(doc_field(doc(name), "content_hash"), sha256_hex(bytes)) << name;
    EXPECT_EQ(doc_field(doc(name), "size_bytes"), std::to_string(bytes.size())) << name;
    EXPECT_EQ(doc_field(doc(name), "encoding"), "utf-8") << name;
    struct stat st {};
    ASSERT_EQ(::stat(doc(name).c_str(), &st), 0);
    const std::int64_t ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    EXPECT_EQ(doc_field(doc(name), "mtime_ns"), std::to_string(ns)) << name;
    EXPECT_NE(doc_field(doc(name), "mtime"), "") << name;
    EXPECT_EQ(doc_field(doc(name), "metadata"), "{}") << name;
  }
}

// Each chunk is a range of the text the loader produced: bytes, code points and lines agree
// with a naive recomputation, ordinals are 0..n-1, and every chunk has tokens.
TEST_F(IngestTest, ChunkRangesSliceTheLoadedTextExactly) {
  run(request());
  for (const std::string name : {"guide.md", "notes.txt", "page.html", "sub/code.py"}) {
    SCOPED_TRACE(name);
    const std::string bytes = read_file(doc(name));
    const LoadResult loaded = load_document(bytes, fs::path(name).filename().string());
    ASSERT_TRUE(loaded.document);
    const std::string& text = loaded.document->text;
    EXPECT_EQ(doc_field(doc(name), "char_count"),
              std::to_string(std::count_if(text.begin(), text.end(),
                                           [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; })));
    const std::vector<Row> chunks = rows(
        store_,
        "SELECT c.ordinal, c.text, c.start_byte, c.end_byte, c.char_start, c.char_end, c.line_start, c.line_end,"
        " c.token_count FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.source = " +
            quoted(doc(name)) + " ORDER BY c.ordinal");
    ASSERT_FALSE(chunks.empty());
    EXPECT_EQ(doc_field(doc(name), "chunk_count"), std::to_string(chunks.size()));
    for (std::size_t i = 0; i < chunks.size(); ++i) {
      const Row& c = chunks[i];
      const std::size_t start = std::stoul(c[2]), end = std::stoul(c[3]);
      ASSERT_LE(start, end);
      ASSERT_LE(end, text.size());
      EXPECT_EQ(c[0], std::to_string(i));
      EXPECT_EQ(c[1], text.substr(start, end - start));
      const auto code_points = [&](std::size_t upto) {
        return std::to_string(std::count_if(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(upto),
                                            [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
      };
      const auto line_of = [&](std::size_t at) {
        return std::to_string(1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
      };
      EXPECT_EQ(c[4], code_points(start));
      EXPECT_EQ(c[5], code_points(end));
      if (name == "page.html") {
        // Lines cite the file, and the whole page is its first line.
        EXPECT_EQ(c[6], "1");
        EXPECT_EQ(c[7], "1");
      } else {
        EXPECT_EQ(c[6], line_of(start));
        EXPECT_EQ(c[7], line_of(end - 1));
      }
      EXPECT_GT(std::stoll(c[8]), 0);
    }
  }
  // Byte and code-point ranges differ where the text has multi-byte characters.
  EXPECT_GT(n("SELECT count(*) FROM chunks WHERE end_byte - start_byte > char_end - char_start"), 0);
}

TEST_F(IngestTest, MarkdownAndHtmlChunksCarryTheirHeadingPath) {
  run(request());
  const std::vector<Row> md = rows(store_, "SELECT c.headings, c.text FROM chunks c JOIN documents d ON d.id = c.document_id"
                                           " WHERE d.source = " + quoted(doc("guide.md")) + " ORDER BY c.ordinal");
  bool saw_install = false;
  for (const Row& r : md) {
    const nlohmann::json h = nlohmann::json::parse(r[0]);
    ASSERT_TRUE(h.is_array()) << r[0];
    if (r[1].find("Copy the binary") != std::string::npos) {
      EXPECT_EQ(h, nlohmann::json::parse(R"(["Guide","Install"])"));
      saw_install = true;
    }
  }
  EXPECT_TRUE(saw_install);
  const std::string html = query_one(store_, "SELECT c.headings FROM chunks c JOIN documents d ON d.id = c.document_id"
                                             " WHERE d.source = " + quoted(doc("page.html")) +
                                             " AND c.text LIKE '%quokka%'");
  EXPECT_EQ(nlohmann::json::parse(html), nlohmann::json::parse(R"(["Heading One"])"));
  EXPECT_EQ(query_one(store_, "SELECT c.headings FROM chunks c JOIN documents d ON d.id = c.document_id"
                              " WHERE d.source = " + quoted(doc("sub/code.py"))),
            "[]");
}

TEST_F(IngestTest, HtmlIsStoredWithoutScriptsOrStylesAndWithEntitiesDecoded) {
  run(request());
  const std::string text = query_one(store_, "SELECT group_concat(c.text, '') FROM chunks c JOIN documents d"
                                             " ON d.id = c.document_id WHERE d.source = " + quoted(doc("page.html")));
  EXPECT_NE(text.find("quokka"), std::string::npos);
  EXPECT_NE(text.find("with & an entity"), std::string::npos) << text;
  EXPECT_EQ(text.find("scriptword"), std::string::npos) << text;
  EXPECT_EQ(text.find("color: red"), std::string::npos) << text;
}

TEST_F(IngestTest, ChunksAndCollectionRecordTheChunkConfiguration) {
  const IngestSummary s = run(request());
  const std::string config = to_json(s.settings);
  EXPECT_NE(config.find("\"size\":200"), std::string::npos) << config;
  EXPECT_EQ(query_one(store_, "SELECT chunk_config FROM collections WHERE name = 'default'"), config);
  const std::string id = query_one(store_, "SELECT id FROM chunk_configs WHERE config = " + quoted(config));
  ASSERT_NE(id, "");
  EXPECT_EQ(n("SELECT count(*) FROM chunks WHERE config_id IS NULL OR config_id <> " + id), 0);
  EXPECT_EQ(from_json(config), s.settings);
}

TEST_F(IngestTest, SourceIdsAreRelativeToTheWorkingDirectoryUnderIt) {
  const WorkingDirectory here(tmp_.path());
  IngestRequest r = request({"docs"});
  const IngestSummary s = run(r);
  EXPECT_EQ(s.added, 4u);
  EXPECT_EQ(doc_field("docs/sub/code.py", "path"), doc("sub/code.py"));
  EXPECT_EQ(n("SELECT count(*) FROM documents WHERE source LIKE '/%'"), 0);
}

// --- FTS -----------------------------------------------------------------------------------

TEST_F(IngestTest, FtsIndexIsInStepAndFindsTheRightChunk) {
  run(request());
  expect_consistent(store_);
  const std::vector<Row> hits = rows(store_, "SELECT d.source, c.text FROM chunks_fts f JOIN chunks c ON c.id = f.rowid"
                                             " JOIN documents d ON d.id = c.document_id WHERE chunks_fts MATCH 'zebrafish'");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0][0], doc("notes.txt"));
  EXPECT_NE(hits[0][1].find("Zebrafish"), std::string::npos);
  // remove_diacritics: "resume" finds "résumé".
  EXPECT_EQ(n("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH 'resume'"), 1);
}

// --- incremental runs ----------------------------------------------------------------------

TEST_F(IngestTest, UnchangedReingestTouchesNothing) {
  run(request());
  const std::vector<Row> before = snapshot();
  const std::string collection = query_one(store_, "SELECT chunk_config || created_at FROM collections");
  for (const bool checksum : {false, true}) {
    SCOPED_TRACE(checksum ? "--checksum" : "by stat");
    IngestRequest r = request();
    r.checksum = checksum;
    const IngestSummary s = run(r);
    EXPECT_EQ(s.unchanged, 4u);
    EXPECT_EQ(s.added + s.changed + s.removed + s.failed + s.skipped, 0u);
    EXPECT_EQ(s.chunks, 0u);
    EXPECT_EQ(recorder_.of(doc("guide.md")).value().action, Action::unchanged);
    EXPECT_EQ(snapshot(), before);
    EXPECT_EQ(query_one(store_, "SELECT chunk_config || created_at FROM collections"), collection);
  }
  // Options that equal the recorded ones are no change either.
  IngestRequest same = request();
  same.chunk.strategy = "auto";
  same.chunk.overlap = 0;
  const IngestSummary s = run(same);
  EXPECT_EQ(s.unchanged, 4u);
  EXPECT_TRUE(s.notes.empty());
  EXPECT_EQ(snapshot(), before);
}

// A store made by an older release keeps an unchanged file's old text (say, an HTML page with
// its navigation) only until the next ingest: the document's loader version is older than this
// release's, so the file is read again, by stat and by checksum alike, and then left alone.
TEST_F(IngestTest, UnchangedFileMadeByAnOlderLoaderIsReadAgain) {
  run(request());
  ASSERT_EQ(doc_field(doc("page.html"), "loader_version"), std::to_string(ingest::loader(LoaderKind::html).version));
  ASSERT_GT(ingest::loader(LoaderKind::html).version, 1);
  ASSERT_EQ(doc_field(doc("guide.md"), "loader_version"), "1");
  for (const bool checksum : {false, true}) {
    SCOPED_TRACE(checksum ? "--checksum" : "by stat");
    {
      SQLite::Database db(store_, SQLite::OPEN_READWRITE);
      db.exec("UPDATE chunks SET text = 'stale' WHERE document_id = (SELECT id FROM documents WHERE loader = 'html')");
      db.exec("UPDATE documents SET loader_version = 1");
    }
    IngestRequest r = request();
    r.checksum = checksum;
    const IngestSummary s = run(r);
    EXPECT_EQ(s.changed, 1u);
    EXPECT_EQ(s.unchanged, 3u) << "markdown, text and code are at version 1: nothing to read again";
    EXPECT_EQ(s.reread_by_loader, (std::map<std::string, std::size_t>{{"html", 1}}));
    ASSERT_EQ(s.notes.size(), 1u);
    EXPECT_EQ(s.notes[0], "read 1 unchanged file again (html 1): this version of strata reads it differently than "
                          "the one that stored it");
    const std::optional<DocumentEvent> e = recorder_.of(doc("page.html"));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->action, Action::changed);
    EXPECT_EQ(e->detail, "reader");
    EXPECT_EQ(doc_field(doc("page.html"), "loader_version"), std::to_string(ingest::loader(LoaderKind::html).version));
    EXPECT_EQ(count(store_, "SELECT count(*) FROM chunks WHERE text = 'stale'"), 0);
    expect_consistent(store_);

    const IngestSummary again = run(r);
    EXPECT_EQ(again.unchanged, 4u);
    EXPECT_TRUE(again.reread_by_loader.empty());
    EXPECT_TRUE(again.notes.empty());
  }
}

TEST_F(IngestTest, SameSizeChangedContentIsReplacedWithNewChunks) {
  run(request());
  // guide.md is written first (sorted order), so new chunk ids cannot reuse its old ones.
  const std::vector<Row> old_ids = chunk_ids(doc("guide.md"));
  const std::string old_ingested = doc_field(doc("notes.txt"), "ingested_at");
  const auto mtime = fs::last_write_time(doc("guide.md"));
  std::string changed = k_guide_md;
  changed.replace(changed.find("Strata keeps"), 12, "Strata holds");
  ASSERT_EQ(changed.size(), std::string(k_guide_md).size());
  write_file(doc("guide.md"), changed);
  fs::last_write_time(doc("guide.md"), mtime);  // size and mtime as before: only a hash tells

  // The stat shortcut trusts size and mtime, like git's index; --checksum reads every file.
  EXPECT_EQ(run(request()).unchanged, 4u);
  IngestRequest r = request();
  r.checksum = true;
  const IngestSummary s = run(r);
  EXPECT_EQ(s.changed, 1u);
  EXPECT_EQ(s.unchanged, 3u);
  const std::optional<DocumentEvent> e = recorder_.of(doc("guide.md"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->action, Action::changed);
  EXPECT_EQ(e->detail, "content");
  EXPECT_EQ(doc_field(doc("guide.md"), "content_hash"), sha256_hex(changed));
  const std::vector<Row> new_ids = chunk_ids(doc("guide.md"));
  ASSERT_FALSE(new_ids.empty());
  EXPECT_EQ(static_cast<std::uint64_t>(new_ids.size()), s.chunks);
  for (const Row& id : new_ids) EXPECT_EQ(std::find(old_ids.begin(), old_ids.end(), id), old_ids.end()) << id[0];
  EXPECT_EQ(n("SELECT count(*) FROM chunks WHERE text LIKE '%Strata keeps%'"), 0);
  EXPECT_EQ(n("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH 'holds'"), 1);
  EXPECT_EQ(n("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH 'keeps'"), 0);
  EXPECT_EQ(doc_field(doc("notes.txt"), "ingested_at"), old_ingested) << "the others are untouched";
  expect_consistent(store_);
}

TEST_F(IngestTest, ChangedContentWithNewMtimeIsFoundWithoutChecksum) {
  run(request());
  write_file(doc("notes.txt"), std::string(k_notes_txt) + "One more line about zebras.\n");
  fs::last_write_time(doc("notes.txt"), fs::last_write_time(doc("notes.txt")) + std::chrono::seconds(5));
  const IngestSummary s = run(request());
  EXPECT_EQ(s.changed, 1u);
  EXPECT_EQ(s.unchanged, 3u);
  EXPECT_EQ(recorder_.of(doc("notes.txt")).value().detail, "content");
  EXPECT_EQ(n("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH 'zebras'"), 1);
  expect_consistent(store_);
}

TEST_F(IngestTest, MtimeOnlyChangeIsUnchanged) {
  run(request());
  const std::vector<Row> before = snapshot();
  for (const std::string name : {"guide.md", "notes.txt"}) {
    fs::last_write_time(doc(name), fs::last_write_time(doc(name)) + std::chrono::hours(1));
  }
  const IngestSummary s = run(request());
  EXPECT_EQ(s.unchanged, 4u);
  EXPECT_EQ(s.changed, 0u);
  EXPECT_EQ(s.chunks, 0u);
  EXPECT_EQ(snapshot(), before) << "not even the recorded mtime is rewritten";
}

TEST_F(IngestTest, MetaChangeUpdatesMetadataOnly) {
  IngestRequest r = request();
  r.meta = {"team=docs", "lang=en"};
  run(r);
  EXPECT_EQ(doc_field(doc("guide.md"), "metadata"), R"({"lang":"en","team":"docs"})");
  const std::vector<Row> ids = chunk_ids(doc("guide.md"));

  EXPECT_EQ(run(r).unchanged, 4u) << "same --meta again: nothing changed";
  r.meta = {"team=legal", "lang=en"};
  const IngestSummary s = run(r);
  EXPECT_EQ(s.changed, 4u);
  EXPECT_EQ(s.chunks, 0u);
  const std::optional<DocumentEvent> e = recorder_.of(doc("guide.md"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->action, Action::changed);
  EXPECT_EQ(e->detail, "metadata");
  EXPECT_EQ(doc_field(doc("guide.md"), "metadata"), R"({"lang":"en","team":"legal"})");
  EXPECT_EQ(chunk_ids(doc("guide.md")), ids) << "chunks were not re-written";
  expect_consistent(store_);
}

TEST_F(IngestTest, BadMetaIsAUsageError) {
  IngestRequest r = request();
  r.meta = {"novalue"};
  EXPECT_EQ(error_of([&] { run(r); }).code(), ExitCode::usage);
  r.meta = {"=value"};
  EXPECT_EQ(error_of([&] { run(r); }).code(), ExitCode::usage);
  EXPECT_FALSE(fs::exists(store_));
}

// --- prune ---------------------------------------------------------------------------------

TEST_F(IngestTest, PruneRemovesDeletedFilesUnderTheGivenRootsOnly) {
  const std::string other = tmp_ / "docs2";  // shares a prefix with docs: must not count as under it
  write_file(other + "/far.md", "# Far\n\nA file under another root.\n");
  run(request({docs_, other}));
  ASSERT_EQ(n("SELECT count(*) FROM documents"), 5);
  fs::remove(doc("notes.txt"));
  fs::remove(other + "/far.md");

  IngestSummary s = run(request());
  EXPECT_EQ(s.removed, 0u);
  EXPECT_EQ(n("SELECT count(*) FROM documents"), 5) << "without --prune nothing is removed";

  IngestRequest r = request();
  r.prune = true;
  s = run(r);
  EXPECT_EQ(s.removed, 1u);
  EXPECT_EQ(s.unchanged, 3u);
  const std::optional<DocumentEvent> e = recorder_.of(doc("notes.txt"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->action, Action::removed);
  EXPECT_EQ(doc_field(doc("notes.txt"), "id"), "");
  EXPECT_EQ(doc_field(other + "/far.md", "path"), other + "/far.md") << "outside the given roots: kept";
  EXPECT_EQ(n("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH 'zebrafish'"), 0);
  expect_consistent(store_);
}

TEST_F(IngestTest, PruneKeepsFilesThatExistButWereNotWalked) {
  run(request());
  IngestRequest r = request();
  r.prune = true;
  r.walk.excludes = {"*.txt"};
  const IngestSummary s = run(r);
  EXPECT_EQ(s.removed, 0u);
  EXPECT_EQ(n("SELECT count(*) FROM documents"), 4);
}

TEST_F(IngestTest, PruneWithAFileRootRemovesThatDocument) {
  run(request());
  fs::remove(doc("sub/code.py"));
  IngestRequest r = request({doc("sub/code.py")});
  r.prune = true;
  const IngestSummary s = run(r);
  EXPECT_EQ(s.failed, 1u) << "the named file is missing";
  EXPECT_EQ(s.removed, 1u);
  EXPECT_EQ(n("SELECT count(*) FROM documents"), 3);
}

// --- dry run -------------------------------------------------------------------------------

TEST_F(IngestTest, DryRunWithoutAStoreCreatesNothing) {
  const std::string nested = tmp_ / "new/dir/store.db";
  IngestRequest r = request();
  r.store_path = nested;
  r.dry_run = true;
  const IngestSummary s = run(r);
  EXPECT_TRUE(s.dry_run);
  EXPECT_EQ(s.added, 4u);
  EXPECT_EQ(s.chunks, 0u);
  EXPECT_FALSE(fs::exists(tmp_ / "new")) << "neither the store nor its folder";
  EXPECT_EQ(recorder_.of(doc("guide.md")).value().action, Action::added);
}

TEST_F(IngestTest, DryRunReportsThePlanAndWritesNothing) {
  run(request());
  write_file(doc("notes.txt"), std::string(k_notes_txt) + "changed\n");
  fs::last_write_time(doc("notes.txt"), fs::last_write_time(doc("notes.txt")) + std::chrono::seconds(5));
  write_file(doc("new.md"), "# New\n\nA new file.\n");
  fs::remove(doc("sub/code.py"));
  const std::vector<Row> before = snapshot();  // (a read-only connection may leave an empty -wal)
  const std::string bytes = read_file(store_);
  const bool had_wal = fs::exists(store_ + "-wal");
  const std::string wal = had_wal ? read_file(store_ + "-wal") : "";

  IngestRequest r = request();
  r.dry_run = true;
  r.prune = true;
  const IngestSummary s = run(r);
  EXPECT_EQ(s.added, 1u);
  EXPECT_EQ(s.changed, 1u);
  EXPECT_EQ(s.unchanged, 2u);
  EXPECT_EQ(s.removed, 1u);
  EXPECT_EQ(s.chunks, 0u);
  EXPECT_EQ(recorder_.of(doc("new.md")).value().action, Action::added);
  EXPECT_EQ(recorder_.of(doc("notes.txt")).value().action, Action::changed);
  EXPECT_EQ(recorder_.of(doc("notes.txt")).value().detail, "content");
  EXPECT_EQ(recorder_.of(doc("sub/code.py")).value().action, Action::removed);
  EXPECT_EQ(recorder_.of(doc("guide.md")).value().action, Action::unchanged);

  EXPECT_EQ(read_file(store_), bytes) << "store file bytes identical";
  EXPECT_EQ(fs::exists(store_ + "-wal"), had_wal);
  if (had_wal) {
    EXPECT_EQ(read_file(store_ + "-wal"), wal) << "nothing written to the WAL either";
  }
  EXPECT_FALSE(fs::exists(store_ + "-journal"));
  EXPECT_EQ(snapshot(), before);
}

TEST_F(IngestTest, DryRunOnAnIdleStoreLeavesNoFileBehind) {
  run(request());
  ASSERT_FALSE(fs::exists(store_ + "-wal"));
  const std::string bytes = read_file(store_);
  write_file(doc("new.md"), "# New\n");
  IngestRequest r = request();
  r.dry_run = true;
  EXPECT_EQ(run(r).added, 1u);
  EXPECT_EQ(read_file(store_), bytes);
  EXPECT_FALSE(fs::exists(store_ + "-wal"));
  EXPECT_FALSE(fs::exists(store_ + "-shm"));
}

TEST_F(IngestTest, DryRunNamesAMetadataChangeAsSuch) {
  run(request());
  IngestRequest r = request();
  r.dry_run = true;
  r.meta = {"team=docs"};
  const IngestSummary s = run(r);
  EXPECT_EQ(s.changed, 4u);
  EXPECT_EQ(recorder_.of(doc("guide.md")).value().detail, "metadata") << "the plan should say what the real run would do";
}

TEST_F(IngestTest, DryRunNamesARechunkAsSuchAndRecordsNothing) {
  run(request());
  const std::vector<Row> before = snapshot();
  IngestRequest r = request();
  r.dry_run = true;
  r.rechunk = true;
  r.chunk.size = 300;
  const IngestSummary s = run(r);
  EXPECT_EQ(s.changed, 4u);
  EXPECT_EQ(recorder_.of(doc("guide.md")).value().detail, "rechunked");
  EXPECT_EQ(snapshot(), before);
  EXPECT_NE(query_one(store_, "SELECT chunk_config FROM collections").find("\"size\":200"), std::string::npos);
  EXPECT_EQ(n("SELECT count(*) FROM chunk_configs"), 1);
}

TEST_F(IngestTest, ChunkOptionUsageErrorsCreateNoStore) {
  for (const auto& set : std::vector<std::function<void(IngestRequest&)>>{
           [](IngestRequest& r) { r.chunk.size = 0; },
           [](IngestRequest& r) { r.chunk.overlap = 200; },
           [](IngestRequest& r) { r.chunk.strategy = "nope"; },
           [](IngestRequest& r) { r.chunk.unit = "words"; },
           [](IngestRequest& r) { r.chunk.tokenizer = "gpt2"; }}) {
    IngestRequest r = request();
    set(r);
    EXPECT_EQ(error_of([&] { run(r); }).code(), ExitCode::usage);
    EXPECT_FALSE(fs::exists(store_));
  }
}

// --- chunking options ----------------------------------------------------------------------

TEST_F(IngestTest, ChangedChunkOptionsWithoutRechunkKeepTheRecordedConfiguration) {
  run(request());
  const std::vector<Row> before = snapshot();
  const std::string config = query_one(store_, "SELECT chunk_config FROM collections");
  IngestRequest r = request();
  r.chunk.size = 300;
  const IngestSummary s = run(r);
  EXPECT_EQ(s.unchanged, 4u);
  EXPECT_EQ(s.changed, 0u);
  ASSERT_EQ(s.notes.size(), 1u);
  EXPECT_NE(cli::with_flags(s.notes[0]).find("--rechunk"), std::string::npos) << s.notes[0];
  EXPECT_NE(s.notes[0].find("200"), std::string::npos) << s.notes[0];
  EXPECT_NE(s.notes[0].find("300"), std::string::npos) << s.notes[0];
  EXPECT_EQ(s.settings.size, 200u) << "the run used the recorded configuration";
  EXPECT_EQ(query_one(store_, "SELECT chunk_config FROM collections"), config);
  EXPECT_EQ(snapshot(), before);

  // A new file in that run is chunked with the recorded configuration too.
  write_file(doc("more.txt"), std::string(600, 'x'));
  const IngestSummary t = run(r);
  EXPECT_EQ(t.added, 1u);
  EXPECT_EQ(query_one(store_, "SELECT max(end_byte - start_byte) FROM chunks c JOIN documents d ON d.id = c.document_id"
                              " WHERE d.source = " + quoted(doc("more.txt"))),
            "167");  // filled to the size 200 less the minimum, 33
}

TEST_F(IngestTest, RechunkRechunksWithTheNewConfiguration) {
  run(request());
  IngestRequest r = request();
  r.chunk.size = 360;
  r.rechunk = true;
  const IngestSummary s = run(r);
  EXPECT_EQ(s.changed, 4u);
  EXPECT_GT(s.chunks, 0u);
  for (const std::string name : {"guide.md", "notes.txt", "page.html", "sub/code.py"}) {
    const std::optional<DocumentEvent> e = recorder_.of(doc(name));
    ASSERT_TRUE(e) << name;
    EXPECT_EQ(e->action, Action::changed) << name;
    EXPECT_EQ(e->detail, "rechunked") << name;
  }
  ASSERT_EQ(s.notes.size(), 1u);
  EXPECT_NE(s.notes[0].find("re-chunked"), std::string::npos) << s.notes[0];
  const std::string config = query_one(store_, "SELECT chunk_config FROM collections");
  EXPECT_NE(config.find("\"size\":360"), std::string::npos) << config;
  const std::string id = query_one(store_, "SELECT id FROM chunk_configs WHERE config = " + quoted(config));
  EXPECT_EQ(n("SELECT count(*) FROM chunks WHERE config_id <> " + id), 0);
  EXPECT_GT(n("SELECT max(char_end - char_start) FROM chunks"), 200) << "chunks are cut at 360 (filled to 300) now";
  EXPECT_EQ(n("SELECT count(*) FROM chunk_configs"), 2);
  expect_consistent(store_);

  // The next run without options inherits 360: all unchanged, no note.
  IngestRequest plain = request();
  plain.chunk = {};
  const IngestSummary again = run(plain);
  EXPECT_EQ(again.unchanged, 4u);
  EXPECT_EQ(again.settings.size, 360u);
  EXPECT_TRUE(again.notes.empty());
}

TEST_F(IngestTest, InheritedOptionsAreTheRecordedOnes) {
  run(request());
  IngestRequest r = request();
  r.chunk = {};
  const IngestSummary s = run(r);
  EXPECT_EQ(s.settings.size, 200u);
  EXPECT_EQ(s.unchanged, 4u);
  EXPECT_TRUE(s.notes.empty());
}

TEST_F(IngestTest, BadChunkOptionsAreUsageErrorsBeforeAnythingIsWritten) {
  IngestRequest r = request();
  r.chunk.overlap = 200;
  EXPECT_EQ(error_of([&] { run(r); }).code(), ExitCode::usage);
  r = request();
  r.chunk.strategy = "nonsense";
  EXPECT_EQ(error_of([&] { run(r); }).code(), ExitCode::usage);
  r = request();
  r.loader = "rtf";
  EXPECT_EQ(error_of([&] { run(r); }).code(), ExitCode::usage);
  EXPECT_FALSE(fs::exists(store_));
}

TEST_F(IngestTest, OverlapAloneIsCheckedAgainstTheRecordedSize) {
  run(request());  // records size 200
  IngestRequest r = request();
  r.chunk = {};
  r.chunk.overlap = 300;  // below the default size, not below the recorded one
  r.rechunk = true;
  EXPECT_EQ(error_of([&] { run(r); }).code(), ExitCode::usage);
  r.chunk.overlap = 50;
  const IngestSummary s = run(r);
  EXPECT_EQ(s.settings.size, 200u);
  EXPECT_EQ(s.settings.overlap, 50u);
  EXPECT_EQ(s.changed, 4u);
}

// --- chunking from a configuration file ([chunk] in strata.toml) ---------------------------

ConfiguredChunking file_size(std::size_t size, const std::string& where = "/p/strata.toml:3") {
  ConfiguredChunking c;
  c.values.size = size;
  c.where.size = where;
  return c;
}

TEST_F(IngestTest, ConfiguredChunkingChoosesANewCollectionsChunking) {
  IngestRequest r = request();
  r.chunk = {};
  r.configured = file_size(150);
  const IngestSummary s = run(r);
  EXPECT_EQ(s.settings.size, 150u);
  EXPECT_TRUE(s.warnings.empty());
  EXPECT_NE(query_one(store_, "SELECT chunk_config FROM collections").find("\"size\":150"), std::string::npos);
}

TEST_F(IngestTest, FlagsWinOverConfiguredChunking) {
  IngestRequest r = request();  // --size 200
  r.configured = file_size(150);
  EXPECT_EQ(run(r).settings.size, 200u);
}

TEST_F(IngestTest, RecordedChunkingWinsOverTheFileWithAWarningNamingItsLine) {
  run(request());  // records size 200
  const std::vector<Row> before = snapshot();
  IngestRequest r = request();
  r.chunk = {};
  r.configured = file_size(150);
  const IngestSummary s = run(r);
  EXPECT_EQ(s.settings.size, 200u);
  EXPECT_EQ(s.unchanged, 4u);
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_EQ(s.warnings[0].rfind("/p/strata.toml:3: ", 0), 0u) << s.warnings[0];
  EXPECT_NE(cli::with_flags(s.warnings[0]).find("--rechunk"), std::string::npos) << s.warnings[0];
  EXPECT_TRUE(s.notes.empty()) << "no flag differed";
  EXPECT_EQ(snapshot(), before);

  // A file that agrees with the record says nothing.
  r.configured = file_size(200);
  EXPECT_TRUE(run(r).warnings.empty());
}

TEST_F(IngestTest, RechunkTakesTheFilesChunking) {
  run(request());
  IngestRequest r = request();
  r.chunk = {};
  r.configured = file_size(300);
  r.rechunk = true;
  const IngestSummary s = run(r);
  EXPECT_EQ(s.settings.size, 300u);
  EXPECT_EQ(s.changed, 4u);
  EXPECT_TRUE(s.warnings.empty());
}

TEST_F(IngestTest, BadConfiguredChunkingNamesTheFileLineNotAFlag) {
  IngestRequest r = request();
  r.chunk = {};
  r.configured.values.strategy = "semantic";
  r.configured.where.strategy = "/p/strata.toml:2";
  const Error e = error_of([&] { run(r); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_EQ(std::string(e.what()), "/p/strata.toml:2: chunk.strategy: unknown strategy 'semantic'");

  r = request();
  r.chunk = {};
  r.chunk.size = 100;  // --size 100 with the file's overlap 100
  r.configured.values.overlap = 100;
  r.configured.where.overlap = "/p/strata.toml:4";
  const Error f = error_of([&] { run(r); });
  EXPECT_EQ(cli::with_flags(f.what()), "/p/strata.toml:4: chunk.overlap (100) must be below --size (100)");
  EXPECT_FALSE(fs::exists(store_));
}

// --- the minimum chunk size ------------------------------------------------------------------

TEST_F(IngestTest, ANewCollectionJoinsSmallChunksByDefault) {
  // A heading above a paragraph too long to share a chunk with it: alone it would be a chunk of
  // 10 characters. The paragraph is cut by sentences, and its first chunk has room for it (a
  // join never passes the size).
  std::string long_paragraph;
  for (int i = 0; i < 30; ++i) long_paragraph += (i % 10 == 0 ? "Word" : "word") + std::to_string(i) + (i % 10 == 9 ? ". " : " ");
  long_paragraph.pop_back();
  write_file(doc("long.md"), "# Title\n\nIntro.\n\n## Options\n\n" + long_paragraph + "\n");
  const IngestSummary s = run(request());
  EXPECT_EQ(s.settings.min_size, std::optional<std::size_t>(33));  // a sixth of --size 200
  EXPECT_NE(to_json(s.settings).find("\"min_size\":33"), std::string::npos) << to_json(s.settings);
  EXPECT_NE(to_json(s.settings).find("\"fill\":167"), std::string::npos) << to_json(s.settings);
  EXPECT_EQ(n("SELECT count(*) FROM chunks WHERE text = '## Options'"), 0);
  // (the short introduction above it is below the minimum too, and goes along)
  EXPECT_EQ(n("SELECT count(*) FROM chunks WHERE text LIKE '%## Options' || char(10) || char(10) || 'Word0 %'"), 1);
  // Only a document that small as a whole has a chunk below the minimum.
  EXPECT_EQ(n("SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id"
              " WHERE c.char_end - c.char_start < 33 AND d.chunk_count > 1"),
            0);
  // The joined chunk still slices the loaded text exactly.
  const std::string text = load_document(read_file(doc("long.md")), "long.md").document->text;
  for (const Row& c : rows(store_, "SELECT c.text, c.start_byte, c.end_byte FROM chunks c JOIN documents d"
                                   " ON d.id = c.document_id WHERE d.source = " + quoted(doc("long.md")))) {
    EXPECT_EQ(c[0], text.substr(std::stoul(c[1]), std::stoul(c[2]) - std::stoul(c[1])));
  }
}

TEST_F(IngestTest, AConfigurationRecordedWithoutAMinimumKeepsItsChunks) {
  // Collections chunked before min_size existed recorded no such key; min_size 0 writes the
  // same text, so this is such a collection.
  IngestRequest r = request();
  r.chunk.min_size = 0;
  run(r);
  const std::string recorded = query_one(store_, "SELECT chunk_config FROM collections");
  EXPECT_EQ(recorded.find("min_size"), std::string::npos) << recorded;
  EXPECT_EQ(from_json(recorded).min_size, std::optional<std::size_t>(0));
  const std::vector<Row> before = snapshot();
  r = request();
  r.chunk = {};
  const IngestSummary s = run(r);
  EXPECT_EQ(s.settings.min_size, std::optional<std::size_t>(0));
  EXPECT_EQ(s.unchanged, 4u);
  EXPECT_TRUE(s.notes.empty());
  EXPECT_EQ(snapshot(), before);
  // --rechunk with a minimum turns it on.
  r.chunk.min_size = 40;
  r.rechunk = true;
  EXPECT_EQ(run(r).changed, 4u);
}

TEST_F(IngestTest, AConfigurationRecordedBeforeTheSizeWasAMaximumKeepsItsChunks) {
  // Such a record has a minimum and no fill: its chunks were packed to the size, and a join
  // passed it by less than the minimum. Read back, it cuts new chunks the same way and writes
  // the same text, so nothing is re-chunked; a changed setting makes the size a maximum.
  const ChunkSettings old = from_json(R"({"min_size":40,"overlap":0,"size":200,"strategy":"auto","tokenizer":"cl100k_base","unit":"chars"})");
  EXPECT_TRUE(old.size_is_fill);
  EXPECT_EQ(to_json(old), R"({"min_size":40,"overlap":0,"size":200,"strategy":"auto","tokenizer":"cl100k_base","unit":"chars"})");
  const chunk::ChunkOptions o = options_for(old, LoaderKind::text);
  EXPECT_EQ(o.size, 239u);
  EXPECT_EQ(chunk::fill_size(o), 200u);
  ChunkOverrides change;
  change.size = 300;
  const ChunkSettings changed = apply(old, change);
  EXPECT_FALSE(changed.size_is_fill);
  EXPECT_EQ(options_for(changed, LoaderKind::text).size, 300u);
  EXPECT_NE(to_json(changed).find("\"fill\":"), std::string::npos) << to_json(changed);
  // In tokens, and without a minimum, the size was always the most a chunk measured.
  EXPECT_FALSE(from_json(R"({"min_size":40,"overlap":0,"size":200,"strategy":"auto","tokenizer":"cl100k_base","unit":"tokens"})").size_is_fill);
  EXPECT_FALSE(from_json(R"({"overlap":0,"size":200,"strategy":"auto","tokenizer":"cl100k_base","unit":"chars"})").size_is_fill);
  // A record with a fill reads back as it was written.
  ChunkSettings now;
  now.size = 300;
  now.min_size = 50;
  EXPECT_EQ(from_json(to_json(now)), now);
}

TEST_F(IngestTest, TheDefaultMinimumFollowsTheSizeAndAGivenOneStays) {
  IngestRequest r = request();
  r.chunk.size = 300;
  EXPECT_EQ(run(r).settings.min_size, std::optional<std::size_t>(50));
  r.chunk.size = 500;
  r.rechunk = true;
  EXPECT_EQ(run(r).settings.min_size, std::optional<std::size_t>(83));
  r.chunk.min_size = 7;
  EXPECT_EQ(run(r).settings.min_size, std::optional<std::size_t>(7));
  r.chunk = {};
  r.chunk.size = 400;
  EXPECT_EQ(run(r).settings.min_size, std::optional<std::size_t>(7));
}

TEST_F(IngestTest, AMinimumNotBelowTheSizeIsAUsageErrorNamingWhereItWasSet) {
  IngestRequest r = request();  // --size 200
  r.configured.values.min_size = 300;
  r.configured.where.min_size = "/p/strata.toml:5";
  const Error e = error_of([&] { run(r); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_EQ(cli::with_flags(e.what()), "/p/strata.toml:5: chunk.min_size (300) must be below --size (200)");
  EXPECT_FALSE(fs::exists(store_));
}

// --- failures and skipped files -------------------------------------------------------------

TEST_F(IngestTest, OneFailingFileDoesNotStopTheRun) {
  write_file(doc("broken.pdf"), "%PDF-1.4\nthis is not a real pdf at all\n%%EOF\n");
  const IngestSummary s = run(request());
  EXPECT_EQ(s.added, 4u);
  EXPECT_EQ(s.failed, 1u);
  ASSERT_EQ(s.failures.size(), 1u);
  EXPECT_EQ(s.failures[0].source, doc("broken.pdf"));
  EXPECT_EQ(s.failures[0].action, Action::failed);
  EXPECT_NE(s.failures[0].detail.find("PDF"), std::string::npos) << s.failures[0].detail;
  EXPECT_EQ(doc_field(doc("broken.pdf"), "id"), "");
  EXPECT_EQ(n("SELECT count(*) FROM documents"), 4);
  expect_consistent(store_);
}

TEST_F(IngestTest, HtmlPageOfChromeAloneFailsAndTheOthersAreIngested) {
  write_file(doc("nav.html"),
             "<!doctype html><title>Index</title><nav><a href=a.html>A</a></nav>"
             "<div class=footer>&copy; 2024</div>");
  const IngestSummary s = run(request());
  EXPECT_EQ(s.added, 4u);
  ASSERT_EQ(s.failures.size(), 1u);
  EXPECT_EQ(s.failures[0].source, doc("nav.html"));
  EXPECT_EQ(s.failures[0].detail,
            "only page chrome (navigation, header, footer, sidebar, table of contents), no content");
  EXPECT_EQ(doc_field(doc("nav.html"), "id"), "");
  expect_consistent(store_);
}

// A chunk of an HTML page cites the lines of the file that hold its text, not lines of the
// extracted text: here every word of a chunk is on one of the lines it cites.
TEST_F(IngestTest, HtmlChunksCiteTheLinesOfTheFile) {
  std::string html = "<!doctype html>\n<html><head><title>Lines</title></head>\n<body>\n<nav>\n<a href=x>Home</a>\n</nav>\n";
  for (int i = 0; i < 40; ++i) {
    html += "<p>Paragraph w" + std::to_string(i) + "a spans\ntwo lines w" + std::to_string(i) + "b</p>\n";
    if (i % 10 == 0) html += "<h2>Part p" + std::to_string(i) + "</h2>\n<pre>code c" + std::to_string(i) + "x\n  more c" + std::to_string(i) + "y\n</pre>\n";
  }
  html += "</body></html>\n";
  write_file(doc("lines.html"), html);
  run(request());
  const std::vector<std::string> source_lines = split(html, '\n');
  const std::vector<Row> chunks =
      rows(store_, "SELECT c.text, c.line_start, c.line_end FROM chunks c JOIN documents d ON d.id = c.document_id"
                   " WHERE d.source = " + quoted(doc("lines.html")) + " ORDER BY c.ordinal");
  ASSERT_GT(chunks.size(), 3u);
  EXPECT_EQ(chunks.front()[1], "7") << "the first chunk starts at the first paragraph, after the dropped <nav>";
  for (const Row& c : chunks) {
    const std::size_t first = std::stoul(c[1]), last = std::stoul(c[2]);
    ASSERT_LE(first, last);
    ASSERT_LE(last, source_lines.size());
    std::string cited;
    for (std::size_t l = first; l <= last; ++l) cited += source_lines[l - 1] + "\n";
    std::string words = c[0];
    std::replace(words.begin(), words.end(), '\n', ' ');
    for (const std::string& word : split(words, ' ')) {
      // The tagged words (w12a, p10, c10y, …) each occur once in the file.
      const std::string w(trim(word));
      if (w.size() < 3 || w.find_first_of("wpc") != 0 || !std::isdigit(static_cast<unsigned char>(w[1]))) continue;
      EXPECT_NE(cited.find(w), std::string::npos) << w << " not in lines " << first << "-" << last;
    }
  }
}

TEST_F(IngestTest, UnreadableFileFailsWithItsReason) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads a chmod 000 file";
  write_file(doc("secret.txt"), "hidden\n");
  ::chmod(doc("secret.txt").c_str(), 0);
  const IngestSummary s = run(request());
  ::chmod(doc("secret.txt").c_str(), 0644);
  EXPECT_EQ(s.added, 4u);
  ASSERT_EQ(s.failures.size(), 1u);
  EXPECT_EQ(s.failures[0].source, doc("secret.txt"));
  EXPECT_NE(s.failures[0].detail.find("Permission denied"), std::string::npos) << s.failures[0].detail;
}

TEST_F(IngestTest, MissingRootIsAFailureAndTheOthersAreIngested) {
  const IngestSummary s = run(request({docs_, tmp_ / "nope.md"}));
  EXPECT_EQ(s.added, 4u);
  ASSERT_EQ(s.failures.size(), 1u);
  EXPECT_NE(s.failures[0].source.find("nope.md"), std::string::npos);
}

TEST_F(IngestTest, BinaryFileIsSkippedWithAReason) {
  write_file(doc("image.png"), std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
  write_file(doc("blob.dat"), std::string("abc\0def", 7));
  const IngestSummary s = run(request());
  EXPECT_EQ(s.added, 4u);
  EXPECT_EQ(s.skipped, 2u);
  EXPECT_EQ(s.failed, 0u);
  const std::optional<DocumentEvent> e = recorder_.of(doc("blob.dat"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->action, Action::skipped);
  EXPECT_NE(e->detail.find("binary"), std::string::npos) << e->detail;
  EXPECT_EQ(n("SELECT count(*) FROM documents"), 4);
}

// --- encodings -----------------------------------------------------------------------------

TEST_F(IngestTest, Windows1252FileIsStoredAsUtf8AndSaysSo) {
  write_file(doc("legacy.txt"), "Caf\xE9 na\xEFve \x80 5 \x93quoted\x94\n");
  run(request());
  EXPECT_EQ(doc_field(doc("legacy.txt"), "encoding"), "windows-1252");
  EXPECT_EQ(query_one(store_, "SELECT c.text FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.source = " +
                                  quoted(doc("legacy.txt"))),
            "Caf\xC3\xA9 na\xC3\xAFve \xE2\x82\xAC 5 \xE2\x80\x9Cquoted\xE2\x80\x9D");
  EXPECT_EQ(doc_field(doc("legacy.txt"), "content_hash"), sha256_hex(read_file(doc("legacy.txt"))))
      << "the hash is of the source bytes";
  EXPECT_EQ(doc_field(doc("legacy.txt"), "char_count"), "24");
  EXPECT_EQ(doc_field(doc("notes.txt"), "encoding"), "utf-8") << "valid UTF-8 is never re-decoded";
  EXPECT_EQ(n("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH 'quoted'"), 1);
}

// --- JSONL ---------------------------------------------------------------------------------

const char* const k_jsonl =
    R"({"id": "a", "text": "alpha record text", "title": "Alpha", "metadata": {"team": "record", "k": 1}})" "\n"
    "{not json\n"
    R"({"text": "no id here"})" "\n"
    R"({"id": "b", "text": 5})" "\n"
    R"({"id": "c", "text": "x", "metadata": [1, 2]})" "\n"
    "\n"
    R"({"id": "d", "text": "delta record text"})" "\n"
    R"({"id": 42, "text": "numeric id", "title": null})" "\n";

void expect_jsonl_results(const IngestSummary& s, const std::string& db, const std::string& label) {
  EXPECT_EQ(s.added, 3u);
  EXPECT_EQ(s.failed, 4u);
  std::string all;
  for (const DocumentEvent& f : s.failures) all += f.source + " | " + f.detail + "\n";
  // Each bad line is reported with its line number (in the source or the reason).
  for (const std::string line : {":2", ":3", ":4", ":5"}) {
    EXPECT_NE(all.find(label + line), std::string::npos) << "line " << line << " in\n" << all;
  }
  EXPECT_NE(all.find("\"text\" must be a string"), std::string::npos) << all;
  EXPECT_NE(all.find("missing \"id\""), std::string::npos) << all;
  EXPECT_NE(all.find("\"metadata\" must be an object"), std::string::npos) << all;
  EXPECT_NE(all.find("not valid JSON"), std::string::npos) << all;
  EXPECT_EQ(query_one(db, "SELECT metadata FROM documents WHERE source = 'a'"), R"({"k":1,"owner":"me","team":"record"})")
      << "the record's metadata wins over --meta";
  EXPECT_EQ(query_one(db, "SELECT metadata FROM documents WHERE source = 'd'"), R"({"owner":"me","team":"run"})");
  EXPECT_EQ(query_one(db, "SELECT title FROM documents WHERE source = 'a'"), "Alpha");
  EXPECT_EQ(query_one(db, "SELECT coalesce(path, 'NULL') FROM documents WHERE source = 'a'"), "NULL");
  EXPECT_EQ(query_one(db, "SELECT c.text FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.source = 'd'"),
            "delta record text");
  EXPECT_EQ(query_one(db, "SELECT count(*) FROM documents WHERE source = '42'"), "1");
  EXPECT_EQ(query_one(db, "SELECT count(*) FROM documents WHERE source IN ('b', 'c')"), "0");
}

TEST_F(IngestTest, JsonlFromAFileReportsBadLinesAndIngestsTheGoodOnes) {
  const std::string file = tmp_ / "records.jsonl";
  write_file(file, k_jsonl);
  IngestRequest r = request({file});
  r.jsonl = true;
  r.meta = {"team=run", "owner=me"};
  const IngestSummary s = run(r);
  expect_jsonl_results(s, store_, file);
  expect_consistent(store_);

  // Again: the good records are unchanged, by content (they have no mtime).
  const IngestSummary again = run(r);
  EXPECT_EQ(again.unchanged, 3u);
  EXPECT_EQ(again.added + again.changed, 0u);
}

TEST_F(IngestTest, JsonlFromStdin) {
  std::istringstream in(k_jsonl);
  IngestRequest r = request({});
  r.paths.clear();
  r.jsonl = true;
  r.stdin_stream = &in;
  r.meta = {"team=run", "owner=me"};
  const IngestSummary s = run(r);
  expect_jsonl_results(s, store_, "standard input");
}

TEST_F(IngestTest, JsonlRecordChangesAreFoundByContent) {
  const std::string file = tmp_ / "records.jsonl";
  write_file(file, R"({"id": "a", "text": "first"})" "\n" R"({"id": "b", "text": "second"})" "\n");
  IngestRequest r = request({file});
  r.jsonl = true;
  run(r);
  write_file(file, R"({"id": "a", "text": "first, edited"})" "\n" R"({"id": "b", "text": "second", "title": "B"})" "\n");
  const IngestSummary s = run(r);
  EXPECT_EQ(s.changed, 2u);
  EXPECT_EQ(recorder_.of("a").value().detail, "content");
  EXPECT_EQ(recorder_.of("b").value().detail, "metadata") << "a new title alone re-writes no chunks";
  EXPECT_EQ(query_one(store_, "SELECT title FROM documents WHERE source = 'b'"), "B");
}

TEST_F(IngestTest, JsonlMarkdownIdsAreChunkedAsMarkdown) {
  std::istringstream in(R"({"id": "notes/a.md", "text": "# Top\n\nbody text"})" "\n");
  IngestRequest r = request({});
  r.paths.clear();
  r.jsonl = true;
  r.stdin_stream = &in;
  run(r);
  EXPECT_EQ(query_one(store_, "SELECT loader FROM documents"), "markdown");
  EXPECT_EQ(query_one(store_, "SELECT headings FROM chunks WHERE text LIKE '%body%'"), R"(["Top"])");
}

// --- stdin ---------------------------------------------------------------------------------

TEST_F(IngestTest, StdinDocumentTakesItsId) {
  std::istringstream in("# Today\n\nWombat sightings from standard input.\n");
  IngestRequest r = request({"-"});
  r.stdin_id = "journal/today.md";
  r.stdin_stream = &in;
  r.meta = {"via=pipe"};
  const IngestSummary s = run(r);
  EXPECT_EQ(s.added, 1u);
  EXPECT_EQ(query_one(store_, "SELECT source || '|' || loader || '|' || coalesce(path, 'NULL') || '|' || metadata"
                              " FROM documents"),
            R"(journal/today.md|markdown|NULL|{"via":"pipe"})");
  EXPECT_EQ(n("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH 'wombat'"), 1);

  std::istringstream same("# Today\n\nWombat sightings from standard input.\n");
  r.stdin_stream = &same;
  EXPECT_EQ(run(r).unchanged, 1u);
  std::istringstream other("# Today\n\nNo wombats today.\n");
  r.stdin_stream = &other;
  EXPECT_EQ(run(r).changed, 1u);
  expect_consistent(store_);
}

TEST_F(IngestTest, StdinDefaultIdAndFilesTogether) {
  std::istringstream in("plain words from a pipe\n");
  IngestRequest r = request({"-", doc("notes.txt")});
  r.stdin_stream = &in;
  const IngestSummary s = run(r);
  EXPECT_EQ(s.added, 2u);
  EXPECT_EQ(query_one(store_, "SELECT loader FROM documents WHERE source = 'stdin'"), "text");
}

TEST_F(IngestTest, StandardInputCanBeReadOnlyOnce) {
  IngestRequest r = request({"-", "-"});
  EXPECT_EQ(error_of([&] { run(r); }).code(), ExitCode::usage);
  r = request({"-"});
  r.files_from = "-";
  EXPECT_EQ(error_of([&] { run(r); }).code(), ExitCode::usage);
  r = request({});
  r.paths.clear();
  EXPECT_EQ(error_of([&] { run(r); }).code(), ExitCode::usage) << "nothing to ingest";
  EXPECT_FALSE(fs::exists(store_));
}

// Found by the bad-input catalogue: `strata ingest -` with nothing on stdin recorded an empty
// document, replacing the text an earlier run had stored under the same id.
TEST_F(IngestTest, EmptyStandardInputIsRefusedWithNothingWritten) {
  std::istringstream empty("");
  IngestRequest r = request({"-"});
  r.stdin_stream = &empty;
  const Error e = error_of([&] { run(r); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_EQ(std::string(e.what()), "standard input ('-') is empty: nothing to ingest");
  EXPECT_FALSE(fs::exists(store_)) << "refused before the store is created";

  std::istringstream first("the first version\n");
  r.stdin_stream = &first;
  r.paths = {"-", doc("notes.txt")};
  EXPECT_EQ(run(r).added, 2u);
  const std::vector<Row> before = snapshot();
  std::istringstream again("");
  r.stdin_stream = &again;
  EXPECT_EQ(error_of([&] { run(r); }).code(), ExitCode::invalid_input);
  EXPECT_EQ(snapshot(), before) << "the stored document keeps its text, and the file beside '-' is not read";
}

TEST_F(IngestTest, AnEmptyFileByPathIsStillADocument) {
  write_file(doc("empty.txt"), "");
  const IngestSummary s = run(request({doc("empty.txt")}));
  EXPECT_EQ(s.added, 1u);
  EXPECT_EQ(doc_field(doc("empty.txt"), "size_bytes"), "0");
}

TEST_F(IngestTest, MalformedGlobsAreUsageErrorsNamingTheFlag) {
  IngestRequest r = request();
  r.walk.globs = {"*.md", "["};
  Error e = error_of([&] { run(r); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_EQ(cli::with_flags(e.what()), "--glob '[': '[' at character 1 is never closed by ']', so it can match nothing");
  r.walk.globs = {"!docs/[!a"};
  e = error_of([&] { run(r); });
  EXPECT_EQ(cli::with_flags(e.what()),
            "--glob '!docs/[!a': '[' at character 7 is never closed by ']', so it can match nothing");
  r.walk.globs.clear();
  r.walk.excludes = {"[[:nope:]]"};
  e = error_of([&] { run(r); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_TRUE(cli::with_flags(e.what()).starts_with("--exclude '[[:nope:]]': [:nope:] is not a character class")) << e.what();
  EXPECT_FALSE(fs::exists(store_));
}

TEST_F(IngestTest, FilesFromAListWithNulSeparators) {
  write_file(doc("with space.txt"), "a file with a space in its name\n");
  write_file(doc("new\nline.txt"), "a file with a newline in its name\n");
  std::string list = doc("with space.txt") + '\0' + doc("new\nline.txt") + '\0' + doc("guide.md") + '\0';
  std::istringstream in(list);
  IngestRequest r = request({});
  r.paths.clear();
  r.files_from = "-";
  r.nul_separated = true;
  r.stdin_stream = &in;
  const IngestSummary s = run(r);
  EXPECT_EQ(s.added, 3u);
  EXPECT_EQ(s.failed, 0u);
  EXPECT_EQ(doc_field(doc("new\nline.txt"), "size_bytes"), "34");
}

// --- collections ---------------------------------------------------------------------------

TEST_F(IngestTest, TwoCollectionsStaySeparate) {
  IngestRequest a = request();
  a.collection = "alpha";
  IngestRequest b = request({doc("notes.txt")});
  b.collection = "beta";
  b.chunk.size = 50;
  run(a);
  run(b);
  EXPECT_EQ(n("SELECT count(*) FROM documents d JOIN collections k ON k.id = d.collection_id WHERE k.name = 'alpha'"), 4);
  EXPECT_EQ(n("SELECT count(*) FROM documents d JOIN collections k ON k.id = d.collection_id WHERE k.name = 'beta'"), 1);
  EXPECT_NE(query_one(store_, "SELECT chunk_config FROM collections WHERE name = 'beta'").find("\"size\":50"),
            std::string::npos);
  EXPECT_NE(query_one(store_, "SELECT chunk_config FROM collections WHERE name = 'alpha'").find("\"size\":200"),
            std::string::npos);
  // The same source in both, with its own chunks each.
  EXPECT_EQ(n("SELECT count(DISTINCT d.id) FROM documents d WHERE d.source = " + quoted(doc("notes.txt"))), 2);
  EXPECT_GT(n("SELECT max(chunk_count) FROM documents WHERE source = " + quoted(doc("notes.txt"))),
            n("SELECT min(chunk_count) FROM documents WHERE source = " + quoted(doc("notes.txt"))));
  // Ingest into beta again with --prune after deleting the file: alpha keeps its copy.
  fs::remove(doc("notes.txt"));
  b.prune = true;
  b.paths = {docs_};
  b.chunk = {};
  const IngestSummary s = run(b);
  EXPECT_EQ(s.removed, 1u);
  EXPECT_EQ(s.added, 3u);
  EXPECT_EQ(n("SELECT count(*) FROM documents WHERE source = " + quoted(doc("notes.txt"))), 1);
  expect_consistent(store_);
}

// --- project-relative ids ------------------------------------------------------------------

TEST_F(IngestTest, OneFileIsOneDocumentFromTheRootASubfolderOrByAbsolutePath) {
  IngestRequest r = request();
  r.project_root = tmp_.path();
  {
    const WorkingDirectory here(tmp_.path());
    r.paths = {"docs/guide.md"};
    EXPECT_EQ(run(r).added, 1u);
  }
  {
    const WorkingDirectory here(tmp_.path() / "docs");
    r.paths = {"guide.md"};
    EXPECT_EQ(run(r).unchanged, 1u);
  }
  r.paths = {doc("guide.md")};  // from tmp/cwd, by absolute path
  EXPECT_EQ(run(r).unchanged, 1u);
  EXPECT_EQ(n("SELECT count(*) FROM documents"), 1);
  EXPECT_EQ(doc_field("docs/guide.md", "path"), doc("guide.md"));
}

TEST_F(IngestTest, DocumentsStoredUnderOtherIdsAreRenamedAndDuplicatesRemoved) {
  // Stores written before ids were project-relative: one per working directory the file was
  // ingested from (relative to docs/, and absolute from outside).
  {
    const WorkingDirectory here(tmp_.path() / "docs");
    run(request({"."}));
  }
  run(request());
  EXPECT_EQ(n("SELECT count(*) FROM documents"), 8);
  IngestRequest r = request();
  r.project_root = tmp_.path();
  r.dry_run = true;
  IngestSummary s = run(r);
  EXPECT_EQ(s.renamed, 4u);
  EXPECT_EQ(s.merged, 4u);
  EXPECT_EQ(n("SELECT count(*) FROM documents"), 8) << "a dry run only counts";
  r.dry_run = false;
  s = run(r);
  EXPECT_EQ(s.renamed, 4u);
  EXPECT_EQ(s.merged, 4u);
  ASSERT_EQ(s.notes.size(), 1u);
  EXPECT_NE(s.notes[0].find("4 documents"), std::string::npos) << s.notes[0];
  EXPECT_EQ(s.unchanged, 4u) << "the kept documents are the files' documents: nothing to re-read";
  EXPECT_EQ(rows(store_, "SELECT source FROM documents ORDER BY source"),
            (std::vector<Row>{{"docs/guide.md"}, {"docs/notes.txt"}, {"docs/page.html"}, {"docs/sub/code.py"}}));
  expect_consistent(store_);
  s = run(r);
  EXPECT_EQ(s.renamed + s.merged, 0u);
  EXPECT_TRUE(s.notes.empty());
}

TEST_F(IngestTest, ARecordThatHoldsTheIdIsNotTakenForTheFile) {
  {
    const WorkingDirectory here(tmp_.path());
    run(request({"docs/guide.md"}));
  }
  // A JSONL record whose id is the file's project-relative id, and the file under its old id.
  IngestRequest records = request();
  std::istringstream in(R"({"id":"guide.md","text":"a record"})" "\n");
  records.jsonl = true;
  records.paths = {};
  records.stdin_stream = &in;
  run(records);
  IngestRequest r = request({doc("notes.txt")});  // any run of files renames first
  r.project_root = tmp_.path() / "docs";
  const IngestSummary s = run(r);
  EXPECT_EQ(s.renamed + s.merged, 0u);
  EXPECT_EQ(doc_field("guide.md", "coalesce(path, 'NULL')"), "NULL") << "the record is untouched";
  EXPECT_EQ(n("SELECT count(*) FROM documents WHERE source = 'docs/guide.md'"), 1) << "and so is the file's document";
}

TEST_F(IngestTest, PruneFromASubfolderOfTheProject) {
  IngestRequest r = request({"docs"});
  r.project_root = tmp_.path();
  {
    const WorkingDirectory here(tmp_.path());
    run(r);
  }
  fs::remove(doc("sub/code.py"));
  fs::remove(doc("notes.txt"));
  const WorkingDirectory here(tmp_.path() / "docs/sub");
  r.paths = {"."};
  r.prune = true;
  IngestSummary s = run(r);
  EXPECT_EQ(s.removed, 1u) << "only under the folder given";
  EXPECT_TRUE(recorder_.of("docs/sub/code.py"));
  r.paths = {".."};
  s = run(r);
  EXPECT_EQ(s.removed, 1u);
  EXPECT_EQ(rows(store_, "SELECT source FROM documents ORDER BY source"),
            (std::vector<Row>{{"docs/guide.md"}, {"docs/page.html"}}));
}

TEST_F(IngestTest, PruneKeepsADocumentWhoseRecordedFileStillExists) {
  // A document of an earlier working directory ("guide.md", from docs/) that the project root
  // cannot rename (its file lies outside it): its id points nowhere, its file is there.
  {
    const WorkingDirectory here(tmp_.path() / "docs");
    run(request({"guide.md"}));
  }
  write_file(tmp_ / "project/readme.md", "# Readme\n");
  const WorkingDirectory here(tmp_.path() / "project");
  IngestRequest r = request({"."});
  r.project_root = tmp_.path() / "project";
  r.prune = true;
  const IngestSummary s = run(r);
  EXPECT_EQ(s.removed, 0u);
  EXPECT_EQ(n("SELECT count(*) FROM documents WHERE source = 'guide.md'"), 1);
}

TEST_F(IngestTest, SkippedFilesAreCountedByKindAndTheirBytesLeftOut) {
  write_file(doc("img/logo.svg"), "<svg xmlns='http://www.w3.org/2000/svg'><image href='data:image/png;base64,AAAA'/></svg>");
  write_file(doc("blob.bin"), std::string("\x7F" "ELF\0\0binary", 12));
  write_file(doc("searchindex.js"), "Search.setIndex({})");
  const IngestSummary s = run(request());
  EXPECT_EQ(s.added, 4u);
  EXPECT_EQ(s.skipped, 3u);
  EXPECT_EQ(s.skipped_by_kind, (std::map<std::string, std::size_t>{{"binary", 1}, {"search-index", 1}, {"svg", 1}}));
  std::uint64_t documents = 0;
  for (const char* name : {"guide.md", "notes.txt", "page.html", "sub/code.py"}) documents += fs::file_size(doc(name));
  EXPECT_EQ(s.bytes, documents);
  const std::optional<DocumentEvent> svg = recorder_.of(doc("img/logo.svg"));
  ASSERT_TRUE(svg);
  EXPECT_EQ(svg->action, Action::skipped);
  EXPECT_EQ(svg->kind, "svg");
  EXPECT_FALSE(svg->named) << "found in a folder";
  run(request({doc("blob.bin")}));
  ASSERT_TRUE(recorder_.of(doc("blob.bin")));
  EXPECT_TRUE(recorder_.of(doc("blob.bin"))->named) << "named on the command line: the CLI warns";
  IngestRequest all = request();
  all.walk.include_generated = true;
  const IngestSummary again = run(all);
  EXPECT_EQ(again.added, 2u) << "the SVG and the search index";
  EXPECT_FALSE(recorder_.of(doc("blob.bin"))->named);
  EXPECT_EQ(again.skipped_by_kind, (std::map<std::string, std::size_t>{{"binary", 1}}));
}

TEST_F(IngestTest, BadCollectionNameIsAUsageError) {
  IngestRequest r = request();
  r.collection = "";
  EXPECT_EQ(error_of([&] { run(r); }).code(), ExitCode::usage);
  r.collection = std::string("a\nb");
  EXPECT_EQ(error_of([&] { run(r); }).code(), ExitCode::usage);
}

TEST_F(IngestTest, StoreThatIsADirectoryIsUnavailable) {
  fs::create_directories(tmp_ / "dir.db");
  IngestRequest r = request();
  r.store_path = tmp_ / "dir.db";
  EXPECT_EQ(error_of([&] { run(r); }).code(), ExitCode::unavailable);
}

}  // namespace
}  // namespace strata::ingest
