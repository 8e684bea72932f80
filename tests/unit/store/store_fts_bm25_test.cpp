// strata_bm25 (core/store/fts_bm25): FTS5's bm25() with k1 and b as arguments.
#include "store/fts_bm25.h"

#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace strata {
namespace {

class FtsBm25Test : public ::testing::Test {
 protected:
  void SetUp() override {
    db_.exec("CREATE VIRTUAL TABLE t USING fts5 (text, tokenize = 'porter unicode61 remove_diacritics 2')");
    store::register_fts_bm25(db_.getHandle());
  }

  void add(const std::string& text) {
    SQLite::Statement q(db_, "INSERT INTO t (text) VALUES (?)");
    q.bind(1, text);
    q.exec();
  }

  struct Row {
    std::int64_t id;
    double score;
  };

  // Every matching row's score, by rowid, for the score expression `score_sql`.
  std::vector<Row> scores(const std::string& match, const std::string& score_sql) {
    SQLite::Statement q(db_, "SELECT rowid, " + score_sql + " FROM t WHERE t MATCH ?1 ORDER BY rowid");
    q.bind(1, match);
    std::vector<Row> rows;
    while (q.executeStep()) rows.push_back(Row{q.getColumn(0).getInt64(), q.getColumn(1).getDouble()});
    return rows;
  }

  // Rowids best first under strata_bm25(k1, b).
  std::vector<std::int64_t> ranking(const std::string& match, double k1, double b) {
    SQLite::Statement q(db_, "SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY strata_bm25(t, ?2, ?3), rowid");
    q.bind(1, match);
    q.bind(2, k1);
    q.bind(3, b);
    std::vector<std::int64_t> ids;
    while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
    return ids;
  }

  SQLite::Database db_{":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
};

TEST_F(FtsBm25Test, EqualsFts5Bm25AtItsFixedParameters) {
  add("migrations roll forward and roll back");
  add("a migration is a file of SQL statements, applied in version order to the database");
  add("the store keeps chunks, documents and collections");
  add("rolled back: the migration's down section ran");
  add("vectors and keyword search, fused by reciprocal rank");
  add("search the store: keyword search with BM25, vector search with cosine, hybrid search with both");
  add("search search search");
  add("search for nothing relevant");  // "search" is now in half the rows
  // One term, several (one of them, "search", in half the rows: idf clamps to 1e-6), a phrase,
  // OR, a prefix, and a term repeated in the query.
  for (const std::string match :
       {"migration", "roll migration", "search store", "\"keyword search\"", "vector OR roll", "migr*",
        "search search keyword", "store"}) {
    SCOPED_TRACE(match);
    const std::vector<Row> fts5 = scores(match, "bm25(t)");
    const std::vector<Row> ours = scores(match, "strata_bm25(t, 1.2, 0.75)");
    ASSERT_FALSE(fts5.empty());
    ASSERT_EQ(ours.size(), fts5.size());
    for (std::size_t i = 0; i < fts5.size(); ++i) {
      EXPECT_EQ(ours[i].id, fts5[i].id);
      EXPECT_NEAR(ours[i].score, fts5[i].score, 1e-9);
      EXPECT_LE(ours[i].score, 0.0);  // same sign convention: lower is better
    }
  }
}

TEST_F(FtsBm25Test, LowerBStopsPenalisingALongerRowWithMoreHits) {
  // Row 1: "apple" once in 2 tokens. Row 2: "apple" 3 times in 40 tokens. Rows 3-8 keep apple's
  // idf positive.
  add("apple pie");
  std::string long_row = "apple apple apple";
  for (int i = 0; i < 37; ++i) long_row += " filler" + std::to_string(i);
  add(long_row);
  for (int i = 0; i < 6; ++i) add("pear plum " + std::to_string(i));
  // No length normalisation: more hits win. Full normalisation: the short row wins.
  EXPECT_EQ(ranking("apple", 1.2, 0.0), (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(ranking("apple", 1.2, 1.0), (std::vector<std::int64_t>{1, 2}));
  // Between the two the score moves monotonically: the long row's gets better as b falls.
  const double at_075 = scores("apple", "strata_bm25(t, 1.2, 0.75)")[1].score;
  const double at_040 = scores("apple", "strata_bm25(t, 1.2, 0.4)")[1].score;
  EXPECT_LT(at_040, at_075);
}

TEST_F(FtsBm25Test, K1ZeroScoresEachMatchedTermOnceWhateverItsFrequency) {
  add("apple pear");
  add("apple apple apple pear pear");
  add("pear");
  for (int i = 0; i < 6; ++i) add("plum " + std::to_string(i));
  // OR: row 3 lacks "apple", which must add nothing (not 0/0).
  const std::vector<Row> rows = scores("apple OR pear", "strata_bm25(t, 0, 0.75)");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_DOUBLE_EQ(rows[0].score, rows[1].score);
  EXPECT_LT(rows[0].score, rows[2].score);
  EXPECT_LT(rows[2].score, 0.0);
}

TEST_F(FtsBm25Test, GivenTheLimitTheBestRowsAreTheSameAndOthersAreSkipped) {
  // Random rows over a few words (many ties, long and short rows): with the limit n as fourth
  // argument, `ORDER BY score, rowid LIMIT n` gives exactly the rows and scores it gives without.
  static const char* const words[] = {"apple", "pear", "plum", "fig", "kiwi", "lime", "date", "yuzu"};
  std::mt19937 rng(11);
  for (int r = 0; r < 400; ++r) {
    std::string text;
    const int n = 1 + static_cast<int>(rng() % 40);
    for (int w = 0; w < n; ++w) text += std::string(w ? " " : "") + words[rng() % (w % 3 == 0 ? 8 : 3)];
    add(text);
  }
  const auto top = [&](const std::string& match, const std::string& call, std::int64_t n) {
    SQLite::Statement q(db_, "SELECT rowid, " + call + " AS score FROM t WHERE t MATCH ?1 ORDER BY score, rowid LIMIT ?2");
    q.bind(1, match);
    q.bind(2, n);
    std::vector<Row> rows;
    while (q.executeStep()) rows.push_back(Row{q.getColumn(0).getInt64(), q.getColumn(1).getDouble()});
    return rows;
  };
  std::size_t skipped = 0;
  for (const std::string match : {"apple", "fig OR kiwi", "apple OR yuzu OR date", "lime OR pear OR plum OR fig"}) {
    for (const std::int64_t n : {1, 2, 5, 10, 50, 399, 1000}) {
      SCOPED_TRACE(match + " n=" + std::to_string(n));
      const std::vector<Row> want = top(match, "strata_bm25(t, 1.2, 0.4)", n);
      const std::vector<Row> got = top(match, "strata_bm25(t, 1.2, 0.4, " + std::to_string(n) + ")", n);
      ASSERT_EQ(got.size(), want.size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].id, want[i].id);
        EXPECT_EQ(got[i].score, want[i].score);  // bit for bit
      }
      for (const Row& r : scores(match, "strata_bm25(t, 1.2, 0.4, " + std::to_string(n) + ")")) skipped += std::isinf(r.score);
    }
  }
  EXPECT_GT(skipped, 100u);  // it does skip rows
}

TEST_F(FtsBm25Test, RowsOutOfRowidOrderTurnSkippingOff) {
  for (int i = 0; i < 50; ++i) add(i % 5 == 0 ? "apple apple" : "apple " + std::string(static_cast<std::size_t>(i), 'x'));
  SQLite::Statement q(db_, "SELECT rowid, strata_bm25(t, 1.2, 0.4, 1) FROM t WHERE t MATCH 'apple' ORDER BY rowid DESC");
  std::size_t rows = 0;
  while (q.executeStep()) {
    ++rows;
    EXPECT_FALSE(std::isinf(q.getColumn(1).getDouble())) << q.getColumn(0).getInt64();
  }
  EXPECT_EQ(rows, 50u);
}

TEST_F(FtsBm25Test, ColumnWeightsAreFts5Bm25sColumnWeights) {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  store::register_fts_bm25(db.getHandle());
  db.exec("CREATE VIRTUAL TABLE w USING fts5 (text, title, tokenize = 'porter unicode61 remove_diacritics 2')");
  db.exec("INSERT INTO w (text, title) VALUES ('roll back a migration', 'Migrations'), "
          "('a migration is a file of statements', ''), ('nothing here', 'migration guide'), "
          "('the store keeps chunks', 'Store'), ('search the store', 'Search and migration')");
  for (const std::string weights : {"1, 1", "1, 2", "1, 5", "2, 0.5", "1, 0"}) {
    SCOPED_TRACE(weights);
    SQLite::Statement fts5(db, "SELECT rowid, bm25(w, " + weights + ") FROM w WHERE w MATCH 'migration OR store' ORDER BY rowid");
    SQLite::Statement ours(db, "SELECT rowid, strata_bm25(w, 1.2, 0.75, 0, " + weights +
                                   ") FROM w WHERE w MATCH 'migration OR store' ORDER BY rowid");
    int rows = 0;
    while (fts5.executeStep()) {
      ASSERT_TRUE(ours.executeStep());
      EXPECT_EQ(ours.getColumn(0).getInt64(), fts5.getColumn(0).getInt64());
      EXPECT_NEAR(ours.getColumn(1).getDouble(), fts5.getColumn(1).getDouble(), 1e-9);
      ++rows;
    }
    EXPECT_FALSE(ours.executeStep());
    EXPECT_EQ(rows, 5);
  }
  // A title hit counts as `weight` text hits: of two rows of the same length, one with the term
  // in its text and one with it in its title, the title wins once its weight is above 1.
  db.exec("INSERT INTO w (rowid, text, title) VALUES (6, 'zebra crossing', 'x'), (7, 'a crossing', 'zebra')");
  const auto first = [&](const std::string& weights) {
    SQLite::Statement q(db, "SELECT rowid FROM w WHERE w MATCH 'zebra' ORDER BY strata_bm25(w, 1.2, 0.75, 0, " + weights + "), rowid");
    return q.executeStep() ? q.getColumn(0).getInt64() : 0;
  };
  EXPECT_EQ(first("1, 1"), 6);  // a tie: the lower rowid
  EXPECT_EQ(first("1, 3"), 7);
  EXPECT_EQ(first("3, 1"), 6);
}

// Rows as (rowid, score) for a MATCH on table `table` with score expression `score_sql`.
std::vector<std::pair<std::int64_t, double>> scored(SQLite::Database& db, const std::string& table, const std::string& match,
                                                     const std::string& score_sql) {
  SQLite::Statement q(db, "SELECT rowid, " + score_sql + " AS score FROM " + table + " WHERE " + table +
                              " MATCH ?1 ORDER BY score, rowid");
  q.bind(1, match);
  std::vector<std::pair<std::int64_t, double>> rows;
  while (q.executeStep()) rows.emplace_back(q.getColumn(0).getInt64(), q.getColumn(1).getDouble());
  return rows;
}

TEST(FtsBm25Scoped, AScopeScoresAsATableHoldingOnlyItsRows) {
  // `mixed` holds two scopes, s1 and s2, interleaved (the word "s1" is in s2's text too);
  // `alone` holds only s1's rows, without a scope column. strata_bm25_scoped over s1 must give
  // alone's strata_bm25 scores, bit for bit, at every limit.
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  store::register_fts_bm25(db.getHandle());
  db.exec("CREATE VIRTUAL TABLE mixed USING fts5 (text, title, scope, tokenize = 'porter unicode61 remove_diacritics 2')");
  db.exec("CREATE VIRTUAL TABLE alone USING fts5 (text, title, tokenize = 'porter unicode61 remove_diacritics 2')");
  std::mt19937 rng(3);
  const char* const words[] = {"apple", "pear", "plum", "fig", "s1", "kiwi", "lime", "date"};
  std::int64_t alone_rows = 0, alone_tokens = 0;
  std::vector<std::int64_t> alone_to_mixed;
  for (int i = 0; i < 300; ++i) {
    std::string text;
    const int n = 1 + static_cast<int>(rng() % 12);
    for (int w = 0; w < n; ++w) text += std::string(w ? " " : "") + words[rng() % 8];
    const std::string title = i % 3 == 0 ? "plum pie" : "";
    const bool in_s1 = rng() % 3 == 0;
    SQLite::Statement ins(db, "INSERT INTO mixed (text, title, scope) VALUES (?, ?, ?)");
    ins.bind(1, text);
    ins.bind(2, title);
    ins.bind(3, in_s1 ? "s1" : "s2");
    ins.exec();
    if (!in_s1) continue;
    alone_to_mixed.push_back(db.getLastInsertRowid());
    SQLite::Statement a(db, "INSERT INTO alone (text, title) VALUES (?, ?)");
    a.bind(1, text);
    a.bind(2, title);
    a.exec();
    ++alone_rows;
    alone_tokens += n + (title.empty() ? 0 : 2);
  }
  std::int64_t counted_rows = 0, counted_tokens = 0;
  SQLite::Statement lengths(db, "SELECT strata_fts_length(mixed, 2) FROM mixed WHERE mixed MATCH 'scope : s1'");
  while (lengths.executeStep()) {
    ++counted_rows;
    counted_tokens += lengths.getColumn(0).getInt64();
  }
  EXPECT_EQ(counted_rows, alone_rows);
  EXPECT_EQ(counted_tokens, alone_tokens);
  for (const std::string query : {"apple", "apple OR pear OR s1", "plum", "s1", "fig OR fig OR date", "nothing"}) {
    for (const int limit : {0, 1, 5, 1000}) {
      SCOPED_TRACE(query + " limit " + std::to_string(limit));
      const std::string weights = "1, 3";
      const auto want = scored(db, "alone", query,
                               "strata_bm25(alone, 1.6, 0.4, " + std::to_string(limit) + ", " + weights + ")");
      const auto got = scored(db, "mixed", "scope : s1 AND ({text title} : (" + query + "))",
                              "strata_bm25_scoped(mixed, 1.6, 0.4, " + std::to_string(limit) + ", 2, " +
                                  std::to_string(alone_rows) + ", " + std::to_string(alone_tokens) + ", 1, 0, " + weights + ")");
      ASSERT_EQ(got.size(), want.size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].first, alone_to_mixed[static_cast<std::size_t>(want[i].first - 1)]) << i;
        EXPECT_EQ(got[i].second, want[i].second) << i;
      }
    }
  }
  // With rows = 0 there is no scope phrase: the whole table's statistics, the scope column
  // still out of every length, as bm25() over the other columns with a weight-0 scope column
  // and one token less per row would give... compared here with a copy of the table without it.
  db.exec("CREATE VIRTUAL TABLE plain USING fts5 (text, title, tokenize = 'porter unicode61 remove_diacritics 2')");
  db.exec("INSERT INTO plain (rowid, text, title) SELECT rowid, text, title FROM mixed");
  const auto want = scored(db, "plain", "apple OR plum", "strata_bm25(plain, 1.6, 0.4, 0, 1, 3)");
  const auto got = scored(db, "mixed", "{text title} : (apple OR plum)", "strata_bm25_scoped(mixed, 1.6, 0.4, 0, 2, 0, 0, 1, 0, 1, 3)");
  EXPECT_EQ(got, want);
}

// The title cap (capped_column_weight): a row's title weight follows its title's tokens, and the
// scores are the formula's with that weight, with or without a limit.
TEST(FtsBm25Scoped, ACappedTitleWeighsByItsLength) {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  store::register_fts_bm25(db.getHandle());
  db.exec("CREATE VIRTUAL TABLE c USING fts5 (text, title, scope, tokenize = 'porter unicode61 remove_diacritics 2')");
  db.exec("INSERT INTO c (rowid, text, title, scope) VALUES (1, 'apple pie', 'apple', 's'), "
          "(2, 'apple pie', 'apple tart with cream and sugar on top', 's'), (3, 'pear', '', 's'), "
          "(4, 'plum', '', 's'), (5, 'fig', '', 's'), (6, 'kiwi', '', 's')");
  const double avgdl = (3.0 + 10.0 + 1 + 1 + 1 + 1) / 6.0;  // text and title tokens, scope left out
  const double idf = store::bm25_idf(6, 2);
  const auto score = [&](double f, double d) { return -store::bm25_term(idf, f, 1.6, 0.4, d, avgdl); };
  for (const int limit : {0, 1}) {
    SCOPED_TRACE(limit);
    const auto call = [&](int cap) {
      return scored(db, "c", "{text title} : apple",
                    "strata_bm25_scoped(c, 1.6, 0.4, " + std::to_string(limit) + ", 2, 0, 0, 1, " + std::to_string(cap) + ", 1, 3)");
    };
    // No cap: a title hit weighs 3 in both rows.
    const auto plain = call(0);
    ASSERT_GE(plain.size(), 1u);
    EXPECT_EQ(plain[0], (std::pair<std::int64_t, double>{1, score(4.0, 3.0)}));
    // Cap 2: the one-word title keeps 3; the eight-word one weighs 1 + 2 x 2 / 8 = 1.5.
    const auto capped = call(2);
    ASSERT_GE(capped.size(), 1u);
    EXPECT_EQ(capped[0], (std::pair<std::int64_t, double>{1, score(4.0, 3.0)}));
    if (limit == 0) {
      ASSERT_EQ(plain.size(), 2u);
      ASSERT_EQ(capped.size(), 2u);
      EXPECT_EQ(plain[1], (std::pair<std::int64_t, double>{2, score(4.0, 10.0)}));
      EXPECT_EQ(capped[1], (std::pair<std::int64_t, double>{2, score(2.5, 10.0)}));
      // A cap at or above the title's length changes nothing.
      EXPECT_EQ(call(8), plain);
    }
  }
  EXPECT_DOUBLE_EQ(store::capped_column_weight(3.0, 6, 12), 2.0);
  EXPECT_DOUBLE_EQ(store::capped_column_weight(3.0, 6, 6), 3.0);
  EXPECT_DOUBLE_EQ(store::capped_column_weight(0.5, 6, 12), 0.5) << "a weight of 1 or less is never lifted";
  EXPECT_DOUBLE_EQ(store::capped_column_weight(3.0, 0, 12), 3.0) << "cap 0: none";
}

TEST(FtsBm25Scoped, BadArgumentsAreSqlErrors) {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  store::register_fts_bm25(db.getHandle());
  db.exec("CREATE VIRTUAL TABLE m USING fts5 (text, scope)");
  db.exec("INSERT INTO m VALUES ('apple', 's1')");
  for (const std::string call : {"strata_bm25_scoped(m, 1.2, 0.75, 0, 1, 1, 1)", "strata_bm25_scoped(m, 1.2, 0.75, 0, 2, 1, 1, 0, 0)",
                                 "strata_bm25_scoped(m, 1.2, 0.75, 0, -1, 1, 1, 0, 0)", "strata_bm25_scoped(m, 1.2, 0.75, 0, 1, -1, 1, 0, 0)",
                                 "strata_bm25_scoped(m, 1.2, 0.75, 0, 1, 1, -1, 0, 0)",
                                 "strata_bm25_scoped(m, 1.2, 0.75, 0, 1, 1, 1, 0, 0, 1, 1, 1)",
                                 "strata_bm25_scoped(m, 1.2, 0.75, 0, 'x', 1, 1, 0, 0)",
                                 "strata_bm25_scoped(m, 1.2, 0.75, 0, 1, 1, 1, 2, 3)", "strata_bm25_scoped(m, 1.2, 0.75, 0, 1, 1, 1, 0, -1)",
                                 "strata_fts_length(m)", "strata_fts_length(m, 2)"}) {
    SCOPED_TRACE(call);
    EXPECT_THROW(scored(db, "m", "scope : s1 AND apple", call), SQLite::Exception);
  }
}

TEST_F(FtsBm25Test, BadArgumentsAreSqlErrors) {
  add("apple");
  for (const std::string call : {"strata_bm25(t)", "strata_bm25(t, 1.2)", "strata_bm25(t, 1.2, 0.75, 1, 2, 3)",
                                 "strata_bm25(t, 1.2, 0.75, 1, -1)", "strata_bm25(t, 1.2, 0.75, 1, 'x')",
                                 "strata_bm25(t, 1.2, 0.75, 'x')",
                                 "strata_bm25(t, 'x', 0.75)", "strata_bm25(t, -1, 0.75)", "strata_bm25(t, 1.2, 1.5)"}) {
    SCOPED_TRACE(call);
    EXPECT_THROW(scores("apple", call), SQLite::Exception);
  }
}

}  // namespace
}  // namespace strata
