// The dry run is the real run on a recording driver (recording_driver.h): every migrator command,
// run as a dry run on one database and for real (traced) on another prepared the same way, gives
// the same statements, or the same refusal. These cases prepare each database apart (a dbmate
// history, placeholders from the environment); the migrator suites hold every command they run
// to the same (dry_run_parity.h, migrator_fixture.h). On SQLite, PostgreSQL, and MySQL when
// $STRATA_TEST_MYSQL_URL names a server.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "dry_run_parity.h"
#include "migrate/model/migration_source.h"
#include "migrate/run/migrator.h"
#include "migrate/run/recording_driver.h"
#include "test_db.h"
#include "test_util.h"

namespace strata::migrate {
namespace {

using strata::testing::TempDir;
using strata::testing::TestDatabase;
using strata::testing::write_file;

using ParityFiles = std::vector<std::pair<std::string, std::string>>;

// What the command does to one database, given whether it is the dry run.
using ParityCommand = std::function<RunResult(Migrator&, bool dry)>;

struct ParityCase {
  const char* name;
  ParityFiles applied;  // applied for real on both databases first (after `setup`)
  ParityFiles files;    // then added (or rewritten) before the command runs
  ParityCommand command;
  std::string setup = {};  // SQL run on both databases before anything
  bool sqlite_only = false;
};

RunResult parity_up(Migrator& m, bool dry, UpOptions o = {}) {
  o.dry_run = dry;
  o.trace_sql = true;
  return m.up(o);
}

RunResult parity_down(Migrator& m, bool dry, DownOptions o = {}) {
  o.dry_run = dry;
  o.trace_sql = true;
  return m.down(o);
}

class DryRunParityTest : public ::testing::TestWithParam<DriverKind> {
 protected:
  bool sqlite() const { return GetParam() == DriverKind::sqlite; }
  bool available() const {
    switch (GetParam()) {
      case DriverKind::sqlite: return true;
      case DriverKind::postgres: return strata::testing::pg_server_url().has_value();
      case DriverKind::mysql: return strata::testing::mysql_server_url().has_value();
    }
    return false;
  }
  std::string skip_reason() const { return strata::testing::server_skip_reason(GetParam()); }

  std::string run(const ParityCase& c, bool dry) {
    TempDir where;
    TestDatabase db(GetParam(), where);
    if (!db.available()) return "unavailable";
    if (!c.setup.empty()) db.exec(c.setup);
    const std::string dir = where / "m";
    for (const auto& [name, text] : c.applied) write_file(dir + "/" + name, text);
    Target target{db.endpoint(), "strata_migrations", std::chrono::seconds(5)};
    target.placeholders.getenv = [](std::string_view name) -> std::optional<std::string> {
      if (name == "APP_ROLE") return std::string("app_role_value");
      return std::nullopt;
    };
    if (!c.applied.empty()) Migrator(target, load_directory(dir)).up({});
    for (const auto& [name, text] : c.files) write_file(dir + "/" + name, text);
    Migrator m(target, load_directory(dir));
    std::string out = parity_outcome([&] { return c.command(m, dry); });
    // Each run has a folder of its own: the files are named relative to it.
    for (std::size_t at = out.find(dir + "/"); at != std::string::npos; at = out.find(dir + "/", at)) out.erase(at, dir.size() + 1);
    return out;
  }
};

const char* const k_parity_a = "-- migrate:up\nCREATE TABLE a (x int);\n-- migrate:down\nDROP TABLE a;\n";
const char* const k_parity_b = "-- migrate:up\nCREATE TABLE b (x int);\nCREATE TABLE b2 (x int);\n-- migrate:down\nDROP TABLE b2;\nDROP TABLE b;\n";
const char* const k_parity_c_as_written =
    "-- migrate:up transaction:false\nCREATE TABLE c (x int);\nCREATE TABLE c2 (x int);\n"
    "-- migrate:down transaction:false\nDROP TABLE c2;\nDROP TABLE c;\n";

std::vector<ParityCase> parity_cases() {
  return {
      {"up: in a transaction, as written, and a repeatable",
       {},
       {{"1_a.sql", k_parity_a}, {"2_b.sql", k_parity_b}, {"3_c.sql", k_parity_c_as_written},
        {"R__v.sql", "CREATE VIEW v AS SELECT 1 AS one;\n"}},
       [](Migrator& m, bool dry) { return parity_up(m, dry); }},
      {"up: after earlier ones, --to",
       {{"1_a.sql", k_parity_a}},
       {{"2_b.sql", k_parity_b}, {"3_c.sql", k_parity_c_as_written}},
       [](Migrator& m, bool dry) {
         UpOptions o;
         o.to = 2;
         return parity_up(m, dry, o);
       }},
      {"up --atomic",
       {},
       {{"1_a.sql", k_parity_a}, {"2_b.sql", k_parity_b}},
       [](Migrator& m, bool dry) {
         UpOptions o;
         o.atomic = true;
         return parity_up(m, dry, o);
       }},
      {"up: a changed repeatable is run again",
       {{"R__v.sql", "CREATE VIEW v AS SELECT 1 AS one;\n"}},
       {{"R__v.sql", "DROP VIEW IF EXISTS v;\nCREATE VIEW v AS SELECT 2 AS two;\n"}},
       [](Migrator& m, bool dry) { return parity_up(m, dry); }},
      {"up: placeholders are shown unexpanded",
       {},
       {{"1_a.sql", "-- migrate:up envsub:on\nCREATE TABLE a (x int);\nCREATE VIEW w AS SELECT '${APP_ROLE}' AS r;\n"
                    "-- migrate:down\nDROP VIEW w;\nDROP TABLE a;\n"}},
       [](Migrator& m, bool dry) { return parity_up(m, dry); }},
      {"up: a database dbmate managed is imported",
       {},
       {{"20240101000000_a.sql", k_parity_a}, {"20240102000000_b.sql", k_parity_b}},
       [](Migrator& m, bool dry) { return parity_up(m, dry); },
       "CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY);"
       "INSERT INTO schema_migrations VALUES ('20240101000000');"
       "INSERT INTO schema_migrations VALUES ('20231231000000');"
       "CREATE TABLE a (x int);"},
      {"up: a refusal before anything runs",
       {{"2_b.sql", k_parity_b}},
       {{"1_a.sql", k_parity_a}},
       [](Migrator& m, bool dry) { return parity_up(m, dry); }},
      {"up: foreign_keys:off",
       {},
       {{"1_a.sql", "-- migrate:up foreign_keys:off\nCREATE TABLE a (x int);\n-- migrate:down\nDROP TABLE a;\n"}},
       [](Migrator& m, bool dry) { return parity_up(m, dry); },
       {},
       true},
      {"down: one in a transaction, one as written",
       {{"1_a.sql", k_parity_a}, {"2_b.sql", k_parity_b}, {"3_c.sql", k_parity_c_as_written}},
       {},
       [](Migrator& m, bool dry) {
         DownOptions o;
         o.steps = 2;
         return parity_down(m, dry, o);
       }},
      {"down --all",
       {{"1_a.sql", k_parity_a}, {"2_b.sql", k_parity_b}},
       {},
       [](Migrator& m, bool dry) {
         DownOptions o;
         o.all = true;
         return parity_down(m, dry, o);
       }},
      {"redo",
       {{"1_a.sql", k_parity_a}, {"2_b.sql", k_parity_b}},
       {},
       [](Migrator& m, bool dry) { return m.redo(RedoOptions{2, dry, true}); }},
  };
}

TEST_P(DryRunParityTest, EveryCommandRecordsWhatTheRealRunExecutes) {
  if (!available()) GTEST_SKIP() << skip_reason();
  for (const ParityCase& c : parity_cases()) {
    if (c.sqlite_only && !sqlite()) continue;
    const std::string dry = run(c, true);
    const std::string real = run(c, false);
    EXPECT_EQ(dry, real) << c.name;
    if (dry.rfind("ok\n", 0) == 0) {
      EXPECT_GT(std::count(dry.begin(), dry.end(), '\n'), 2) << c.name << ": nothing recorded";
    }
  }
}

// The cases above say something: the statements they record are the ones that matter.
TEST_P(DryRunParityTest, TheRecordedStatementsAreTheRunsOwn) {
  if (!available()) GTEST_SKIP() << skip_reason();
  const std::vector<ParityCase> all = parity_cases();
  const auto find = [&](std::string_view name) {
    for (const ParityCase& c : all) {
      if (name == c.name) return run(c, true);
    }
    return std::string("no case");
  };
  const std::string placeholders = find("up: placeholders are shown unexpanded");
  EXPECT_NE(placeholders.find("'${APP_ROLE}'"), std::string::npos) << placeholders;
  EXPECT_EQ(placeholders.find("app_role_value"), std::string::npos) << placeholders;

  // The import writes what a real run writes: a row for each version dbmate lists (one without a
  // file too), marked as imported.
  const std::string imported = find("up: a database dbmate managed is imported");
  EXPECT_NE(imported.find("(no file; imported from dbmate)"), std::string::npos) << imported;
  EXPECT_NE(imported.find("step 20240102000000_b up"), std::string::npos) << imported;
  EXPECT_EQ(imported.find("step 20240101000000_a up"), std::string::npos) << imported;

  const std::string as_written = find("down: one in a transaction, one as written");
  EXPECT_NE(as_written.find("DROP TABLE c2;\nDROP TABLE c;"), std::string::npos) << as_written;
  EXPECT_NE(as_written.find("DELETE FROM"), std::string::npos) << as_written;

  const std::string refused = find("up: a refusal before anything runs");
  EXPECT_EQ(refused.rfind("exit ", 0), 0u) << refused;
}

TEST(RecordingDriver, ADryRunExecutesNothingAndATraceExecutesEverything) {
  for (const Recording mode : {Recording::instead, Recording::as_well}) {
    TempDir where;
    TestDatabase db(DriverKind::sqlite, where);
    db.exec("CREATE TABLE seed (x int)");  // the file exists for the dry run's read-only open
    RecordingDriver r(open_driver(db.endpoint(), mode == Recording::instead ? Access::dry_run : Access::write,
                                  "strata_migrations", std::chrono::seconds(5)),
                      mode, "app.db");
    r.begin();
    r.exec("CREATE TABLE t (x int)");
    Section s;
    s.present = true;
    s.sql = "INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);\n";
    s.file = "m.sql";
    std::size_t done = 0;
    EXPECT_EQ(r.run_section(s, 0, [&](std::size_t) { ++done; }), 2u);
    r.commit();
    EXPECT_TRUE(r.table_exists("seed"));  // reads reach the database in both modes
    const std::string sql = r.take_sql();
    EXPECT_NE(sql.find("CREATE TABLE t (x int)\nINSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);\nCOMMIT;\n"),
              std::string::npos)
        << sql;
    EXPECT_EQ(sql.rfind("-- strata migrate dry run on app.db.", 0) == 0, mode == Recording::instead) << sql;
    if (mode == Recording::instead) {
      EXPECT_EQ(done, 0u);
      EXPECT_FALSE(db.has_table("t"));
    } else {
      EXPECT_EQ(done, 2u);
      EXPECT_EQ(db.query_one("SELECT count(*) FROM t"), "2");
    }
  }
}

INSTANTIATE_TEST_SUITE_P(, DryRunParityTest, ::testing::Values(DriverKind::sqlite, DriverKind::postgres, DriverKind::mysql),
                         strata::testing::driver_param_name);

}  // namespace
}  // namespace strata::migrate
