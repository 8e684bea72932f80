// search_store.h on PostgreSQL against SQLite: the same documents written to a SQLite store and
// to a PostgreSQL store give the same keyword rows (chunks named by source and ordinal, as ids
// may differ) and the same BM25 scores to the last bit, for every query of a generated corpus and hand-picked
// ones (repeated terms, CJK, accents, stemming, title-only words, C++ and C#), per collection whatever the
// other collections hold, with and without filters (equals, prefix, glob on fields and metadata),
// and for chunk ids far apart and a term at thousands of places; the other queries (filters,
// terms, chunks, vectors) agree too, and so do stores migrated down and up again.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/error.h"
#include "migrate/engines/engine_url.h"
#include "migrate/model/migration_source.h"
#include "migrate/run/migrator.h"
#include "search/fts_compounds.h"
#include "search/fts_query.h"
#include "store/catalog.h"
#include "store/collections.h"
#include "store/document_writer.h"
#include "store/embedded_migrations.h"
#include "store/postgres/pg_bm25.h"
#include "store/postgres/pg_filters.h"
#include "store/postgres/pg_backend.h"
#include "store/postgres/pg_postings_cache.h"
#include "store/search_store.h"
#include "store/store.h"
#include "test_db.h"
#include "test_util.h"

namespace strata {
namespace {

using store::DocumentFilter;
using store::FilterMatch;
using store::KeywordRow;
using store::Store;

struct TestDoc {
  std::string collection, source, title;
  std::vector<std::string> chunks;
  std::string metadata = "{}";
  std::string loader = "text";
  std::optional<std::string> path;
};

TestDoc doc(std::string collection, std::string source, std::string title, std::vector<std::string> chunks) {
  TestDoc d;
  d.collection = std::move(collection);
  d.source = std::move(source);
  d.title = std::move(title);
  d.chunks = std::move(chunks);
  return d;
}

store::DocumentRecord record_of(const TestDoc& d) {
  store::DocumentRecord r;
  r.source = d.source;
  r.path = d.path;
  r.title = d.title;
  r.loader = d.loader;
  r.encoding = "utf-8";
  r.metadata_json = d.metadata;
  for (const std::string& c : d.chunks) {
    store::ChunkRecord cr;
    cr.start_byte = static_cast<std::int64_t>(r.text.size());
    r.text += c;
    cr.end_byte = static_cast<std::int64_t>(r.text.size());
    cr.line_start = cr.line_end = 1;
    cr.headings_json = "[]";
    r.chunks.push_back(cr);
    r.text += "\n";
  }
  r.content_hash = "h" + std::to_string(std::hash<std::string>{}(r.text + d.title + d.metadata));
  r.size_bytes = static_cast<std::int64_t>(r.text.size());
  r.char_count = r.size_bytes;
  return r;
}

// ---- a corpus ----------------------------------------------------------------------------------

const std::vector<std::string>& vocabulary() {
  static const std::vector<std::string> words = {
      "the", "of", "and", "system", "systems", "data", "database", "databases", "index", "indexing", "indexed",
      "query", "queries", "querying", "connect", "connection", "connections", "connected", "rollback", "roll",
      "backup", "transaction", "transactions", "lock", "locks", "locking", "server", "client", "retrieval",
      "information", "library", "libraries", "search", "searching", "rank", "ranking", "document", "documents",
      "café", "cafe", "CAFÉ", "naïve", "résumé", "Zürich", "über", "straße", "Ångström", "façade",
      "依赖注入", "什么是依赖注入系统", "数据库", "東京タワー", "한국어를", "使用FastAPI的",
      "x86", "2024", "v2", "C", "memory", "storage", "capacity", "digital", "random", "access", "sequential",
      "computer", "program", "programs", "language", "languages", "compiler", "algorithm", "algorithms",
      "matrix", "linear", "equations", "network", "networks", "protocol", "packet", "routing", "cache",
      "caching", "cached", "thread", "threads", "process", "processes", "kernel", "file", "files", "disk",
      "medical", "patient", "patients", "cell", "cells", "growth", "hormone", "therapy", "clinical",
      "analysis", "analyses", "analyzing", "evaluation", "evaluate", "evaluated", "user", "users", "needs"};
  return words;
}

// A word, the common ones more often (about Zipf's law).
std::string pick(std::mt19937& rng) {
  const auto& v = vocabulary();
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const double x = u(rng);
  return v[static_cast<std::size_t>(std::pow(x, 2.2) * static_cast<double>(v.size())) % v.size()];
}

std::string words(std::mt19937& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += (i > 0 ? (i % 7 == 0 ? ". " : " ") : "") + pick(rng);
  return s;
}

std::vector<TestDoc> corpus(const std::string& collection, int documents, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> len(3, 45), nchunks(1, 4), ntitle(0, 6), small(0, 4);
  const std::vector<std::string> teams = {"legal", "eng", "ops"};
  const std::vector<std::string> numbers = {"1", "2", "3", "1.5", "2.0", "0.1", "1e3", "-4", "12345678901234567890", "1e20"};
  std::vector<TestDoc> docs;
  for (int i = 0; i < documents; ++i) {
    TestDoc d;
    d.collection = collection;
    const int kind = i % 4;
    d.source = (kind == 0 ? "docs/" : kind == 1 ? "notes/" : kind == 2 ? "docs/sub/" : "misc[1]/") + collection +
               std::to_string(i) + (kind == 1 ? ".txt" : kind == 3 ? ".MD" : ".md");
    if (kind != 1) d.path = "/home/ann/" + d.source;
    d.loader = kind == 1 ? "text" : "markdown";
    d.title = words(rng, ntitle(rng));
    const int n = nchunks(rng);
    for (int c = 0; c < n; ++c) d.chunks.push_back(words(rng, len(rng)));
    const std::string team = teams[static_cast<std::size_t>(small(rng)) % teams.size()];
    const std::string number = numbers[static_cast<std::size_t>(i) % numbers.size()];
    d.metadata = "{\"team\":\"" + team + "\",\"n\":" + number + ",\"tags\":[\"t" + std::to_string(small(rng)) + "\",\"" +
                 team + "\"," + number + "],\"draft\":" + (i % 3 == 0 ? "true" : "false") +
                 (i % 5 == 0 ? ",\"owner\":null" : "") + "}";
    if (i % 11 == 0) d.metadata = "{}";
    docs.push_back(std::move(d));
  }
  // Hand-made: a word only in a title, a long title cut at 300 characters, CJK in a title, a
  // document without chunks' text words, accents and case.
  docs.push_back(doc(collection, "special/zeppelin.md", "Zeppelin airships", {"lighter than air travel", "history"}));
  std::string long_title;
  for (int i = 0; i < 60; ++i) long_title += "alpha ";
  long_title += "omega";
  docs.push_back(doc(collection, "special/long.md", long_title, {"a long title's document"}));
  docs.push_back(doc(collection, "special/cjk.md", "依赖注入入门", {"什么是依赖注入系统? 使用FastAPI的依赖注入", "東京タワー 한국어를"}));
  docs.push_back(doc(collection, "special/punct.md", "", {"--- ... !!!", ""}));
  docs.push_back(doc(collection, "special/repeat.md", "Rollback", {"rollback rollback rollback roll back", "ROLLBACK"}));
  docs.push_back(doc(collection, "special/cpp.md", "C++ and C# notes", {"templates in C++17 with g++; C# generics", "the C language"}));
  return docs;
}

std::vector<std::string> queries(unsigned seed, int n) {
  std::vector<std::string> out = {"rollback",
                                  "roll back",
                                  "rollback rollback",
                                  "connections connected",
                                  "cafe",
                                  "CAFÉ café cafe",
                                  "naive resume",
                                  "zurich uber strasse",
                                  "Ångström",
                                  "依赖注入",
                                  "什么是依赖注入",
                                  "東京",
                                  "한국어",
                                  "FastAPI",
                                  "zeppelin",
                                  "airships",
                                  "omega",
                                  "alpha",
                                  "the of and",
                                  "the database",
                                  "x86 2024 v2",
                                  "don't panic",
                                  "\"quoted\" words",
                                  "nonexistentword",
                                  "nonexistentword database",
                                  "C++",
                                  "C# generics",
                                  "g++ and c++ templates",
                                  "information retrieval systems for libraries",
                                  "what is the capacity of digital memory storage for random and sequential access"};
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> len(1, 12);
  for (int i = 0; i < n; ++i) {
    std::string q = words(rng, len(rng));
    if (i % 4 == 0) q += " " + q.substr(0, q.find(' '));  // a repeated term
    out.push_back(q);
  }
  return out;
}

// ---- the two stores ----------------------------------------------------------------------------

class PgStoreSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!pg_.available()) GTEST_SKIP() << pg_.skip_reason();
    sqlite_.emplace(Store::open(tmp_ / "store.db"));
    pg_store_.emplace(Store::open(pg_.url()));
  }

  Store& sqlite() { return *sqlite_; }
  Store& pg() { return *pg_store_; }
  pq::Connection& pgc() { return store::pg_connection(pg()); }

  static void write_with_writer(Store& s, const std::vector<TestDoc>& docs) {
    std::map<std::string, std::vector<const TestDoc*>> by_collection;
    for (const TestDoc& d : docs) by_collection[d.collection].push_back(&d);
    for (const auto& [name, list] : by_collection) {
      store::DocumentWriter w(s, name, "{}", false);
      w.begin();
      for (const TestDoc* d : list) w.put(record_of(*d), false);
      w.commit();
    }
  }

  void write(const std::vector<TestDoc>& docs) {
    write_with_writer(sqlite(), docs);
    write_with_writer(pg(), docs);
  }

  std::int64_t sqlite_collection(const std::string& name) { return store::find_collection(sqlite(), name)->id; }
  std::int64_t pg_collection(const std::string& name) { return store::find_collection(pg(), name)->id; }

  // Chunk id → "source#ordinal", the same chunk in both stores.
  std::map<std::int64_t, std::string> sqlite_keys() {
    SQLite::Database db(tmp_ / "store.db", SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT c.id, d.source || '#' || c.ordinal FROM chunks c JOIN documents d ON d.id = c.document_id");
    std::map<std::int64_t, std::string> out;
    while (q.executeStep()) out[q.getColumn(0).getInt64()] = q.getColumn(1).getString();
    return out;
  }
  std::map<std::int64_t, std::string> pg_keys() {
    const pq::Result r = pgc().exec("SELECT c.id, d.source || '#' || c.ordinal FROM chunks c JOIN documents d ON d.id = c.document_id");
    std::map<std::int64_t, std::string> out;
    for (int i = 0; i < r.rows(); ++i) out[r.int64(i, 0)] = r.str(i, 1);
    return out;
  }

  struct Named {
    std::string key;
    double score = 0;
  };
  static std::vector<Named> named(const std::vector<KeywordRow>& rows, const std::map<std::int64_t, std::string>& keys) {
    std::vector<Named> out;
    for (const KeywordRow& r : rows) out.push_back(Named{keys.at(r.chunk_id), r.bm25});
    return out;
  }

  // Same chunks in the same order with the same scores: the very same doubles (pg_bm25.h sums
  // each score in SQLite's order), so ties between copies of a text break the same way too.
  static void expect_same_rows(const std::vector<Named>& want, const std::vector<Named>& got, const std::string& what) {
    ASSERT_EQ(want.size(), got.size()) << what;
    for (std::size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(want[i].key, got[i].key) << what << ": row " << i;
      EXPECT_EQ(want[i].score, got[i].score) << what << ": row " << i;
      if (want[i].key != got[i].key || want[i].score != got[i].score) return;  // one message per search
    }
  }

  void expect_same_search(const std::string& collection, const std::string& query, const std::vector<DocumentFilter>& filters,
                          std::size_t limit, const std::map<std::int64_t, std::string>& skeys,
                          const std::map<std::int64_t, std::string>& pkeys, const store::KeywordRanking& ranking = {}) {
    expect_same_match(collection, search::fts_match_expression(query), filters, limit, skeys, pkeys, ranking);
  }

  // As expect_same_search, for a match expression as it is.
  void expect_same_match(const std::string& collection, const std::string& match, const std::vector<DocumentFilter>& filters,
                         std::size_t limit, const std::map<std::int64_t, std::string>& skeys,
                         const std::map<std::int64_t, std::string>& pkeys, const store::KeywordRanking& ranking = {}) {
    if (match.empty()) return;
    const auto want =
        named(store::keyword_search(sqlite(), sqlite_collection(collection), match, filters, limit, false, ranking), skeys);
    const auto got =
        named(store::keyword_search(pg(), pg_collection(collection), match, filters, limit, pg_in_memory_, ranking), pkeys);
    std::string what = collection + " '" + match.substr(0, 80) + "' limit " + std::to_string(limit) + " title cap " +
                       std::to_string(ranking.title_cap);
    for (const DocumentFilter& f : filters) what += " where " + f.key + "/" + f.value;
    expect_same_rows(want, got, what);
  }

  // Each of `qs` unfiltered at depth 100, and with `filter` at 10, as expect_same_search.
  void expect_same_searches(const std::string& collection, const std::vector<std::string>& qs, const DocumentFilter& filter,
                            const std::map<std::int64_t, std::string>& skeys,
                            const std::map<std::int64_t, std::string>& pkeys) {
    for (const std::string& q : qs) {
      expect_same_search(collection, q, {}, 100, skeys, pkeys);
      expect_same_search(collection, q, {filter}, 10, skeys, pkeys);
    }
  }

  // Whether the PostgreSQL side searches as a long-running process does (the process's copy of
  // the postings, pg_postings_cache.h).
  bool pg_in_memory_ = false;
  testing::TempDir tmp_;
  testing::TestDatabase pg_{migrate::DriverKind::postgres, tmp_};
  std::optional<Store> sqlite_, pg_store_;
};

std::vector<DocumentFilter> filter_cases() {
  return {
      {"source", "docs/a3.md", FilterMatch::equals},
      {"source", "docs/", FilterMatch::prefix},
      {"source", "docs/sub/", FilterMatch::prefix},
      {"source", "*.md", FilterMatch::glob},
      {"source", "*.MD", FilterMatch::glob},
      {"source", "misc[[]1]/*", FilterMatch::glob},
      {"source", "misc[1]/*", FilterMatch::glob},
      {"source", "*[0-4].md", FilterMatch::glob},
      {"source", "*[^0-4].md", FilterMatch::glob},
      {"source", "docs/a?.md", FilterMatch::glob},
      {"source", "docs/[a", FilterMatch::glob},
      {"source", "*[]]*", FilterMatch::glob},
      {"source", "*[-.]md", FilterMatch::glob},
      {"title", "", FilterMatch::equals},
      {"title", "Zeppelin airships", FilterMatch::equals},
      {"title", "Zep", FilterMatch::prefix},
      {"title", "*依赖*", FilterMatch::glob},
      {"title", "*a*", FilterMatch::glob},
      {"loader", "markdown", FilterMatch::equals},
      {"path", "/home/ann/docs/", FilterMatch::prefix},
      {"path", "/home/ann/%", FilterMatch::prefix},
      {"path", "*/sub/*", FilterMatch::glob},
      {"team", "legal", FilterMatch::equals},
      {"team", "le", FilterMatch::prefix},
      {"team", "?ng", FilterMatch::glob},
      {"tags", "t2", FilterMatch::equals},
      {"tags", "eng", FilterMatch::equals},
      {"tags", "t", FilterMatch::prefix},
      {"n", "3", FilterMatch::equals},
      {"n", "1.5", FilterMatch::equals},
      {"n", "2.0", FilterMatch::equals},
      {"n", "2", FilterMatch::equals},
      {"n", "1000.0", FilterMatch::equals},
      {"n", "1e3", FilterMatch::equals},
      {"n", "1.0e+20", FilterMatch::equals},
      {"n", "1.23456789012346e+19", FilterMatch::equals},
      {"n", "-4", FilterMatch::equals},
      {"n", "1", FilterMatch::prefix},
      {"n", "*.*", FilterMatch::glob},
      {"tags", "1.5", FilterMatch::equals},
      {"tags", "-", FilterMatch::prefix},
      {"draft", "true", FilterMatch::equals},
      {"draft", "false", FilterMatch::equals},
      {"draft", "t", FilterMatch::prefix},
      {"owner", "null", FilterMatch::equals},
      {"owner", "n*", FilterMatch::glob},
      {"missing", "x", FilterMatch::equals},
  };
}

// ---- the tests ---------------------------------------------------------------------------------

TEST_F(PgStoreSearchTest, KeywordRowsAndScoresEqualSQLitesForEveryQuery) {
  write(corpus("a", 160, 1));
  const auto skeys = sqlite_keys();
  const auto pkeys = pg_keys();
  ASSERT_EQ(skeys.size(), pkeys.size());
  for (const std::string& q : queries(7, 150)) {
    for (const std::size_t limit : {std::size_t{100}, std::size_t{10}, std::size_t{1}}) {
      expect_same_search("a", q, {}, limit, skeys, pkeys);
    }
  }
  // Found at all: the corpus's words, its title-only word and its CJK terms rank chunks.
  const auto found = [&](const std::string& q) {
    return store::keyword_search(pg(), pg_collection("a"), search::fts_match_expression(q), {}, 10).size();
  };
  EXPECT_EQ(found("zeppelin"), 2u) << "a title's word finds each chunk of its document";
  EXPECT_GE(found("依赖注入"), 1u);
  EXPECT_GE(found("cafe"), 1u);
  EXPECT_EQ(found("nonexistentword"), 0u);
  EXPECT_EQ(store::keyword_search(pg(), pg_collection("a"), "\"database\"", {}, 0).size(), 0u) << "limit 0";
}

TEST_F(PgStoreSearchTest, ACollectionIsRankedOnItsOwnStatistics) {
  write(corpus("b", 90, 2));
  const std::vector<std::string> qs = queries(11, 60);
  // B alone, then with A (more documents, other frequencies) beside it: B's rows do not change.
  std::vector<std::vector<KeywordRow>> alone;
  for (const std::string& q : qs) {
    alone.push_back(store::keyword_search(pg(), pg_collection("b"), search::fts_match_expression(q), {}, 50));
  }
  write(corpus("a", 140, 3));
  const auto skeys = sqlite_keys();
  const auto pkeys = pg_keys();
  for (std::size_t i = 0; i < qs.size(); ++i) {
    const auto beside = store::keyword_search(pg(), pg_collection("b"), search::fts_match_expression(qs[i]), {}, 50);
    ASSERT_EQ(alone[i].size(), beside.size()) << qs[i];
    for (std::size_t k = 0; k < beside.size(); ++k) {
      EXPECT_EQ(alone[i][k].chunk_id, beside[k].chunk_id) << qs[i];
      EXPECT_EQ(alone[i][k].bm25, beside[k].bm25) << qs[i];
    }
    expect_same_search("a", qs[i], {}, 50, skeys, pkeys);
    expect_same_search("b", qs[i], {}, 50, skeys, pkeys);
  }
  EXPECT_FALSE(store::collection_is_whole_store(pg(), pg_collection("a")));
  EXPECT_FALSE(store::collection_is_whole_store(pg(), pg_collection("b")));
}

TEST_F(PgStoreSearchTest, EveryLimitAndFilterRanksAsSQLite) {
  write(corpus("a", 200, 4));
  const auto skeys = sqlite_keys();
  const auto pkeys = pg_keys();
  for (const std::string& q : queries(5, 25)) {
    for (const std::size_t limit : {std::size_t{100}, std::size_t{10}, std::size_t{3}}) {
      expect_same_search("a", q, {}, limit, skeys, pkeys);
    }
    expect_same_search("a", q, {{"team", "legal", FilterMatch::equals}}, 10, skeys, pkeys);
    expect_same_search("a", q, {{"source", "*.md", FilterMatch::glob}}, 10, skeys, pkeys);
  }
}

// The title cap (store/fts_bm25.h capped_column_weight) on titles of 0 to 6 words, one cut at 300
// characters and CJK ones: the same rows with the very same scores on both stores, with a filter
// and with compound terms too; and a cap that changes the order.
TEST_F(PgStoreSearchTest, TheTitleCapRanksAsSQLite) {
  std::vector<TestDoc> docs = corpus("a", 120, 21);
  docs.push_back(doc("a", "utf.md", "UTF-8 and other encodings of text files on disk", {"files are read as UTF-8"}));
  // Collection t: a long title with the word, and its text twice, against a one-word title.
  std::string filler;
  for (int i = 0; i < 40; ++i) filler += "word" + std::to_string(i) + " ";
  docs.push_back(doc("t", "long.md", "UTF-8 and other encodings of text files on disk",
                     {"files are read in one of these encodings; encodings are named"}));
  docs.push_back(doc("t", "short.md", "Encodings", {"see the list"}));
  for (int i = 0; i < 3; ++i) docs.push_back(doc("t", "f" + std::to_string(i) + ".md", "", {filler}));
  write(docs);
  const auto skeys = sqlite_keys();
  const auto pkeys = pg_keys();
  std::vector<std::string> qs = queries(17, 30);
  qs.insert(qs.end(), {"zeppelin airships", "alpha omega", "依赖注入", "UTF-8 encodings"});
  for (const int cap : {1, 2, 6}) {
    for (const std::string& q : qs) {
      expect_same_search("a", q, {}, 100, skeys, pkeys, store::KeywordRanking{cap});
      expect_same_search("a", q, {}, 3, skeys, pkeys, store::KeywordRanking{cap});
      expect_same_search("a", q, {{"source", "*.md", FilterMatch::glob}}, 10, skeys, pkeys, store::KeywordRanking{cap});
    }
    expect_same_search("t", "encodings", {}, 10, skeys, pkeys, store::KeywordRanking{cap});
  }
  const auto first = [&](int cap) {
    const auto rows = store::keyword_search(pg(), pg_collection("t"), search::fts_match_expression("encodings"), {}, 1,
                                            false, store::KeywordRanking{cap});
    return rows.empty() ? std::string() : pkeys.at(rows[0].chunk_id);
  };
  EXPECT_EQ(first(0), "long.md#0") << "uncapped: the long title weighs 3 beside two hits in the text";
  EXPECT_EQ(first(1), "short.md#0") << "capped at 1: the one-word title is the label, the long one weighs 1.2";
  EXPECT_EQ(testing::error_of([&] { store::keyword_search(pg(), pg_collection("a"), "\"x\"", {}, 1, false, {-1}); }).code(),
            ExitCode::usage);
}

// Chunk ids far apart (another collection's in between, here a sequence restarted): the same
// rows and scores.
TEST_F(PgStoreSearchTest, ChunkIdsFarApartRankAsSQLite) {
  const std::vector<TestDoc> docs = corpus("a", 120, 9);
  write({docs.begin(), docs.begin() + 60});
  pgc().exec("ALTER TABLE chunks ALTER COLUMN id RESTART WITH 50000000");
  write({docs.begin() + 60, docs.end()});
  ASSERT_GT(pgc().exec("SELECT count(*) FROM chunks WHERE id >= 50000000").int64(0, 0), 0);
  expect_same_searches("a", queries(13, 40), {"source", "docs/", FilterMatch::prefix}, sqlite_keys(), pg_keys());
}

// A term at thousands of places of a query, another between them: every place's blocks are
// scored, in the query's order (the very sums SQLite adds up).
TEST_F(PgStoreSearchTest, PostingsOfManyFetchesRankAsSQLite) {
  write(corpus("a", 200, 4));
  const auto skeys = sqlite_keys();
  const auto pkeys = pg_keys();
  const pq::Result r = pgc().exec(
      "SELECT term, count(*) FROM chunk_term_blocks GROUP BY term HAVING count(*) >= 2 ORDER BY count(*) DESC, term LIMIT 1");
  ASSERT_EQ(r.rows(), 1) << "a term of several blocks";
  const std::string term = r.str(0, 0);
  const std::int64_t blocks = r.int64(0, 1);
  // Thousands of blocks in the stream; a second term between keeps the order of places tested.
  std::string match;
  for (std::int64_t i = 0; i <= 4096 / blocks + 1; ++i) match += (match.empty() ? "\"" : " OR \"") + term + "\"";
  match += " OR \"rollback\" OR \"" + term + "\"";
  expect_same_match("a", match, {}, 100, skeys, pkeys);
  expect_same_match("a", match, {{"team", "legal", FilterMatch::equals}}, 10, skeys, pkeys);
}

// A long-running process's copy of the postings (pg_postings_cache.h) ranks as SQLite, before and
// after every kind of write: a document added, one replaced, one removed. A term's blocks
// changed behind the writers' back (keyword_stats left as it was) are not seen while the copy
// holds the term, which shows the copy answers; a new stamp makes the next search read them.
TEST_F(PgStoreSearchTest, KeptPostingsRankAsSQLiteAndFollowEveryWrite) {
  store::pg::PostingsCache& cache = store::pg::PostingsCache::process();
  cache.clear();
  std::vector<TestDoc> docs = corpus("a", 80, 5);
  docs.push_back(doc("a", "py.md", "What's new in Python 3.11", {"exception groups; builds for x86-64 and 3.11 notes"}));
  write(docs);
  pg_in_memory_ = true;
  std::vector<std::string> qs = queries(17, 30);
  qs.insert(qs.end(), {"python 3.11", "x86-64 database", "zeppelin airships", "quokka marsupial"});
  const auto pass = [&](const std::string& what) {
    SCOPED_TRACE(what);
    const auto skeys = sqlite_keys();
    const auto pkeys = pg_keys();
    for (const std::string& q : qs) {
      expect_same_search("a", q, {}, 100, skeys, pkeys);
      expect_same_search("a", q, {}, 3, skeys, pkeys);
      // Filters and the title cap read the server (document ids, titles): the same rows still.
      expect_same_search("a", q, {{"team", "legal", FilterMatch::equals}}, 10, skeys, pkeys);
      expect_same_search("a", q, {}, 10, skeys, pkeys, store::KeywordRanking{.title_cap = 6});
    }
  };
  pass("first reads");
  EXPECT_GT(cache.terms(), 20u);
  EXPECT_GT(cache.bytes(), 0u);
  pass("from the copy");
  write({doc("a", "new.md", "Quokka", {"the quokka is a small marsupial; database of quokka sightings"})});
  pass("a document added");
  TestDoc replaced = docs[3];
  replaced.chunks = {"rollback database quokka", "the index of the system"};
  write({replaced});
  pass("a document replaced");
  for (Store* s : {&sqlite(), &pg()}) store::remove_documents(*s, "a", {docs[5].source, "new.md"});
  pass("documents removed");

  const auto pkeys = pg_keys();
  const auto found = [&](bool in_memory) {
    return store::keyword_search(pg(), pg_collection("a"), "\"zeppelin\"", {}, 10, in_memory).size();
  };
  ASSERT_EQ(found(true), 2u);
  pgc().exec("DELETE FROM chunk_term_blocks WHERE term = 'zeppelin'");
  EXPECT_EQ(found(false), 0u) << "the server's blocks are gone";
  EXPECT_EQ(found(true), 2u) << "the copy answers for the state it was read in";
  pgc().exec("UPDATE keyword_stats SET stamp = stamp + 1");
  EXPECT_EQ(found(true), 0u) << "another state: read again";
  cache.clear();
}

// A long-running process's search from its copy does not score every posting (pg_best_kept:
// terms taken highest bound first, chunks left once they cannot reach the best): the same rows
// and scores as SQLite's all the same, at every depth, with a term in every chunk, one in a few,
// a term twice in the query, phrases, and ties (the same text in several documents, ranked by
// chunk id).
TEST_F(PgStoreSearchTest, KeptPostingsPrunedRankAsSQLite) {
  store::pg::PostingsCache& cache = store::pg::PostingsCache::process();
  cache.clear();
  std::mt19937 rng(29);
  std::uniform_int_distribution<int> hits(1, 3), filler(2, 30), percent(0, 99);
  const std::vector<std::string> fill = {"table", "index", "query", "plan", "row", "page", "lock", "vacuum"};
  std::vector<TestDoc> docs;
  for (int i = 0; i < 400; ++i) {
    std::string text;
    const int same = i < 12 ? 0 : i;  // the first twelve documents: one text, tied scores
    std::mt19937 own(static_cast<unsigned>(same) + 1000u);
    for (int h = hits(own); h > 0; --h) text += "common ";
    if (percent(own) < 30) text += "middle ";
    if (percent(own) < 10) text += "common middle ";
    if (same == 0 || i % 97 == 5) text += "rare ";
    for (int w = filler(own); w > 0; --w) text += fill[static_cast<std::size_t>(percent(own)) % fill.size()] + " ";
    docs.push_back(doc("a", "p" + std::to_string(i) + ".md", percent(rng) < 5 ? "common title" : "", {text}));
  }
  // Phrases (a query's compounds such as k8s.node: search/fts_compounds.h) read in one column or
  // another (pg_phrase_postings): in the title alone, in the text alone, with the words split
  // between title and text (no match), in the text in the other order (no match).
  docs.push_back(doc("a", "t1.md", "k8s.node guide", {"node and k8s, common"}));
  docs.push_back(doc("a", "t2.md", "alpha notes", {"beta2 gamma common alpha.beta2"}));
  docs.push_back(doc("a", "t3.md", "alpha", {"beta2 common"}));
  docs.push_back(doc("a", "t4.md", "", {"node k8s rare"}));
  write(docs);
  ASSERT_GT(pgc().exec("SELECT count(*) FROM chunk_term_blocks WHERE term = 'common'").int64(0, 0), 2)
      << "the frequent term spans several blocks";
  pg_in_memory_ = true;
  const std::vector<std::string> qs = {"rare middle common", "middle common", "common common rare", "rare.middle common",
                                       "common.middle rare", "middle", "rare", "table rare middle",
                                       "k8s.node common", "alpha.beta2", "node.k8s rare"};
  const auto skeys = sqlite_keys();
  const auto pkeys = pg_keys();
  for (const char* pass : {"first reads", "from the copy"}) {
    SCOPED_TRACE(pass);
    for (const std::string& q : qs) {
      for (const std::size_t limit : {1u, 2u, 3u, 5u, 10u, 13u, 100u}) expect_same_search("a", q, {}, limit, skeys, pkeys);
    }
  }
  cache.clear();
}

// Migration 0002 (the postings' hits as bytes, not arrays) on a store with data: rolled back to
// the arrays and applied again, every posting reads back the same (chunk_terms) and every search
// still ranks as SQLite's.
TEST_F(PgStoreSearchTest, PostingBytesMigrateBothWaysWithoutLoss) {
  write(corpus("a", 120, 21));
  const auto skeys = sqlite_keys();
  const auto pkeys = pg_keys();
  const std::string postings =
      "SELECT count(*) || ':' || md5(string_agg(concat_ws('/', collection_id, term, chunk_id, document_id, text_hits,"
      " title_hits, cjk_hits, length), ',' ORDER BY collection_id, term, chunk_id)) FROM chunk_terms";
  const std::string before = pgc().exec(postings).str(0, 0);
  ASSERT_NE(before.substr(0, 2), "0:");
  std::vector<migrate::NamedContent> files;
  for (const store::EmbeddedFile& f : store::store_postgres_migration_files()) files.push_back({f.name, f.content});
  migrate::Endpoint endpoint = migrate::endpoint_from_url(pg_.url());
  endpoint.schema = "strata";
  migrate::Migrator m(migrate::Target{endpoint, store::k_store_history_table},
                      migrate::load_files(files, "strata:migrations/postgres"));
  migrate::DownOptions down;
  down.to = 1;
  m.down(down);
  EXPECT_EQ(pgc().exec("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'strata'"
                       " AND table_name = 'chunk_term_blocks' AND column_name IN ('text_hits', 'lengths', 'postings')")
                .int64(0, 0),
            2)
      << "version 1: the arrays, no bytes";
  EXPECT_EQ(pgc().exec(postings).str(0, 0), before) << "rolled back to the arrays";
  m.up(migrate::UpOptions{});
  EXPECT_EQ(pgc().exec(postings).str(0, 0), before) << "applied again";
  EXPECT_EQ(pgc().exec("SELECT count(*) FROM chunk_term_blocks WHERE get_byte(postings, 0) <> 1").int64(0, 0), 0)
      << "the migration writes the wide layout";
  for (const std::string& q : queries(17, 40)) expect_same_search("a", q, {}, 100, skeys, pkeys);
  // Then documents written again (their old postings removed from wide blocks) and new ones
  // (narrow blocks): a term's blocks of both layouts in one search.
  write(corpus("a", 150, 23));
  EXPECT_GT(pgc().exec("SELECT count(*) FROM chunk_term_blocks WHERE get_byte(postings, 0) = 2").int64(0, 0), 0);
  EXPECT_GT(pgc().exec("SELECT count(*) FROM chunk_term_blocks WHERE get_byte(postings, 0) = 1").int64(0, 0), 0);
  expect_same_searches("a", queries(19, 40), {"team", "legal", FilterMatch::equals}, sqlite_keys(), pg_keys());
}

// A term whose blocks hold more postings than term_stats counts (a damaged index, or a server
// that says otherwise) is an error naming the term, not a search that holds whatever comes.
TEST_F(PgStoreSearchTest, MorePostingsThanTheTermCountsIsAnError) {
  write(corpus("a", 60, 31));
  const pq::Result r = pgc().exec("SELECT term, chunks FROM term_stats WHERE chunks > 2 ORDER BY chunks DESC, term LIMIT 1");
  ASSERT_EQ(r.rows(), 1);
  const std::string term = r.str(0, 0);
  ASSERT_FALSE(store::keyword_search(pg(), pg_collection("a"), "\"" + term + "\"", {}, 10).empty());
  pgc().exec("UPDATE term_stats SET chunks = 1 WHERE term = $1", {term});
  try {
    store::keyword_search(pg(), pg_collection("a"), "\"" + term + "\"", {}, 10);
    ADD_FAILURE() << "searched a term with more postings than its count";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("term '" + term + "' has more postings than the 1 chunks"), std::string::npos)
        << e.what();
    EXPECT_EQ(e.code(), ExitCode::unavailable);
  }
}

TEST_F(PgStoreSearchTest, FiltersMatchWhatSQLitesMatch) {
  write(corpus("a", 120, 5));
  write(corpus("b", 30, 6));
  const auto skeys = sqlite_keys();
  const auto pkeys = pg_keys();
  const auto mapped = [](const std::vector<std::int64_t>& ids, const std::map<std::int64_t, std::string>& keys) {
    std::vector<std::string> out;
    for (const std::int64_t id : ids) out.push_back(keys.at(id));
    std::sort(out.begin(), out.end());
    return out;
  };
  int matching = 0;
  for (const DocumentFilter& f : filter_cases()) {
    const std::string what = f.key + " " + std::to_string(static_cast<int>(f.match)) + " " + f.value;
    const auto s = mapped(store::filtered_chunk_ids(sqlite(), sqlite_collection("a"), {f}), skeys);
    const auto p = mapped(store::filtered_chunk_ids(pg(), pg_collection("a"), {f}), pkeys);
    EXPECT_EQ(s, p) << what;
    matching += s.empty() ? 0 : 1;
    EXPECT_EQ(store::any_document_passes(sqlite(), sqlite_collection("a"), {f}),
              store::any_document_passes(pg(), pg_collection("a"), {f}))
        << what;
    for (const std::string q : {"database index", "rollback", "the of system", "依赖注入"}) {
      expect_same_search("a", q, {f}, 20, skeys, pkeys);
    }
  }
  EXPECT_GE(matching, 35) << "most filter cases match some chunks (the comparison is not of empty lists)";
  // Several filters at once, and one that no document passes.
  const std::vector<DocumentFilter> both = {{"team", "eng", FilterMatch::equals}, {"source", "docs/", FilterMatch::prefix}};
  EXPECT_EQ(mapped(store::filtered_chunk_ids(sqlite(), sqlite_collection("a"), both), skeys),
            mapped(store::filtered_chunk_ids(pg(), pg_collection("a"), both), pkeys));
  expect_same_search("a", "database system", both, 30, skeys, pkeys);
  EXPECT_FALSE(store::any_document_passes(pg(), pg_collection("a"), {{"team", "nobody", FilterMatch::equals}}));
  EXPECT_THROW(store::filtered_chunk_ids(pg(), pg_collection("a"), {{"", "x", FilterMatch::equals}}), Error);
}

TEST_F(PgStoreSearchTest, GlobIsTranslatedAsSQLiteReadsIt) {
  // Each pattern against strings, on both engines: the translation must agree with SQLite's GLOB.
  const std::vector<std::string> patterns = {"*", "?", "a*", "*.md", "[abc]*", "[^abc]*", "[a-c]?", "[c-a]*", "[]]", "[]a]*",
                                             "[^]]*", "[-a]*", "[a-]*", "[!a]*", "*[", "a[b", "\\*", "*\\", "a.b", "a+b",
                                             "(x)", "x{2}", "^a$", "|", "é*", "[é-ü]*", "?依*", "*%*", "_"};
  const std::vector<std::string> strings = {"",     "a",   "b",    "ab",  "abc", "x.md", "]",  "-",  "a]", "!", "*", "\\",
                                            "a.b", "acb", "a+b", "aab", "(x)", "xx", "x{2}", "^a$", "|", "é", "ö", "依赖",
                                            "x依", "%", "_", "a\nb", "A"};
  SQLite::Database db(":memory:");
  int tested = 0;
  for (const std::string& p : patterns) {
    const std::optional<std::string> regex = store::pg::glob_regex(p);
    for (const std::string& s : strings) {
      SQLite::Statement q(db, "SELECT ?1 GLOB ?2");
      q.bind(1, s);
      q.bind(2, p);
      q.executeStep();
      const bool want = q.getColumn(0).getInt() != 0;
      const bool got = regex && pgc().exec("SELECT $1 ~ $2", {s, *regex}).text(0, 0) == "t";
      EXPECT_EQ(want, got) << "'" << s << "' GLOB '" << p << "'" << (regex ? " as " + *regex : " (no regex)");
      ++tested;
    }
  }
  EXPECT_EQ(tested, static_cast<int>(patterns.size() * strings.size()));
}

TEST_F(PgStoreSearchTest, TermsNotInTheCollectionAndWordsInsideNoTermAgree) {
  write(corpus("a", 60, 8));
  write({doc("b", "only-b.md", "", {"quixotic zymurgy"})});
  std::vector<std::string> quoted;
  const std::vector<std::string> ws = {"rollback", "back", "roll", "ollb", "quixotic", "zymurgy", "database", "atabas",
                                       "nothing", "依赖", "cafe", "café", "CAFE", "Zurich", "connections", "ection", "c1",
                                       "c2", "xyzw"};
  for (const std::string& w : ws) quoted.push_back(search::fts_match_expression(w));
  for (const std::string c : {"a", "b"}) {
    EXPECT_EQ(store::terms_not_in_collection(sqlite(), sqlite_collection(c), quoted),
              store::terms_not_in_collection(pg(), pg_collection(c), quoted))
        << c;
    EXPECT_EQ(store::words_inside_no_term(sqlite(), sqlite_collection(c), ws),
              store::words_inside_no_term(pg(), pg_collection(c), ws))
        << c;
  }
  // Not vacuous: b lacks a's words, a lacks b's, "ollb" is inside "rollback".
  const auto absent_b = store::terms_not_in_collection(pg(), pg_collection("b"), quoted);
  EXPECT_NE(std::find(absent_b.begin(), absent_b.end(), "\"rollback\""), absent_b.end());
  const auto absent_a = store::terms_not_in_collection(pg(), pg_collection("a"), quoted);
  EXPECT_NE(std::find(absent_a.begin(), absent_a.end(), "\"quixotic\""), absent_a.end());
  const auto inside_none = store::words_inside_no_term(pg(), pg_collection("a"), ws);
  EXPECT_EQ(std::find(inside_none.begin(), inside_none.end(), "ollb"), inside_none.end());
  EXPECT_NE(std::find(inside_none.begin(), inside_none.end(), "zymurgy"), inside_none.end());
}

TEST_F(PgStoreSearchTest, ChunksAndDocumentsOfHitsAgree) {
  write(corpus("a", 20, 9));
  const auto skeys = sqlite_keys();
  const auto pkeys = pg_keys();
  std::map<std::string, std::int64_t> pg_id;
  for (const auto& [id, key] : pkeys) pg_id[key] = id;
  std::vector<std::int64_t> sids, pids;
  for (const auto& [id, key] : skeys) {
    sids.push_back(id);
    pids.push_back(pg_id.at(key));
  }
  std::reverse(sids.begin(), sids.end());
  std::reverse(pids.begin(), pids.end());
  sids.push_back(999999);  // gone
  pids.push_back(999999);
  sids.push_back(sids.front());  // twice
  pids.push_back(pids.front());
  const auto sref = store::chunk_refs(sqlite(), sids);
  const auto pref = store::chunk_refs(pg(), pids);
  ASSERT_EQ(sref.size(), pref.size());
  ASSERT_EQ(sref.size(), sids.size() - 1);
  for (std::size_t i = 0; i < sref.size(); ++i) {
    EXPECT_EQ(skeys.at(sref[i].chunk_id), pkeys.at(pref[i].chunk_id));
    EXPECT_EQ(sref[i].source, pref[i].source);
    EXPECT_EQ(sref[i].title, pref[i].title);
    EXPECT_EQ(sref[i].text, pref[i].text);
    EXPECT_EQ(sref[i].byte_start, pref[i].byte_start);
    EXPECT_EQ(sref[i].byte_end, pref[i].byte_end);
    EXPECT_EQ(sref[i].page_start, pref[i].page_start);
  }
  const auto sdocs = store::chunk_documents(sqlite(), sids);
  const auto pdocs = store::chunk_documents(pg(), pids);
  ASSERT_EQ(sdocs.size(), pdocs.size());
  EXPECT_EQ(sdocs[sdocs.size() - 2], 0);
  EXPECT_EQ(pdocs[pdocs.size() - 2], 0);
  EXPECT_EQ(pdocs.back(), pdocs.front());
  EXPECT_TRUE(store::collection_is_whole_store(pg(), pg_collection("a")));
}

TEST_F(PgStoreSearchTest, VectorsLoadInChunkOrderWithTheirFingerprint) {
  write(corpus("a", 10, 10));
  write(corpus("b", 5, 11));
  pq::Connection& c = pgc();
  const std::int64_t a = pg_collection("a");
  const store::VectorFingerprint before = store::vector_fingerprint(pg());
  EXPECT_FALSE(before.store_id.empty());
  // Three dimensions: chunk id, -id, 0.5, as float32 little-endian.
  const auto vector_of = [](std::int64_t id) {
    const float v[3] = {static_cast<float>(id), -static_cast<float>(id), 0.5f};
    std::string bytes(sizeof v, '\0');
    std::memcpy(bytes.data(), v, sizeof v);
    return bytes;
  };
  const pq::Result chunks = c.exec("SELECT id, collection_id FROM chunks ORDER BY id DESC");
  for (int i = 0; i < chunks.rows(); ++i) {
    c.exec("INSERT INTO embeddings (chunk_id, collection_id, vector) VALUES ($1, $2, $3::bytea)",
           {chunks.str(i, 0), chunks.str(i, 1), pq::to_bytea_hex(vector_of(chunks.int64(i, 0)))});
  }
  const store::CollectionVectors v = store::load_vectors(pg(), a, 3);
  EXPECT_NE(v.fingerprint, before) << "the generation moved on";
  EXPECT_EQ(v.fingerprint, store::vector_fingerprint(pg()));
  const std::vector<std::int64_t> ids = store::filtered_chunk_ids(pg(), a, {});
  EXPECT_EQ(v.chunk_ids, ids);
  ASSERT_EQ(v.matrix.size(), ids.size() * 3);
  for (std::size_t r = 0; r < ids.size(); ++r) {
    EXPECT_EQ(v.matrix[r * 3], static_cast<float>(ids[r]));
    EXPECT_EQ(v.matrix[r * 3 + 1], -static_cast<float>(ids[r]));
    EXPECT_EQ(v.matrix[r * 3 + 2], 0.5f);
  }
  // A vector of another size names its chunk, as on SQLite.
  c.exec("UPDATE embeddings SET vector = '\\x0000803f'::bytea WHERE chunk_id = $1", {std::to_string(ids[1])});
  try {
    store::load_vectors(pg(), a, 3);
    ADD_FAILURE() << "a 1-dimension vector was loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid_input);
    EXPECT_NE(std::string(e.what()).find("chunk " + std::to_string(ids[1]) + " has a vector of 1 dimensions, the collection's model has 3"),
              std::string::npos)
        << e.what();
    EXPECT_EQ(std::string(e.what()).find(pg_.url().substr(pg_.url().find(':', 11) + 1, 8)), std::string::npos)
        << "no password in " << e.what();
  }
}

TEST_F(PgStoreSearchTest, PhrasesOfSeveralTokensMatchAsFts5sDo) {
  // search/fts_query.h never writes one, but a keyword_search expression may hold a phrase: its
  // tokens one after another in one column, each place counted (FTS5's phrase instances).
  write(corpus("a", 80, 13));
  const auto skeys = sqlite_keys();
  const auto pkeys = pg_keys();
  const std::vector<std::string> matches = {"\"roll back\"", "\"rollback rollback\" OR \"database\"",
                                            "\"the database\" OR \"of the\" OR \"the database\"", "\"zeppelin airships\"",
                                            "\"airships zeppelin\"", "\"依赖注入 入门\""};
  int found = 0;
  for (const std::string& m : matches) {
    const auto want = named(store::keyword_search(sqlite(), sqlite_collection("a"), m, {}, 1000), skeys);
    const auto got = named(store::keyword_search(pg(), pg_collection("a"), m, {}, 1000), pkeys);
    // Every match (limit 1000): the same chunks with the same scores but for rounding (a phrase's
    // share is added apart from the terms'), in score order.
    std::map<std::string, double> a, b;
    for (const Named& n : want) a[n.key] = n.score;
    for (const Named& n : got) b[n.key] = n.score;
    ASSERT_EQ(a.size(), b.size()) << m;
    for (const auto& [key, score] : a) {
      ASSERT_EQ(b.count(key), 1u) << m << ": " << key;
      EXPECT_NEAR(score, b[key], 1e-12 * std::fabs(score)) << m << ": " << key;
    }
    for (std::size_t i = 1; i < got.size(); ++i) EXPECT_LE(got[i - 1].score, got[i].score) << m;
    found += want.empty() ? 0 : 1;
    const bool absent = store::terms_not_in_collection(pg(), pg_collection("a"), {m}).size() == 1;
    EXPECT_EQ(absent, want.empty()) << m;
  }
  EXPECT_GE(found, 4) << "most phrases are found";
  EXPECT_TRUE(named(store::keyword_search(pg(), pg_collection("a"), "\"airships zeppelin\"", {}, 10), pkeys).empty())
      << "the tokens in another order are not the phrase";
}

TEST_F(PgStoreSearchTest, AnExpressionThatIsNotPhrasesJoinedByOrIsRefused) {
  write(corpus("a", 5, 12));
  for (const std::string bad : {"a AND b", "\"a\" \"b\"", "a*", "(a)", "text : a", "\"a", "OR"}) {
    EXPECT_THROW(store::keyword_search(pg(), pg_collection("a"), bad, {}, 10), Error) << bad;
  }
  EXPECT_NO_THROW(store::keyword_search(pg(), pg_collection("a"), "database OR \"sys\"\"tem\"", {}, 10));
}

// Compound terms (search/fts_compounds.h: `0.1`, `UTF-8`, `3.11` as phrases after the terms): the
// same rows with the very same scores on both stores, in the text, in titles and repeated, with a
// filter too; the whole term's page first on both.
TEST_F(PgStoreSearchTest, CompoundTermsRankAsSQLite) {
  std::vector<TestDoc> docs = {
      doc("a", "float.md", "Floating point", {"the fraction 0.1 cannot be held exactly, nor 0.2; 0.1 + 0.2 is not 0.3"}),
      doc("a", "utf.md", "UTF-8 and other encodings", {"files are read as UTF-8 unless an encoding is given", "utf 8 apart"}),
      doc("a", "py.md", "What's new in Python 3.11", {"exception groups; builds for x86-64, v1.2.3 and gcc-12"}),
  };
  for (int i = 0; i < 12; ++i) {
    const std::string n = std::to_string(i);
    docs.push_back(doc("a", "t" + n + ".md", "Table " + n,
                       {"table " + n + " has 0 rows on 1 page, 8 columns, 3 indexes, 11 bytes and 2 flags", "0 1 8 3 11"}));
  }
  write(docs);
  const auto skeys = sqlite_keys();
  const auto pkeys = pg_keys();
  const std::vector<std::string> qs = {"why is 0.1 + 0.2 not equal to 0.3", "UTF-8", "utf-8 utf-8 encoding", "python 3.11",
                                       "x86-64 v1.2.3 gcc-12", "0.1 8 3.11 UTF-8", "table 0.3", "1.0 9.9"};
  for (const std::string& q : qs) {
    ASSERT_FALSE(search::fts_compound_terms(q).empty()) << q << ": a compound in the expression";
    for (const std::size_t limit : {std::size_t{100}, std::size_t{3}, std::size_t{1}}) {
      expect_same_search("a", q, {}, limit, skeys, pkeys);
    }
    expect_same_search("a", q, {DocumentFilter{"source", "t*", FilterMatch::glob}}, 10, skeys, pkeys);
  }
  const auto first = [&](const std::string& q) {
    const auto rows = store::keyword_search(pg(), pg_collection("a"), search::fts_match_expression(q), {}, 1);
    return rows.empty() ? std::string() : pkeys.at(rows[0].chunk_id);
  };
  EXPECT_EQ(first("why is 0.1 + 0.2 not equal to 0.3"), "float.md#0");
  EXPECT_EQ(first("python 3.11"), "py.md#0");
  EXPECT_EQ(first("x86-64"), "py.md#0");
}

// A compound whose pieces are in thousands of chunks (`1.2`: "1" and "2" in every chunk here):
// the chunks holding every piece are read in pages, and those holding the phrase rank as on
// SQLite, whichever page they are in, however the text writes the separators and digits; a
// compound with a piece no chunk holds finds nothing as a phrase; the phrase's own page comes
// first.
TEST_F(PgStoreSearchTest, ACompoundOfCommonPiecesRanksAsSQLiteAcrossPages) {
  std::vector<std::string> chunks;
  for (int i = 0; i < 2600; ++i) {
    const std::string n = std::to_string(i);
    if (i % 1250 == 5) {  // 5, 1255 and 2505: the last in the second page of 2048
      chunks.push_back("release 1.2 of part " + n + ", after 1.1 and 1.2.0");
    } else if (i % 11 == 0) {
      chunks.push_back("2 1 in reverse, part " + n);
    } else {
      chunks.push_back("part " + n + " holds 1 table and 2 views");
    }
  }
  // What the server's regular expression lets through (pg_phrase_prefilter) but the tokens do
  // not hold, and what they hold written oddly: a mark after a digit, an ideographic full stop,
  // full-width digits, 12 and 21, a phrase in a title and across a title's end.
  chunks.insert(chunks.end(), {"1\xcc\x81.2 with a mark", "1\xe3\x80\x82" "2 stop", "\xef\xbc\x91.\xef\xbc\x92 wide",
                               "11.2 and 1.21 and 12", "a1.2b", "1\xcc\x81\xcc\x81 2", "2\xcc\x81" "1.5 a mark in 21"});
  std::vector<TestDoc> docs = {doc("a", "many.md", "Parts", chunks),
                               doc("a", "rel.md", "Release 1.2", {"what changed in 1.2: 1.2 is faster"}),
                               doc("a", "end.md", "Notes 1", {"2 words"}), doc("a", "t.md", "Part 9.1.2", {"nothing"})};
  write(docs);
  const auto skeys = sqlite_keys();
  const auto pkeys = pg_keys();
  for (const std::string q : {"1.2", "release 1.2", "1.9", "2.1 reverse", "9.1.2", "11.2", "1.21", "21.5"}) {
    for (const std::size_t limit : {std::size_t{3000}, std::size_t{10}}) expect_same_search("a", q, {}, limit, skeys, pkeys);
  }
  const auto rows = store::keyword_search(pg(), pg_collection("a"), search::fts_match_expression("1.2"), {}, 1);
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(pkeys.at(rows[0].chunk_id), "rel.md#0");
}

// Names that end in '+' or '#' (common/symbol_terms.h: `C++`, `C#`, searched as their letter and
// whole): the same rows with the very same scores on both stores, in texts and titles, beside
// compounds and with a filter too; the name's page first on both.
TEST_F(PgStoreSearchTest, NamesEndingInPlusOrHashRankAsSQLite) {
  std::vector<TestDoc> docs = {
      doc("a", "cpp.md", "C++ templates", {"templates in C++ resolve at compile time; C++17 and g++ 12", "C++"}),
      doc("a", "cs.md", "Generics", {"generics in C# and F# resolve at run time", "C#. C#, C#"}),
      doc("a", "np.md", "Notepad++", {"tips for editing; Google+ is gone"}),
  };
  for (int i = 0; i < 10; ++i) {
    const std::string n = std::to_string(i);
    docs.push_back(doc("a", "c" + n + ".md", "The C language " + n,
                       {"C is small; c and C again, page " + n, "a+b and issue#" + n + " in C"}));
  }
  write(docs);
  const auto skeys = sqlite_keys();
  const auto pkeys = pg_keys();
  const std::vector<std::string> qs = {"C++", "C#", "c++ templates", "C# generics F#", "g++ 12", "C++17 0.1",
                                       "Notepad++", "Google+", "C", "a+b issue#3"};
  for (const std::string& q : qs) {
    for (const std::size_t limit : {std::size_t{100}, std::size_t{3}, std::size_t{1}}) {
      expect_same_search("a", q, {}, limit, skeys, pkeys);
    }
    expect_same_search("a", q, {DocumentFilter{"source", "c*", FilterMatch::glob}}, 10, skeys, pkeys);
  }
  const auto first = [&](const std::string& q) {
    const auto rows = store::keyword_search(pg(), pg_collection("a"), search::fts_match_expression(q), {}, 1);
    return rows.empty() ? std::string() : pkeys.at(rows[0].chunk_id);
  };
  EXPECT_EQ(first("C++").substr(0, 7), "cpp.md#");
  EXPECT_EQ(first("C#").substr(0, 6), "cs.md#");
  EXPECT_EQ(first("Notepad++"), "np.md#0");
}

}  // namespace
}  // namespace strata
