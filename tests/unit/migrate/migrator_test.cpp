#include "migrate/run/migrator.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/error.h"
#include "migrate/engines/driver.h"
#include "migrate/engines/sqlite/migration_lock.h"
#include "migrate/model/migration_source.h"
#include "migrator_fixture.h"
#include "test_db.h"
#include "test_util.h"
#include "setting_flags.h"

namespace strata::migrate {
namespace {

using strata::testing::error_of;
using strata::testing::write_file;

// Runs once per driver: MigratorTest.X/SQLite and MigratorTest.X/PostgreSQL.
class MigratorTest : public MigratorFixture {};
class SqliteMigratorTest : public MigratorTest {};
class PostgresMigratorTest : public MigratorTest {};

TEST_P(MigratorTest, UpAppliesInOrderAndRecordsHistory) {
  add_table("2", "b");
  add_table("1", "a");
  const RunResult r = migrator().up({});
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_EQ(r.steps[0].label(), "1_create_a_table");
  EXPECT_TRUE(db().has_table("a"));
  EXPECT_TRUE(db().has_table("b"));
  EXPECT_EQ(history_count(), "2");
  EXPECT_EQ(db().query_one("SELECT checksum FROM strata_migrations WHERE version = 1"),
            migrator().files().find(1)->checksum);
  EXPECT_EQ(db().query_one("SELECT " + db().concat({"state", "strata_version"}) + " FROM strata_migrations WHERE version = 2"),
            "applied0.1.0");
  EXPECT_TRUE(migrator().up({}).steps.empty());  // nothing left
}

TEST_P(MigratorTest, FailureLeavesTheDatabaseAtTheLastGoodVersion) {
  if (mysql()) GTEST_SKIP() << "MySQL commits DDL as it runs: a failed migration's tables stay (e2e.mysql checks what it records)";
  add_table("1", "a");
  add("2_broken.sql", "-- migrate:up\nCREATE TABLE b (x int);\nINSERT INTO nowhere VALUES (1);\n");
  add_table("3", "c");
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_EQ(e.code(), ExitCode::migration_failed);
  EXPECT_NE(std::string(e.what()).find("2_broken.sql:3:"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find(db().no_such_table("nowhere")), std::string::npos) << e.what();
  EXPECT_TRUE(db().has_table("a"));
  EXPECT_FALSE(db().has_table("b"));  // rolled back with its migration
  EXPECT_FALSE(db().has_table("c"));
  EXPECT_EQ(history_count(), "1");
}

TEST_P(MigratorTest, FailingFirstMigrationLeavesANewDatabaseEmpty) {
  if (mysql()) GTEST_SKIP() << "MySQL commits DDL as it runs: a failed migration's tables stay (e2e.mysql checks what it records)";
  add("1_broken.sql", "-- migrate:up\nCREATE TABLE a (x int);\nSELECT * FROM nowhere;\n");
  error_of([&] { migrator().up({}); });
  EXPECT_EQ(db().table_count(), "0");
}

TEST_P(MigratorTest, AtomicBatchIsAllOrNothing) {
  if (mysql()) GTEST_SKIP() << "MySQL commits DDL as it runs: --atomic is refused there";
  add_table("1", "a");
  add_table("2", "b");
  add("3_broken.sql", "-- migrate:up\nSELECT * FROM nowhere;\n");
  UpOptions o;
  o.atomic = true;
  error_of([&] { migrator().up(o); });
  EXPECT_EQ(db().table_count(), "0");
  std::filesystem::remove(dir() + "/3_broken.sql");
  EXPECT_EQ(migrator().up(o).steps.size(), 2u);
  EXPECT_EQ(history_count(), "2");
}

TEST_P(MigratorTest, ToAndSteps) {
  for (const char* v : {"1", "2", "3", "4"}) add_table(v, std::string("t") + v);
  UpOptions to;
  to.to = 2;
  EXPECT_EQ(migrator().up(to).steps.size(), 2u);
  UpOptions steps;
  steps.steps = 1;
  EXPECT_EQ(migrator().up(steps).steps.back().version, 3);
  DownOptions down_to;
  down_to.to = 1;
  EXPECT_EQ(migrator().down(down_to).steps.size(), 2u);  // 3 and 2
  EXPECT_EQ(history_count(), "1");
  DownOptions all;
  all.all = true;
  migrator().up({});
  EXPECT_EQ(migrator().down(all).steps.size(), 4u);
  EXPECT_EQ(history_count(), "0");
  EXPECT_EQ(migrator().down({}).steps.size(), 0u);
}

TEST_P(MigratorTest, DownDefaultsToOneStep) {
  add_table("1", "a");
  add_table("2", "b");
  migrator().up({});
  const RunResult r = migrator().down({});
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_EQ(r.steps[0].version, 2);
  EXPECT_FALSE(db().has_table("b"));
  EXPECT_TRUE(db().has_table("a"));
}

TEST_P(MigratorTest, MissingDownSectionRefusesBeforeRunningAnything) {
  add_table("1", "a");
  add("2_no_down.sql", "-- migrate:up\nCREATE TABLE b (x int);\n");
  migrator().up({});
  DownOptions o;
  o.steps = 2;
  const Error e = error_of([&] { migrator().down(o); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_NE(std::string(e.what()).find("2_no_down.sql"), std::string::npos);
  EXPECT_EQ(history_count(), "2");
}

// As in dbmate: an empty or comment-only down is a rollback that changes nothing. `down` runs
// nothing, deletes the history row and succeeds; `down --all` goes through it.
TEST_P(MigratorTest, EmptyDownRunsNothingAndDeletesTheRow) {
  add_table("1", "a");
  add("2_keep_b.sql", "-- migrate:up\nCREATE TABLE b (x int);\n-- migrate:down\n");
  add("3_keep_c.sql", "-- migrate:up\nCREATE TABLE c (x int);\n-- migrate:down\n-- c stays: irreversible\n");
  migrator().up({});
  ASSERT_EQ(history_count(), "3");

  const RunResult one = migrator().down({});
  ASSERT_EQ(one.steps.size(), 1u);
  EXPECT_EQ(one.steps[0].version, 3);
  EXPECT_TRUE(db().has_table("c"));  // nothing ran
  EXPECT_EQ(history_count(), "2");
  EXPECT_EQ(db().query_one("SELECT count(*) FROM strata_migrations WHERE version = 3"), "0");

  DownOptions all;
  all.all = true;
  const RunResult rest = migrator().down(all);
  ASSERT_EQ(rest.steps.size(), 2u);
  EXPECT_EQ(rest.steps[0].version, 2);
  EXPECT_EQ(rest.steps[1].version, 1);
  EXPECT_TRUE(db().has_table("b"));
  EXPECT_FALSE(db().has_table("a"));  // the real down after the empty one still ran
  EXPECT_EQ(history_count(), "0");

  // And `up` applies them again: the rows went, the tables stayed, so 2 fails on b existing.
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_EQ(e.code(), ExitCode::migration_failed);
  EXPECT_NE(std::string(e.what()).find("2_keep_b.sql"), std::string::npos) << e.what();
}

TEST_P(MigratorTest, EmptyDownFileOfAPairRunsNothingAndDeletesTheRow) {
  add("1_a.up.sql", "CREATE TABLE a (x int);");
  add("1_a.down.sql", "");
  add("2_b.up.sql", "CREATE TABLE b (x int);");
  add("2_b.down.sql", "-- nothing to undo\n\n");
  migrator().up({});
  DownOptions all;
  all.all = true;
  EXPECT_EQ(migrator().down(all).steps.size(), 2u);
  EXPECT_TRUE(db().has_table("a"));
  EXPECT_TRUE(db().has_table("b"));
  EXPECT_EQ(history_count(), "0");
}

// Without any down the refusal stands, and its hint fits the file's format.
TEST_P(MigratorTest, PairWithoutDownFileIsRefusedNamingTheFileToAdd) {
  add("1_a.up.sql", "CREATE TABLE a (x int);");
  add("1_a.down.sql", "DROP TABLE a;");
  add("2_1.0_b.up.sql", "CREATE TABLE b (x int);");
  migrator().up({});
  DownOptions all;
  all.all = true;
  const Error e = error_of([&] { migrator().down(all); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_NE(std::string(e.what()).find("2_1.0_b.up.sql: has no .down.sql file"), std::string::npos) << e.what();
  EXPECT_EQ(e.hint().find("add " + dir() + "/2_1.0_b.down.sql"), 0u) << e.hint();
  EXPECT_EQ(history_count(), "2");  // refused before running anything
  EXPECT_TRUE(db().has_table("a"));
}

// dbmate names and several directories, through the constructor the CLI uses.
TEST_P(MigratorTest, SeveralDirectoriesAndDbmateNamesRunAsOneSet) {
  const std::string init = tmp_ / "init";
  write_file(init + "/00000000000001-initial-schema.sql",
             "--migrate:up\nCREATE TABLE a (x int);\n--migrate:down\nDROP TABLE a;\n");
  write_file(init + "/schema.sql", "this is not SQL and is never run");
  add("20240101000000.sql", "-- migrate:up\nCREATE TABLE b (x int);\n-- migrate:down\nDROP TABLE b;\n");
  add("20240102_add.c.table.sql", "-- migrate:up\nCREATE TABLE c (x int);\n-- migrate:down\nDROP TABLE c;\n");
  ParityMigrator m(Target{db_.endpoint(), "strata_migrations", std::chrono::seconds(5)},
                   std::vector<std::string>{dir(), init});
  const RunResult r = m.up({});
  ASSERT_EQ(r.steps.size(), 3u);
  EXPECT_EQ(r.steps[0].label(), "00000000000001_initial-schema");
  EXPECT_EQ(r.steps[1].label(), "20240102_add.c.table");  // 20240102 < 20240101000000 as numbers
  EXPECT_EQ(r.steps[2].label(), "20240101000000");
  // The fields the CLI prints as JSON, never recovered by splitting the label.
  EXPECT_EQ(r.steps[0].version_text, "00000000000001");
  EXPECT_EQ(r.steps[1].name, "add.c.table");
  EXPECT_EQ(r.steps[2].version_text, "20240101000000");
  EXPECT_EQ(r.steps[2].name, "");
  EXPECT_TRUE(db().has_table("a") && db().has_table("b") && db().has_table("c"));
  EXPECT_EQ(history_count(), "3");
  EXPECT_EQ(db().query_one("SELECT name FROM strata_migrations WHERE version = 1"), "initial-schema");

  ParityMigrator again(Target{db_.endpoint(), "strata_migrations", std::chrono::seconds(5)},
                       std::vector<std::string>{dir(), init});
  const Status st = again.status();
  ASSERT_EQ(st.entries.size(), 3u);
  EXPECT_EQ(st.entries[0].version_text, "00000000000001");
  EXPECT_EQ(st.entries[0].state, EntryState::applied);
  EXPECT_EQ(st.pending, 0u);
  DownOptions all;
  all.all = true;
  EXPECT_EQ(again.down(all).steps.size(), 3u);
  EXPECT_FALSE(db().has_table("a") || db().has_table("b") || db().has_table("c"));
  EXPECT_EQ(history_count(), "0");
}

TEST_P(MigratorTest, SameVersionInTwoDirectoriesStopsUpBeforeAnything) {
  const std::string init = tmp_ / "init";
  write_file(init + "/1_a.sql", "-- migrate:up\nCREATE TABLE a (x int);\n");
  add("001_b.sql", "-- migrate:up\nCREATE TABLE b (x int);\n");
  ParityMigrator m(Target{db_.endpoint(), "strata_migrations", std::chrono::seconds(5)},
                   std::vector<std::string>{init, dir()});
  const Error e = error_of([&] { m.up({}); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_NE(std::string(e.what()).find(dir() + "/001_b.sql: version 001 is also used by " + init + "/1_a.sql"),
            std::string::npos)
      << e.what();
  EXPECT_EQ(db().table_count(), "0");
}

TEST_P(MigratorTest, OutOfOrderIsRefusedNamingBothFiles) {
  add_table("1", "a");
  add_table("3", "c");
  migrator().up({});
  add_table("2", "b");
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_EQ(e.code(), ExitCode::history_mismatch);
  EXPECT_NE(std::string(e.what()).find("2_create_b_table.sql"), std::string::npos);
  EXPECT_NE(std::string(e.what()).find("3_create_c_table.sql"), std::string::npos);
  UpOptions o;
  o.allow_out_of_order = true;
  EXPECT_EQ(migrator().up(o).steps.size(), 1u);
}

TEST_P(MigratorTest, ChangedFileBlocksUpUntilAccepted) {
  add_table("1", "a");
  migrator().up({});
  add("1_create_a_table.sql", "-- migrate:up\nCREATE TABLE a (id INTEGER PRIMARY KEY, x int);\n-- migrate:down\nDROP TABLE a;\n");
  add_table("2", "b");
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_EQ(e.code(), ExitCode::history_mismatch);
  EXPECT_NE(std::string(e.what()).find("1_create_a_table.sql: changed"), std::string::npos);
  EXPECT_FALSE(db().has_table("b"));
  EXPECT_EQ(migrator().accept(1).size(), 1u);
  EXPECT_EQ(migrator().up({}).steps.size(), 1u);
}

TEST_P(MigratorTest, WhitespaceOnlyChangeIsNamedAsSuch) {
  add_table("1", "a");
  migrator().up({});
  add("1_create_a_table.sql", "-- migrate:up\nCREATE TABLE a  (id INTEGER PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE a;\n");
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_NE(std::string(e.what()).find("only whitespace differs"), std::string::npos);
}

TEST_P(MigratorTest, CrlfCheckoutIsNotAChange) {
  add_table("1", "a");
  migrator().up({});
  add("1_create_a_table.sql", "\xEF\xBB\xBF-- migrate:up\r\nCREATE TABLE a (id INTEGER PRIMARY KEY);\r\n-- migrate:down\r\nDROP TABLE a;\r\n");
  EXPECT_NO_THROW(migrator().up({}));
  EXPECT_EQ(migrator().status().entries[0].state, EntryState::applied);
}

TEST_P(MigratorTest, NonTransactionalMigrationRecordsProgressAndResumes) {
  add("1_steps.sql",
      "-- migrate:up transaction:false\nCREATE TABLE a (x int);\nCREATE TABLE b (x int);\nINSERT INTO gate VALUES (1);\n"
      "CREATE TABLE c (x int);\n-- migrate:down\nDROP TABLE c;\nDROP TABLE b;\nDROP TABLE a;\n");
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_EQ(e.code(), ExitCode::migration_failed);
  EXPECT_EQ(db().query_one("SELECT " + db().concat({"state", "':'", "statements_done"}) + " FROM strata_migrations"), "partial:2");
  EXPECT_EQ(migrator().status().entries[0].state, EntryState::partial);
  const Error blocked = error_of([&] { migrator().up({}); });
  EXPECT_NE(cli::with_flags(blocked.hint()).find("--resume"), std::string::npos);

  db().exec("CREATE TABLE gate (x int)");
  UpOptions o;
  o.resume = true;
  EXPECT_EQ(migrator().up(o).steps.size(), 1u);  // would fail on `table a exists` if it restarted
  EXPECT_EQ(db().query_one("SELECT state FROM strata_migrations"), "applied");
  EXPECT_TRUE(db().has_table("c"));
}

TEST_P(SqliteMigratorTest, ForeignKeysOffMigrationIsCheckedBeforeCommit) {
  add("1_create.sql",
      "-- migrate:up\nCREATE TABLE p (id INTEGER PRIMARY KEY);\nCREATE TABLE c (p_id INTEGER REFERENCES p (id));\n"
      "INSERT INTO p VALUES (1);\nINSERT INTO c VALUES (1);\n");
  migrator().up({});
  // A table rebuild that forgets to copy the parent rows leaves a dangling reference.
  add("2_rebuild_p.sql",
      "-- migrate:up foreign_keys:off\nCREATE TABLE p_new (id INTEGER PRIMARY KEY, n TEXT);\n"
      "DROP TABLE p;\nALTER TABLE p_new RENAME TO p;\n");
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_EQ(e.code(), ExitCode::migration_failed);
  EXPECT_NE(std::string(e.what()).find("foreign key"), std::string::npos);
  EXPECT_EQ(db().query_one("SELECT count(*) FROM p"), "1");  // rolled back
  EXPECT_EQ(history_count(), "1");

  add("2_rebuild_p.sql",
      "-- migrate:up foreign_keys:off\nCREATE TABLE p_new (id INTEGER PRIMARY KEY, n TEXT);\n"
      "INSERT INTO p_new (id) SELECT id FROM p;\nDROP TABLE p;\nALTER TABLE p_new RENAME TO p;\n");
  EXPECT_EQ(migrator().up({}).steps.size(), 1u);
  EXPECT_EQ(db().query_one("SELECT count(*) FROM c"), "1");  // no cascade: FKs were off
}

TEST_P(SqliteMigratorTest, ForeignKeysAreOnDuringMigrations) {
  add("1_fk.sql",
      "-- migrate:up\nCREATE TABLE p (id INTEGER PRIMARY KEY);\nCREATE TABLE c (p_id INTEGER REFERENCES p (id));\n"
      "INSERT INTO c VALUES (42);\n");
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_NE(std::string(e.what()).find("FOREIGN KEY constraint failed"), std::string::npos);
}

TEST_P(MigratorTest, RecognisesADbmateDatabase) {
  add_table("1", "a");
  add_table("2", "b");
  db().exec("CREATE TABLE schema_migrations (version varchar(128) primary key);"
            "INSERT INTO schema_migrations VALUES ('1'); CREATE TABLE a (id INTEGER PRIMARY KEY);");
  EXPECT_EQ(migrator().status().entries[0].state, EntryState::applied);
  const RunResult r = migrator().up({});
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_EQ(r.steps[0].version, 2);
  EXPECT_EQ(r.imported, 1u);
  EXPECT_EQ(history_count(), "2");
  EXPECT_TRUE(db().has_table("schema_migrations"));  // left for dbmate, untouched
}

// A dbmate schema.sql: `tables`, dbmate's history table, and its rows for
// `versions` ("('1'),\n  ('2')").
std::string dbmate_schema(const std::string& tables, const std::string& versions) {
  return tables + "CREATE TABLE IF NOT EXISTS \"schema_migrations\" (version varchar(128) primary key);\n"
                  "-- Dbmate schema migrations\nINSERT INTO \"schema_migrations\" (version) VALUES\n  " + versions + ";\n";
}

// dbmate's schema.sql lists the applied versions as rows of its history, not as strata's comment
// (issue 35).
TEST_P(MigratorTest, LoadRecordsTheVersionsADbmateSchemaFileInserts) {
  if (mysql()) GTEST_SKIP() << "the dbmate schema file here is sqlite3's and pg_dump's (\"quoted\" names); e2e.mysql loads mysqldump's";
  for (const char* v : {"1", "2", "3"}) add_table(v, std::string("t") + v);
  const RunResult r = migrator().load(
      "db/schema.sql", dbmate_schema("CREATE TABLE t1 (id INTEGER PRIMARY KEY);\nCREATE TABLE t2 (id INTEGER PRIMARY KEY);\n",
                                     "('1'),\n  ('2')"));
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_EQ(history_count(), "2");
  EXPECT_EQ(migrator().up({}).steps.size(), 1u) << "3 is the one pending";
}

// sqlite3's .schema (mysqldump, pg_dump) of a database strata manages creates the history table.
TEST_P(SqliteMigratorTest, LoadTakesADumpThatCreatesTheHistoryTable) {
  add_table("1", "a");
  const std::string history =
      "CREATE TABLE IF NOT EXISTS \"strata_migrations\" (\n  version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
      "checksum TEXT NOT NULL, checksum_ws TEXT NOT NULL, applied_at TEXT NOT NULL, duration_ms REAL NOT NULL, "
      "strata_version TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'applied', statements_done INTEGER NOT NULL DEFAULT 0);\n";
  EXPECT_EQ(migrator().load("schema.sql", dbmate_schema("CREATE TABLE a (id INTEGER PRIMARY KEY);\n" + history, "('1')")).steps.size(), 1u);
  EXPECT_EQ(migrator().status().applied, 1u);
}

TEST_P(MigratorTest, RecognisesAGolangMigrateDatabase) {
  add("1_a.up.sql", "CREATE TABLE a (x int);");
  add("1_a.down.sql", "DROP TABLE a;");
  add("2_b.up.sql", "CREATE TABLE b (x int);");
  db().exec("CREATE TABLE schema_migrations (version bigint, dirty boolean);"
            "INSERT INTO schema_migrations VALUES (1, true); CREATE TABLE a (x int);");
  const Error dirty = error_of([&] { migrator().up({}); });
  EXPECT_EQ(dirty.code(), ExitCode::migration_failed);
  EXPECT_NE(std::string(dirty.what()).find("dirty"), std::string::npos);
  db().exec("UPDATE schema_migrations SET dirty = false");
  const RunResult r = migrator().up({});
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_EQ(r.steps[0].version, 2);
}

TEST_P(MigratorTest, DirtyGolangMigrateVersionIsPartialInStatusAndRefusedByUpAndDown) {
  add("1_a.up.sql", "CREATE TABLE a (x int);");
  add("1_a.down.sql", "DROP TABLE a;");
  add("2_b.up.sql", "CREATE TABLE b (x int);");
  add("2_b.down.sql", "DROP TABLE b;");
  db().exec("CREATE TABLE schema_migrations (version bigint, dirty boolean);"
            "INSERT INTO schema_migrations VALUES (2, true); CREATE TABLE a (x int);");
  const Status st = migrator().status();
  ASSERT_EQ(st.entries.size(), 2u);
  EXPECT_EQ(st.source, HistorySource::golang_migrate);
  EXPECT_EQ(st.entries[0].state, EntryState::applied);
  EXPECT_EQ(st.entries[1].state, EntryState::partial);
  // Nothing is pending, and up still refuses; so do down and a dry run.
  const Error up = error_of([&] { migrator().up({}); });
  EXPECT_EQ(up.code(), ExitCode::migration_failed);
  EXPECT_NE(std::string(up.what()).find("version 2 dirty"), std::string::npos) << up.what();
  EXPECT_NE(up.hint().find("2_b.up.sql"), std::string::npos) << up.hint();
  const std::string no = GetParam() == DriverKind::postgres ? "false" : "0";
  EXPECT_NE(up.hint().find("SET dirty = " + no + " WHERE version = 2"), std::string::npos) << up.hint();
  EXPECT_EQ(error_of([&] { migrator().down({}); }).code(), ExitCode::migration_failed);
  UpOptions dry;
  dry.dry_run = true;
  EXPECT_EQ(error_of([&] { migrator().up(dry); }).code(), ExitCode::migration_failed);
  EXPECT_FALSE(db().has_table("strata_migrations")) << "nothing imported";
  EXPECT_FALSE(db().has_table("b"));
  // The hint's other way out: step back, and up runs version 2.
  db().exec("UPDATE schema_migrations SET version = 1, dirty = " + no);
  const RunResult r = migrator().up({});
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_EQ(r.steps[0].version, 2);
}

// goose's log (pressly/goose): a row per up and per down; version 3 was applied, then rolled back.
TEST_P(MigratorTest, RecognisesAGooseDatabase) {
  if (mysql()) GTEST_SKIP() << "the goose table here is SQLite's and PostgreSQL's (an id the database fills)";
  add("00001_a.sql", "-- +goose Up\nCREATE TABLE a (x int);\n-- +goose Down\nDROP TABLE a;\n");
  add("00002_b.sql", "-- +goose Up\nCREATE TABLE b (x int);\n-- +goose Down\nDROP TABLE b;\n");
  add("00003_c.sql", "-- +goose Up\nCREATE TABLE c (x int);\n-- +goose Down\nDROP TABLE c;\n");
  const std::string yes = GetParam() == DriverKind::postgres ? "true" : "1";
  const std::string no = GetParam() == DriverKind::postgres ? "false" : "0";
  db().exec("CREATE TABLE goose_db_version (id " + std::string(GetParam() == DriverKind::postgres ? "serial" : "INTEGER") +
            " PRIMARY KEY, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp NULL);"
            "INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, " + yes + "), (1, " + yes + "), (2, " + yes +
            "), (3, " + yes + "), (3, " + no + ");"
            "CREATE TABLE a (x int); CREATE TABLE b (x int);");
  const Status st = migrator().status();
  EXPECT_EQ(st.source, HistorySource::goose);
  ASSERT_EQ(st.entries.size(), 3u);
  EXPECT_EQ(st.entries[1].state, EntryState::applied);
  EXPECT_EQ(st.entries[2].state, EntryState::pending);
  const RunResult r = migrator().up({});
  EXPECT_EQ(r.imported, 2u);
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_EQ(r.steps[0].version, 3);
  EXPECT_EQ(history_count(), "3");
  EXPECT_TRUE(db().has_table("goose_db_version"));  // left for goose, untouched
  EXPECT_EQ(migrator().dump().sql.find("goose_db_version"), std::string::npos);
}

TEST_P(MigratorTest, ImportedVersionsHaveNoAppliedAtAndTheOldTableIsNotDumped) {
  add_table("0001", "a");
  add_table("0002", "b");
  db().exec("CREATE TABLE schema_migrations (version varchar(128) primary key);"
            "INSERT INTO schema_migrations VALUES ('0001'); CREATE TABLE a (id INTEGER PRIMARY KEY);");
  EXPECT_EQ(migrator().up({}).imported, 1u);
  const Status st = migrator().status();
  ASSERT_EQ(st.entries.size(), 2u);
  EXPECT_EQ(st.entries[0].state, EntryState::applied);
  EXPECT_EQ(st.entries[0].applied_at, "") << "imported: the time it was applied is not known";
  EXPECT_NE(st.entries[1].applied_at, "") << "run by strata";
  const std::string dump = migrator().dump().sql;
  EXPECT_EQ(dump.find("schema_migrations"), std::string::npos) << dump;
  EXPECT_NE(dump.find("--   0001 create_a_table\n--   0002 create_b_table\n"), std::string::npos) << dump;
}

TEST_P(SqliteMigratorTest, DryRunPrintsTheExactSqlAndTouchesNothing) {
  add_table("1", "a");
  UpOptions o;
  o.dry_run = true;
  const RunResult r = migrator().up(o);
  EXPECT_FALSE(std::filesystem::exists(db().path()));
  EXPECT_NE(r.sql.find("BEGIN IMMEDIATE;\nCREATE TABLE IF NOT EXISTS \"strata_migrations\""), std::string::npos);
  EXPECT_NE(r.sql.find("CREATE TABLE a (id INTEGER PRIMARY KEY);\nINSERT INTO \"strata_migrations\""), std::string::npos);
  EXPECT_NE(r.sql.find("COMMIT;"), std::string::npos);

  migrator().up({});
  const std::string before = strata::testing::read_file(db().path());
  DownOptions d;
  d.dry_run = true;
  const RunResult down = migrator().down(d);
  EXPECT_NE(down.sql.find("DROP TABLE a;\nDELETE FROM \"strata_migrations\" WHERE version = 1;"), std::string::npos);
  EXPECT_EQ(strata::testing::read_file(db().path()), before);
}

TEST_P(MigratorTest, RedoRevertsAndReappliesInOneRun) {
  add_table("1", "a");
  add_table("2", "b");
  migrator().up({});
  const RunResult r = migrator().redo(RedoOptions{2, false, false});
  ASSERT_EQ(r.steps.size(), 4u);
  EXPECT_EQ(r.steps[0].direction, Direction::down);
  EXPECT_EQ(r.steps[0].version, 2);
  EXPECT_EQ(r.steps[3].direction, Direction::up);
  EXPECT_EQ(r.steps[3].version, 2);
  EXPECT_EQ(history_count(), "2");
  const RunResult dry = migrator().redo(RedoOptions{1, true, false});
  EXPECT_NE(dry.sql.find("DROP TABLE b;"), std::string::npos);
  EXPECT_NE(dry.sql.find("CREATE TABLE b"), std::string::npos);
}

// Regression: redo re-applied "the oldest pending" migrations, so a pending file older than the
// reverted one was applied in its place.
TEST_P(MigratorTest, RedoReappliesExactlyWhatItReverted) {
  add_table("1", "a");
  add_table("3", "c");
  migrator().up({});
  add_table("2", "b");  // pending, older than the newest applied
  const RunResult r = migrator().redo(RedoOptions{1, false, false});
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_EQ(r.steps[1].version, 3);
  EXPECT_TRUE(db().has_table("c"));
  EXPECT_FALSE(db().has_table("b"));
}

TEST_P(MigratorTest, StampBaselinesWithoutRunning) {
  add_table("1", "a");
  add_table("2", "b");
  add_table("3", "c");
  EXPECT_EQ(migrator().stamp(2).steps.size(), 2u);
  EXPECT_FALSE(db().has_table("a"));
  EXPECT_EQ(migrator().up({}).steps.size(), 1u);
  EXPECT_TRUE(db().has_table("c"));
  EXPECT_EQ(error_of([&] { migrator().stamp(7); }).code(), ExitCode::usage);
}

TEST_P(MigratorTest, StatusShowsMissingAndModified) {
  add_table("1", "a");
  add_table("2", "b");
  migrator().up({});
  std::filesystem::remove(dir() + "/2_create_b_table.sql");
  add("1_create_a_table.sql", "-- migrate:up\nCREATE TABLE a (id INTEGER PRIMARY KEY, y int);\n");
  add_table("3", "c");
  const Status st = migrator().status();
  ASSERT_EQ(st.entries.size(), 3u);
  EXPECT_EQ(st.entries[0].state, EntryState::modified);
  EXPECT_EQ(st.entries[1].state, EntryState::missing);
  EXPECT_EQ(st.entries[2].state, EntryState::pending);
  EXPECT_EQ(st.applied, 2u);
  EXPECT_EQ(st.pending, 1u);
}

TEST_P(MigratorTest, SecondRunnerWaitsForTheLockThenTimesOut) {
  add_table("1", "a");
  // Another runner's session: the lock is the driver's (flock or pg_advisory_lock).
  const auto held = open_driver(db().endpoint(), Access::write, "strata_migrations", std::chrono::seconds(1));
  const auto start = std::chrono::steady_clock::now();
  const Error e = error_of([&] { migrator(std::chrono::milliseconds(300)).up({}); });
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
  EXPECT_EQ(e.code(), ExitCode::unavailable);
  EXPECT_NE(std::string(e.what()).find("migration lock"), std::string::npos);
}

TEST_P(MigratorTest, SecondRunnerProceedsWhenTheLockIsReleased) {
  add_table("1", "a");
  auto held = open_driver(db().endpoint(), Access::write, "strata_migrations", std::chrono::seconds(1));
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    held.reset();
  });
  const RunResult r = migrator(std::chrono::seconds(5)).up({});
  release.join();
  EXPECT_EQ(r.steps.size(), 1u);
}

TEST_P(SqliteMigratorTest, DirectoryProblemsStopUpWithTheFirstOne) {
  add_table("1", "a");
  add("1234567890123456789_notes.sql", "-- migrate:up\nSELECT 1;\n");  // a version too long
  add("notes.sql", "-- migrate:up\nSELECT 1;\n");                      // ignored, not a problem
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_NE(std::string(e.what()).find("1234567890123456789_notes.sql"), std::string::npos) << e.what();
  EXPECT_EQ(e.hint(), "") << "one problem only: notes.sql is not one";
  EXPECT_FALSE(std::filesystem::exists(db().path()));
}

TEST_P(SqliteMigratorTest, NotADatabaseIsRefusedAndLeftAlone) {
  add_table("1", "a");
  write_file(db().path(), std::string(4096, 'x'));
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_EQ(e.code(), ExitCode::unavailable);
  EXPECT_NE(std::string(e.what()).find("not a SQLite database"), std::string::npos);
  EXPECT_EQ(strata::testing::read_file(db().path()), std::string(4096, 'x'));
}

TEST_P(SqliteMigratorTest, DatabasePathThatIsADirectory) {
  add_table("1", "a");
  std::filesystem::create_directories(db().path());
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_EQ(e.code(), ExitCode::unavailable);
  EXPECT_NE(std::string(e.what()).find("is a directory"), std::string::npos);
}

TEST_P(PostgresMigratorTest, DryRunPrintsTheExactSqlAndTouchesNothing) {
  add_table("1", "a");
  UpOptions o;
  o.dry_run = true;
  const RunResult r = migrator().up(o);
  EXPECT_NE(r.sql.find("BEGIN;\nCREATE TABLE IF NOT EXISTS \"public\".\"strata_migrations\""), std::string::npos) << r.sql;
  EXPECT_NE(r.sql.find("CREATE TABLE a (id INTEGER PRIMARY KEY);\nINSERT INTO \"public\".\"strata_migrations\""), std::string::npos);
  EXPECT_EQ(db().table_count(), "0");
}

// dump is as faithful as the database (as pg_dump is): what CREATE TABLE would change or cannot
// order waits until every table exists, names outside the migration schema stay qualified, and
// UNLOGGED and an identity's options are kept; so dump, load, dump gives the same file.
TEST_P(PostgresMigratorTest, DumpLoadDumpGivesTheSameSchema) {
  add("1_tricky.sql", R"(-- migrate:up
CREATE TABLE parents (id int PRIMARY KEY, favourite_child int);
CREATE TABLE children (id int PRIMARY KEY, parent_id int REFERENCES parents (id));
ALTER TABLE parents ADD CONSTRAINT parents_favourite_fk FOREIGN KEY (favourite_child) REFERENCES children (id);
CREATE SCHEMA billing; CREATE TABLE billing.customers (id serial PRIMARY KEY, name text);
CREATE TABLE billing.orders (id bigserial PRIMARY KEY, customer_id int REFERENCES billing.customers (id));
CREATE UNLOGGED TABLE cache (k text PRIMARY KEY); CREATE TABLE skus (sku text PRIMARY KEY);
ALTER TABLE skus ADD CONSTRAINT skus_sku_unique UNIQUE (sku);
CREATE TABLE tickets (id bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 100 INCREMENT BY -5 MINVALUE -1000 MAXVALUE 100));
-- migrate:down
SELECT 1;
)");
  migrator().up({});
  const std::string dump = migrator().dump().sql;
  for (const std::string want : {"\nCREATE TABLE billing.orders (\n", "\nCREATE UNLOGGED TABLE cache (\n",
                                 "GENERATED BY DEFAULT AS IDENTITY (INCREMENT BY -5 MINVALUE -1000 MAXVALUE 100)\n",
                                 "\nALTER SEQUENCE billing.customers_id_seq OWNED BY billing.customers.id;\n",
                                 "\nALTER TABLE skus ADD CONSTRAINT skus_sku_unique UNIQUE (sku);\n",
                                 "\nALTER TABLE parents ADD CONSTRAINT parents_favourite_fk FOREIGN KEY (favourite_child) REFERENCES children(id);\n"}) {
    EXPECT_NE(dump.find(want), std::string::npos) << want << " in\n" << dump;
  }
  EXPECT_EQ(dump.find("CONSTRAINT parents_favourite_fk FOREIGN KEY"), dump.rfind("CONSTRAINT parents_favourite_fk FOREIGN KEY"))
      << "a foreign key waits for every table: " << dump;

  strata::testing::TempDir other_dir;
  const strata::testing::TestDatabase other(DriverKind::postgres, other_dir);
  Migrator loaded(Target{other.endpoint(), "strata_migrations", std::chrono::seconds(5)}, load_directory(dir()));
  loaded.load("schema.sql", dump);
  const std::string again = loaded.dump().sql;
  // The first line names the database.
  EXPECT_EQ(dump.substr(dump.find('\n')), again.substr(again.find('\n')));
  EXPECT_EQ(other.query_one("SELECT count(*) FROM pg_constraint WHERE conrelid = 'skus'::regclass"), "2");
  EXPECT_EQ(other.query_one("SELECT relpersistence FROM pg_class WHERE relname = 'cache'"), "u");
  EXPECT_EQ(other.query_one("SELECT pg_get_serial_sequence('billing.customers', 'id')"), "billing.customers_id_seq");
}

TEST_P(PostgresMigratorTest, FunctionsDoBlocksAndQuotingRunStatementByStatement) {
  add("1_fn.sql", R"(-- migrate:up
CREATE TABLE "odd;name" (id int PRIMARY KEY, note text);
CREATE FUNCTION bump(x int) RETURNS int LANGUAGE plpgsql AS $body$
BEGIN
  RETURN x + 1; -- ; in a comment
END;
$body$;
DO $$ BEGIN INSERT INTO "odd;name" VALUES (bump(1), E'it\'s; fine'); END $$;
/* a /* nested */ comment; */
INSERT INTO "odd;name" VALUES (3, 'two''s; company');
-- migrate:down
DROP FUNCTION bump(int);
DROP TABLE "odd;name";
)");
  EXPECT_EQ(migrator().up({}).steps.size(), 1u);
  EXPECT_EQ(db().query_one("SELECT string_agg(note, '|' ORDER BY id) FROM \"odd;name\""), "it's; fine|two's; company");
  EXPECT_EQ(migrator().down({}).steps.size(), 1u);
}

TEST_P(PostgresMigratorTest, ErrorsCarryTheServersDetailAndHint) {
  add("1_t.sql", "-- migrate:up\nCREATE TABLE t (id int PRIMARY KEY);\nINSERT INTO t VALUES (1);\n\nINSERT INTO t VALUES (1);\n");
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_EQ(e.code(), ExitCode::migration_failed);
  EXPECT_NE(std::string(e.what()).find("1_t.sql:5:1: duplicate key value violates unique constraint \"t_pkey\" (detail: Key (id)=(1) already exists.)"),
            std::string::npos) << e.what();
  add("1_t.sql", "-- migrate:up\nCREATE TABLE t (id int PRIMARY KEY);\nSELECT coun(*) FROM t;\n");
  const Error hinted = error_of([&] { migrator().up({}); });
  EXPECT_NE(std::string(hinted.what()).find("1_t.sql:3:8: function coun"), std::string::npos) << hinted.what();
  EXPECT_NE(hinted.hint().find("No function matches"), std::string::npos) << hinted.hint();
  EXPECT_EQ(db().table_count(), "0");  // the first migration's transaction took the history table with it
}

TEST_P(PostgresMigratorTest, UnterminatedDollarQuoteNamesItsLine) {
  add("1_f.sql", "-- migrate:up\nSELECT 1;\nDO $x$ BEGIN PERFORM 1; END $y$;\n");
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_NE(std::string(e.what()).find("1_f.sql:3:4: unterminated dollar-quoted string $x$"), std::string::npos) << e.what();
}

TEST_P(PostgresMigratorTest, ConcurrentIndexRunsOutsideATransaction) {
  add_table("1", "a");
  add("2_index.sql", "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY a_id ON a (id);\n"
                     "-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY a_id;\n");
  EXPECT_EQ(migrator().up({}).steps.size(), 2u);
  EXPECT_EQ(db().query_one("SELECT count(*) FROM pg_indexes WHERE indexname = 'a_id'"), "1");
  EXPECT_EQ(migrator().down({}).steps.size(), 1u);
  EXPECT_EQ(db().query_one("SELECT count(*) FROM pg_indexes WHERE indexname = 'a_id'"), "0");
}

TEST_P(PostgresMigratorTest, SchemaOptionPutsTablesAndHistoryThere) {
  add_table("1", "a");
  Endpoint e = db().endpoint();
  e.schema = "app";
  ParityMigrator m(Target{e, "strata_migrations", std::chrono::seconds(5)}, load_directory(dir()));
  EXPECT_EQ(m.up({}).steps.size(), 1u);
  EXPECT_EQ(db().query_one("SELECT count(*) FROM app.strata_migrations"), "1");
  EXPECT_EQ(db().query_one("SELECT count(*) FROM pg_tables WHERE schemaname = 'app' AND tablename = 'a'"), "1");
  EXPECT_FALSE(db().has_table("strata_migrations"));  // nothing in public
  EXPECT_EQ(m.status().applied, 1u);
  EXPECT_EQ(migrator().status().applied, 0u);  // public has no history
  EXPECT_NE(m.dump().sql.find("schema app"), std::string::npos);
}

TEST_P(PostgresMigratorTest, ForeignKeysOffIsRefused) {
  add("1_fk.sql", "-- migrate:up foreign_keys:off\nCREATE TABLE p (id int);\n");
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_NE(std::string(e.what()).find("SQLite option"), std::string::npos);
}

TEST_P(PostgresMigratorTest, PasswordNeverAppearsInErrors) {
  add_table("1", "a");
  const std::string url = db().url();
  const std::size_t colon = url.find(':', 11);
  const std::string password = url.substr(colon + 1, url.find('@') - colon - 1);
  ASSERT_GT(password.size(), 3u);
  const std::string bad = url.substr(0, url.rfind('/') + 1) + "no_such_database";
  ParityMigrator m(Target{endpoint_from_url(bad), "strata_migrations", std::chrono::seconds(1)}, load_directory(dir()));
  const Error e = error_of([&] { m.up({}); });
  EXPECT_EQ(e.code(), ExitCode::unavailable);
  EXPECT_NE(std::string(e.what()).find("postgres:***@"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("no_such_database"), std::string::npos) << e.what();
  EXPECT_EQ(std::string(e.what()).find(password), std::string::npos) << e.what();
}

TEST_P(PostgresMigratorTest, WaitGivesUpAfterTheTimeoutWhenNothingListens) {
  add_table("1", "a");
  Endpoint e = endpoint_from_url("postgres://postgres:secret@127.0.0.1:1/x");
  e.wait = std::chrono::milliseconds(400);
  ParityMigrator m(Target{e, "strata_migrations", std::chrono::seconds(1)}, load_directory(dir()));
  const auto start = std::chrono::steady_clock::now();
  const Error err = error_of([&] { m.up({}); });
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(400));
  EXPECT_EQ(err.code(), ExitCode::unavailable);
  EXPECT_EQ(std::string(err.what()).find("secret"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(, MigratorTest, ::testing::Values(DriverKind::sqlite, DriverKind::postgres, DriverKind::mysql),
                         strata::testing::driver_param_name);
INSTANTIATE_TEST_SUITE_P(, SqliteMigratorTest, ::testing::Values(DriverKind::sqlite),
                         strata::testing::driver_param_name);
INSTANTIATE_TEST_SUITE_P(, PostgresMigratorTest, ::testing::Values(DriverKind::postgres),
                         strata::testing::driver_param_name);

}  // namespace
}  // namespace strata::migrate

