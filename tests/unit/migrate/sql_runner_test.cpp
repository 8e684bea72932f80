#include "migrate/engines/sqlite/sql_runner.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

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

}  // namespace
}  // namespace strata::migrate
