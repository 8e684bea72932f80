// plan_section(): how each shape of section real projects write is run, per engine, and what is
// refused before anything runs.
#include "migrate/run/run_plan.h"

#include <gtest/gtest.h>

#include <string>

namespace strata::migrate {
namespace {

Section plan_section(const std::string& sql, bool transaction = true, bool fk_off = false) {
  Section s;
  s.present = true;
  s.sql = sql;
  s.first_line = 2;
  s.file = "1_x.up.sql";
  s.transaction = transaction;
  s.foreign_keys_off = fk_off;
  return s;
}

std::string codes(const SectionPlan& p) {
  std::string out;
  for (const PlanProblem& x : p.problems) out += x.code + "@" + std::to_string(x.line) + " ";
  return out;
}

TEST(RunPlanTest, PlainSectionRunsInStrataTransaction) {
  for (const DriverKind k : {DriverKind::sqlite, DriverKind::postgres}) {
    const SectionPlan p = plan_section(plan_section("CREATE TABLE a (x int);\nCREATE TABLE b (x int);\n"), k, true);
    EXPECT_EQ(p.mode, RunMode::transaction);
    EXPECT_FALSE(p.foreign_keys_off);
    EXPECT_TRUE(p.problems.empty()) << codes(p);
  }
}

TEST(RunPlanTest, SqliteTableRebuildPragmaIsHoistedAroundTheTransaction) {
  // golang-migrate's tx-wrapped SQLite files and dbmate sections write SQLite's recipe inside
  // the transaction, where the PRAGMA would silently do nothing.
  const SectionPlan p = plan_section(
      plan_section("PRAGMA foreign_keys=OFF;\nCREATE TABLE n (id int);\nDROP TABLE o;\nALTER TABLE n RENAME TO o;\n"
              "PRAGMA foreign_keys=ON;\n"),
      DriverKind::sqlite, true);
  EXPECT_EQ(p.mode, RunMode::transaction);
  EXPECT_TRUE(p.foreign_keys_off);
  EXPECT_TRUE(p.problems.empty()) << codes(p);
}

TEST(RunPlanTest, PrismasRebuildWithDeferForeignKeysRunsInTheTransaction) {
  // Prisma 5's SQLite table rebuild: defer_foreign_keys holds until the transaction ends, so it
  // belongs inside it.
  const SectionPlan p = plan_section(
      plan_section("PRAGMA defer_foreign_keys=ON;\nPRAGMA foreign_keys=OFF;\nCREATE TABLE \"new_t\" (id int);\n"
                   "DROP TABLE \"t\";\nALTER TABLE \"new_t\" RENAME TO \"t\";\nPRAGMA foreign_keys=ON;\n"
                   "PRAGMA defer_foreign_keys=OFF;\n"),
      DriverKind::sqlite, true);
  EXPECT_EQ(p.mode, RunMode::transaction);
  EXPECT_TRUE(p.foreign_keys_off);
  EXPECT_TRUE(p.problems.empty()) << codes(p);
}

TEST(RunPlanTest, PragmaForeignKeysOnAloneChangesNothing) {
  const SectionPlan p = plan_section(plan_section("PRAGMA foreign_keys = on;\nCREATE TABLE a (x int);\n"), DriverKind::sqlite, true);
  EXPECT_EQ(p.mode, RunMode::transaction);
  EXPECT_FALSE(p.foreign_keys_off);
  EXPECT_TRUE(p.problems.empty()) << codes(p);
}

TEST(RunPlanTest, OwnTransactionControlRunsAsWritten) {
  // x-no-tx-wrap SQLite files: the recipe with the PRAGMAs outside the file's own transaction.
  const SectionPlan sqlite = plan_section(
      plan_section("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE n (id int);\nCOMMIT;\nPRAGMA foreign_keys=ON;\n"),
      DriverKind::sqlite, true);
  EXPECT_EQ(sqlite.mode, RunMode::as_written);
  EXPECT_TRUE(sqlite.problems.empty()) << codes(sqlite);
  EXPECT_NE(sqlite.reason.find("BEGIN"), std::string::npos);

  const SectionPlan pg = plan_section(plan_section("begin;\nALTER TABLE a ADD b int;\nend;\n"), DriverKind::postgres, true);
  EXPECT_EQ(pg.mode, RunMode::as_written);
  EXPECT_TRUE(pg.problems.empty()) << codes(pg);
  const SectionPlan start = plan_section(plan_section("START TRANSACTION;\nSELECT 1;\nROLLBACK;\n"), DriverKind::postgres, true);
  EXPECT_EQ(start.mode, RunMode::as_written);
  EXPECT_TRUE(start.problems.empty()) << codes(start);
}

TEST(RunPlanTest, BodiesThatSayBeginAreNotTransactionControl) {
  const SectionPlan trigger = plan_section(
      plan_section("CREATE TABLE t (x int);\nCREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;\n"), DriverKind::sqlite, true);
  EXPECT_EQ(trigger.mode, RunMode::transaction) << trigger.reason;
  const SectionPlan body = plan_section(
      plan_section("CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END; $$;\n"
              "DO $$ BEGIN PERFORM 1; END $$;\nCREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\n"),
      DriverKind::postgres, true);
  EXPECT_EQ(body.mode, RunMode::transaction) << body.reason;
  EXPECT_TRUE(body.problems.empty()) << codes(body);
  const SectionPlan savepoint = plan_section(plan_section("SAVEPOINT a;\nSELECT 1;\nROLLBACK TO a;\n"), DriverKind::postgres, true);
  EXPECT_EQ(savepoint.mode, RunMode::transaction);
}

TEST(RunPlanTest, LoneStatementThatCannotRunInATransactionRunsAlone) {
  for (const char* sql : {"CREATE INDEX CONCURRENTLY i ON t (x);\n", "create unique index concurrently i on t (x);",
                          "DROP INDEX CONCURRENTLY IF EXISTS i;", "VACUUM;", "REINDEX (VERBOSE) INDEX CONCURRENTLY i;",
                          "-- why\nALTER SYSTEM SET work_mem = '8MB';\n"}) {
    const SectionPlan p = plan_section(plan_section(sql), DriverKind::postgres, true);
    EXPECT_EQ(p.mode, RunMode::as_written) << sql;
    EXPECT_TRUE(p.problems.empty()) << sql << ": " << codes(p);
  }
  const SectionPlan vacuum = plan_section(plan_section("VACUUM;\n"), DriverKind::sqlite, true);
  EXPECT_EQ(vacuum.mode, RunMode::as_written);
  const SectionPlan wal = plan_section(plan_section("PRAGMA journal_mode = WAL;\n"), DriverKind::sqlite, true);
  EXPECT_EQ(wal.mode, RunMode::as_written);
}

TEST(RunPlanTest, SuchAStatementAmongOthersIsRefusedWithItsLine) {
  const SectionPlan pg =
      plan_section(plan_section("CREATE TABLE t (x int);\nCREATE INDEX CONCURRENTLY i ON t (x);\n"), DriverKind::postgres, false);
  ASSERT_EQ(pg.problems.size(), 1u) << codes(pg);
  EXPECT_EQ(pg.problems[0].code, "not-in-transaction");
  EXPECT_EQ(pg.problems[0].line, 3u);
  EXPECT_NE(pg.problems[0].message.find("'-- migrate:down transaction:false'"), std::string::npos) << pg.problems[0].message;

  const SectionPlan sqlite = plan_section(plan_section("CREATE TABLE t (x int);\nVACUUM;\n"), DriverKind::sqlite, true);
  ASSERT_EQ(sqlite.problems.size(), 1u) << codes(sqlite);
  EXPECT_EQ(sqlite.problems[0].code, "pragma-in-transaction");
  EXPECT_NE(sqlite.problems[0].message.find("'-- migrate:up transaction:false'"), std::string::npos);
}

TEST(RunPlanTest, TransactionFalseMarkerRunsAsWritten) {
  const SectionPlan p = plan_section(plan_section("CREATE TABLE t (x int);\nCREATE INDEX CONCURRENTLY i ON t (x);\n", false),
                                     DriverKind::postgres, true);
  EXPECT_EQ(p.mode, RunMode::as_written);
  EXPECT_EQ(p.reason, "transaction:false");
  EXPECT_TRUE(p.problems.empty()) << codes(p);
}

TEST(RunPlanTest, StatementsAfterTheFilesOwnCommitAreSaidOnce) {
  const SectionPlan p = plan_section(plan_section("BEGIN;\nCREATE TABLE t (x int);\nCOMMIT;\nCREATE TABLE u (x int);\n"
                                                  "CREATE TABLE v (x int);\n"),
                                     DriverKind::postgres, true);
  EXPECT_TRUE(p.problems.empty()) << codes(p);
  ASSERT_EQ(p.warnings.size(), 1u);
  EXPECT_EQ(p.warnings[0].code, "statements-after-commit");
  EXPECT_EQ(p.warnings[0].line, 5u);
  // SQLite's table-rebuild recipe ends with PRAGMA foreign_keys=ON after the COMMIT: fine.
  EXPECT_TRUE(plan_section(plan_section("PRAGMA foreign_keys=OFF;\nBEGIN;\nCREATE TABLE t (x int);\nCOMMIT;\n"
                                        "PRAGMA foreign_keys=ON;\n"),
                           DriverKind::sqlite, true)
                  .warnings.empty());
}

TEST(RunPlanTest, WhatCannotWorkInsideTheFilesOwnTransactionIsRefused) {
  const SectionPlan fk = plan_section(plan_section("BEGIN;\nPRAGMA foreign_keys=OFF;\nCREATE TABLE t (x int);\nCOMMIT;\n"),
                                      DriverKind::sqlite, true);
  // Run as written (SQLite ignores it, as golang-migrate's sqlite3 driver runs it), and said.
  EXPECT_TRUE(fk.problems.empty()) << codes(fk);
  ASSERT_EQ(fk.warnings.size(), 1u);
  EXPECT_EQ(fk.warnings[0].code, "pragma-in-transaction");
  EXPECT_EQ(fk.warnings[0].line, 3u);
  EXPECT_NE(fk.warnings[0].message.find("line 2"), std::string::npos) << fk.warnings[0].message;

  const SectionPlan cic = plan_section(plan_section("BEGIN;\nCREATE INDEX CONCURRENTLY i ON t (x);\nCOMMIT;\n"),
                                       DriverKind::postgres, true);
  ASSERT_EQ(cic.problems.size(), 1u) << codes(cic);
  EXPECT_EQ(cic.problems[0].code, "not-in-transaction");
}

TEST(RunPlanTest, UnbalancedTransactionControlIsRefused) {
  const SectionPlan open = plan_section(plan_section("BEGIN;\nCREATE TABLE t (x int);\n"), DriverKind::postgres, true);
  ASSERT_EQ(open.problems.size(), 1u) << codes(open);
  EXPECT_EQ(open.problems[0].code, "unbalanced-transaction");
  EXPECT_EQ(open.problems[0].line, 2u);
  const SectionPlan stray = plan_section(plan_section("CREATE TABLE t (x int);\nCOMMIT;\n"), DriverKind::sqlite, true);
  ASSERT_EQ(stray.problems.size(), 1u) << codes(stray);
  EXPECT_EQ(stray.problems[0].code, "unbalanced-transaction");
  EXPECT_EQ(stray.problems[0].line, 3u);
  // BEGIN inside the open transaction, then one COMMIT: balanced, but nested (squawk's
  // transaction-nesting; its ban-uncommitted-transaction counts it committed).
  const SectionPlan nested = plan_section(plan_section("BEGIN;\nBEGIN;\nCOMMIT;\n"), DriverKind::postgres, true);
  ASSERT_EQ(nested.problems.size(), 1u) << codes(nested);
  EXPECT_EQ(nested.problems[0].code, "nested-transaction");
  EXPECT_EQ(nested.problems[0].line, 3u);
}

TEST(RunPlanTest, ForeignKeysOptionIsRefusedOnPostgres) {
  const SectionPlan p = plan_section(plan_section("CREATE TABLE t (x int);\n", true, true), DriverKind::postgres, true);
  ASSERT_EQ(p.problems.size(), 1u) << codes(p);
  EXPECT_EQ(p.problems[0].code, "foreign-keys-option");
  EXPECT_TRUE(plan_section(plan_section("CREATE TABLE t (x int);\n", true, true), DriverKind::sqlite, true).problems.empty());
}

// MySQL commits DDL implicitly: a section holding one runs as written, statement by statement;
// one that only changes data keeps strata's transaction.
TEST(RunPlanTest, MysqlDdlRunsAsWrittenAndDataKeepsTheTransaction) {
  const SectionPlan ddl = plan_section(plan_section("INSERT INTO t VALUES (1);\nALTER TABLE t ADD COLUMN c INT;\n"), DriverKind::mysql, true);
  EXPECT_EQ(ddl.mode, RunMode::as_written);
  EXPECT_TRUE(ddl.implicit_commit);
  EXPECT_EQ(ddl.reason, "MySQL commits ALTER TABLE (line 3) implicitly");
  for (const char* data : {"INSERT INTO t VALUES (1);\nUPDATE t SET c = 2;\n", "CREATE TEMPORARY TABLE x (id INT);\nDELETE FROM t;\n",
                           "SET @a = 1;\nCALL p();\n", "DELIMITER //\nBEGIN NOT ATOMIC SELECT 1; END //\nDELIMITER ;\n"}) {
    const SectionPlan p = plan_section(plan_section(data), DriverKind::mysql, true);
    EXPECT_EQ(p.mode, RunMode::transaction) << data;
    EXPECT_FALSE(p.implicit_commit) << data;
  }
  // The same DDL on PostgreSQL is transactional.
  EXPECT_EQ(plan_section(plan_section("ALTER TABLE t ADD COLUMN c INT;\n"), DriverKind::postgres, true).mode, RunMode::transaction);
}

TEST(RunPlanTest, MysqlWordsInsideDelimitersCommentsAndBackticksDoNotCount) {
  const SectionPlan p = plan_section(plan_section("# CREATE TABLE in a comment\nINSERT INTO `create` VALUES ('DROP TABLE x');\n"
                                             "/* ALTER */ UPDATE t SET a = 'x\\'; DROP';\n"),
                                     DriverKind::mysql, true);
  EXPECT_EQ(p.mode, RunMode::transaction) << p.reason;
  const SectionPlan routine = plan_section(plan_section("DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END //\nDELIMITER ;\n"),
                                           DriverKind::mysql, true);
  EXPECT_EQ(routine.mode, RunMode::as_written);
  EXPECT_EQ(routine.reason, "MySQL commits CREATE PROCEDURE (line 3) implicitly");
}

TEST(RunPlanTest, MysqlTextTheClientCannotSplitIsRefusedBeforeAnythingRuns) {
  const SectionPlan p = plan_section(plan_section("CREATE TABLE a (id INT);\nDELIMITER $$\nCREATE PROCEDURE p() BEGIN SELECT 1; END;\n"),
                                     DriverKind::mysql, true);
  EXPECT_EQ(codes(p), "parse-error@4 ");
  EXPECT_EQ(codes(plan_section(plan_section("CREATE TABLE a (id INT);\n", true, true), DriverKind::mysql, true)), "foreign-keys-option@1 ");
}

}  // namespace
}  // namespace strata::migrate
