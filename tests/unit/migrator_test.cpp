#include "migrate/migrator.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/error.h"
#include "migrate/migration_lock.h"
#include "migrate/migration_source.h"
#include "test_util.h"

namespace strata::migrate {
namespace {

using strata::testing::error_of;
using strata::testing::has_table;
using strata::testing::query_one;
using strata::testing::TempDir;
using strata::testing::write_file;

class MigratorTest : public ::testing::Test {
 protected:
  std::string dir() const { return tmp_ / "migrations"; }
  std::string db() const { return tmp_ / "app.db"; }

  void add(const std::string& file, const std::string& content) { write_file(dir() + "/" + file, content); }
  void add_table(const std::string& version, const std::string& table) {
    add(version + "_create_" + table + "_table.sql",
        "-- migrate:up\nCREATE TABLE " + table + " (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE " +
            table + ";\n");
  }
  Migrator migrator(std::chrono::milliseconds lock = std::chrono::seconds(5)) {
    return Migrator(Target{db(), "strata_migrations", lock}, load_directory(dir()));
  }
  std::string history_count() { return query_one(db(), "SELECT count(*) FROM strata_migrations"); }

  TempDir tmp_;
};

TEST_F(MigratorTest, UpAppliesInOrderAndRecordsHistory) {
  add_table("2", "b");
  add_table("1", "a");
  const RunResult r = migrator().up({});
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_EQ(r.steps[0].label, "1_create_a_table");
  EXPECT_TRUE(has_table(db(), "a"));
  EXPECT_TRUE(has_table(db(), "b"));
  EXPECT_EQ(history_count(), "2");
  EXPECT_EQ(query_one(db(), "SELECT checksum FROM strata_migrations WHERE version = 1"),
            migrator().files().find(1)->checksum);
  EXPECT_EQ(query_one(db(), "SELECT state || strata_version FROM strata_migrations WHERE version = 2"),
            "applied0.1.0");
  EXPECT_TRUE(migrator().up({}).steps.empty());  // nothing left
}

TEST_F(MigratorTest, FailureLeavesTheDatabaseAtTheLastGoodVersion) {
  add_table("1", "a");
  add("2_broken.sql", "-- migrate:up\nCREATE TABLE b (x);\nINSERT INTO nowhere VALUES (1);\n");
  add_table("3", "c");
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_EQ(e.code(), ExitCode::migration_failed);
  EXPECT_NE(std::string(e.what()).find("2_broken.sql:3:1: no such table: nowhere"), std::string::npos) << e.what();
  EXPECT_TRUE(has_table(db(), "a"));
  EXPECT_FALSE(has_table(db(), "b"));  // rolled back with its migration
  EXPECT_FALSE(has_table(db(), "c"));
  EXPECT_EQ(history_count(), "1");
}

TEST_F(MigratorTest, FailingFirstMigrationLeavesANewDatabaseEmpty) {
  add("1_broken.sql", "-- migrate:up\nCREATE TABLE a (x);\nSELECT * FROM nowhere;\n");
  error_of([&] { migrator().up({}); });
  EXPECT_EQ(query_one(db(), "SELECT count(*) FROM sqlite_schema"), "0");
}

TEST_F(MigratorTest, AtomicBatchIsAllOrNothing) {
  add_table("1", "a");
  add_table("2", "b");
  add("3_broken.sql", "-- migrate:up\nSELECT * FROM nowhere;\n");
  UpOptions o;
  o.atomic = true;
  error_of([&] { migrator().up(o); });
  EXPECT_EQ(query_one(db(), "SELECT count(*) FROM sqlite_schema"), "0");
  std::filesystem::remove(dir() + "/3_broken.sql");
  EXPECT_EQ(migrator().up(o).steps.size(), 2u);
  EXPECT_EQ(history_count(), "2");
}

TEST_F(MigratorTest, ToAndSteps) {
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

TEST_F(MigratorTest, DownDefaultsToOneStep) {
  add_table("1", "a");
  add_table("2", "b");
  migrator().up({});
  const RunResult r = migrator().down({});
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_EQ(r.steps[0].version, 2);
  EXPECT_FALSE(has_table(db(), "b"));
  EXPECT_TRUE(has_table(db(), "a"));
}

TEST_F(MigratorTest, MissingDownSectionRefusesBeforeRunningAnything) {
  add_table("1", "a");
  add("2_no_down.sql", "-- migrate:up\nCREATE TABLE b (x);\n");
  migrator().up({});
  DownOptions o;
  o.steps = 2;
  const Error e = error_of([&] { migrator().down(o); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_NE(std::string(e.what()).find("2_no_down.sql"), std::string::npos);
  EXPECT_EQ(history_count(), "2");
}

TEST_F(MigratorTest, OutOfOrderIsRefusedNamingBothFiles) {
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

TEST_F(MigratorTest, ChangedFileBlocksUpUntilAccepted) {
  add_table("1", "a");
  migrator().up({});
  add("1_create_a_table.sql", "-- migrate:up\nCREATE TABLE a (id INTEGER PRIMARY KEY, x);\n-- migrate:down\nDROP TABLE a;\n");
  add_table("2", "b");
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_EQ(e.code(), ExitCode::history_mismatch);
  EXPECT_NE(std::string(e.what()).find("1_create_a_table.sql: changed"), std::string::npos);
  EXPECT_FALSE(has_table(db(), "b"));
  EXPECT_EQ(migrator().accept(1).size(), 1u);
  EXPECT_EQ(migrator().up({}).steps.size(), 1u);
}

TEST_F(MigratorTest, WhitespaceOnlyChangeIsNamedAsSuch) {
  add_table("1", "a");
  migrator().up({});
  add("1_create_a_table.sql", "-- migrate:up\nCREATE TABLE a  (id INTEGER PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE a;\n");
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_NE(std::string(e.what()).find("only whitespace differs"), std::string::npos);
}

TEST_F(MigratorTest, CrlfCheckoutIsNotAChange) {
  add_table("1", "a");
  migrator().up({});
  add("1_create_a_table.sql", "\xEF\xBB\xBF-- migrate:up\r\nCREATE TABLE a (id INTEGER PRIMARY KEY);\r\n-- migrate:down\r\nDROP TABLE a;\r\n");
  EXPECT_NO_THROW(migrator().up({}));
  EXPECT_EQ(migrator().status().entries[0].state, EntryState::applied);
}

TEST_F(MigratorTest, NonTransactionalMigrationRecordsProgressAndResumes) {
  add("1_steps.sql",
      "-- migrate:up transaction:false\nCREATE TABLE a (x);\nCREATE TABLE b (x);\nINSERT INTO gate VALUES (1);\n"
      "CREATE TABLE c (x);\n-- migrate:down\nDROP TABLE c;\nDROP TABLE b;\nDROP TABLE a;\n");
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_EQ(e.code(), ExitCode::migration_failed);
  EXPECT_EQ(query_one(db(), "SELECT state || ':' || statements_done FROM strata_migrations"), "partial:2");
  EXPECT_EQ(migrator().status().entries[0].state, EntryState::partial);
  const Error blocked = error_of([&] { migrator().up({}); });
  EXPECT_NE(blocked.hint().find("--resume"), std::string::npos);

  {
    SQLite::Database raw(db(), SQLite::OPEN_READWRITE);
    raw.exec("CREATE TABLE gate (x)");
  }
  UpOptions o;
  o.resume = true;
  EXPECT_EQ(migrator().up(o).steps.size(), 1u);  // would fail on `table a exists` if it restarted
  EXPECT_EQ(query_one(db(), "SELECT state FROM strata_migrations"), "applied");
  EXPECT_TRUE(has_table(db(), "c"));
}

TEST_F(MigratorTest, ForeignKeysOffMigrationIsCheckedBeforeCommit) {
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
  EXPECT_EQ(query_one(db(), "SELECT count(*) FROM p"), "1");  // rolled back
  EXPECT_EQ(history_count(), "1");

  add("2_rebuild_p.sql",
      "-- migrate:up foreign_keys:off\nCREATE TABLE p_new (id INTEGER PRIMARY KEY, n TEXT);\n"
      "INSERT INTO p_new (id) SELECT id FROM p;\nDROP TABLE p;\nALTER TABLE p_new RENAME TO p;\n");
  EXPECT_EQ(migrator().up({}).steps.size(), 1u);
  EXPECT_EQ(query_one(db(), "SELECT count(*) FROM c"), "1");  // no cascade: FKs were off
}

TEST_F(MigratorTest, ForeignKeysAreOnDuringMigrations) {
  add("1_fk.sql",
      "-- migrate:up\nCREATE TABLE p (id INTEGER PRIMARY KEY);\nCREATE TABLE c (p_id INTEGER REFERENCES p (id));\n"
      "INSERT INTO c VALUES (42);\n");
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_NE(std::string(e.what()).find("FOREIGN KEY constraint failed"), std::string::npos);
}

TEST_F(MigratorTest, RecognisesADbmateDatabase) {
  add_table("1", "a");
  add_table("2", "b");
  {
    SQLite::Database raw(db(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec("CREATE TABLE schema_migrations (version varchar(128) primary key);"
             "INSERT INTO schema_migrations VALUES ('1'); CREATE TABLE a (id INTEGER PRIMARY KEY);");
  }
  EXPECT_EQ(migrator().status().entries[0].state, EntryState::applied);
  const RunResult r = migrator().up({});
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_EQ(r.steps[0].version, 2);
  EXPECT_EQ(r.imported, 1u);
  EXPECT_EQ(history_count(), "2");
  EXPECT_TRUE(has_table(db(), "schema_migrations"));  // left for dbmate, untouched
}

TEST_F(MigratorTest, RecognisesAGolangMigrateDatabase) {
  add("1_a.up.sql", "CREATE TABLE a (x);");
  add("1_a.down.sql", "DROP TABLE a;");
  add("2_b.up.sql", "CREATE TABLE b (x);");
  {
    SQLite::Database raw(db(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec("CREATE TABLE schema_migrations (version uint64, dirty bool);"
             "INSERT INTO schema_migrations VALUES (1, 1); CREATE TABLE a (x);");
  }
  const Error dirty = error_of([&] { migrator().up({}); });
  EXPECT_EQ(dirty.code(), ExitCode::migration_failed);
  EXPECT_NE(std::string(dirty.what()).find("dirty"), std::string::npos);
  {
    SQLite::Database raw(db(), SQLite::OPEN_READWRITE);
    raw.exec("UPDATE schema_migrations SET dirty = 0");
  }
  const RunResult r = migrator().up({});
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_EQ(r.steps[0].version, 2);
}

TEST_F(MigratorTest, DryRunPrintsTheExactSqlAndTouchesNothing) {
  add_table("1", "a");
  UpOptions o;
  o.dry_run = true;
  const RunResult r = migrator().up(o);
  EXPECT_FALSE(std::filesystem::exists(db()));
  EXPECT_NE(r.sql.find("BEGIN IMMEDIATE;\nCREATE TABLE IF NOT EXISTS \"strata_migrations\""), std::string::npos);
  EXPECT_NE(r.sql.find("CREATE TABLE a (id INTEGER PRIMARY KEY);\nINSERT INTO \"strata_migrations\""), std::string::npos);
  EXPECT_NE(r.sql.find("COMMIT;"), std::string::npos);

  migrator().up({});
  const std::string before = strata::testing::read_file(db());
  DownOptions d;
  d.dry_run = true;
  const RunResult down = migrator().down(d);
  EXPECT_NE(down.sql.find("DROP TABLE a;\nDELETE FROM \"strata_migrations\" WHERE version = 1;"), std::string::npos);
  EXPECT_EQ(strata::testing::read_file(db()), before);
}

TEST_F(MigratorTest, RedoRevertsAndReappliesInOneRun) {
  add_table("1", "a");
  add_table("2", "b");
  migrator().up({});
  const RunResult r = migrator().redo(2, false);
  ASSERT_EQ(r.steps.size(), 4u);
  EXPECT_EQ(r.steps[0].direction, Direction::down);
  EXPECT_EQ(r.steps[0].version, 2);
  EXPECT_EQ(r.steps[3].direction, Direction::up);
  EXPECT_EQ(r.steps[3].version, 2);
  EXPECT_EQ(history_count(), "2");
  const RunResult dry = migrator().redo(1, true);
  EXPECT_NE(dry.sql.find("DROP TABLE b;"), std::string::npos);
  EXPECT_NE(dry.sql.find("CREATE TABLE b"), std::string::npos);
}

// Regression: redo re-applied "the oldest pending" migrations, so a pending file older than the
// reverted one was applied in its place.
TEST_F(MigratorTest, RedoReappliesExactlyWhatItReverted) {
  add_table("1", "a");
  add_table("3", "c");
  migrator().up({});
  add_table("2", "b");  // pending, older than the newest applied
  const RunResult r = migrator().redo(1, false);
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_EQ(r.steps[1].version, 3);
  EXPECT_TRUE(has_table(db(), "c"));
  EXPECT_FALSE(has_table(db(), "b"));
}

TEST_F(MigratorTest, StampBaselinesWithoutRunning) {
  add_table("1", "a");
  add_table("2", "b");
  add_table("3", "c");
  EXPECT_EQ(migrator().stamp(2).steps.size(), 2u);
  EXPECT_FALSE(has_table(db(), "a"));
  EXPECT_EQ(migrator().up({}).steps.size(), 1u);
  EXPECT_TRUE(has_table(db(), "c"));
  EXPECT_EQ(error_of([&] { migrator().stamp(7); }).code(), ExitCode::usage);
}

TEST_F(MigratorTest, StatusShowsMissingAndModified) {
  add_table("1", "a");
  add_table("2", "b");
  migrator().up({});
  std::filesystem::remove(dir() + "/2_create_b_table.sql");
  add("1_create_a_table.sql", "-- migrate:up\nCREATE TABLE a (id INTEGER PRIMARY KEY, y);\n");
  add_table("3", "c");
  const Status st = migrator().status();
  ASSERT_EQ(st.entries.size(), 3u);
  EXPECT_EQ(st.entries[0].state, EntryState::modified);
  EXPECT_EQ(st.entries[1].state, EntryState::missing);
  EXPECT_EQ(st.entries[2].state, EntryState::pending);
  EXPECT_EQ(st.applied, 2u);
  EXPECT_EQ(st.pending, 1u);
}

TEST_F(MigratorTest, SecondRunnerWaitsForTheLockThenTimesOut) {
  add_table("1", "a");
  std::filesystem::create_directories(tmp_.path());
  MigrationLock held(db(), std::chrono::seconds(1));
  const auto start = std::chrono::steady_clock::now();
  const Error e = error_of([&] { migrator(std::chrono::milliseconds(300)).up({}); });
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
  EXPECT_EQ(e.code(), ExitCode::unavailable);
  EXPECT_NE(std::string(e.what()).find("migration lock"), std::string::npos);
}

TEST_F(MigratorTest, SecondRunnerProceedsWhenTheLockIsReleased) {
  add_table("1", "a");
  auto held = std::make_unique<MigrationLock>(db(), std::chrono::seconds(1));
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    held.reset();
  });
  const RunResult r = migrator(std::chrono::seconds(5)).up({});
  release.join();
  EXPECT_EQ(r.steps.size(), 1u);
}

TEST_F(MigratorTest, DirectoryProblemsStopUpWithTheFirstOne) {
  add_table("1", "a");
  add("notes.sql", "-- migrate:up\nSELECT 1;\n");
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_NE(std::string(e.what()).find("notes.sql"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(db()));
}

TEST_F(MigratorTest, NotADatabaseIsRefusedAndLeftAlone) {
  add_table("1", "a");
  write_file(db(), std::string(4096, 'x'));
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_EQ(e.code(), ExitCode::unavailable);
  EXPECT_NE(std::string(e.what()).find("not a SQLite database"), std::string::npos);
  EXPECT_EQ(strata::testing::read_file(db()), std::string(4096, 'x'));
}

TEST_F(MigratorTest, DatabasePathThatIsADirectory) {
  add_table("1", "a");
  std::filesystem::create_directories(db());
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_EQ(e.code(), ExitCode::unavailable);
  EXPECT_NE(std::string(e.what()).find("is a directory"), std::string::npos);
}

}  // namespace
}  // namespace strata::migrate
