// One rulebook for up, --dry-run and check (run_plan.h): sections with their own transaction
// control, lone statements that cannot run in a transaction, SQLite's table-rebuild PRAGMA, and
// refusals before anything runs; every case run as a dry run and for real must agree.
#include <gtest/gtest.h>

#include <functional>
#include <sstream>

#include "common/error.h"
#include "migrate/check/checker.h"
#include "migrate/model/migration_source.h"
#include "migrate/run/migrator.h"
#include "migrator_fixture.h"
#include "test_db.h"
#include "test_util.h"
#include "setting_flags.h"

namespace strata::migrate {
namespace {

using strata::testing::error_of;
using strata::testing::TempDir;
using strata::testing::TestDatabase;
using strata::testing::write_file;

class RulebookTest : public MigratorFixture {
 protected:
  std::string rows() { return db_.has_table("strata_migrations") ? history_count() : "none"; }
};

class SqliteRulebookTest : public RulebookTest {};

TEST_P(RulebookTest, OwnBeginCommitRunsAsWrittenWithHistory) {
  add("1_a.up.sql", "BEGIN;\nCREATE TABLE a (x int);\nCOMMIT;\n");
  add("1_a.down.sql", "BEGIN;\nDROP TABLE a;\nCOMMIT;\n");
  EXPECT_EQ(migrator().up({}).steps.size(), 1u);
  EXPECT_TRUE(db_.has_table("a"));
  EXPECT_EQ(db_.query_one("SELECT " + db_.concat({"state", "':'", "statements_done"}) + " FROM strata_migrations"), "applied:3");
  EXPECT_EQ(migrator().down({}).steps.size(), 1u);
  EXPECT_FALSE(db_.has_table("a"));
  EXPECT_EQ(rows(), "0");
}

TEST_P(RulebookTest, FailureInsideTheFilesOwnTransactionLeavesItPending) {
  if (mysql()) GTEST_SKIP() << "MySQL commits DDL as it runs: the file's own transaction cannot undo its CREATE TABLE";
  add("1_a.up.sql", "BEGIN;\nCREATE TABLE a (x int);\nINSERT INTO nope VALUES (1);\nCOMMIT;\n");
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_EQ(e.code(), ExitCode::migration_failed);
  EXPECT_NE(std::string(e.what()).find("1_a.up.sql:3:"), std::string::npos) << e.what();
  EXPECT_NE(e.hint().find("still pending"), std::string::npos) << e.hint();
  EXPECT_FALSE(db_.has_table("a"));
  EXPECT_EQ(rows(), "0");
  EXPECT_EQ(migrator().status().entries.at(0).state, EntryState::pending);
}

TEST_P(RulebookTest, FailureAfterTheFilesOwnCommitIsHalfDoneAndResumes) {
  // dbmate/PostgreSQL files with BEGIN ... COMMIT inside once lost the per-migration transaction
  // silently: the table stayed while the migration stayed pending, and the rerun failed.
  add("1_a.sql", "-- migrate:up\nBEGIN;\nCREATE TABLE a (x int);\nCOMMIT;\nINSERT INTO gate VALUES (1);\n"
                 "-- migrate:down\nDROP TABLE a;\n");
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_EQ(e.code(), ExitCode::migration_failed);
  EXPECT_NE(e.hint().find("3 statement(s)"), std::string::npos) << e.hint();
  EXPECT_TRUE(db_.has_table("a"));
  EXPECT_EQ(db_.query_one("SELECT " + db_.concat({"state", "':'", "statements_done"}) + " FROM strata_migrations"), "partial:3");
  EXPECT_EQ(migrator().status().entries.at(0).state, EntryState::partial);
  const Error blocked = error_of([&] { migrator().up({}); });
  EXPECT_NE(cli::with_flags(blocked.hint()).find("--resume"), std::string::npos);
  db_.exec("CREATE TABLE gate (x int)");
  UpOptions o;
  o.resume = true;
  EXPECT_EQ(migrator().up(o).steps.size(), 1u);
  EXPECT_EQ(db_.query_one("SELECT state FROM strata_migrations"), "applied");
}

TEST_P(RulebookTest, AStatementThatCannotRunInATransactionAmongOthersIsRefusedBeforeAnythingRuns) {
  if (mysql()) GTEST_SKIP() << "MySQL has no statement that cannot run in a transaction (its DDL commits the one open)";
  add("1_ok.sql", "-- migrate:up\nCREATE TABLE a (x int);\n");
  add("2_bad.sql", std::string("-- migrate:up\nCREATE TABLE b (x int);\n") +
                       (sqlite() ? "VACUUM;\n" : "CREATE INDEX CONCURRENTLY b_x ON b (x);\n"));
  const Error e = error_of([&] { migrator().up({}); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_NE(std::string(e.what()).find("2_bad.sql:3:"), std::string::npos) << e.what();
  EXPECT_FALSE(db_.has_table("a"));  // not even the good one before it
  EXPECT_EQ(rows(), "none");

  // check reports it as the same error.
  CheckOptions c;
  c.database = db_.endpoint();
  const CheckReport r = check(load_directory(dir()), c);
  bool found = false;
  for (const Finding& f : r.findings) found |= f.line == 3 && f.severity == Severity::error && f.file.find("2_bad.sql") != std::string::npos;
  EXPECT_TRUE(found);
  EXPECT_EQ(r.exit_code, ExitCode::invalid_input);
}

TEST_P(RulebookTest, ALoneStatementThatCannotRunInATransactionRuns) {
  if (mysql()) GTEST_SKIP() << "MySQL has no statement that cannot run in a transaction (its DDL commits the one open)";
  add("1_a.up.sql", "CREATE TABLE a (x int);\n");
  add("2_vac.up.sql", sqlite() ? "VACUUM;\n" : "CREATE INDEX CONCURRENTLY a_x ON a (x);\n");
  add("2_vac.down.sql", sqlite() ? "-- nothing\n" : "DROP INDEX CONCURRENTLY a_x;\n");
  EXPECT_EQ(migrator().up({}).steps.size(), 2u);
  EXPECT_EQ(db_.query_one("SELECT state FROM strata_migrations WHERE version = 2"), "applied");
  if (!sqlite()) {
    EXPECT_EQ(db_.query_one("SELECT count(*) FROM pg_indexes WHERE indexname = 'a_x'"), "1");
    EXPECT_EQ(migrator().down({}).steps.size(), 1u);
    EXPECT_EQ(db_.query_one("SELECT count(*) FROM pg_indexes WHERE indexname = 'a_x'"), "0");
  }
}

TEST_P(SqliteRulebookTest, TableRebuildPragmaInsideTheSectionTurnsForeignKeysOffAroundIt) {
  add("1_create.sql",
      "-- migrate:up\nCREATE TABLE p (id INTEGER PRIMARY KEY);\n"
      "CREATE TABLE c (p_id INTEGER REFERENCES p (id) ON DELETE CASCADE);\n"
      "INSERT INTO p VALUES (1);\nINSERT INTO c VALUES (1);\n");
  migrator().up({});
  // As real dbmate and golang-migrate SQLite sets write it: inside the transaction, where the
  // PRAGMA alone would do nothing and DROP TABLE p would cascade into c.
  add("2_rebuild.sql",
      "-- migrate:up\nPRAGMA foreign_keys=OFF;\nCREATE TABLE p_new (id INTEGER PRIMARY KEY, n TEXT);\n"
      "INSERT INTO p_new (id) SELECT id FROM p;\nDROP TABLE p;\nALTER TABLE p_new RENAME TO p;\nPRAGMA foreign_keys=ON;\n");
  EXPECT_EQ(migrator().up({}).steps.size(), 1u);
  EXPECT_EQ(db_.query_one("SELECT count(*) FROM c"), "1");
}

TEST_P(SqliteRulebookTest, NoTxWrapRecipeRunsAsWritten) {
  add("1_create.up.sql",
      "CREATE TABLE p (id INTEGER PRIMARY KEY);\nCREATE TABLE c (p_id INTEGER REFERENCES p (id) ON DELETE CASCADE);\n"
      "INSERT INTO p VALUES (1);\nINSERT INTO c VALUES (1);\n");
  add("2_rebuild.up.sql",
      "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE p_new (id INTEGER PRIMARY KEY, n TEXT);\n"
      "INSERT INTO p_new (id) SELECT id FROM p;\nDROP TABLE p;\nALTER TABLE p_new RENAME TO p;\nCOMMIT;\n"
      "PRAGMA foreign_keys=ON;\n");
  EXPECT_EQ(migrator().up({}).steps.size(), 2u);
  EXPECT_EQ(db_.query_one("SELECT count(*) FROM c"), "1");
  EXPECT_EQ(db_.query_one("SELECT state FROM strata_migrations WHERE version = 2"), "applied");
}

// The same migration set run as a dry run and for real, each on a fresh database: both refuse
// with the same exit code, or both run exactly the same SQL.
struct RulebookCase {
  const char* name;
  std::vector<std::pair<std::string, std::string>> files;
  bool sqlite_only = false;
  // About a statement that cannot run in a transaction (VACUUM): MySQL has none, and no VACUUM.
  bool not_in_transaction = false;
};

std::string outcome(const std::function<RunResult()>& run) {
  try {
    RunResult r = run();
    std::istringstream in(r.sql);
    std::string line, sql;
    while (std::getline(in, line)) {
      // The dry run's header lines are not statements.
      if (line.rfind("-- strata migrate dry run", 0) == 0 || (sql.empty() && line == "PRAGMA foreign_keys = ON;")) continue;
      sql += line + "\n";
    }
    return "ok\n" + sql;
  } catch (const Error& e) {
    return "exit " + std::to_string(to_int(e.code()));
  }
}

TEST_P(RulebookTest, DryRunAndRealRunAgreeOnEveryCase) {
  const std::vector<RulebookCase> cases = {
      {"plain", {{"1_a.sql", "-- migrate:up\nCREATE TABLE a (x int);\n-- migrate:down\nDROP TABLE a;\n"}}},
      {"own control", {{"1_a.up.sql", "BEGIN;\nCREATE TABLE a (x int);\nCOMMIT;\n"}}},
      {"transaction:false", {{"1_a.sql", "-- migrate:up transaction:false\nCREATE TABLE a (x int);\nCREATE TABLE b (x int);\n"}}},
      {"lone", {{"1_a.sql", "-- migrate:up\nCREATE TABLE a (x int);\n"},
                {"2_b.sql", "-- migrate:up\nVACUUM;\n"}}, false, true},
      {"mixed", {{"1_a.sql", "-- migrate:up\nCREATE TABLE a (x int);\nVACUUM;\n"}}, false, true},
      {"unbalanced", {{"1_a.sql", "-- migrate:up\nBEGIN;\nCREATE TABLE a (x int);\n"}}},
      {"foreign_keys:off", {{"1_a.sql", "-- migrate:up foreign_keys:off\nCREATE TABLE a (x int);\n"}}},
      {"hoisted pragma", {{"1_a.sql", "-- migrate:up\nPRAGMA foreign_keys=OFF;\nCREATE TABLE a (x int);\nPRAGMA foreign_keys=ON;\n"}}, true},
  };
  for (const RulebookCase& c : cases) {
    if ((c.sqlite_only && !sqlite()) || (c.not_in_transaction && mysql())) continue;
    TempDir dir;
    for (const auto& [name, text] : c.files) write_file(dir / "m/" + name, text);
    const auto run = [&](bool dry) {
      TempDir where;
      TestDatabase db(GetParam(), where);
      Migrator m(Target{db.endpoint(), "strata_migrations", std::chrono::seconds(5)}, load_directory(dir / "m"));
      UpOptions o;
      o.dry_run = dry;
      o.trace_sql = true;
      return outcome([&] { return m.up(o); });
    };
    EXPECT_EQ(run(true), run(false)) << c.name;
  }
}

INSTANTIATE_TEST_SUITE_P(, RulebookTest, ::testing::Values(DriverKind::sqlite, DriverKind::postgres, DriverKind::mysql),
                         strata::testing::driver_param_name);
INSTANTIATE_TEST_SUITE_P(, SqliteRulebookTest, ::testing::Values(DriverKind::sqlite), strata::testing::driver_param_name);

}  // namespace
}  // namespace strata::migrate
