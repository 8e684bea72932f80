// The document writer and the catalog on a PostgreSQL store (store/postgres/pg_writer.cpp,
// pg_catalog.cpp): the same writes as on a SQLite store read back the same through the public
// functions; the keyword statistics (keyword_stats, term_stats) always equal a recount of
// chunk_terms, and chunk_terms what the tokenizer gives for each chunk and its title; two
// writers of one collection take turns, and one that waits too long names the holder.
// Each test gets a fresh database on the test server (tests/unit/test_db.h), with an ICU
// collation (en-US), so that an ordering by the database's locale instead of by bytes shows.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/cjk_terms.h"
#include "common/error.h"
#include "common/index_terms.h"
#include "common/utf8.h"
#include "search/fts_query.h"
#include "store/catalog.h"
#include "store/collections.h"
#include "store/document_writer.h"
#include "store/fts_tokenizer.h"
#include "migrate/engines/engine_url.h"
#include "migrate/model/migration_source.h"
#include "migrate/run/migrator.h"
#include "store/embedded_migrations.h"
#include "store/postgres/pg_backend.h"
#include "store/postgres/pg_keyword_index.h"
#include "store/postgres/pg_write_lock.h"
#include "store/postgres/pg_terms.h"
#include "store/search_store.h"
#include "store/store.h"
#include "test_db.h"
#include "test_util.h"
#include "setting_flags.h"

namespace strata {
namespace {

using store::DocumentRecord;
using store::DocumentWriter;
using store::PutResult;
using store::Store;

constexpr const char* k_pg_config = R"({"size":64})";

// A record of `text` cut into chunks at blank lines (offsets in bytes; ASCII or not, both stores
// get the same record).
DocumentRecord pg_record(const std::string& source, const std::string& title, const std::string& text,
                      std::optional<std::string> path = std::nullopt) {
  DocumentRecord r;
  r.source = source;
  r.path = std::move(path);
  r.title = title;
  r.content_hash = std::to_string(std::hash<std::string>{}(text));
  r.size_bytes = static_cast<std::int64_t>(text.size());
  r.mtime = "2026-01-02T03:04:05.000Z";
  r.mtime_ns = 1234;
  r.loader = "text";
  r.encoding = "utf-8";
  r.char_count = static_cast<std::int64_t>(text.size());
  r.text = text;
  std::size_t at = 0;
  std::int64_t line = 1;
  while (at < text.size()) {
    std::size_t end = text.find("\n\n", at);
    end = end == std::string::npos ? text.size() : end;
    store::ChunkRecord c;
    c.start_byte = c.char_start = static_cast<std::int64_t>(at);
    c.end_byte = c.char_end = static_cast<std::int64_t>(end);
    c.line_start = c.line_end = line++;
    c.tokens = static_cast<std::int64_t>((end - at) / 4);
    c.headings_json = R"(["Part )" + std::to_string(line) + R"("])";
    if (line % 2 == 0) c.page = c.page_end = line / 2;
    r.chunks.push_back(c);
    at = end + 2;
  }
  return r;
}

// Everything the public functions read of a store, ids and write times aside.
std::string pg_dump(Store& s) {
  std::ostringstream out;
  for (const store::CollectionInfo& c : store::list_collections(s)) {
    out << "collection " << c.name << " config=" << c.chunk_config << " chunks=" << c.chunks
        << " vectors=" << c.has_vectors << " documents=" << c.documents << " bytes=" << c.bytes
        << " embedded=" << c.embedded.value_or(-1) << " model=" << (c.embedding_model ? c.embedding_model->model : "-")
        << " ingested=" << !c.last_ingested_at.empty() << "\n";
    const auto rec = store::find_collection(s, c.name);
    out << "  record chunks=" << (rec ? rec->chunks : -1) << "\n";
    for (const std::string& src : store::document_sources(s, c.name)) out << "  source " << src << "\n";
    store::for_each_document(s, c.name, [&](const store::DocumentSummary& d) {
      out << "  document " << d.source << " path=" << d.path.value_or("-") << " title=" << d.title
          << " loader=" << d.loader << " encoding=" << d.encoding << " hash=" << d.content_hash
          << " size=" << d.size_bytes << " chars=" << d.char_count << " chunks=" << d.chunk_count
          << " pages=" << d.page_count.value_or(-1) << " mtime=" << d.mtime.value_or("-")
          << " metadata=" << d.metadata_json << "\n";
      store::for_each_chunk(s, d.id, [&](const store::ChunkView& k) {
        out << "    chunk " << k.ordinal << " [" << k.start_byte << "," << k.end_byte << ") chars [" << k.char_start
            << "," << k.char_end << ") lines " << k.line_start << "-" << k.line_end << " page "
            << k.page.value_or(-1) << "-" << k.page_end.value_or(-1) << " tokens " << k.tokens << " "
            << k.headings_json << " " << k.config_json << " |" << k.text << "|\n";
      });
      out << "    text |" << store::document_text(s, d.id) << "|\n";
    });
  }
  return out.str();
}

class PgStoreWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto& server = testing::pg_server_url();
    if (!server) GTEST_SKIP() << "PostgreSQL server unavailable: " << testing::pg_skip_reason();
    static int counter = 0;
    const std::string name = "w_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    try {
      testing::pg_query(*server, "CREATE DATABASE " + name +
                                     " TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'");
    } catch (const std::exception&) {
      testing::pg_query(*server, "CREATE DATABASE " + name);  // a server without ICU
    }
    url_ = server->substr(0, server->rfind('/') + 1) + name;
  }

  Store open(std::chrono::milliseconds busy = store::k_default_busy_timeout, const std::string& cache_folder = {}) {
    store::OpenOptions o;
    o.busy_timeout = busy;
    o.cache_folder = cache_folder;
    return Store::open(url_, o);
  }

  // The first column of the first row, in the store's schema.
  std::string query(const std::string& sql) const { return testing::pg_query(url_, "SET search_path TO strata; " + sql); }

  // keyword_stats and term_stats against a recount of chunk_terms and chunks; chunk_terms
  // against the tokenizer's terms of every chunk with its document's title now. "" when equal.
  std::string index_problems() const {
    std::string problems;
    const auto check = [&](const std::string& what, const std::string& sql) {
      const std::string n = query(sql);
      if (n != "0") problems += what + ": " + n + "\n";
    };
    check("term_stats <> recount",
          "SELECT count(*) FROM (SELECT collection_id, term, count(*) AS n FROM chunk_terms GROUP BY 1, 2) r"
          " FULL JOIN term_stats s USING (collection_id, term) WHERE r.n IS DISTINCT FROM s.chunks");
    check("keyword_stats <> recount",
          "SELECT count(*) FROM collections k LEFT JOIN keyword_stats s ON s.collection_id = k.id"
          " WHERE coalesce(s.chunk_count, 0) <> (SELECT count(*) FROM chunks c WHERE c.collection_id = k.id)"
          "    OR coalesce(s.token_count, 0) <> (SELECT coalesce(sum(length), 0) FROM"
          "       (SELECT DISTINCT chunk_id, length FROM chunk_terms t WHERE t.collection_id = k.id) x)");
    check("chunk_terms without their chunk",
          "SELECT count(*) FROM chunk_terms t WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.id = t.chunk_id"
          " AND c.document_id = t.document_id AND c.collection_id = t.collection_id)");
    // The blocks of chunk_term_blocks: 1 to 128 postings in ascending chunk id between
    // first_chunk and last_chunk, the document ids and the postings' bytes of as many, the bytes'
    // chunk ids those of chunk_ids, and a term's blocks disjoint.
    check("malformed blocks",
          "SELECT count(*) FROM chunk_term_blocks b WHERE cardinality(chunk_ids) NOT BETWEEN 1 AND 128"
          " OR chunk_ids[1] <> first_chunk OR chunk_ids[cardinality(chunk_ids)] <> last_chunk"
          " OR cardinality(document_ids) <> cardinality(chunk_ids)"
          " OR length(postings) <> CASE get_byte(postings, 0) WHEN 1 THEN 1 + 24 * cardinality(chunk_ids)"
          "                                                   WHEN 2 THEN 9 + 12 * cardinality(chunk_ids) END"
          " OR EXISTS (SELECT 1 FROM generate_subscripts(chunk_ids, 1) i WHERE i > 1 AND chunk_ids[i - 1] >= chunk_ids[i])"
          " OR EXISTS (SELECT 1 FROM generate_subscripts(chunk_ids, 1) i WHERE chunk_ids[i] <>"
          "   ('x' || encode(substring(strata_posting(postings, i - 1) FROM 1 FOR 8), 'hex'))::bit(64)::bigint)");
    check("blocks of each layout (a batch's narrow, a merge's or removal's wide)",
          "SELECT count(*) FROM chunk_term_blocks WHERE get_byte(postings, 0) NOT IN (1, 2)");
    check("overlapping blocks of a term",
          "SELECT count(*) FROM (SELECT first_chunk, lag(last_chunk) OVER (PARTITION BY collection_id, term"
          " ORDER BY last_chunk) AS before FROM chunk_term_blocks) b WHERE first_chunk <= before");
    check("chunks of another collection than their document's",
          "SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.collection_id <> d.collection_id");
    check("documents whose chunk_count is not their chunks",
          "SELECT count(*) FROM documents d WHERE chunk_count <> (SELECT count(*) FROM chunks c WHERE c.document_id = d.id)");

    // The index of each chunk, computed again from its text and its document's title.
    std::map<std::int64_t, std::string> want, have;
    const store::FtsTokenizer tokenizer;
    const auto rows = [&](const std::string& sql) {
      std::vector<std::vector<std::string>> out;
      PGconn* c = PQconnectdb(url_.c_str());
      PGresult* r = PQexec(c, ("SET search_path TO strata; " + sql).c_str());
      for (int i = 0; i < PQntuples(r); ++i) {
        std::vector<std::string> row;
        for (int j = 0; j < PQnfields(r); ++j) row.emplace_back(PQgetvalue(r, i, j));
        out.push_back(std::move(row));
      }
      PQclear(r);
      PQfinish(c);
      return out;
    };
    for (const auto& r : rows("SELECT c.id, c.text, coalesce(c.cjk_terms, ''), coalesce(d.title, ''),"
                              " coalesce(d.title_cjk_terms, '') FROM chunks c JOIN documents d ON d.id = c.document_id")) {
      const store::pg::ChunkTerms terms =
          store::pg::chunk_terms(tokenizer, r[1], store::pg::title_column(r[3], r[4]), r[2]);
      std::string& line = want[std::stoll(r[0])];
      for (const store::pg::TermHits& t : terms.terms) {
        line += t.term + ":" + std::to_string(t.text) + "/" + std::to_string(t.title) + "/" + std::to_string(t.cjk) +
                "/" + std::to_string(terms.length) + " ";
      }
      if (r[2] != derived_index_terms(r[1])) problems += "chunk " + r[0] + ": cjk_terms are not its text's\n";
      if (r[4] != derived_index_terms(utf8_prefix(r[3], store::k_indexed_title_chars))) {
        problems += "chunk " + r[0] + ": its document's title_cjk_terms are not its title's\n";
      }
    }
    for (const auto& r : rows("SELECT chunk_id, term, text_hits, title_hits, cjk_hits, length FROM chunk_terms"
                              " ORDER BY chunk_id, term")) {
      have[std::stoll(r[0])] += r[1] + ":" + r[2] + "/" + r[3] + "/" + r[4] + "/" + r[5] + " ";
    }
    for (const auto& [id, line] : want) {
      const auto it = have.find(id);
      const std::string indexed = it == have.end() ? "" : it->second;  // a chunk without terms has no rows
      if (indexed != line) problems += "chunk " + std::to_string(id) + ": index " + indexed + " <> " + line + "\n";
    }
    for (const auto& [id, line] : have) {
      if (!want.contains(id)) problems += "chunk_terms of no chunk " + std::to_string(id) + "\n";
    }
    return problems;
  }

  testing::TempDir tmp_;
  std::string url_;
};

// The writes of one ingest-like session and its later runs, on the store at `s`.
std::vector<PutResult> pg_ingest_like(Store& s) {
  std::vector<PutResult> results;
  {
    DocumentWriter w(s, "docs", k_pg_config, false);
    EXPECT_FALSE(w.find("a.md"));
    w.begin();
    results.push_back(w.put(pg_record("a.md", "Alpha", "The quick brown fox.\n\nJumps over the lazy dog.", "/p/a.md"), false));
    results.push_back(w.put(pg_record("B.md", "依赖 Beta", "依赖项 are dependencies.\n\nCafé crème.", "/p/B.md"), false));
    results.push_back(w.put(pg_record("sub/c.md", "Gamma", "Gamma rays.\n\n!!!\n\nMore gamma.", "/p/sub/c.md"), false));
    results.push_back(w.put(pg_record("sub2/d.md", "Delta", "Delta.", "/p/sub2/d.md"), false));
    results.push_back(w.put(pg_record("é.md", "", "", "/p/é.md"), false));
    results.push_back(w.put(pg_record("stdin", "From stdin", "Piped text about foxes."), false));
    results.push_back(w.put(pg_record("punct.md", "", "!!!\n\n???", "/p/punct.md"), false));  // chunks without terms
    w.commit();
    EXPECT_FALSE(w.in_transaction());
  }
  {
    DocumentWriter w(s, "other", k_pg_config, false);
    w.begin();
    results.push_back(w.put(pg_record("a.md", "Other alpha", "Another fox entirely.", "/q/a.md"), false));
    w.commit();
  }
  {
    // A second run: unchanged, changed content, a new title, new metadata, a rename, a removal.
    DocumentWriter w(s, "docs", k_pg_config, false);
    w.begin();
    results.push_back(w.put(pg_record("a.md", "Alpha", "The quick brown fox.\n\nJumps over the lazy dog.", "/p/a.md"), false));
    results.push_back(w.put(pg_record("sub/c.md", "Gamma", "Gamma rays, changed.\n\nMore gamma.", "/p/sub/c.md"), false));
    results.push_back(w.put(pg_record("B.md", "Beta renamed 名字", "依赖项 are dependencies.\n\nCafé crème.", "/p/B.md"), false));
    DocumentRecord meta = pg_record("stdin", "From stdin", "Piped text about foxes.");
    meta.metadata_json = R"({"k":"v"})";
    results.push_back(w.put(meta, false));
    results.push_back(w.put(pg_record("stdin", "From stdin", "Piped text about foxes."), true));
    const auto d = w.find("sub2/d.md");
    EXPECT_TRUE(d);
    if (d) w.rename(d->id, "sub2/renamed.md");
    const auto e = w.find("é.md");
    EXPECT_TRUE(e);
    if (e) w.remove(e->id);
    w.commit();
  }
  {
    // Another chunking of the collection (--rechunk): every document is written again.
    DocumentWriter w(s, "docs", R"({"size":32})", true);
    w.begin();
    results.push_back(w.put(pg_record("a.md", "Alpha", "The quick brown fox.\n\nJumps over the lazy dog.", "/p/a.md"), false));
    w.commit();
  }
  return results;
}

TEST_F(PgStoreWriterTest, IngestLikeWritesReadBackAsOnSqlite) {
  Store lite = Store::open(tmp_ / "store.db");
  Store pg = open();
  EXPECT_EQ(pg_ingest_like(pg), pg_ingest_like(lite));
  EXPECT_EQ(pg_dump(pg), pg_dump(lite));
  EXPECT_EQ(index_problems(), "");

  EXPECT_EQ(store::collection_names(pg), store::collection_names(lite));
  EXPECT_EQ(store::document_sources(pg, "docs"),
            (std::vector<std::string>{"B.md", "a.md", "punct.md", "stdin", "sub/c.md", "sub2/renamed.md"}))
      << "sources in byte order, as SQLite orders them";

  DocumentWriter wp(pg, "docs", k_pg_config, false), wl(lite, "docs", k_pg_config, false);
  const auto sources = [](const std::vector<store::StoredDocument>& docs) {
    std::vector<std::string> out;
    for (const auto& d : docs) out.push_back(d.source + "|" + d.path.value_or("-") + "|" + d.title + "|" + d.metadata_json +
                                             "|" + std::to_string(d.config_id.has_value()));
    return out;
  };
  for (const std::string folder : {"", "sub", "sub/", "sub2", "a.md", "none"}) {
    EXPECT_EQ(sources(wp.files_under(folder)), sources(wl.files_under(folder))) << "files_under '" << folder << "'";
  }
  EXPECT_EQ(sources(wp.files_under("sub")), std::vector<std::string>{"sub/c.md|/p/sub/c.md|Gamma|{}|1"});
  const auto apart = [](const std::vector<store::MisnamedDocument>& docs) {
    std::vector<std::string> out;
    for (const auto& d : docs) out.push_back(d.source + "|" + d.path);
    return out;
  };
  EXPECT_EQ(apart(wp.documents_named_apart("/p")), apart(wl.documents_named_apart("/p")));
  EXPECT_EQ(apart(wp.documents_named_apart("/p")), std::vector<std::string>{"sub2/renamed.md|/p/sub2/d.md"});
  EXPECT_EQ(apart(wp.documents_named_apart("/q")), std::vector<std::string>{});

  const auto by_path = store::find_document_by_path(pg, "docs", "/p/sub/c.md");
  ASSERT_TRUE(by_path);
  EXPECT_EQ(by_path->source, "sub/c.md");
  EXPECT_FALSE(store::find_document_by_path(pg, "docs", "/p/none.md"));
  EXPECT_EQ(store::get_document(pg, "docs", "B.md").title, "Beta renamed 名字");
  EXPECT_FALSE(store::find_document(pg, "docs", "none"));
}

// find() inside a transaction reads pages of documents from a source on and answers later
// sources from them: present, absent within a page, beyond a full page, after the last, and a
// document this transaction wrote, changed or removed; the same answers as SQLite's writer, and
// after a commit (a new transaction reads again) and a rollback.
TEST_F(PgStoreWriterTest, LookupsReadInPagesAnswerAsSQLites) {
  Store lite = Store::open(tmp_ / "store.db");
  Store pg = open();
  std::vector<std::string> sources;
  for (int i = 0; i < 40; ++i) sources.push_back("d" + std::to_string(100 + 2 * i) + ".md");  // d100 … d178, even
  for (Store* s : {&lite, &pg}) {
    DocumentWriter w(*s, "docs", k_pg_config, false);
    w.begin();
    for (const std::string& src : sources) w.put(pg_record(src, "T " + src, "text of " + src + "\n\nmore"), false);
    w.commit();
  }
  DocumentWriter wp(pg, "docs", k_pg_config, false), wl(lite, "docs", k_pg_config, false);
  const auto same = [&](const std::string& src, bool present, const std::string& when) {
    const auto p = wp.find(src);
    const auto l = wl.find(src);
    EXPECT_EQ(p.has_value(), present) << src << " " << when;
    EXPECT_EQ(p.has_value(), l.has_value()) << src << " " << when;
    if (p && l) {
      EXPECT_EQ(p->source, l->source) << when;
      EXPECT_EQ(p->content_hash, l->content_hash) << when;
      EXPECT_EQ(p->title, l->title) << when;
      EXPECT_EQ(p->config_id.has_value(), l->config_id.has_value()) << when;
    }
  };
  const auto both = [&](auto&& work) {
    work(wp);
    work(wl);
  };
  both([](DocumentWriter& w) { w.begin(); });
  same("d110.md", true, "first of a page");
  same("d112.md", true, "in the page");
  same("d111.md", false, "absent inside the page");
  same("d140.md", true, "the page's last");
  same("d141.md", false, "after a full page");
  same("d142.md", true, "after a full page");
  same("a.md", false, "before every page");
  same("d178.md", true, "the collection's last");
  same("zz.md", false, "after the last");
  same("zzz.md", false, "in the range to the end");
  both([](DocumentWriter& w) { w.put(pg_record("d113.md", "New", "a new one\n\nhere"), false); });
  same("d113.md", true, "written by this transaction, inside a page read before");
  both([](DocumentWriter& w) { w.put(pg_record("d112.md", "Changed", "changed text"), false); });
  same("d112.md", true, "changed by this transaction");
  EXPECT_EQ(wp.find("d112.md")->title, "Changed");
  both([](DocumentWriter& w) { w.put(pg_record("zzy.md", "Late", "after the last"), false); });
  same("zzy.md", true, "written after the last, in a range read as empty");
  both([](DocumentWriter& w) { w.commit(); });
  both([](DocumentWriter& w) { w.begin(); });
  same("d113.md", true, "a new transaction");
  same("d111.md", false, "a new transaction");
  both([](DocumentWriter& w) { w.put(pg_record("d111.md", "Kept", "kept"), false); });
  both([](DocumentWriter& w) { w.commit(); });
  {
    // A writer destroyed inside its transaction rolls it back.
    DocumentWriter rp(pg, "docs", k_pg_config, false), rl(lite, "docs", k_pg_config, false);
    rp.begin();
    rl.begin();
    EXPECT_TRUE(rp.find("d115.md") == std::nullopt && rl.find("d115.md") == std::nullopt);
    rp.put(pg_record("d115.md", "Rolled", "rolled back"), false);
    rl.put(pg_record("d115.md", "Rolled", "rolled back"), false);
    EXPECT_TRUE(rp.find("d115.md").has_value());
  }
  same("d115.md", false, "after the rollback");
  same("d111.md", true, "committed");
  EXPECT_EQ(pg_dump(pg), pg_dump(lite));
  EXPECT_EQ(index_problems(), "");
}

TEST_F(PgStoreWriterTest, MissingThingsFailAsOnSqlite) {
  Store lite = Store::open(tmp_ / "store.db");
  Store pg = open();
  pg_ingest_like(pg);
  pg_ingest_like(lite);
  const auto message = [](const auto& f) -> std::string {
    try {
      f();
    } catch (const Error& e) {
      return std::to_string(static_cast<int>(e.code())) + " " + cli::with_flags(e.what()) + " / " + cli::with_flags(e.hint());
    }
    return "no error";
  };
  const auto both = [&](const auto& f) {
    std::string a = message([&] { f(pg); }), b = message([&] { f(lite); });
    const auto cut = [](std::string s, const std::string& path) {
      for (auto at = s.find(path); at != std::string::npos; at = s.find(path)) s.replace(at, path.size(), "STORE");
      return s;
    };
    EXPECT_EQ(cut(a, pg.path()), cut(b, lite.path()));
    return a;
  };
  EXPECT_EQ(both([](Store& s) { store::get_document(s, "docs", "none.md"); }),
            "3 no document 'none.md' in collection 'docs' / list them with: strata documents list --collection docs");
  EXPECT_NE(both([](Store& s) { store::for_each_document(s, "nope", [](const auto&) {}); }).find("no collection named 'nope' in postgres://"),
            std::string::npos);
  both([](Store& s) { store::remove_collection(s, "nope"); });
  both([](Store& s) { store::remove_documents(s, "docs", {"a.md", "none.md"}); });
  EXPECT_TRUE(store::find_document(pg, "docs", "a.md")) << "all or none: a.md stays";
  EXPECT_EQ(pg_dump(pg), pg_dump(lite));
  EXPECT_FALSE(store::find_collection(pg, "nope"));
}

TEST_F(PgStoreWriterTest, StatisticsFollowEveryChange) {
  Store pg = open();
  pg_ingest_like(pg);
  EXPECT_EQ(index_problems(), "");
  EXPECT_NE(query("SELECT count(*) FROM chunk_terms t JOIN documents d ON d.id = t.document_id"
                  " WHERE d.source = 'B.md' AND t.term = 'renam' AND t.title_hits = 1"),
            "0")
      << "the new title is in the index of each chunk";
  EXPECT_EQ(query("SELECT count(*) FROM chunk_terms t JOIN documents d ON d.id = t.document_id"
                  " WHERE d.source = 'B.md' AND t.term = '依赖' AND t.title_hits > 0"),
            "0")
      << "the old title's terms are not";

  const auto removed = store::remove_documents(pg, "docs", {"a.md", "sub/c.md"});
  ASSERT_EQ(removed.size(), 2u);
  EXPECT_EQ(removed[0].source, "a.md");
  EXPECT_EQ(index_problems(), "");
  EXPECT_EQ(query("SELECT count(*) FROM term_stats s JOIN collections k ON k.id = s.collection_id"
                  " WHERE k.name = 'docs' AND s.term = 'gamma'"),
            "0")
      << "a term whose last chunk is gone has no row";

  const store::CollectionInfo gone = store::remove_collection(pg, "other");
  EXPECT_EQ(gone.documents, 1);
  EXPECT_EQ(gone.chunks, 1);
  EXPECT_EQ(index_problems(), "");
  EXPECT_EQ(query("SELECT count(*) FROM term_stats"), query("SELECT count(DISTINCT term) FROM chunk_terms"));
  EXPECT_EQ(store::collection_names(pg), std::vector<std::string>{"docs"});

  // A title dropped to nothing, then the documents removed one by one through the writer.
  DocumentWriter w(pg, "docs", R"({"size":32})", false);
  w.begin();
  EXPECT_EQ(w.put(pg_record("B.md", "", "依赖项 are dependencies.\n\nCafé crème.", "/p/B.md"), false), PutResult::changed);
  w.commit();
  EXPECT_EQ(index_problems(), "");
  w.begin();
  for (const std::string& s : store::document_sources(pg, "docs")) w.remove(w.find(s)->id);
  w.commit();
  EXPECT_EQ(index_problems(), "");
  EXPECT_EQ(query("SELECT count(*) FROM term_stats"), "0");
  EXPECT_EQ(query("SELECT chunk_count || '/' || token_count FROM keyword_stats"), "0/0");
  EXPECT_EQ(store::find_collection(pg, "docs")->chunks, 0);
}

// What a strata before migrations/postgres/0008 wrote: each document's derived terms the CJK
// terms alone (no whole term of C++ or C#), and its postings counted from them.
void write_as_before_symbol_terms(Store& s) {
  pq::Connection& c = store::pg_connection(s);
  const pq::Result docs = c.exec(
      "SELECT d.id, d.collection_id, k.name, coalesce(d.title, '') FROM documents d"
      " JOIN collections k ON k.id = d.collection_id ORDER BY d.id");
  const store::FtsTokenizer tokenizer;
  for (int i = 0; i < docs.rows(); ++i) {
    const std::int64_t doc = docs.int64(i, 0), collection = docs.int64(i, 1);
    c.begin();
    store::pg::lock_collection(c, docs.str(i, 2), std::chrono::seconds(5));
    store::pg::drop_document_index(c, collection, doc, false, "test");
    const std::string title_terms = cjk_index_terms(utf8_prefix(docs.text(i, 3), store::k_indexed_title_chars));
    c.exec("UPDATE documents SET title_cjk_terms = nullif($1, '') WHERE id = $2", {title_terms, std::to_string(doc)});
    const pq::Result chunks = c.exec("SELECT id, text FROM chunks WHERE document_id = $1", {std::to_string(doc)});
    store::pg::PendingIndex pending;
    for (int k = 0; k < chunks.rows(); ++k) {
      const std::string terms = cjk_index_terms(chunks.text(k, 1));
      c.exec("UPDATE chunks SET cjk_terms = nullif($1, '') WHERE id = $2", {terms, chunks.str(k, 0)});
      pending.add(doc, chunks.int64(k, 0),
                  store::pg::chunk_terms(tokenizer, chunks.text(k, 1), store::pg::title_column(docs.text(i, 3), title_terms),
                                         terms),
                  false);
    }
    pending.flush(c, collection, "test");
    c.commit();
  }
}

// Migration 0008 on a store written before it: the documents that may hold a name such as C++
// are listed, and the next open by the owner computes their terms and postings again
// (store/postgres/pg_terms_backfill.h): the index is then what a writer of today writes, and C++
// finds its page first.
TEST_F(PgStoreWriterTest, AnUpgradedStoresDocumentsGetTheirTermsAtTheNextOpen) {
  {
    Store pg = open();
    DocumentWriter w(pg, "docs", k_pg_config, false);
    w.begin();
    w.put(pg_record("cpp.md", "C++ notes", "Templates in C++17 and g++.\n\n依赖注入 in C++ too."), false);
    w.put(pg_record("cs.md", "Generics", "Generics in C# and F#.\n\nNothing here."), false);
    w.put(pg_record("c.md", "The C language", "C has no templates: C.\n\nC, c, C."), false);
    w.put(pg_record("sum.md", "Sums", "a+b is no name.\n\nissue#12 neither."), false);
    w.commit();
    EXPECT_EQ(index_problems(), "");
    write_as_before_symbol_terms(pg);
    EXPECT_NE(index_problems(), "") << "the terms of C++ and C# are missing";
    EXPECT_EQ(query("SELECT count(*) FROM term_stats WHERE term LIKE 'cplusplu%' OR term = 'csharp'"), "0");
  }
  std::vector<migrate::NamedContent> files;
  for (const store::EmbeddedFile& f : store::store_postgres_migration_files()) files.push_back({f.name, f.content});
  migrate::Endpoint endpoint = migrate::endpoint_from_url(url_);
  endpoint.schema = "strata";
  migrate::Migrator m(migrate::Target{endpoint, store::k_store_history_table},
                      migrate::load_files(files, "strata:migrations/postgres"));
  migrate::DownOptions down;
  down.to = 7;
  m.down(down);
  m.up(migrate::UpOptions{});
  EXPECT_EQ(query("SELECT string_agg(d.source, ' ' ORDER BY d.source) FROM index_terms_pending p"
                  " JOIN documents d ON d.id = p.document_id"),
            "cpp.md cs.md sum.md")
      << "an ASCII letter or digit before a '+' or '#'";

  Store pg = open();
  EXPECT_EQ(query("SELECT count(*) FROM index_terms_pending"), "0");
  EXPECT_EQ(index_problems(), "");
  EXPECT_EQ(query("SELECT chunks FROM term_stats WHERE term = 'cplusplu'"), "2") << "C++'s page, both chunks";
  const auto first = [&](const std::string& q) {
    const auto rows = store::keyword_search(pg, store::find_collection(pg, "docs")->id, search::fts_match_expression(q), {}, 1);
    return rows.empty() ? std::string() : store::chunk_refs(pg, {rows[0].chunk_id}).at(0).source;
  };
  EXPECT_EQ(first("C++"), "cpp.md");
  EXPECT_EQ(first("C#"), "cs.md");
  { Store again = open(); }
  EXPECT_EQ(index_problems(), "") << "nothing left to do at the next open";
}

TEST_F(PgStoreWriterTest, PutOutsideATransactionWritesAtOnce) {
  Store pg = open();
  DocumentWriter w(pg, "docs", k_pg_config, false);
  w.begin();
  w.commit();  // creates the collection, as ingest's first batch does
  EXPECT_EQ(w.put(pg_record("a.md", "A", "Alone.\n\nTwo chunks."), false), PutResult::added);
  EXPECT_FALSE(w.in_transaction());
  Store other = open();
  EXPECT_EQ(store::get_document(other, "docs", "a.md").chunk_count, 2) << "committed: another connection sees it";
  EXPECT_EQ(index_problems(), "");
}

TEST_F(PgStoreWriterTest, AFailedPutLeavesNothingOfItsBatch) {
  Store pg = open();
  // Opened before the check below is added: a store holding a check that is not strata's is
  // refused at connect (store/postgres/pg_foreign_objects.h).
  Store other = open();
  // A statement the server refuses (here for a check someone added to the table) fails the
  // transaction, and with it the batch.
  query("ALTER TABLE documents ADD CONSTRAINT no_refused_titles CHECK (title <> 'Refused')");
  DocumentWriter w(pg, "docs", k_pg_config, false);
  w.begin();
  w.put(pg_record("a.md", "A", "First of the batch."), false);
  w.put(pg_record("b.md", "Refused", "Some text."), false);  // batched: the statement fails at commit
  EXPECT_THROW(w.commit(), Error);
  EXPECT_FALSE(w.in_transaction());
  EXPECT_FALSE(store::find_collection(other, "docs").has_value()) << "nothing of the batch, not even the collection";
  // The writer goes on with a new transaction.
  w.begin();
  EXPECT_EQ(w.put(pg_record("a.md", "A", "First of the batch."), false), PutResult::added);
  w.commit();
  EXPECT_EQ(store::document_sources(other, "docs"), std::vector<std::string>{"a.md"});
  EXPECT_EQ(index_problems(), "");
}

// PostgreSQL's text holds neither a NUL byte nor bytes that are not UTF-8 (a file's name in
// Latin-1, a JSONL id "a\u0000b"): such a document is refused before anything of it is sent, and
// the batch it came in goes on. A lookup of such a source is not sent either: the server would
// refuse the statement and end the transaction (it ended a whole ingest).
TEST_F(PgStoreWriterTest, ADocumentPostgresCannotHoldIsRefusedAloneBeforeAnythingIsSent) {
  Store pg = open();
  DocumentWriter w(pg, "docs", k_pg_config, false);
  w.begin();
  w.put(pg_record("a.md", "A", "Kept."), false);
  struct Case {
    DocumentRecord record;
    std::string message;
  };
  std::vector<Case> cases;
  cases.push_back({pg_record("b.md", "B", std::string("bad\0byte", 8)), "writing b.md: its text has a NUL byte (at byte 3)"});
  cases.push_back({pg_record(std::string("id\0nul", 6), "C", "Text."), "its source has a NUL byte (at byte 2)"});
  cases.push_back({pg_record("caf\xe9.md", "D", "Text.", "/p/caf\xe9.md"), "its source is not UTF-8 (at byte 3)"});
  cases.push_back({pg_record("e.md", "E", "bad \xff byte"), "writing e.md: its text is not UTF-8 (at byte 4)"});
  DocumentRecord headings = pg_record("f.md", "F", "Text.");
  headings.chunks[0].headings_json = "[\"\xc3\"]";
  cases.push_back({headings, "writing f.md: its heading path is not UTF-8"});
  for (const Case& c : cases) {
    const std::optional<std::string> why = w.refusal(c.record);
    ASSERT_TRUE(why) << c.message;
    EXPECT_FALSE(w.find(c.record.source).has_value()) << c.message;
    EXPECT_TRUE(w.in_transaction()) << "a lookup of it sends nothing: " << c.message;
    try {
      w.put(c.record, false);
      ADD_FAILURE() << "written: " << c.message;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::invalid_input);
      EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(*why), std::string::npos) << "put() says what refusal() said: " << e.what();
    }
    EXPECT_TRUE(w.in_transaction()) << "the batch goes on: " << c.message;
  }
  EXPECT_FALSE(w.refusal(pg_record("g.md", "G", "Fine text, ünïcödé.")).has_value());
  w.put(pg_record("g.md", "G", "Fine text, ünïcödé."), false);
  w.commit();
  EXPECT_EQ(store::document_sources(pg, "docs"), (std::vector<std::string>{"a.md", "g.md"}));
  EXPECT_TRUE(w.files_under("caf\xe9").empty()) << "no source lies below a folder PostgreSQL cannot name";
  EXPECT_EQ(index_problems(), "");
}

TEST(StoreWriterRefusal, ASqliteStoreHoldsAnyBytes) {
  testing::TempDir tmp;
  Store lite = Store::open((tmp.path() / "s.db").string());
  DocumentWriter w(lite, "docs", k_pg_config, false);
  EXPECT_FALSE(w.refusal(pg_record("caf\xe9.md", "B", std::string("bad\0byte", 8))).has_value());
}

TEST_F(PgStoreWriterTest, TwoWritersOfOneCollectionTakeTurns) {
  Store first = open();
  Store second = open();
  DocumentWriter a(first, "docs", k_pg_config, false);
  a.begin();
  a.put(pg_record("a.md", "A", "Written by the first."), false);
  std::chrono::steady_clock::duration waited{};
  PutResult b_result = PutResult::unchanged;
  std::thread other([&] {
    DocumentWriter b(second, "docs", k_pg_config, false);
    const auto t0 = std::chrono::steady_clock::now();
    b.begin();  // waits for the first writer's commit
    waited = std::chrono::steady_clock::now() - t0;
    b_result = b.put(pg_record("a.md", "A", "Written by the first."), false);
    b.put(pg_record("b.md", "B", "Written by the second."), false);
    b.commit();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  a.commit();
  other.join();
  EXPECT_GE(waited, std::chrono::milliseconds(350)) << "the second writer waited for the first";
  EXPECT_EQ(b_result, PutResult::unchanged) << "the second sees what the first committed, and writes nothing";
  EXPECT_EQ(store::document_sources(first, "docs"), (std::vector<std::string>{"a.md", "b.md"}));
  EXPECT_EQ(query("SELECT count(*) FROM documents"), "2");
  EXPECT_EQ(index_problems(), "");
}

TEST_F(PgStoreWriterTest, WritersOfTwoCollectionsDoNotWait) {
  Store first = open();
  Store second = open(std::chrono::milliseconds(0));
  DocumentWriter a(first, "one", k_pg_config, false);
  DocumentWriter b(second, "two", k_pg_config, false);
  a.begin();
  a.put(pg_record("a.md", "A", "In one."), false);
  EXPECT_NO_THROW(b.begin());
  b.put(pg_record("a.md", "A", "In two."), false);
  b.commit();
  a.commit();
  EXPECT_EQ(index_problems(), "");
}

TEST_F(PgStoreWriterTest, AWriterThatWaitsTooLongNamesTheHolder) {
  Store first = open();
  const std::string holder_pid = store::pg_connection(first).exec("SELECT pg_backend_pid()").str(0, 0);
  DocumentWriter a(first, "docs", k_pg_config, false);
  a.begin();
  for (const auto busy : {std::chrono::milliseconds(300), std::chrono::milliseconds(0)}) {
    Store second = open(busy);
    DocumentWriter b(second, "docs", k_pg_config, false);
    const auto t0 = std::chrono::steady_clock::now();
    try {
      b.begin();
      ADD_FAILURE() << "the second writer got the lock the first holds";
    } catch (const Error& e) {
      const std::string m = e.what();
      EXPECT_EQ(e.code(), ExitCode::unavailable);
      EXPECT_NE(m.find(second.path() + ": collection 'docs' is locked by another writer (server pid " + holder_pid +
                       ", strata writer on "),
                std::string::npos)
          << m;
      EXPECT_NE(m.find(" pid " + std::to_string(::getpid()) + ", from 127.0.0.1, in a transaction since "),
                std::string::npos)
          << m;
      EXPECT_NE(m.find(busy.count() == 0 ? "waited 0.00 s)" : "waited 0.30 s)"), std::string::npos) << m;
      EXPECT_EQ(m.find("pw-"), std::string::npos) << "no password in " << m;
      EXPECT_NE(e.hint().find("busy_timeout"), std::string::npos);
    }
    EXPECT_GE(std::chrono::steady_clock::now() - t0, busy);
    EXPECT_FALSE(b.in_transaction());
    // The failed writer's store is usable: it reads, and removing the collection waits too.
    EXPECT_TRUE(store::collection_names(second).empty());
    EXPECT_THROW(store::remove_documents(second, "docs", {"a.md"}), Error);
  }
  a.commit();
}

// Every kind of object the catalog check refuses and that tests/e2e/store_postgres_team.sh
// does not plant: each makes the next open fail with exit 7 naming it, and once it is undone the
// store opens again. Among them the kinds found from the other side of the schema's edge (a
// foreign key or a child table of another schema that points into the store), which the check
// finds through the store's own relations rather than by reading the database's whole catalog.
// Each open keeps its passing verdict in a cache folder (pg_objects_verdict.h): a plant made
// after a clean open is refused all the same.
TEST_F(PgStoreWriterTest, EveryKindOfForeignObjectIsRefusedAtOpen) {
  testing::TempDir cache;
  const auto open = [&] { return PgStoreWriterTest::open(store::k_default_busy_timeout, cache.path().string()); };
  { Store first = open(); }   // makes the store: no schema to check yet
  { Store second = open(); }  // checks it
  ASSERT_TRUE(std::filesystem::exists(cache.path() / "strata" / "checked")) << "a clean check keeps its verdict";
  query("CREATE TABLE public.outside_parent (id BIGINT PRIMARY KEY); CREATE DOMAIN public.outside_text AS TEXT");
  struct Plant {
    std::string named, sql, undo;
  };
  const std::vector<Plant> plants = {
      {"foreign key documents.points_out",
       "ALTER TABLE strata.documents ADD CONSTRAINT points_out FOREIGN KEY (id) REFERENCES public.outside_parent (id)",
       "ALTER TABLE strata.documents DROP CONSTRAINT points_out"},
      {"foreign key outside_child.outside_child_doc_fkey",
       "CREATE TABLE public.outside_child (doc BIGINT REFERENCES strata.documents (id))",
       "DROP TABLE public.outside_child"},
      {"foreign key outside_pair.points_in",
       "CREATE TABLE public.outside_pair (a BIGINT, b INTEGER, CONSTRAINT points_in FOREIGN KEY (a, b) "
       "REFERENCES strata.chunks (document_id, ordinal))",
       "DROP TABLE public.outside_pair"},
      {"inheritance outside_heir under documents", "CREATE TABLE public.outside_heir () INHERITS (strata.documents)",
       "DROP TABLE public.outside_heir"},
      {"inheritance inner_heir under outside_parent",
       "CREATE TABLE strata.inner_heir () INHERITS (public.outside_parent)", "DROP TABLE strata.inner_heir"},
      {"index by_lower_title", "CREATE INDEX by_lower_title ON strata.documents ((lower(title)))",
       "DROP INDEX strata.by_lower_title"},
      {"index titled_only", "CREATE INDEX titled_only ON strata.documents (id) WHERE title <> ''",
       "DROP INDEX strata.titled_only"},
      {"column documents.mood of type public.outside_text",
       "ALTER TABLE strata.documents ADD COLUMN mood public.outside_text",
       "ALTER TABLE strata.documents DROP COLUMN mood"},
      {"type feeling", "CREATE TYPE strata.feeling AS ENUM ('calm')", "DROP TYPE strata.feeling"},
      {"collation plain", "CREATE COLLATION strata.plain FROM \"C\"", "DROP COLLATION strata.plain"},
      {"view recent", "CREATE VIEW strata.recent AS SELECT id FROM strata.documents",
       "DROP VIEW strata.recent"},
      {"materialized view kept", "CREATE MATERIALIZED VIEW strata.kept AS SELECT id FROM strata.documents",
       "DROP MATERIALIZED VIEW strata.kept"},
  };
  for (const Plant& p : plants) {
    SCOPED_TRACE(p.named);
    query(p.sql);
    try {
      Store refused = open();
      ADD_FAILURE() << "opened a store holding " << p.named;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::unavailable);
      EXPECT_NE(std::string(e.what()).find("not strata's, which would run as you: "), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(p.named), std::string::npos) << e.what();
    }
    query(p.undo);
    EXPECT_NO_THROW({ Store again = open(); }) << "undone";
  }
}

}  // namespace
}  // namespace strata
