// PostgreSQL's lint rules read from the server's own parse tree (engines/postgres/postgres_lint.cpp),
// the silencing comment (check/lint.h) and `migrate lint`'s reading of plain SQL (check/sql_lint.h).
// PostgresLintRewrite measures on a real server that what is flagged as rewriting a table does.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/large_stack.h"
#include "migrate/check/lint.h"
#include "migrate/check/sql_lint.h"
#include "migrate/engines/postgres/pg_parse_tree.h"
#include "migrate/model/migration_source.h"
#include "test_db.h"
#include "test_util.h"

namespace strata::migrate {
namespace {

// The findings of a one-migration set as "code@line " (error: "!"), in order.
std::string codes(const std::vector<LintFinding>& findings) {
  std::string out;
  for (const auto& f : findings) out += f.code + "@" + std::to_string(f.line) + (f.error ? "!" : "") + " ";
  return out;
}

// `sql` as the up section of a dbmate migration; lock_timeout: strata sets one.
std::string lint(const std::string& sql, bool lock_timeout = true, LintMemory* memory = nullptr,
                 const std::string& marker = "-- migrate:up\n") {
  const MigrationSet set = load_files({{"1_change.sql", marker + sql}}, "mem");
  EXPECT_TRUE(set.problems.empty());
  if (set.migrations.empty()) return "?";
  return codes(lint_migration(set.migrations.front(), DriverKind::postgres,
                              LintContext{.up = true, .lock_timeout_configured = lock_timeout, .memory = memory}));
}

TEST(PostgresLint, ConstraintsThatScanUnderLockNeedNotValid) {
  EXPECT_EQ(lint("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id);\n"),
            "missing-not-valid@2 fk-without-index@2 ");
  EXPECT_EQ(lint("ALTER TABLE accounts ADD CONSTRAINT positive CHECK (balance >= 0);\n"), "missing-not-valid@2 ");
  // (fk-without-index: no index of the table starts with user_id.)
  EXPECT_EQ(lint("ALTER TABLE emails ADD COLUMN user_id int REFERENCES users (id);\n"), "missing-not-valid@2 fk-without-index@2 ");
  EXPECT_EQ(lint("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n"),
            "fk-without-index@2 ");
  // On a table created here, nothing is scanned.
  EXPECT_EQ(lint("CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);\n"), "");
}

TEST(PostgresLint, ValidateInTheTransactionThatAddedItHoldsTheLock) {
  const std::string both = "ALTER TABLE o ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id) NOT VALID;\n"
                           "ALTER TABLE o VALIDATE CONSTRAINT fk;\n";
  // A dbmate section runs in one transaction.
  EXPECT_EQ(lint(both), "fk-without-index@2 validate-same-transaction@3 ");
  // Apart (transaction:false, or COMMIT between them), each holds its own lock briefly.
  const MigrationSet set = load_files({{"1_x.sql", "-- migrate:up transaction:false\n" + both}}, "mem");
  EXPECT_EQ(codes(lint_migration(set.migrations.front(), DriverKind::postgres, {.lock_timeout_configured = true})),
            "fk-without-index@2 ");
  EXPECT_EQ(lint("ALTER TABLE o VALIDATE CONSTRAINT fk;\n"), "");
}

TEST(PostgresLint, UniqueAndPrimaryKeysBuildTheirIndexUnderLock) {
  EXPECT_EQ(lint("ALTER TABLE t ADD CONSTRAINT u UNIQUE (a);\n"), "constraint-builds-index@2 ");
  EXPECT_EQ(lint("ALTER TABLE t ADD PRIMARY KEY (id);\n"), "constraint-builds-index@2 ");
  EXPECT_EQ(lint("ALTER TABLE t ADD COLUMN b text UNIQUE;\n"), "constraint-builds-index@2 ");
  EXPECT_EQ(lint("CREATE UNIQUE INDEX CONCURRENTLY t_a ON t (a);\n"), "");
  EXPECT_EQ(lint("ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX t_a;\n"), "");
}

TEST(PostgresLint, SetNotNullScansUnlessAValidatedCheckSaysSo) {
  EXPECT_EQ(lint("ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n"), "set-not-null@2 ");
  // The recipe across migrations: the check is known from the earlier one.
  LintMemory memory;
  EXPECT_EQ(lint("ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;\n", true, &memory), "");
  EXPECT_EQ(lint("ALTER TABLE users VALIDATE CONSTRAINT email_nn;\n", true, &memory), "");
  EXPECT_EQ(lint("ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n", true, &memory), "");
  // A check on another column says nothing of this one.
  EXPECT_EQ(lint("ALTER TABLE users ALTER COLUMN name SET NOT NULL;\n", true, &memory), "set-not-null@2 ");
  // A column added in the same migration: its ADD COLUMN already holds the lock.
  EXPECT_EQ(lint("ALTER TABLE t ADD COLUMN b text;\nUPDATE t SET b = '';\nALTER TABLE t ALTER COLUMN b SET NOT NULL;\n"), "");
  // Statement by statement, the lock was let go in between.
  EXPECT_EQ(lint("ALTER TABLE t ADD COLUMN b text;\nALTER TABLE t ALTER COLUMN b SET NOT NULL;\n", true, nullptr,
                 "-- migrate:up transaction:false\n"),
            "set-not-null@3 ");
}

TEST(PostgresLint, TypeChangesRewriteByTheTypeBefore) {
  LintMemory memory;
  EXPECT_EQ(lint("CREATE TABLE t (v varchar(10), n numeric(10,2), s text, i int, c cidr);\n", true, &memory), "");
  // Measured on PostgreSQL 15 (PostgresLintRewrite below): these keep the table's file.
  EXPECT_EQ(lint("ALTER TABLE t ALTER COLUMN v TYPE varchar(20);\n", true, &memory), "");
  EXPECT_EQ(lint("ALTER TABLE t ALTER COLUMN v TYPE text;\n", true, &memory), "");
  EXPECT_EQ(lint("ALTER TABLE t ALTER COLUMN n TYPE numeric(12,2);\n", true, &memory), "");
  EXPECT_EQ(lint("ALTER TABLE t ALTER COLUMN c TYPE inet;\n", true, &memory), "");
  // ...and these rewrite it.
  EXPECT_EQ(lint("ALTER TABLE t ALTER COLUMN s TYPE varchar(100);\n", true, &memory), "column-type-rewrite@2 ");
  EXPECT_EQ(lint("ALTER TABLE t ALTER COLUMN i TYPE bigint;\n", true, &memory), "column-type-rewrite@2 ");
  EXPECT_EQ(lint("ALTER TABLE t ALTER COLUMN n TYPE numeric(12,3);\n", true, &memory), "column-type-rewrite@2 ");
  // A column no migration gave: it may rewrite.
  EXPECT_EQ(lint("ALTER TABLE other ALTER COLUMN x TYPE text;\n", true, &memory), "column-type-rewrite@2 ");
}

TEST(PostgresLint, DefaultsThatRewrite) {
  EXPECT_EQ(lint("ALTER TABLE t ADD COLUMN r float DEFAULT random();\n"), "volatile-default@2 ");
  EXPECT_EQ(lint("ALTER TABLE t ADD COLUMN u uuid DEFAULT uuid_generate_v4();\n"), "volatile-default@2 ");
  EXPECT_EQ(lint("ALTER TABLE t ADD COLUMN x int DEFAULT my_function();\n"), "volatile-default@2 ");
  EXPECT_EQ(lint("ALTER TABLE t ADD COLUMN g int GENERATED ALWAYS AS (a + 1) STORED;\n"), "volatile-default@2 ");
  EXPECT_EQ(lint("ALTER TABLE t ADD COLUMN i int GENERATED ALWAYS AS IDENTITY;\n"), "volatile-default@2 ");
  // Evaluated once: constants, casts, operators, stable functions.
  EXPECT_EQ(lint("ALTER TABLE t ADD COLUMN a timestamptz DEFAULT now() - interval '1 day';\n"
                 "ALTER TABLE t ADD COLUMN b jsonb DEFAULT '{}'::jsonb;\nALTER TABLE t ADD COLUMN c int DEFAULT 2 + 2;\n"
                 "ALTER TABLE t ADD COLUMN d text[] DEFAULT ARRAY['a', 'b'];\n"
                 "ALTER TABLE t ADD COLUMN e timestamptz DEFAULT CURRENT_TIMESTAMP;\n"
                 "ALTER TABLE t ADD COLUMN f text DEFAULT lower('X');\n"),
            "");
}

// What cannot run in a transaction, as a section says it (strata runs it alone, outside one).
std::string lint_alone(const std::string& sql) { return lint(sql, true, nullptr, "-- migrate:up transaction:false\n"); }

TEST(PostgresLint, StatementsThatLockOrRewriteWithoutConcurrently) {
  EXPECT_EQ(lint("DROP INDEX i;\n"), "drop-index-not-concurrent@2 ");
  EXPECT_EQ(lint("CREATE INDEX CONCURRENTLY j ON t (a);\n"), "");
  EXPECT_EQ(lint_alone("REINDEX TABLE t;\nREINDEX (CONCURRENTLY false) INDEX i;\n"),
            "reindex-not-concurrent@2 reindex-not-concurrent@3 ");
  EXPECT_EQ(lint_alone("REINDEX INDEX CONCURRENTLY i;\nREINDEX SYSTEM db;\n"), "");
  EXPECT_EQ(lint("ALTER TABLE t DETACH PARTITION p;\n"), "detach-not-concurrent@2 ");
  EXPECT_EQ(lint_alone("VACUUM FULL t;\nCLUSTER t USING i;\nALTER TABLE t SET UNLOGGED;\nVACUUM (FULL false) t;\n"),
            "rewrites-table@2 rewrites-table@3 rewrites-table@4 ");
  EXPECT_EQ(lint("LOCK TABLE t IN ACCESS EXCLUSIVE MODE;\n"), "lock-table@2 ");
  EXPECT_EQ(lint("REFRESH MATERIALIZED VIEW m;\nREFRESH MATERIALIZED VIEW CONCURRENTLY m;\n"),
            "refresh-not-concurrent@2 ");
}

TEST(PostgresLint, DataLossAndBrokenRunningCode) {
  EXPECT_EQ(lint_alone("TRUNCATE a CASCADE;\nTRUNCATE b;\nDROP SCHEMA s CASCADE;\nDROP SCHEMA r;\nDROP DATABASE d;\n"),
            "destructive@2 destructive@4 drop-object@5 destructive@6 ");
  EXPECT_EQ(lint("ALTER TABLE t ALTER COLUMN a DROP NOT NULL;\n"), "drop-not-null@2 ");
  EXPECT_EQ(lint("ALTER DOMAIN d ADD CONSTRAINT c CHECK (VALUE > 0);\n"), "domain-constraint@2 ");
  EXPECT_EQ(lint("ALTER DOMAIN d ADD CONSTRAINT c CHECK (VALUE > 0) NOT VALID;\n"), "");
}

// eugene E3: json has no equality operator, new table or not; jsonb has one.
TEST(PostgresLint, JsonColumnsButNotJsonb) {
  EXPECT_EQ(lint("CREATE TABLE a (id int, meta json, tags json[]);\nALTER TABLE b ADD COLUMN extra pg_catalog.json;\n"),
            "json-column@2 json-column@2 json-column@3 ");
  EXPECT_EQ(lint("CREATE TABLE a (id int, meta jsonb);\nALTER TABLE b ADD COLUMN extra jsonb;\n"), "");
  // A down section that makes the table again makes it as it was.
  EXPECT_EQ(lint("CREATE TABLE a (meta json);\n", true, nullptr, "-- migrate:up\nSELECT 1;\n-- migrate:down\n"), "");
}

TEST(PostgresLint, LockTimeoutOnceUnlessSet) {
  EXPECT_EQ(lint("ALTER TABLE t ADD COLUMN a int;\nALTER TABLE t ADD COLUMN b int;\n", false), "no-lock-timeout@2 ");
  EXPECT_EQ(lint("SET lock_timeout = '2s';\nALTER TABLE t ADD COLUMN a int;\n", false), "");
  EXPECT_EQ(lint("SET LOCAL lock_timeout TO 1000;\nALTER TABLE t ADD COLUMN a int;\n", false), "");
  EXPECT_EQ(lint("SET lock_timeout = 0;\nALTER TABLE t ADD COLUMN a int;\n", false), "no-lock-timeout@3 ");
  // A table created here is nobody's yet.
  EXPECT_EQ(lint("CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int;\nCREATE INDEX i ON t (a);\n", false), "");
}

// Once a file: the up section says it, the down that undoes it does not say it again.
TEST(PostgresLint, LockTimeoutOncePerFileNotInItsDown) {
  const MigrationSet set = load_files(
      {{"1_x.sql", "-- migrate:up\nALTER TABLE t ADD COLUMN a int;\n-- migrate:down\nALTER TABLE t DROP COLUMN a;\n"}}, "mem");
  std::string codes;
  for (const LintFinding& f : lint_migration(set.migrations.front(), DriverKind::postgres, {.up = true})) {
    if (f.code == "no-lock-timeout") codes += f.code + "@" + std::to_string(f.line) + " ";
  }
  EXPECT_EQ(codes, "no-lock-timeout@2 ");
}

TEST(PostgresLint, AStatementTheParserDoesNotReadIsSaidAndSkipped) {
  const MigrationSet set = load_files({{"1_x.sql", "-- migrate:up\nSELECT 1 FROM t WHERE a IS JSON;\nALTER TABLE t ADD COLUMN a int DEFAULT random();\n"}}, "mem");
  const std::vector<LintFinding> found = lint_migration(set.migrations.front(), DriverKind::postgres, {.lock_timeout_configured = true});
  // IS JSON is PostgreSQL 16's: the parser (15's) does not read that statement alone.
  ASSERT_EQ(codes(found), "volatile-default@3 not-linted@2 ");
  EXPECT_TRUE(found[1].info);
  // ${NAME} placeholders read as names.
  EXPECT_EQ(lint("ALTER TABLE ${schema}.t ADD COLUMN a int DEFAULT random();\n"), "volatile-default@2 ");
}

// libpg_query writes its tree recursively and lint walks it: 200 KB of `SELECT 1+1+...` (100,000
// levels) overflowed the stack inside libpg_query, 80 KB a copy of its tree. Too deep a
// statement is said and skipped; the statements after it are linted.
TEST(PostgresLint, AStatementNestedTooDeepIsSaidAndSkippedNeverCrashes) {
  const auto lint_findings = [](const std::string& sql) {
    const MigrationSet set = load_files({{"1_x.sql", "-- migrate:up\n" + sql}}, "mem");
    return lint_migration(set.migrations.front(), DriverKind::postgres, {.lock_timeout_configured = true});
  };
  const std::string later = "ALTER TABLE t ADD COLUMN a int DEFAULT random();\n";
  std::string sum = "SELECT 1";
  for (int i = 0; i < 100000; ++i) sum += "+1";
  std::vector<LintFinding> found = lint_findings(sum + ";\n" + later);
  ASSERT_EQ(codes(found), "volatile-default@3 not-linted@2 ");
  EXPECT_TRUE(found[1].info);
  EXPECT_NE(found[1].message.find("nested deeper than 32768 levels"), std::string::npos) << found[1].message;
  // 30,000 levels (the 60 KB of the report) and deep parentheses (the grammar's own limit).
  found = lint_findings(later + sum.substr(0, 60008) + ";\nSELECT " + std::string(30000, '(') + "1" +
                        std::string(30000, ')') + ";\n");
  EXPECT_EQ(codes(found), "volatile-default@2 not-linted@4 not-linted@3 ");  // the parser's refusals first
  // Among other statements of one batch: only the deep one is skipped.
  found = lint_findings("CREATE TABLE n (a int);\n" + sum + ";\nCREATE INDEX i ON t (a);\n");
  EXPECT_EQ(codes(found), "index-without-concurrently@4 not-linted@3 ");
  // What PostgreSQL runs (4,000 terms; 5,000 NOTs) is linted, not skipped.
  EXPECT_EQ(codes(lint_findings(sum.substr(0, 8008) + ";\nSELECT " + [] {
                  std::string nots;
                  for (int i = 0; i < 5000; ++i) nots += "NOT ";
                  return nots;
                }() + "true;\n" + later)),
            "volatile-default@4 ");
  // A statement longer than lint parses.
  std::string rows = "INSERT INTO t VALUES (0)";
  while (rows.size() <= k_max_parsed_statement) rows += ",(12345678)";
  found = lint_findings(rows + ";\n" + later);
  ASSERT_EQ(codes(found), "volatile-default@3 not-linted@2 ");
  EXPECT_NE(found[1].message.find("longer than 256 KiB"), std::string::npos) << found[1].message;
  // The parser has a thread of its own: a caller's small stack (an MCP worker's) is no limit.
  std::string on_small_stack;
  run_with_stack(std::size_t{256} << 10, [&] { on_small_stack = codes(lint_findings(sum + ";\n" + later)); });
  EXPECT_EQ(on_small_stack, "volatile-default@3 not-linted@2 ");
}

// A role made a superuser (or given REPLICATION) reaches the whole server: an error, as
// server-reach is; a password written in the file is a secret in the repository: a warning.
TEST(PostgresLint, RolesMadeSuperusersAndPasswordsWrittenInTheFile) {
  EXPECT_EQ(lint("CREATE ROLE admin SUPERUSER LOGIN;\n"), "server-reach@2! ");
  EXPECT_EQ(lint("ALTER ROLE app WITH SUPERUSER;\n"), "server-reach@2! ");
  EXPECT_EQ(lint("ALTER USER CURRENT_USER SUPERUSER;\n"), "server-reach@2! ");
  EXPECT_EQ(lint("CREATE USER copier REPLICATION;\n"), "server-reach@2! ");
  EXPECT_EQ(lint("CREATE ROLE app NOSUPERUSER NOREPLICATION LOGIN;\nALTER ROLE app CREATEDB;\n"), "");
  EXPECT_EQ(lint("CREATE USER app WITH PASSWORD 'hunter2';\n"), "password-in-migration@2 ");
  EXPECT_EQ(lint("CREATE ROLE app LOGIN;\nALTER ROLE app ENCRYPTED PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$a:b';\n"),
            "password-in-migration@3 ");
  EXPECT_EQ(lint("CREATE ROLE app SUPERUSER PASSWORD 'x';\n"), "server-reach@2! password-in-migration@2 ");
  // No password, or one the environment gives (envsub): nothing written in the file.
  EXPECT_EQ(lint("CREATE ROLE app LOGIN;\nALTER ROLE app PASSWORD NULL;\nCREATE ROLE r LOGIN;\n"), "");
  EXPECT_EQ(lint("CREATE ROLE app LOGIN PASSWORD '${APP_PASSWORD}';\n"), "");
  // A down section runs with the same role.
  EXPECT_EQ(lint("SELECT 1;\n-- migrate:down\nALTER ROLE app SUPERUSER;\nCREATE ROLE old;\nALTER ROLE old PASSWORD 'old';\n"),
            "server-reach@4! password-in-migration@6 ");
  // The warning may be silenced with a reason; the error may not.
  EXPECT_EQ(lint("-- strata:ignore password-in-migration a throwaway role of the test database\n"
                 "CREATE ROLE t PASSWORD 't';\n"),
            "");
  EXPECT_EQ(lint("-- strata:ignore server-reach we know\nALTER ROLE app SUPERUSER;\n"), "server-reach@3! ");
  // Mentioned as data, not granted.
  EXPECT_EQ(lint("INSERT INTO roles (name, superuser, password) VALUES ('a', true, 'x');\n"), "");
}

// What strata-security(7) lists as reaching the whole server: a new password for a role of the
// server (its superuser's, the application's login), a setting for every later session of a
// database or a role, and membership in a role of the server. Errors (server-reach), which no
// ignore comment and no baseline hides; a role the section creates itself is its own.
TEST(PostgresLint, PasswordsSettingsAndMembershipsOfTheServerReachIt) {
  EXPECT_EQ(lint("ALTER ROLE postgres PASSWORD '${PW}';\n"), "server-reach@2! ");
  EXPECT_EQ(lint("ALTER USER app WITH ENCRYPTED PASSWORD 'x';\n"), "password-in-migration@2 server-reach@2! ");
  EXPECT_EQ(lint("ALTER ROLE CURRENT_USER PASSWORD NULL;\n"), "server-reach@2! ");
  EXPECT_EQ(lint("ALTER DATABASE app SET search_path = evil, public;\n"), "server-reach@2! ");
  EXPECT_EQ(lint("ALTER DATABASE app SET session_preload_libraries = 'auto_explain';\n"), "server-reach@2! ");
  EXPECT_EQ(lint("ALTER ROLE app SET search_path TO evil;\n"), "server-reach@2! ");
  EXPECT_EQ(lint("ALTER ROLE ALL IN DATABASE app SET work_mem = '1GB';\n"), "server-reach@2! ");
  EXPECT_EQ(lint("GRANT postgres TO app;\n"), "server-reach@2! ");
  EXPECT_EQ(lint("GRANT admin, readers TO app WITH ADMIN OPTION;\n"), "server-reach@2! ");
  const MigrationSet set = load_files({{"1_grant.sql", "-- migrate:up\nGRANT postgres TO app;\n"}}, "mem");
  const std::vector<LintFinding> found =
      lint_migration(set.migrations.front(), DriverKind::postgres, LintContext{.up = true, .lock_timeout_configured = true});
  ASSERT_EQ(found.size(), 1U);
  EXPECT_TRUE(found[0].error);
  EXPECT_NE(found[0].message.find("GRANT postgres TO app gives every power of postgres"), std::string::npos) << found[0].message;
  // In a down section too, and never silenced.
  EXPECT_EQ(lint("SELECT 1;\n-- migrate:down\nALTER DATABASE app SET timezone = 'UTC';\n"), "server-reach@4! ");
  EXPECT_EQ(lint("-- strata:ignore server-reach we know\nGRANT postgres TO app;\n"), "server-reach@3! ");
  // What stays inside: a role the section creates, a RESET, a REVOKE, a setting of this session.
  EXPECT_EQ(lint("CREATE ROLE readers NOLOGIN;\nGRANT readers TO app;\nALTER ROLE readers SET work_mem = '64MB';\n"),
            "");
  EXPECT_EQ(lint("ALTER DATABASE app RESET search_path;\nALTER ROLE app RESET ALL;\nREVOKE admin FROM app;\n"), "");
  EXPECT_EQ(lint("SET search_path = app;\nSET ROLE app;\n"), "");
  // The server's own powers keep their own message (lint_postgres_files), once.
  EXPECT_EQ(lint("GRANT pg_read_server_files TO app;\n"), "");
}

TEST(PostgresLint, AnIgnoreCommentSilencesItsStatementWithAReason) {
  EXPECT_EQ(lint("-- strata:ignore index-without-concurrently the table holds ten rows\nCREATE INDEX i ON t (a);\n"
                 "CREATE INDEX j ON t (b);\n"),
            "index-without-concurrently@4 ");
  EXPECT_EQ(lint("CREATE INDEX i ON t (a); -- strata:ignore index-without-concurrently, rename small table\n"), "");
  // Another code, or no reason: nothing is silenced.
  EXPECT_EQ(lint("-- strata:ignore rename small\nCREATE INDEX i ON t (a);\n"), "index-without-concurrently@3 ");
  EXPECT_EQ(lint("-- strata:ignore index-without-concurrently\nCREATE INDEX i ON t (a);\n"),
            "index-without-concurrently@3 ignore-without-reason@2 ");
  // An error is what `up` refuses: never silenced.
  EXPECT_EQ(lint("-- strata:ignore not-in-transaction we know\nCREATE TABLE u (a int);\nCREATE INDEX CONCURRENTLY i ON t (a);\n"),
            "not-in-transaction@4! ");
}

TEST(SqlLint, PlainFilesRunAsWrittenAndShareWhatTheyCreate) {
  SqlLintOptions o;
  o.dialect = DriverKind::postgres;
  o.ddl_lock_timeout = true;
  // Alembic's offline SQL: its own BEGIN/COMMIT, no dbmate markers.
  const CheckReport r = lint_sql({{"a.sql", "BEGIN;\nCREATE TABLE t (v varchar(10));\nCOMMIT;\n"},
                                  {"b.sql", "BEGIN;\nALTER TABLE t ALTER COLUMN v TYPE varchar(50);\nDROP TABLE u;\nCOMMIT;\n"}},
                                 o);
  ASSERT_EQ(r.findings.size(), 1U);
  EXPECT_EQ(r.findings[0].code, "destructive");
  EXPECT_EQ(r.findings[0].file, "b.sql");
  EXPECT_EQ(r.findings[0].line, 3U);
  EXPECT_EQ(r.exit_code, ExitCode::ok);  // a warning
  o.strict = true;
  EXPECT_EQ(lint_sql({{"c.sql", "DROP TABLE u;\n"}}, o).exit_code, ExitCode::invalid_input);
  o.strict = false;
  EXPECT_EQ(lint_sql({{"d.sql", "BEGIN;\nCREATE TABLE u (a int);\n"}}, o).exit_code, ExitCode::invalid_input);
}

// What the rules say rewrites, measured: the table's file (pg_relation_filenode) changes.
class PostgresLintRewrite : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!db_.available()) GTEST_SKIP() << "PostgreSQL server unavailable: " << strata::testing::pg_skip_reason();
  }
  // Runs `change` on a table of 1000 rows; whether the table was rewritten.
  bool rewrites(const std::string& change) {
    db_.exec("SET client_min_messages = warning; DROP TABLE IF EXISTS t;"
             "CREATE TABLE t (a int NOT NULL, v varchar(10), n numeric(10,2), s text, c cidr);"
             "INSERT INTO t (a, v, n, s) SELECT g, 'x', 1, 'y' FROM generate_series(1, 1000) g;");
    const std::string before = db_.query_one("SELECT pg_relation_filenode('t')");
    db_.exec(change);
    return db_.query_one("SELECT pg_relation_filenode('t')") != before;
  }
  // Whether lint flags `change` on that table, its columns known.
  static bool flagged(const std::string& change, const char* code) {
    LintMemory memory;
    lint("CREATE TABLE t (a int NOT NULL, v varchar(10), n numeric(10,2), s text, c cidr);\n", true, &memory);
    return lint(change + "\n", true, &memory).find(code) != std::string::npos;
  }
  strata::testing::TempDir tmp_;
  strata::testing::TestDatabase db_{DriverKind::postgres, tmp_};
};

TEST_F(PostgresLintRewrite, FlaggedExactlyWhenTheServerRewrites) {
  const struct {
    const char* change;
    const char* code;
  } cases[] = {
      {"ALTER TABLE t ALTER COLUMN v TYPE varchar(20);", "column-type-rewrite"},
      {"ALTER TABLE t ALTER COLUMN v TYPE varchar(5);", "column-type-rewrite"},
      {"ALTER TABLE t ALTER COLUMN v TYPE text;", "column-type-rewrite"},
      {"ALTER TABLE t ALTER COLUMN s TYPE varchar(100);", "column-type-rewrite"},
      {"ALTER TABLE t ALTER COLUMN s TYPE varchar;", "column-type-rewrite"},
      {"ALTER TABLE t ALTER COLUMN n TYPE numeric(12,2);", "column-type-rewrite"},
      {"ALTER TABLE t ALTER COLUMN n TYPE numeric(12,3);", "column-type-rewrite"},
      {"ALTER TABLE t ALTER COLUMN n TYPE numeric;", "column-type-rewrite"},
      {"ALTER TABLE t ALTER COLUMN a TYPE bigint;", "column-type-rewrite"},
      {"ALTER TABLE t ALTER COLUMN c TYPE inet;", "column-type-rewrite"},
      {"ALTER TABLE t ADD COLUMN d int DEFAULT 5;", "volatile-default"},
      {"ALTER TABLE t ADD COLUMN d timestamptz DEFAULT now();", "volatile-default"},
      {"ALTER TABLE t ADD COLUMN d float DEFAULT random();", "volatile-default"},
      {"ALTER TABLE t ADD COLUMN d int GENERATED ALWAYS AS (a + 1) STORED;", "volatile-default"},
      {"ALTER TABLE t ADD COLUMN d int GENERATED ALWAYS AS IDENTITY;", "volatile-default"},
      {"ALTER TABLE t ADD COLUMN d serial;", "volatile-default"},
      {"ALTER TABLE t ADD COLUMN d jsonb DEFAULT '{}'::jsonb;", "volatile-default"},
      {"ALTER TABLE t ALTER COLUMN a ADD GENERATED ALWAYS AS IDENTITY;", "volatile-default"},
      {"ALTER TABLE t SET UNLOGGED;", "rewrites-table"},
      {"VACUUM FULL t;", "rewrites-table"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(flagged(c.change, c.code), rewrites(c.change)) << c.change;
  }
}

// What the rules say blocks a table in use, measured: inside a transaction, the statement's lock
// on the table (pg_locks) is one that makes writes wait (SHARE or stronger), and the statements
// the recipes use instead take one that lets them through.
class PostgresLintLocks : public PostgresLintRewrite {
 protected:
  // The strongest lock `change` holds on table `t` until its transaction ends.
  std::string lock_of(const std::string& change) {
    db_.exec("SET client_min_messages = warning; DROP TABLE IF EXISTS t CASCADE; DROP TABLE IF EXISTS r CASCADE;"
             "DROP DOMAIN IF EXISTS d CASCADE;"
             "CREATE TABLE r (id int PRIMARY KEY); CREATE DOMAIN d AS int;"
             "CREATE TABLE t (a int NOT NULL, b int, v d, r int); CREATE INDEX t_b ON t (b);"
             "CREATE MATERIALIZED VIEW m AS SELECT a FROM t; INSERT INTO r VALUES (1);"
             "INSERT INTO t (a, b, r) SELECT g, g, 1 FROM generate_series(1, 100) g;");
    return db_.query_one("BEGIN; " + change +
                         "; SELECT string_agg(mode, ',' ORDER BY mode) FROM pg_locks l JOIN pg_class c ON c.oid = "
                         "l.relation WHERE c.relname IN ('t', 'm') AND l.pid = pg_backend_pid() AND l.granted");
  }
  static bool blocks_writes(const std::string& modes) {
    std::string mode;
    for (std::size_t i = 0; i <= modes.size(); ++i) {
      if (i < modes.size() && modes[i] != ',') {
        mode += modes[i];
        continue;
      }
      if (mode == "ShareLock" || mode == "ShareRowExclusiveLock" || mode == "ExclusiveLock" || mode == "AccessExclusiveLock") {
        return true;
      }
      mode.clear();
    }
    return false;
  }
};

TEST_F(PostgresLintLocks, WhatIsFlaggedHoldsALockWritesWaitFor) {
  const struct {
    const char* change;
    const char* code;  // nullptr: a recipe's statement, not flagged
  } cases[] = {
      {"CREATE INDEX t_a ON t (a)", "index-without-concurrently"},
      {"ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (r) REFERENCES r (id)", "missing-not-valid"},
      {"ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0)", "missing-not-valid"},
      {"ALTER TABLE t ADD CONSTRAINT u UNIQUE (a)", "constraint-builds-index"},
      {"ALTER TABLE t ALTER COLUMN b SET NOT NULL", "set-not-null"},
      {"ALTER TABLE t ALTER COLUMN a DROP NOT NULL", "drop-not-null"},
      {"DROP INDEX t_b", "drop-index-not-concurrent"},
      {"REINDEX TABLE t", "reindex-not-concurrent"},
      {"REFRESH MATERIALIZED VIEW m", "refresh-not-concurrent"},
      {"LOCK TABLE t IN SHARE MODE", "lock-table"},
      {"ALTER TABLE t RENAME COLUMN b TO c", "rename"},
      // The recipes' first steps: no scan under the lock, or a lock writes pass.
      {"ALTER TABLE t VALIDATE CONSTRAINT t_a_check", nullptr},
  };
  for (const auto& c : cases) {
    const std::string modes = c.code != nullptr ? lock_of(c.change) : lock_of("ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0) NOT VALID; COMMIT; BEGIN; " + std::string(c.change));
    if (c.code == nullptr) {
      EXPECT_FALSE(blocks_writes(modes)) << c.change << ": " << modes;
      EXPECT_EQ(lint(std::string(c.change) + ";\n"), "") << c.change;
      continue;
    }
    EXPECT_TRUE(blocks_writes(modes)) << c.change << ": " << modes;
    EXPECT_NE(lint(std::string(c.change) + ";\n").find(c.code), std::string::npos) << c.change;
  }
}

}  // namespace
}  // namespace strata::migrate
