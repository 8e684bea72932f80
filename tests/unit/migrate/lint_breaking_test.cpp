// The lint rules for what breaks running code beyond tables and columns, the lock patterns
// found on other linters' cases, the type changes that keep the rows, and the MySQL/MariaDB
// and SQLite readings of what the server does (engines/*/..._lint.cpp).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "migrate/check/lint.h"
#include "migrate/model/migration_source.h"
#include "common/error.h"
#include "migrate/check/sql_lint.h"
#include "migrate/engines/mysql/mysql_server.h"

namespace strata::migrate {
namespace {

std::string breaking_codes(const std::vector<LintFinding>& findings) {
  std::string out;
  for (const auto& f : findings) out += f.code + "@" + std::to_string(f.line) + (f.error ? "!" : "") + " ";
  return out;
}

// `sql` as the up section of a dbmate migration (one transaction), strata setting lock_timeout.
std::string pg_lint(const std::string& sql, LintMemory* memory = nullptr, const std::string& marker = "-- migrate:up\n") {
  const MigrationSet set = load_files({{"1_change.sql", marker + sql}}, "mem");
  if (set.migrations.empty()) return "?";
  return breaking_codes(lint_migration(set.migrations.front(), DriverKind::postgres,
                                       LintContext{.up = true, .lock_timeout_configured = true, .memory = memory}));
}

std::string pg_lint_alone(const std::string& sql, LintMemory* memory = nullptr) {
  return pg_lint(sql, memory, "-- migrate:up transaction:false\n");
}

std::string engine_lint(DriverKind engine, const std::string& sql) {
  const MigrationSet set = load_files({{"1_change.sql", "-- migrate:up\n" + sql}}, "mem");
  if (set.migrations.empty()) return "?";
  return breaking_codes(lint_migration(set.migrations.front(), engine));
}

TEST(LintTypeChanges, TypesThatKeepTheRowsAreNotRewrites) {
  LintMemory m;
  EXPECT_EQ(pg_lint("CREATE TABLE t (c citext, x text, v varchar(10), ts timestamp(3), tz timestamptz(0), tm time(3), "
                "iv interval(3), d timestamp);\n", &m),
            "");
  EXPECT_EQ(pg_lint("ALTER TABLE t ALTER COLUMN c TYPE text;\n", &m), "");
  EXPECT_EQ(pg_lint("ALTER TABLE t ALTER COLUMN c TYPE citext;\n", &m), "");
  EXPECT_EQ(pg_lint("ALTER TABLE t ALTER COLUMN x TYPE citext;\n", &m), "");
  EXPECT_EQ(pg_lint("ALTER TABLE t ALTER COLUMN v TYPE varchar(50);\nALTER TABLE t ALTER COLUMN v TYPE text;\n", &m), "");
  EXPECT_EQ(pg_lint("ALTER TABLE t ALTER COLUMN ts TYPE timestamp(6);\nALTER TABLE t ALTER COLUMN ts TYPE timestamp;\n", &m), "");
  EXPECT_EQ(pg_lint("ALTER TABLE t ALTER COLUMN tz TYPE timestamptz(3);\n", &m), "");
  EXPECT_EQ(pg_lint("ALTER TABLE t ALTER COLUMN tm TYPE time(6);\nALTER TABLE t ALTER COLUMN iv TYPE interval(6);\n", &m), "");
  EXPECT_EQ(pg_lint("ALTER TABLE t ALTER COLUMN iv TYPE interval;\n", &m), "");
  // Narrowed, or another kind of value: the rows are read and written again.
  EXPECT_EQ(pg_lint("ALTER TABLE t ALTER COLUMN d TYPE timestamp(3);\n", &m), "column-type-rewrite@2 ");
  EXPECT_EQ(pg_lint("ALTER TABLE t ALTER COLUMN c TYPE varchar(20);\n", &m), "column-type-rewrite@2 ");
  EXPECT_EQ(pg_lint("ALTER TABLE t ALTER COLUMN tm TYPE time(0);\n", &m), "column-type-rewrite@2 ");
  EXPECT_EQ(pg_lint("ALTER TABLE t ALTER COLUMN iv TYPE interval day;\n", &m), "column-type-rewrite@2 ");
  // citext <-> text keeps the rows but not an index's operator class: the index is rebuilt.
  EXPECT_EQ(pg_lint("CREATE INDEX CONCURRENTLY t_x ON t (x);\n", &m), "");
  EXPECT_EQ(pg_lint("ALTER TABLE t ALTER COLUMN x TYPE text;\n", &m), "column-type-rewrite@2 ");
}

TEST(LintTypeChanges, AValidatedCheckOnTheColumnIsCheckedAgain) {
  LintMemory m;
  EXPECT_EQ(pg_lint("CREATE TABLE t (v varchar(10), w varchar(10), CHECK (v <> ''));\n", &m), "");
  EXPECT_EQ(pg_lint("ALTER TABLE t ALTER COLUMN v TYPE varchar(20);\n", &m), "type-change-recheck@2 ");
  EXPECT_EQ(pg_lint("ALTER TABLE t ALTER COLUMN w TYPE varchar(20);\n", &m), "");
}

TEST(LintSetNotNull, AValidatedCheckThatImpliesItCoversIt) {
  LintMemory m;
  EXPECT_EQ(pg_lint("CREATE TABLE t (a int, b int, CONSTRAINT both_set CHECK (a IS NOT NULL AND b > 0));\n", &m), "");
  EXPECT_EQ(pg_lint("ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n", &m), "");
  // b > 0 lets NULL through: PostgreSQL scans.
  EXPECT_EQ(pg_lint("ALTER TABLE t ALTER COLUMN b SET NOT NULL;\n", &m), "set-not-null@2 ");
}

TEST(LintSetNotNull, AnUnrelatedValidateEarlierDoesNotSilenceIt) {
  LintMemory m;
  EXPECT_EQ(pg_lint("ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n", &m),
            "fk-without-index@2 ");
  EXPECT_EQ(pg_lint("ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\nALTER TABLE orders ALTER COLUMN note SET NOT NULL;\n", &m),
            "set-not-null@3 ");
  // Within one file run statement by statement, too.
  EXPECT_EQ(pg_lint_alone("ALTER TABLE o ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id) NOT VALID;\n"
                     "ALTER TABLE o VALIDATE CONSTRAINT fk;\nALTER TABLE o ALTER COLUMN note SET NOT NULL;\n"),
            "fk-without-index@2 set-not-null@4 ");
  // A constraint no linted file made may be the recipe's CHECK: still trusted.
  EXPECT_EQ(pg_lint("ALTER TABLE o VALIDATE CONSTRAINT o_note_nn;\nALTER TABLE o ALTER COLUMN note SET NOT NULL;\n"), "");
}

TEST(LintDestructive, WhatTheFileCreatedIsNotData) {
  EXPECT_EQ(pg_lint("ALTER TABLE t ADD COLUMN tmp int;\nALTER TABLE t DROP COLUMN tmp;\n"), "");
  EXPECT_EQ(pg_lint("CREATE SCHEMA s;\nDROP SCHEMA s CASCADE;\nCREATE VIEW v AS SELECT 1;\nDROP VIEW v;\n"), "");
  EXPECT_EQ(pg_lint("ALTER TABLE t DROP COLUMN old;\n"), "destructive@2 ");
}

TEST(LintBreaking, DroppingOrRenamingObjectsRunningCodeUses) {
  EXPECT_EQ(pg_lint("DROP VIEW active_users;\n"), "drop-object@2 ");
  EXPECT_EQ(pg_lint("DROP MATERIALIZED VIEW totals;\n"), "drop-object@2 ");
  EXPECT_EQ(pg_lint("DROP FUNCTION f(int);\n"), "drop-object@2 ");
  EXPECT_EQ(pg_lint("DROP TYPE mood;\nDROP DOMAIN email;\n"), "drop-object@2 drop-object@3 ");
  // A schema the file did not make (Atlas DS101): without CASCADE it fails unless empty, and code
  // that makes objects in it still breaks; with CASCADE it destroys what it holds.
  EXPECT_EQ(pg_lint("DROP SEQUENCE s;\nDROP SCHEMA empty;\n"), "drop-object@2 drop-object@3 ");
  EXPECT_EQ(pg_lint("DROP SCHEMA archive CASCADE;\n"), "destructive@2 ");
  EXPECT_EQ(pg_lint("CREATE SCHEMA scratch;\nDROP SCHEMA scratch;\n"), "");
  EXPECT_EQ(pg_lint("ALTER VIEW v RENAME TO w;\nALTER FUNCTION f(int) RENAME TO g;\nALTER TYPE mood RENAME TO feeling;\n"),
            "rename@2 rename@3 rename@4 ");
  EXPECT_EQ(pg_lint("ALTER SEQUENCE s RENAME TO s2;\nALTER DOMAIN d RENAME TO e;\nALTER SCHEMA a RENAME TO b;\n"
               "ALTER INDEX i RENAME TO j;\n"),
            "rename@2 rename@4 rename@5 ");
  // A domain's columns refer to it by OID (squawk's ban-alter-domain-with-add-constraint, ok case).
  EXPECT_EQ(pg_lint("ALTER DOMAIN d SET SCHEMA foo;\nALTER DOMAIN d2 RENAME CONSTRAINT c TO c2;\n"), "");
  EXPECT_EQ(pg_lint("ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy';\n"), "rename@2 ");
  EXPECT_EQ(pg_lint("ALTER TYPE mood ADD VALUE 'calm';\n"), "");
  EXPECT_EQ(pg_lint("ALTER TABLE t SET SCHEMA archive;\nALTER FUNCTION f() SET SCHEMA x;\n"), "rename@2 rename@3 ");
  // Made in the same file: nobody uses them yet.
  EXPECT_EQ(pg_lint("CREATE TYPE m AS ENUM ('a');\nALTER TYPE m RENAME VALUE 'a' TO 'b';\nDROP TYPE m;\n"
               "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';\nDROP FUNCTION f();\n"),
            "");
  // A rename the old name keeps answering (a view under it) is compatible.
  EXPECT_EQ(pg_lint("ALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;\n"), "");
}

TEST(LintBreaking, DefaultsIdentitiesAndForeignKeys) {
  LintMemory m;
  EXPECT_EQ(pg_lint("CREATE TABLE t (id int PRIMARY KEY, s text NOT NULL DEFAULT '', n text DEFAULT '', "
               "u int REFERENCES users (id));\n", &m),
            "fk-without-index@2 ");
  EXPECT_EQ(pg_lint("ALTER TABLE t ALTER COLUMN s DROP DEFAULT;\n", &m), "drop-default@2 ");
  EXPECT_EQ(pg_lint("ALTER TABLE t ALTER COLUMN n DROP DEFAULT;\n", &m), "");
  EXPECT_EQ(pg_lint("ALTER TABLE t DROP CONSTRAINT t_u_fkey;\n", &m), "drop-foreign-key@2 ");
  EXPECT_EQ(pg_lint("ALTER TABLE t ADD CONSTRAINT positive CHECK (id > 0) NOT VALID;\nALTER TABLE t DROP CONSTRAINT positive;\n", &m),
            "");
  EXPECT_EQ(pg_lint("ALTER TABLE t ALTER COLUMN id DROP IDENTITY;\n"), "drop-identity@2 ");
  // A column this file added with its default (Django's AddField, squawk's ok case): the default
  // filled the rows already there; not one running code relied on.
  EXPECT_EQ(pg_lint("ALTER TABLE t ADD COLUMN foo integer DEFAULT 10 NOT NULL;\nALTER TABLE t ALTER COLUMN foo DROP DEFAULT;\n", &m),
            "");
  EXPECT_EQ(pg_lint("ALTER TABLE t ALTER COLUMN foo DROP DEFAULT;\n", &m), "drop-default@2 ");
}

// eugene E15: a foreign key no index starts with makes each delete of a referenced row scan the
// referencing table.
TEST(LintBreaking, ForeignKeysWithoutAnIndex) {
  LintMemory m;
  EXPECT_EQ(pg_lint("CREATE TABLE items (id bigint PRIMARY KEY);\nCREATE TABLE purchase (id bigint PRIMARY KEY, "
                    "item bigint NOT NULL REFERENCES items (id));\n", &m),
            "fk-without-index@3 ");
  // Not said again by a file that neither adds the key nor indexes its table.
  EXPECT_EQ(pg_lint("ALTER TABLE items ADD COLUMN note text;\n", &m), "");
  // A partial index cannot serve the key; a full one can.
  EXPECT_EQ(pg_lint_alone("CREATE INDEX CONCURRENTLY purchase_item_1 ON purchase (item) WHERE item = 1;\n", &m),
            "fk-without-index@2 ");
  EXPECT_EQ(pg_lint_alone("CREATE INDEX CONCURRENTLY purchase_item ON purchase (item);\n", &m), "");
  // An index that starts with the key's columns, in either order; a primary key counts.
  EXPECT_EQ(pg_lint("CREATE TABLE a (x int, y int, z int, PRIMARY KEY (y, x));\nCREATE TABLE b (x int, y int, PRIMARY KEY (x, y));\n"
                    "ALTER TABLE a ADD CONSTRAINT a_b FOREIGN KEY (x, y) REFERENCES b (x, y) NOT VALID;\n"),
            "");
  EXPECT_EQ(pg_lint("CREATE TABLE c (id int PRIMARY KEY, b_x int, b_y int);\nCREATE INDEX c_y ON c (b_y, id);\n"
                    "ALTER TABLE c ADD CONSTRAINT c_b FOREIGN KEY (b_x, b_y) REFERENCES b (x, y);\n"),
            "fk-without-index@4 ");
  // Dropping the index that served the key (said at the drop), though the file indexes the
  // column again, where it cannot serve the key.
  EXPECT_EQ(pg_lint_alone("DROP INDEX CONCURRENTLY purchase_item;\nCREATE INDEX CONCURRENTLY purchase_id2 ON purchase (id, item);\n", &m),
            "fk-without-index@2 ");
  // An index of other columns says nothing of the key again.
  EXPECT_EQ(pg_lint_alone("CREATE INDEX CONCURRENTLY purchase_id3 ON purchase (id);\n", &m), "");
  // A key dropped, or its table dropped, is forgotten.
  EXPECT_EQ(pg_lint("ALTER TABLE purchase DROP CONSTRAINT purchase_item_fkey;\n", &m), "drop-foreign-key@2 ");
  EXPECT_EQ(pg_lint_alone("CREATE INDEX CONCURRENTLY purchase_note ON purchase (id);\n", &m), "");
}

// eugene W12: two ALTER TABLE statements that each read a table in use read it twice.
TEST(LintLocks, TwoAlterTablesThatEachScanTheTable) {
  EXPECT_EQ(pg_lint("ALTER TABLE authors ALTER COLUMN name SET NOT NULL;\nALTER TABLE authors ALTER COLUMN email SET NOT NULL;\n"),
            "set-not-null@2 set-not-null@3 multiple-alter-table@3 ");
  EXPECT_EQ(pg_lint("ALTER TABLE authors ALTER COLUMN name SET NOT NULL, ALTER COLUMN email SET NOT NULL;\n"),
            "set-not-null@2 set-not-null@2 ");
  // What reads no row (a column added without a default, a constraint NOT VALID) is not a second scan.
  EXPECT_EQ(pg_lint("ALTER TABLE authors ADD COLUMN bio text;\nALTER TABLE authors ADD CONSTRAINT a_fk FOREIGN KEY (org) "
                    "REFERENCES orgs (id) NOT VALID;\nALTER TABLE authors ALTER COLUMN name SET NOT NULL;\n"),
            "fk-without-index@3 set-not-null@4 ");
  // A table made in the file holds no rows.
  EXPECT_EQ(pg_lint("CREATE TABLE n (a int, b int);\nALTER TABLE n ALTER COLUMN a SET NOT NULL;\nALTER TABLE n ALTER COLUMN b SET NOT NULL;\n"),
            "");
}

TEST(LintLocks, PatternsThatScanOrRewriteUnderTheLock) {
  LintMemory m;
  EXPECT_EQ(pg_lint("CREATE TABLE t (a int, b int NOT NULL);\n", &m), "");
  EXPECT_EQ(pg_lint_alone("CREATE UNIQUE INDEX CONCURRENTLY t_a ON t (a);\nCREATE UNIQUE INDEX CONCURRENTLY t_b ON t (b);\n", &m), "");
  EXPECT_EQ(pg_lint("ALTER TABLE t ADD CONSTRAINT t_pk PRIMARY KEY USING INDEX t_a;\n", &m), "set-not-null@2 ");
  EXPECT_EQ(pg_lint("ALTER TABLE t ADD CONSTRAINT t_pk PRIMARY KEY USING INDEX t_b;\n", &m), "");
  EXPECT_EQ(pg_lint("ALTER TABLE t ADD COLUMN c int CHECK (c > 0);\n"), "missing-not-valid@2 ");
  EXPECT_EQ(pg_lint("ALTER TABLE t SET TABLESPACE fast;\n"), "rewrites-table@2 ");
  // Work on another table inside the transaction that holds t's ACCESS EXCLUSIVE lock.
  EXPECT_EQ(pg_lint("ALTER TABLE t ADD COLUMN d int;\nUPDATE other SET x = 1;\n"), "work-under-lock@3 ");
  // After COMMIT the lock is gone (the statement after it is said for running outside the
  // transaction, not for the lock).
  EXPECT_EQ(pg_lint("ALTER TABLE t ADD COLUMN d int;\nCOMMIT;\nUPDATE other SET x = 1;\n", nullptr, "-- migrate:up transaction:false\nBEGIN;\n"),
            "statements-after-commit@5 ");
  EXPECT_EQ(pg_lint("UPDATE other SET x = 1;\nALTER TABLE t ADD COLUMN d int;\n"), "");
}

TEST(LintMysqlServer, ExplicitCopiesAndLocksAreFlaggedOnlineWorkIsNot) {
  EXPECT_EQ(engine_lint(DriverKind::mysql, "ALTER TABLE t ADD INDEX i (a), ALGORITHM=COPY;\n"), "alter-copies-table@2 ");
  EXPECT_EQ(engine_lint(DriverKind::mysql, "ALTER TABLE t ADD INDEX i (a), ALGORITHM=INPLACE, LOCK=SHARED;\n"),
            "alter-locks-table@2 ");
  EXPECT_EQ(engine_lint(DriverKind::mysql, "ALTER TABLE t ADD INDEX i (a), LOCK=EXCLUSIVE;\n"), "alter-locks-table@2 ");
  // Online as written: LOCK=NONE makes the server refuse rather than block.
  EXPECT_EQ(engine_lint(DriverKind::mysql, "ALTER TABLE t ADD INDEX i (a), LOCK=NONE;\n"), "");
  // CHANGE c c type changes the type; it renames nothing.
  EXPECT_EQ(engine_lint(DriverKind::mysql, "ALTER TABLE t CHANGE note note TEXT;\n"), "alter-without-algorithm@2 ");
  EXPECT_EQ(engine_lint(DriverKind::mysql, "ALTER TABLE t CHANGE COLUMN `Note` note TEXT, ALGORITHM=INPLACE;\n"), "");
  // What copies the table whatever is written.
  EXPECT_EQ(engine_lint(DriverKind::mysql, "ALTER TABLE t ADD COLUMN g INT AS (a + 1) STORED;\n"), "alter-copies-table@2 ");
  EXPECT_EQ(engine_lint(DriverKind::mysql, "ALTER TABLE t ADD COLUMN id INT AUTO_INCREMENT PRIMARY KEY;\n"), "alter-copies-table@2 ");
  EXPECT_EQ(engine_lint(DriverKind::mysql, "ALTER TABLE t ADD CONSTRAINT positive CHECK (a > 0);\n"), "alter-copies-table@2 ");
  EXPECT_EQ(engine_lint(DriverKind::mysql, "ALTER TABLE t ADD COLUMN v INT AS (a + 1) VIRTUAL;\n"), "");
}

TEST(LintSqliteRebuild, TheDocumentedTwelveStepsAreNotDestructive) {
  EXPECT_EQ(engine_lint(DriverKind::sqlite, "CREATE TABLE new_users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n"
                                      "INSERT INTO new_users SELECT id, email FROM users;\nDROP TABLE users;\n"
                                      "ALTER TABLE new_users RENAME TO users;\n"),
            "");
  EXPECT_EQ(engine_lint(DriverKind::sqlite, "CREATE TABLE \"new_Users\" (id INTEGER);\nDROP TABLE \"Users\";\n"
                                      "ALTER TABLE \"new_Users\" RENAME TO \"Users\";\n"),
            "");
  // Dropped and not replaced: data lost.
  EXPECT_EQ(engine_lint(DriverKind::sqlite, "CREATE TABLE new_users (id INTEGER);\nDROP TABLE users;\n"), "destructive@3 ");
  EXPECT_EQ(engine_lint(DriverKind::sqlite, "CREATE TABLE t (a int, b int);\nALTER TABLE t DROP COLUMN b;\nDROP TABLE t;\n"), "");
}

}  // namespace
}  // namespace strata::migrate

// MySQL's and MariaDB's lint judged for a server (engines/mysql/mysql_server.h): the version read
// from a setting or a server's VERSION(), what each server runs online, and the message naming
// the server judged for.
namespace strata::migrate {
namespace {

TEST(MysqlServer, ReadsTheSettingAndServersOwnVersions) {
  const auto maria = parse_mysql_server("mariadb-10.11");
  ASSERT_TRUE(maria.has_value());
  EXPECT_TRUE(maria->mariadb);
  EXPECT_EQ(maria->label(), "MariaDB 10.11");
  const auto mysql = parse_mysql_server("MySQL-8.0.36");
  ASSERT_TRUE(mysql.has_value());
  EXPECT_FALSE(mysql->mariadb);
  EXPECT_EQ(mysql->label(), "MySQL 8.0.36");
  EXPECT_TRUE(mysql->at_least(8, 0, 16));
  EXPECT_FALSE(mysql->at_least(8, 1));
  const auto debian = parse_mysql_server("10.11.6-MariaDB-0+deb12u1");
  ASSERT_TRUE(debian.has_value());
  EXPECT_EQ(debian->label(), "MariaDB 10.11.6");
  const auto prefixed = parse_mysql_server("5.5.5-10.6.12-MariaDB");
  ASSERT_TRUE(prefixed.has_value());
  EXPECT_EQ(prefixed->label(), "MariaDB 10.6.12");
  const auto ubuntu = parse_mysql_server("8.0.36-0ubuntu0.22.04.1");
  ASSERT_TRUE(ubuntu.has_value());
  EXPECT_EQ(ubuntu->label(), "MySQL 8.0.36");
  EXPECT_FALSE(parse_mysql_server("postgres-15").has_value());
  EXPECT_FALSE(parse_mysql_server("mariadb-").has_value());
  EXPECT_EQ(mysql_server_or_default("").label(), "MariaDB 10.11");
  EXPECT_THROW(mysql_server_or_default("oracle-23"), Error);
}

// The codes and messages `migrate lint` gives one ALTER on a table made by an earlier file.
std::string lint_for(const std::string& server, const std::string& sql, std::string* message = nullptr) {
  SqlLintOptions o;
  o.dialect = DriverKind::mysql;
  o.server_version = server;
  const CheckReport r = lint_sql({{"setup.sql", "CREATE TABLE t (id INT PRIMARY KEY, a INT, note TEXT);\n"}, {"case.sql", sql}}, o);
  std::string codes;
  for (const Finding& f : r.findings) {
    if (f.file != "case.sql") continue;
    codes += f.code + " ";
    if (message != nullptr) *message = f.message;
  }
  return codes;
}

TEST(MysqlServerLint, OnlineOperationsAreNotFlagged) {
  for (const char* server : {"mariadb-10.11", "mysql-8.0"}) {
    EXPECT_EQ(lint_for(server, "ALTER TABLE t ADD INDEX t_a (a);\n"), "") << server;
    // Built online; what a unique index risks is duplicates in the rows (unique-may-fail), not a lock.
    EXPECT_EQ(lint_for(server, "ALTER TABLE t ADD UNIQUE KEY t_a (a), ADD COLUMN b INT;\n"), "unique-may-fail ") << server;
    EXPECT_EQ(lint_for(server, "CREATE UNIQUE INDEX t_a ON t (a);\n"), "unique-may-fail ") << server;
    EXPECT_EQ(lint_for(server, "ALTER TABLE t ADD COLUMN v INT AS (a * 2) VIRTUAL;\n"), "") << server;
    EXPECT_EQ(lint_for(server, "ALTER TABLE t ADD COLUMN k INT NOT NULL DEFAULT 0, DROP PRIMARY KEY, ADD PRIMARY KEY (k);\n"),
              "")
        << server;
  }
}

TEST(MysqlServerLint, WhatCopiesOrLocksIsFlaggedWithTheServerJudgedFor) {
  std::string message;
  EXPECT_EQ(lint_for("mysql-8.0.36", "ALTER TABLE t DROP PRIMARY KEY;\n", &message), "alter-copies-table ");
  EXPECT_NE(message.find("(judged for MySQL 8.0.36)"), std::string::npos) << message;
  EXPECT_EQ(lint_for("", "ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4;\n", &message), "alter-copies-table ");
  EXPECT_NE(message.find("(judged for MariaDB 10.11)"), std::string::npos) << message;
  EXPECT_EQ(lint_for("", "ALTER TABLE t ADD FULLTEXT INDEX ft (note);\n"), "alter-locks-table ");
  EXPECT_EQ(lint_for("", "CREATE FULLTEXT INDEX ft ON t (note);\n"), "alter-locks-table ");
  // Written as the server must run it: refused at once rather than copied.
  EXPECT_EQ(lint_for("", "ALTER TABLE t ADD FULLTEXT INDEX ft (note), ALGORITHM=INPLACE, LOCK=NONE;\n"), "");
  EXPECT_EQ(lint_for("", "ALTER TABLE t ADD COLUMN s INT AS (a) STORED, LOCK=NONE;\n"), "");
}

TEST(MysqlServerLint, AddCheckCopiesOnlyWhereTheServerEnforcesIt) {
  const std::string sql = "ALTER TABLE t ADD CONSTRAINT a_positive CHECK (a > 0);\n";
  EXPECT_EQ(lint_for("mysql-8.0.16", sql), "alter-copies-table ");
  EXPECT_EQ(lint_for("mariadb-10.11", sql), "alter-copies-table ");
  // Parsed and ignored before MySQL 8.0.16 and MariaDB 10.2.1: nothing to copy.
  EXPECT_EQ(lint_for("mysql-8.0.15", sql), "");
  EXPECT_EQ(lint_for("mysql-5.7", sql), "");
  EXPECT_EQ(lint_for("mariadb-10.1", sql), "");
}

TEST(MysqlServerLint, AVersionThatIsNoneIsRefusedBeforeAnyFile) {
  SqlLintOptions o;
  o.dialect = DriverKind::mysql;
  o.server_version = "latest";
  EXPECT_THROW(lint_sql({{"a.sql", "SELECT 1;\n"}}, o), Error);
  o.dialect = DriverKind::postgres;  // another engine reads no MySQL version
  EXPECT_NO_THROW(lint_sql({{"a.sql", "SELECT 1;\n"}}, o));
}

}  // namespace
}  // namespace strata::migrate
