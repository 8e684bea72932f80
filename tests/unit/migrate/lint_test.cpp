// lint_migration(): PRAGMA/VACUUM in transactional sections, destructive statements, and what
// must not be flagged (comments, string literals, non-transactional sections, down sections).
#include "migrate/check/lint.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "migrate/model/migration_source.h"

namespace strata {
namespace {

using migrate::LintFinding;

// Parses `content` as the single migration file 1_change.sql and lints it.
std::vector<LintFinding> lint(const std::string& content) {
  const migrate::MigrationSet set = migrate::load_files({{"1_change.sql", content}}, "mem");
  EXPECT_TRUE(set.problems.empty()) << set.problems.front().describe();
  EXPECT_EQ(set.migrations.size(), 1u);
  if (set.migrations.empty()) return {};
  return migrate::lint_migration(set.migrations.front());
}

std::string describe(const std::vector<LintFinding>& findings) {
  std::string out;
  for (const LintFinding& f : findings) {
    out += f.code + "@" + std::to_string(f.line) + "(" + f.message + ") ";
  }
  return out;
}

// SQLite's table-rebuild recipe inside a wrapped section: strata turns foreign keys off around the
// transaction (run_plan.h), so it is not a finding.
TEST(LintTest, PragmaForeignKeysInTransactionalUpIsHoistedNotFlagged) {
  const auto findings = lint(
      "-- migrate:up\n"
      "PRAGMA foreign_keys = OFF;\n"
      "CREATE TABLE t (id INTEGER);\n"
      "pragma Foreign_Keys=on;\n"
      "-- migrate:down\n"
      "DROP TABLE t;\n");
  EXPECT_TRUE(findings.empty()) << describe(findings);
}

TEST(LintTest, OtherPragmaAmongStatementsAdvisesItsOwnMigrationOrTransactionFalse) {
  const auto findings = lint("-- migrate:up\nCREATE TABLE t (id INTEGER);\nPRAGMA journal_mode = WAL;\n");
  ASSERT_EQ(findings.size(), 1u) << describe(findings);
  EXPECT_EQ(findings[0].code, "pragma-in-transaction");
  EXPECT_TRUE(findings[0].error);
  EXPECT_EQ(findings[0].line, 3u);
  EXPECT_NE(findings[0].message.find("'-- migrate:up transaction:false'"), std::string::npos) << findings[0].message;
}

TEST(LintTest, LonePragmaRunsOutsideATransaction) {
  EXPECT_TRUE(lint("-- migrate:up\nPRAGMA journal_mode = WAL;\n").empty());
}

TEST(LintTest, PragmaUserVersionIsFine) {
  const auto findings = lint(
      "-- migrate:up\n"
      "CREATE TABLE t (id INTEGER);\n"
      "PRAGMA user_version = 7;\n"
      "PRAGMA application_id = 1234;\n"
      "-- migrate:down\n"
      "DROP TABLE t;\n"
      "PRAGMA user_version = 6;\n");
  EXPECT_TRUE(findings.empty()) << describe(findings);
}

// The schema-qualified form of a transaction-safe pragma is just as safe.
TEST(LintTest, SchemaQualifiedUserVersionIsFine) {
  const auto findings = lint("-- migrate:up\nCREATE TABLE t (id INTEGER);\nPRAGMA main.user_version = 3;\n");
  EXPECT_TRUE(findings.empty()) << describe(findings);
}

TEST(LintTest, PragmaInsideTheFilesOwnTransactionIsFlagged) {
  const auto findings = lint("-- migrate:up\nBEGIN;\nPRAGMA main.foreign_keys = OFF;\nCOMMIT;\n");
  ASSERT_EQ(findings.size(), 1u) << describe(findings);
  EXPECT_EQ(findings[0].code, "pragma-in-transaction");
  // A warning (baselinable): SQLite ignores it there and the file runs, as its own tool runs it.
  EXPECT_FALSE(findings[0].error);
  EXPECT_EQ(findings[0].line, 3u);
  EXPECT_NE(findings[0].message.find("before BEGIN"), std::string::npos) << findings[0].message;
}

TEST(LintTest, ReadOnlyPragmasAreFine) {
  const auto findings = lint("-- migrate:up\nPRAGMA foreign_key_check;\nPRAGMA integrity_check;\n");
  EXPECT_TRUE(findings.empty()) << describe(findings);
}

TEST(LintTest, VacuumInTransactionIsFlagged) {
  const auto findings = lint(
      "-- migrate:up\n"
      "DELETE FROM t;\n"
      "VACUUM;\n");
  ASSERT_EQ(findings.size(), 1u) << describe(findings);
  EXPECT_EQ(findings[0].code, "pragma-in-transaction");
  EXPECT_TRUE(findings[0].error);
  EXPECT_EQ(findings[0].line, 3u);
  EXPECT_NE(findings[0].message.find("transaction:false"), std::string::npos) << findings[0].message;
}

TEST(LintTest, PragmaAndVacuumInNonTransactionalSectionAreFine) {
  const auto findings = lint(
      "-- migrate:up transaction:false\n"
      "PRAGMA foreign_keys = OFF;\n"
      "PRAGMA journal_mode = WAL;\n"
      "VACUUM;\n"
      "-- migrate:down transaction:false\n"
      "PRAGMA journal_mode = DELETE;\n"
      "VACUUM;\n");
  EXPECT_TRUE(findings.empty()) << describe(findings);
}

TEST(LintTest, VacuumAmongStatementsInDownIsFlaggedWithDownAdvice) {
  const auto findings = lint(
      "-- migrate:up\n"
      "CREATE TABLE t (id INTEGER);\n"
      "-- migrate:down\n"
      "DROP TABLE t;\n"
      "VACUUM;\n");
  ASSERT_EQ(findings.size(), 1u) << describe(findings);
  EXPECT_EQ(findings[0].code, "pragma-in-transaction");
  EXPECT_EQ(findings[0].line, 5u);
  EXPECT_NE(findings[0].message.find("'-- migrate:down transaction:false'"), std::string::npos) << findings[0].message;
}

TEST(LintTest, DropTableInUpIsDestructiveWarningWithItsLine) {
  const auto findings = lint(
      "-- Retire the legacy table.\n"
      "-- migrate:up\n"
      "CREATE TABLE t (id INTEGER);\n"
      "\n"
      "DROP TABLE legacy;\n"
      "-- migrate:down\n"
      "CREATE TABLE legacy (id INTEGER);\n"
      "DROP TABLE t;\n");
  ASSERT_EQ(findings.size(), 1u) << describe(findings);
  EXPECT_EQ(findings[0].code, "destructive");
  EXPECT_FALSE(findings[0].error);
  EXPECT_EQ(findings[0].line, 5u);
  EXPECT_NE(findings[0].message.find("DROP TABLE"), std::string::npos) << findings[0].message;
}

TEST(LintTest, DropTableIfExistsIsDestructive) {
  const auto findings = lint("-- migrate:up\ndrop table if exists legacy;\n");
  ASSERT_EQ(findings.size(), 1u) << describe(findings);
  EXPECT_EQ(findings[0].code, "destructive");
  EXPECT_EQ(findings[0].line, 2u);
}

TEST(LintTest, AlterTableDropColumnIsDestructiveWarningWithItsLine) {
  const auto findings = lint(
      "-- migrate:up\n"
      "ALTER TABLE users ADD COLUMN status TEXT;\n"
      "ALTER TABLE users\n"
      "  DROP COLUMN legacy;\n"
      "-- migrate:down\n"
      "ALTER TABLE users ADD COLUMN legacy TEXT;\n"
      "ALTER TABLE users DROP COLUMN status;\n");
  ASSERT_EQ(findings.size(), 1u) << describe(findings);
  EXPECT_EQ(findings[0].code, "destructive");
  EXPECT_FALSE(findings[0].error);
  EXPECT_EQ(findings[0].line, 4u);
  EXPECT_NE(findings[0].message.find("DROP COLUMN"), std::string::npos) << findings[0].message;
}

// SQLite's grammar makes COLUMN optional: `ALTER TABLE t DROP c` drops a column just the same.
TEST(LintTest, AlterTableDropWithoutColumnKeywordIsDestructive) {
  const auto findings = lint("-- migrate:up\nALTER TABLE users DROP legacy;\n");
  ASSERT_EQ(findings.size(), 1u) << describe(findings);
  EXPECT_EQ(findings[0].code, "destructive");
  EXPECT_EQ(findings[0].line, 2u);
}

// Renames break code still using the old name (Atlas BC101/BC102), except of tables the file made
// before (nobody uses them yet) and in SQLite's two table rebuilds, where the old name comes back.
TEST(LintTest, RenamesOfTablesAndColumnsInUse) {
  auto findings = lint("-- migrate:up\nALTER TABLE users RENAME TO people;\nALTER TABLE pets RENAME COLUMN id TO oid;\n"
                       "ALTER TABLE \"pets\" RENAME name TO label;\n");
  ASSERT_EQ(findings.size(), 3u) << describe(findings);
  EXPECT_EQ(findings[0].code, "rename");
  EXPECT_EQ(findings[0].line, 2u);
  EXPECT_NE(findings[0].message.find("renaming table users"), std::string::npos) << findings[0].message;
  EXPECT_NE(findings[1].message.find("renaming a column of pets"), std::string::npos) << findings[1].message;
  EXPECT_EQ(findings[2].line, 4u);
  // Made earlier in the file.
  EXPECT_TRUE(lint("-- migrate:up\nCREATE TABLE t (id int);\nALTER TABLE t RENAME COLUMN id TO oid;\n"
                   "ALTER TABLE t RENAME TO u;\n").empty());
  // SQLite's rebuild (Prisma's new_t, Drizzle's __new_t): the new table takes the old name.
  EXPECT_TRUE(lint("-- migrate:up\nCREATE TABLE new_t (id int NOT NULL);\nINSERT INTO new_t SELECT id FROM t;\n"
                   "DROP TABLE t;\nALTER TABLE new_t RENAME TO t;\n").empty());
  // The other rebuild: the old table renamed away, a new one made under its name.
  EXPECT_TRUE(lint("-- migrate:up\nALTER TABLE t RENAME TO t_old;\nCREATE TABLE t (id int NOT NULL);\n"
                   "INSERT INTO t SELECT id FROM t_old;\nDROP TABLE t_old;\n").empty());
  // A rename in a down section undoes the up's.
  EXPECT_TRUE(lint("-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nALTER TABLE b RENAME TO c;\n").empty());
}

// SQLite's rebuild making a column NOT NULL (Prisma's and Drizzle's way): the copy fails on a
// NULL row (Atlas MF104). Known from the earlier migrations, which check lints in order.
TEST(LintTest, ARebuildThatMakesANullableColumnNotNull) {
  const migrate::MigrationSet set = migrate::load_files(
      {{"1_users.sql", "-- migrate:up\nCREATE TABLE \"User\" (id INTEGER PRIMARY KEY, name TEXT, email TEXT NOT NULL);\n"
                       "ALTER TABLE \"User\" ADD COLUMN nick TEXT;\n"},
       {"2_required.sql",
        "-- migrate:up\n\n"
        "CREATE TABLE \"new_User\" (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, nick TEXT NOT NULL DEFAULT '');\n"
        "INSERT INTO \"new_User\" (id, name, email, nick) SELECT id, name, email, nick FROM \"User\";\n"
        "DROP TABLE \"User\";\nALTER TABLE \"new_User\" RENAME TO \"User\";\n"},
       {"3_again.sql",
        "-- migrate:up\nCREATE TABLE \"new_User\" (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, nick TEXT NOT NULL DEFAULT '');\n"
        "INSERT INTO \"new_User\" SELECT * FROM \"User\";\nDROP TABLE \"User\";\nALTER TABLE \"new_User\" RENAME TO \"User\";\n"}},
      "mem");
  ASSERT_TRUE(set.problems.empty()) << set.problems.front().describe();
  migrate::LintMemory memory;
  const migrate::LintContext context{.up = true, .memory = &memory};
  EXPECT_TRUE(migrate::lint_migration(set.migrations[0], migrate::DriverKind::sqlite, context).empty());
  std::string codes;
  for (const LintFinding& f : migrate::lint_migration(set.migrations[1], migrate::DriverKind::sqlite, context)) {
    codes += f.code + "@" + std::to_string(f.line) + " ";
    if (f.code == "set-not-null") {
      EXPECT_NE(f.message.find("makes column"), std::string::npos) << f.message;
    }
  }
  EXPECT_EQ(codes, "set-not-null@3 set-not-null@3 ");
  // The table as that rebuild left it: nothing made NOT NULL again.
  EXPECT_TRUE(migrate::lint_migration(set.migrations[2], migrate::DriverKind::sqlite, context).empty());
  // A rebuild that fills the NULLs itself (COALESCE in the copy, or an UPDATE ... IS NULL first).
  migrate::LintMemory filled;
  const migrate::LintContext with_filled{.up = true, .memory = &filled};
  migrate::lint_migration(set.migrations[0], migrate::DriverKind::sqlite, with_filled);
  const migrate::MigrationSet fills = migrate::load_files(
      {{"2_filled.sql",
        "-- migrate:up\nUPDATE \"User\" SET nick = '' WHERE nick IS NULL;\n"
        "CREATE TABLE \"new_User\" (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, nick TEXT NOT NULL);\n"
        "INSERT INTO \"new_User\" SELECT id, COALESCE(\"name\", ''), email, nick FROM \"User\";\n"
        "DROP TABLE \"User\";\nALTER TABLE \"new_User\" RENAME TO \"User\";\n"}},
      "mem");
  ASSERT_EQ(fills.migrations.size(), 1u);
  EXPECT_TRUE(migrate::lint_migration(fills.migrations[0], migrate::DriverKind::sqlite, with_filled).empty());
  // Alone, a file knows nothing of the table before it: nothing to say.
  EXPECT_TRUE(migrate::lint_migration(set.migrations[1], migrate::DriverKind::sqlite).empty());
}

TEST(LintTest, SeveralFindingsInOrderOfLines) {
  const auto findings = lint(
      "-- migrate:up\n"
      "DROP TABLE a;\n"
      "ALTER TABLE b DROP COLUMN c;\n"
      "DROP TABLE d;\n");
  ASSERT_EQ(findings.size(), 3u) << describe(findings);
  EXPECT_EQ(findings[0].code, "destructive");
  EXPECT_EQ(findings[0].line, 2u);
  EXPECT_EQ(findings[1].line, 3u);
  EXPECT_EQ(findings[2].line, 4u);
}

TEST(LintTest, DropInDownIsNotFlagged) {
  const auto findings = lint(
      "-- migrate:up\n"
      "CREATE TABLE t (id INTEGER);\n"
      "ALTER TABLE u ADD COLUMN c TEXT;\n"
      "-- migrate:down\n"
      "ALTER TABLE u DROP COLUMN c;\n"
      "DROP TABLE t;\n");
  EXPECT_TRUE(findings.empty()) << describe(findings);
}

TEST(LintTest, DropIndexViewTriggerAreNotDestructive) {
  const auto findings = lint(
      "-- migrate:up\n"
      "DROP INDEX i;\n"
      "DROP VIEW v;\n"
      "DROP TRIGGER tr;\n");
  EXPECT_TRUE(findings.empty()) << describe(findings);
}

TEST(LintTest, KeywordsInCommentsAreIgnored) {
  const auto findings = lint(
      "-- migrate:up\n"
      "-- DROP TABLE users; PRAGMA foreign_keys = OFF; VACUUM;\n"
      "/* DROP TABLE users;\n"
      "   PRAGMA journal_mode = WAL;\n"
      "   VACUUM; */\n"
      "CREATE TABLE t (id INTEGER); -- then DROP TABLE old\n"
      "-- migrate:down\n"
      "DROP TABLE t;\n");
  EXPECT_TRUE(findings.empty()) << describe(findings);
}

TEST(LintTest, KeywordsInStringLiteralsAndQuotedIdentifiersAreIgnored) {
  const auto findings = lint(
      "-- migrate:up\n"
      "INSERT INTO notes (body) VALUES ('DROP TABLE users; PRAGMA foreign_keys = OFF; VACUUM');\n"
      "INSERT INTO notes (body) VALUES ('it''s a DROP TABLE joke');\n"
      "CREATE TABLE \"drop table\" (\"pragma\" TEXT, [vacuum] TEXT, `drop column` TEXT);\n");
  EXPECT_TRUE(findings.empty()) << describe(findings);
}

TEST(LintTest, FindingAfterALiteralStillHasTheRightLine) {
  const auto findings = lint(
      "-- migrate:up\n"
      "INSERT INTO notes (body) VALUES ('line one\n"
      "line two; DROP TABLE x');\n"
      "DROP TABLE notes;\n");
  ASSERT_EQ(findings.size(), 1u) << describe(findings);
  EXPECT_EQ(findings[0].line, 4u);
}

TEST(LintTest, IdentifiersContainingKeywordsAreNotFlagged) {
  const auto findings = lint(
      "-- migrate:up\n"
      "CREATE TABLE drop_log (pragma_name TEXT, vacuumed INTEGER);\n"
      "INSERT INTO drop_log VALUES ('x', 1);\n");
  EXPECT_TRUE(findings.empty()) << describe(findings);
}

TEST(LintTest, HandBuiltSectionUsesFirstLine) {
  migrate::Migration m;
  m.version = 7;
  m.file = "x.sql";
  m.up.present = true;
  m.up.sql = "\nDELETE FROM t;\nVACUUM;\n";
  m.up.first_line = 10;
  m.up.file = "x.sql";
  const auto findings = migrate::lint_migration(m);
  ASSERT_EQ(findings.size(), 1u) << describe(findings);
  EXPECT_EQ(findings[0].line, 12u);

  m.up.transaction = false;
  EXPECT_TRUE(migrate::lint_migration(m).empty());
}

}  // namespace
}  // namespace strata

namespace strata {
namespace {

std::vector<migrate::LintFinding> lint_pg(const std::string& content) {
  const migrate::MigrationSet set = migrate::load_files({{"1_change.sql", content}}, "mem");
  EXPECT_TRUE(set.problems.empty());
  if (set.migrations.empty()) return {};
  // strata sets the lock timeout here: these cases are about their own rules (postgres_lint_test.cpp has no-lock-timeout).
  return migrate::lint_migration(set.migrations.front(), migrate::DriverKind::postgres,
                                 migrate::LintContext{.up = true, .lock_timeout_configured = true, .memory = nullptr});
}

std::string codes_pg(const std::vector<migrate::LintFinding>& findings) {
  std::string out;
  for (const auto& f : findings) out += f.code + "@" + std::to_string(f.line) + (f.error ? "!" : "") + " ";
  return out;
}

TEST(PostgresLintTest, IndexWithoutConcurrentlyOnAnExistingTable) {
  EXPECT_EQ(codes_pg(lint_pg("-- migrate:up\nCREATE INDEX users_email ON public.users (email);\n")),
            "index-without-concurrently@2 ");
  // A table created in the same migration is empty: nothing to block.
  EXPECT_EQ(codes_pg(lint_pg("-- migrate:up\nCREATE TABLE t (a int);\nCREATE UNIQUE INDEX t_a ON t (a);\n")), "");
}

TEST(PostgresLintTest, ConcurrentlyAloneRunsOutsideATransactionAmongOthersIsAnError) {
  EXPECT_EQ(codes_pg(lint_pg("-- migrate:up\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- migrate:down\n"
                             "DROP INDEX CONCURRENTLY i;\n")),
            "");
  EXPECT_EQ(codes_pg(lint_pg("-- migrate:up\nCREATE TABLE u (a int);\nCREATE INDEX CONCURRENTLY i ON t (a);\n")),
            "not-in-transaction@3! ");
  EXPECT_EQ(codes_pg(lint_pg("-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\n"
                             "VACUUM t;\n")),
            "");
  EXPECT_EQ(codes_pg(lint_pg("-- migrate:up\nVACUUM t;\n")), "");
  EXPECT_EQ(codes_pg(lint_pg("-- migrate:up\nBEGIN;\nCREATE TABLE u (a int);\n")), "unbalanced-transaction@2! ");
}

TEST(PostgresLintTest, VolatileDefaultOnAddColumn) {
  EXPECT_EQ(codes_pg(lint_pg("-- migrate:up\nALTER TABLE t ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();\n")),
            "volatile-default@2 ");
  EXPECT_EQ(codes_pg(lint_pg("-- migrate:up\nALTER TABLE t ADD COLUMN n bigserial;\n")), "volatile-default@2 ");
  // now() is stable: PostgreSQL 11+ stores it once, no rewrite.
  EXPECT_EQ(codes_pg(lint_pg("-- migrate:up\nALTER TABLE t ADD COLUMN at timestamptz NOT NULL DEFAULT now();\n")), "");
}

TEST(PostgresLintTest, NotNullWithoutDefaultOnAddColumn) {
  EXPECT_EQ(codes_pg(lint_pg("-- migrate:up\nALTER TABLE t ADD COLUMN a int, ADD COLUMN b text NOT NULL;\n")),
            "not-null-without-default@2 ");
  // The seed pattern: add nullable, backfill, then SET NOT NULL.
  EXPECT_EQ(codes_pg(lint_pg("-- migrate:up\nALTER TABLE t ADD COLUMN b text;\nUPDATE t SET b = '';\n"
                             "ALTER TABLE t ALTER COLUMN b SET NOT NULL;\n")),
            "");
  EXPECT_EQ(codes_pg(lint_pg("-- migrate:up\nALTER TABLE t ADD COLUMN b text NOT NULL DEFAULT 'x';\n")), "");
}

TEST(PostgresLintTest, RenamesAndDrops) {
  EXPECT_EQ(codes_pg(lint_pg("-- migrate:up\nALTER TABLE t RENAME COLUMN a TO b;\nALTER TABLE t RENAME TO u;\n"
                             "ALTER TABLE u DROP COLUMN c;\nDROP TABLE v;\n-- migrate:down\nDROP TABLE w;\n")),
            "rename@2 rename@3 destructive@4 destructive@5 ");
  EXPECT_EQ(codes_pg(lint_pg("-- migrate:up\nALTER TABLE t RENAME CONSTRAINT a TO b;\n")), "");
}

TEST(PostgresLintTest, EachStatementReadsOnlyItsOwnWords) {
  // A quoted name keeps its case: "Users" is new, users is not.
  EXPECT_EQ(codes_pg(lint_pg("-- migrate:up\nCREATE TABLE \"Users\" (id int);\nCREATE INDEX i ON users (id);\n"
                             "CREATE INDEX j ON \"Users\" (id);\n")),
            "index-without-concurrently@3 ");
  // Words in a function body, a comment or a string belong to no statement of their own.
  EXPECT_EQ(codes_pg(lint_pg("-- migrate:up\nCREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN DROP TABLE x; END $$;\n"
                             "/* DROP TABLE y; */ SELECT 'DROP TABLE z';\nalter table T add column C int not null;\n")),
            "not-null-without-default@4 ");
}

TEST(PostgresLintTest, UnterminatedDollarQuoteIsAParseError) {
  EXPECT_EQ(codes_pg(lint_pg("-- migrate:up\nSELECT 1;\nDO $$ BEGIN\n")), "parse-error@3! ");
}

TEST(PostgresLintTest, SqliteRulesDoNotApply) {
  EXPECT_EQ(codes_pg(lint_pg("-- migrate:up\nSELECT 'PRAGMA foreign_keys = OFF';\n")), "");
}

std::vector<migrate::LintFinding> lint_my(const std::string& content) {
  const migrate::MigrationSet set = migrate::load_files({{"1_change.sql", content}}, "mem");
  if (set.migrations.empty()) return {};
  return migrate::lint_migration(set.migrations.front(), migrate::DriverKind::mysql);
}

TEST(LintMysql, TablesInUseGetTheWarningsNewOnesDoNot) {
  EXPECT_EQ(codes_pg(lint_my("-- migrate:up\nALTER TABLE users ADD COLUMN age INT NOT NULL, ADD INDEX users_age (age);\n"
                             "CREATE INDEX users_email ON users (email);\nALTER TABLE users CHANGE email mail TEXT;\n"
                             "RENAME TABLE users TO people;\nTRUNCATE logs;\nALTER TABLE users DROP COLUMN note;\n")),
            "not-null-without-default@2 rename@4 alter-without-algorithm@4 rename@5 destructive@6 destructive@7 ");
  EXPECT_EQ(codes_pg(lint_my("-- migrate:up\nCREATE TABLE t (id INT);\nALTER TABLE t ADD COLUMN n INT NOT NULL;\n"
                             "CREATE INDEX t_n ON t (n);\n")),
            "");
  EXPECT_EQ(codes_pg(lint_my("-- migrate:up\nALTER TABLE users ADD INDEX i (a), ALGORITHM=INPLACE, LOCK=NONE;\n"
                             "ALTER TABLE users ADD COLUMN n INT NOT NULL DEFAULT 0;\n"
                             "ALTER TABLE users ADD COLUMN g INT AS (id + 1) NOT NULL;\n")),
            "");
  // Down sections undo: their drops are expected.
  EXPECT_EQ(codes_pg(lint_my("-- migrate:up\nCREATE TABLE t (id INT);\n-- migrate:down\nDROP TABLE t;\n")), "");
  EXPECT_EQ(codes_pg(lint_my("-- migrate:up\nDROP DATABASE old;\nDROP SCHEMA IF EXISTS older;\n")),
            "destructive@2 destructive@3 ");
}

// Tables the section makes are nobody's yet: renaming or dropping them breaks and loses nothing,
// nor does the swap that puts a new copy under an old table's name and drops the old copy.
TEST(LintMysql, TablesMadeOrSwappedInTheSectionAreNotFlagged) {
  EXPECT_EQ(codes_pg(lint_my("-- migrate:up\nCREATE TABLE t (a INT);\nRENAME TABLE t TO u;\nDROP TABLE IF EXISTS u;\n"
                             "CREATE TEMPORARY TABLE tmp (a INT);\nDROP TEMPORARY TABLE tmp;\n")),
            "");
  EXPECT_EQ(codes_pg(lint_my("-- migrate:up\nCREATE TABLE users_new LIKE users;\nINSERT INTO users_new SELECT * FROM users;\n"
                             "RENAME TABLE users TO users_old, users_new TO users;\nDROP TABLE users_old;\n")),
            "");
  // A plain rename of a table in use, and a drop of one, still are.
  EXPECT_EQ(codes_pg(lint_my("-- migrate:up\nCREATE TABLE a (x INT);\nRENAME TABLE a TO b, users TO people;\n"
                             "DROP TABLE b, logs;\n")),
            "rename@3 destructive@4 ");
}

// A VIRTUAL generated column stores nothing: dropping it loses no data (Atlas's destructive check
// passes it). Known from the migrations before, which check lints in order.
TEST(LintMysql, DroppingAVirtualColumnOfAnEarlierMigrationIsNotDestructive) {
  const migrate::MigrationSet set = migrate::load_files(
      {{"1_t.sql", "-- migrate:up\nCREATE TABLE t (a INT, v INT AS (a * 2) VIRTUAL, s INT AS (a * 3) STORED);\n"
                   "ALTER TABLE t ADD COLUMN w INT GENERATED ALWAYS AS (a + 1) VIRTUAL, ADD COLUMN n INT;\n"},
       {"2_drop.sql", "-- migrate:up\nALTER TABLE t DROP COLUMN v, DROP COLUMN w;\nALTER TABLE t DROP COLUMN s;\n"
                      "ALTER TABLE t DROP n;\n"}},
      "mem");
  ASSERT_TRUE(set.problems.empty()) << set.problems.front().describe();
  migrate::LintMemory memory;
  const migrate::LintContext context{.up = true, .memory = &memory};
  migrate::lint_migration(set.migrations[0], migrate::DriverKind::mysql, context);
  EXPECT_EQ(codes_pg(migrate::lint_migration(set.migrations[1], migrate::DriverKind::mysql, context)),
            "destructive@3 destructive@4 ");
  // Alone, nothing is known of t: every drop is one.
  EXPECT_EQ(codes_pg(lint_my("-- migrate:up\nALTER TABLE t DROP COLUMN v;\n")), "destructive@2 ");
}

// Atlas's CD101 and MF101 on MySQL: a foreign key dropped, and a unique index added to a table in
// use, which fails on duplicates after the statements before it were committed.
TEST(LintMysql, DroppedForeignKeysAndUniqueIndexesOnTablesInUse) {
  const auto found = lint_my("-- migrate:up\nALTER TABLE orders DROP FOREIGN KEY orders_user_fk;\n"
                             "ALTER TABLE users ADD UNIQUE INDEX users_email (email);\n"
                             "CREATE UNIQUE INDEX users_name ON users (name);\n"
                             "ALTER TABLE users ADD CONSTRAINT users_nick UNIQUE (nick);\n");
  EXPECT_EQ(codes_pg(found), "drop-foreign-key@2 unique-may-fail@3 unique-may-fail@4 unique-may-fail@5 ");
  ASSERT_FALSE(found.empty());
  EXPECT_NE(found[0].message.find("DROP FOREIGN KEY orders_user_fk removes a foreign key of orders"), std::string::npos)
      << found[0].message;
  // After an index of the table was dropped in the section: most often a unique key widened to
  // more columns (kalbasit/ncps), which cannot fail; lint does not know what the old one covered.
  EXPECT_EQ(codes_pg(lint_my("-- migrate:up\nALTER TABLE f DROP INDEX f_hash;\nALTER TABLE f ADD UNIQUE KEY f_hq (hash, q);\n"
                             "ALTER TABLE g DROP KEY g_a, ADD UNIQUE KEY g_ab (a, b);\nDROP INDEX h_a ON h;\n"
                             "CREATE UNIQUE INDEX h_ab ON h (a, b);\n")),
            "");
  // On a table the section makes: nothing is in it yet.
  EXPECT_EQ(codes_pg(lint_my("-- migrate:up\nCREATE TABLE t (a INT);\nALTER TABLE t ADD UNIQUE (a);\n"
                             "CREATE UNIQUE INDEX t_a ON t (a);\n")),
            "");
}

}  // namespace
}  // namespace strata
