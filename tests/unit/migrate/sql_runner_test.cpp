#include "migrate/engines/sqlite/sql_runner.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cctype>
#include <string>
#include <vector>

#include "common/error.h"

namespace strata::migrate {
namespace {

class SqlRunner : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK); }
  void TearDown() override { sqlite3_close(db_); }

  Section section(const std::string& sql, std::size_t first_line = 10) {
    Section s;
    s.present = true;
    s.sql = sql;
    s.first_line = first_line;
    s.file = "m/1_x.sql";
    return s;
  }
  std::string scalar(const char* sql) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, sql, -1, &st, nullptr);
    std::string out;
    if (sqlite3_step(st) == SQLITE_ROW) out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
  }

  sqlite3* db_ = nullptr;
};

TEST_F(SqlRunner, TriggersAndSemicolonsInLiterals) {
  const auto n = run_section(db_, section(
      "CREATE TABLE t (x TEXT DEFAULT 'a;b');\n"
      "CREATE TABLE log (x TEXT);\n"
      "CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN\n"
      "  INSERT INTO log VALUES ('saw;' || new.x);\n"
      "  INSERT INTO log VALUES ('twice');\n"
      "END;\n"
      "-- a comment; with a semicolon\n"
      "INSERT INTO t VALUES ('1;2');\n"));
  EXPECT_EQ(n, 4u);
  EXPECT_EQ(scalar("SELECT count(*) FROM log"), "2");
  EXPECT_EQ(scalar("SELECT x FROM log LIMIT 1"), "saw;1;2");
}

// drizzle-kit's turso dialect writes libSQL's ALTER COLUMN; SQLite's bare "near ALTER" gets a hint.
TEST_F(SqlRunner, LibsqlAlterColumnNamesLibsql) {
  try {
    run_section(db_, section("CREATE TABLE t (x TEXT);\nALTER TABLE `t` ALTER COLUMN \"x\" TO \"x\" integer;\n"));
    FAIL() << "expected a failure";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("near \"ALTER\": syntax error"), std::string::npos) << e.what();
    EXPECT_NE(e.hint().find("libSQL's (Turso's) own statement"), std::string::npos) << e.hint();
  }
  try {
    run_section(db_, section("ALTER ALTER;\n"));
    FAIL() << "expected a failure";
  } catch (const Error& e) {
    EXPECT_EQ(e.hint().find("libSQL"), std::string::npos) << "only ALTER COLUMN is libSQL's: " << e.hint();
  }
}

// fuzz/regressions/migrate_file/nul_byte_hang: run_section used to loop forever at a NUL byte,
// where sqlite3_prepare_v2 stops without consuming anything.
TEST_F(SqlRunner, NulByteInTheSqlFailsInsteadOfLoopingForever) {
  try {
    run_section(db_, section(std::string("CREATE TABLE a (x);\nCREATE TABLE b (y)\0;\nCREATE TABLE c (z);\n", 61)));
    FAIL() << "expected a failure";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::migration_failed);
    EXPECT_EQ(std::string(e.what()), "m/1_x.sql:11:19: NUL byte in the SQL");
  }
  EXPECT_EQ(scalar("SELECT count(*) FROM sqlite_master WHERE name = 'b'"), "1");
  EXPECT_EQ(scalar("SELECT count(*) FROM sqlite_master WHERE name = 'c'"), "0");
}

TEST_F(SqlRunner, RuntimeErrorNamesFileLineAndColumnOfTheStatement) {
  try {
    run_section(db_, section("CREATE TABLE t (x UNIQUE);\nINSERT INTO t VALUES (1);\n  INSERT INTO t VALUES (1);\n"));
    FAIL() << "expected a failure";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::migration_failed);
    EXPECT_EQ(std::string(e.what()), "m/1_x.sql:12:3: UNIQUE constraint failed: t.x");
  }
}

TEST_F(SqlRunner, SyntaxErrorPointsAtTheToken) {
  try {
    run_section(db_, section("CREATE TABLE t (x);\nSELEKT * FROM t;\n", 1));
    FAIL() << "expected a failure";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).substr(0, 16), "m/1_x.sql:2:1: n");
  }
}

TEST_F(SqlRunner, SkipResumesAfterRecordedStatements) {
  std::vector<std::size_t> done;
  run_section(db_, section("CREATE TABLE a (x);\nCREATE TABLE b (x);\nCREATE TABLE c (x);\n"), 0,
              [&](std::size_t i) { done.push_back(i); });
  EXPECT_EQ(done, (std::vector<std::size_t>{0, 1, 2}));
  done.clear();
  run_section(db_, section("CREATE TABLE a (x);\nCREATE TABLE d (x);\n"), 1,
              [&](std::size_t i) { done.push_back(i); });  // would fail if statement 0 ran again
  EXPECT_EQ(done, (std::vector<std::size_t>{1}));
}

TEST(StatementOffsets, FindsStatementStartsWithoutTables) {
  const std::string sql =
      "CREATE TRIGGER x AFTER INSERT ON missing BEGIN SELECT 1; SELECT 2; END;\n"
      "-- c\n"
      "INSERT INTO nowhere VALUES ('a;b');\n";
  const auto offsets = statement_offsets(sql);
  ASSERT_EQ(offsets.size(), 2u);
  EXPECT_EQ(offsets[0], 0u);
  EXPECT_EQ(sql.substr(offsets[1], 6), "INSERT");
}

// The split as sqlite3_complete() makes it when asked at each ';' (what statement_offsets did
// before it ran the same state machine in one pass): the reference the scanner must equal.
std::vector<std::size_t> offsets_by_sqlite3_complete(const std::string& sql) {
  std::vector<std::size_t> offsets;
  std::string pending;
  std::size_t start = 0;
  std::size_t pos = 0;
  const auto first_token = [](const std::string& text) {
    std::size_t i = 0;
    while (i < text.size()) {
      if (std::isspace(static_cast<unsigned char>(text[i])) != 0) {
        ++i;
      } else if (text.compare(i, 2, "--") == 0) {
        const std::size_t eol = text.find('\n', i);
        i = eol == std::string::npos ? text.size() : eol + 1;
      } else if (text.compare(i, 2, "/*") == 0) {
        const std::size_t end = text.find("*/", i + 2);
        i = end == std::string::npos ? text.size() : end + 2;
      } else {
        break;
      }
    }
    return i;
  };
  while (pos < sql.size()) {
    const std::size_t semi = sql.find(';', pos);
    const std::size_t end = semi == std::string::npos ? sql.size() : semi + 1;
    pending.append(sql.substr(pos, end - pos));
    pos = end;
    if (sqlite3_complete(pending.c_str()) != 0 || pos == sql.size()) {
      const std::size_t first = first_token(pending);
      if (first < pending.size() && pending.substr(first) != ";") offsets.push_back(start + first);
      start = pos;
      pending.clear();
    }
  }
  return offsets;
}

TEST(StatementOffsets, SplitsAsSqlite3CompleteDoes) {
  const std::vector<std::string> cases = {
      "SELECT 1; SELECT 2;",
      "CREATE TEMP TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; SELECT ';'; END; SELECT 3;",
      "CREATE TEMPORARY TRIGGER IF NOT EXISTS t BEFORE DELETE ON x BEGIN DELETE FROM y; END ; SELECT 4",
      "EXPLAIN CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END; SELECT 5;",
      "CREATE TABLE \"end\" (x); CREATE TABLE [a;b] (y); CREATE TABLE `c;d` (z);",
      "SELECT 'it''s; here'; SELECT 2 -- a comment; with a semicolon\n; SELECT 3 /* c; d */;",
      "CREATE TRIGGER t AFTER UPDATE ON x BEGIN UPDATE y SET end_at = 1; END; -- trailing; comment",
      "CREATE TRIGGER t AFTER UPDATE ON x BEGIN SELECT CASE WHEN 1 THEN 2 END; END;SELECT 6;",
      "SELECT 'open; literal",
      "SELECT 1; /* open comment; ",
      "SELECT 1; CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1;",
      ";;  ; SELECT 7;;",
      "CREATE VIEW create_trigger AS SELECT 1 AS \"temp\"; SELECT $end, _end, end2;",
      "\xc3\xa9; SELECT 'caf\xc3\xa9'; CREATE TRIGGER \xe2\x82\xac AFTER INSERT ON x BEGIN SELECT 1; END;",
  };
  for (const std::string& sql : cases) {
    EXPECT_EQ(statement_offsets(sql), offsets_by_sqlite3_complete(sql)) << sql;
  }
}

TEST(StatementOffsets, ATriggerOfManyStatementsIsOneStatement) {
  std::string sql = "CREATE TRIGGER t AFTER INSERT ON x BEGIN ";
  for (int i = 0; i < 200000; ++i) sql += "SELECT 1; ";
  sql += "END; SELECT 2;";
  const auto offsets = statement_offsets(sql);  // one pass: was quadratic, minutes at this size
  ASSERT_EQ(offsets.size(), 2u);
  EXPECT_EQ(sql.substr(offsets[1], 8), "SELECT 2");
}

}  // namespace
}  // namespace strata::migrate
