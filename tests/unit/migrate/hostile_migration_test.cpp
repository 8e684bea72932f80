// Migration files a repository wrote, run where the user asked for no change outside one
// database: scratch replays (check, diff), dry runs and load reach no other file; values of the
// environment stay out of messages and dumps; a migration file that is a link out of the
// project is never read.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "common/error.h"
#include "dry_run_parity.h"
#include "migrate/check/checker.h"
#include "migrate/model/migration_source.h"
#include "migrate/run/migrator.h"
#include "migrate/run/scratch_database.h"
#include "sqlite/connection.h"
#include "test_util.h"

namespace strata::migrate {
namespace {

namespace fs = std::filesystem;
using strata::testing::error_of;
using strata::testing::read_file;
using strata::testing::TempDir;
using strata::testing::write_file;

Section section(std::string sql, std::string file = "1_x.sql") {
  Section s;
  s.present = true;
  s.sql = std::move(sql);
  s.file = std::move(file);
  s.first_line = 2;
  return s;
}

TEST(HostileMigration, AScratchReplayAttachesNoOtherFile) {
  TempDir dir;
  const std::string victim = dir / "victim.db";
  ScratchDatabase scratch;
  const Error e = error_of([&] {
    scratch.apply(section("CREATE TABLE t (x);\nATTACH DATABASE '" + victim + "' AS v;\nCREATE TABLE v.pwned (x);"));
  });
  EXPECT_EQ(e.code(), ExitCode::migration_failed);
  const std::string message = e.what();
  EXPECT_TRUE(message.starts_with("1_x.sql:3:1: ATTACH or VACUUM INTO of '" + victim + "' refused")) << message;
  EXPECT_FALSE(fs::exists(victim));
}

TEST(HostileMigration, AScratchReplayVacuumsIntoNoFile) {
  TempDir dir;
  const std::string out = dir / "out.db";
  ScratchDatabase scratch;
  scratch.apply(section("CREATE TABLE t (x);"));
  const Error e = error_of([&] { scratch.apply(section("VACUUM INTO '" + out + "';")); });
  EXPECT_NE(std::string(e.what()).find("of '" + out + "' refused"), std::string::npos) << e.what();
  EXPECT_FALSE(fs::exists(out));
  // A computed name is refused too: it cannot be told from a file elsewhere.
  const Error computed = error_of([&] { scratch.apply(section("ATTACH '" + dir.path().string() + "/' || 'x.db' AS x;")); });
  EXPECT_NE(std::string(computed.what()).find("a file name computed at run time"), std::string::npos) << computed.what();
  EXPECT_FALSE(fs::exists(dir / "x.db"));
  // What touches no file still runs: a plain VACUUM and a private temporary database.
  scratch.apply(section("VACUUM;"));
  scratch.apply(section("ATTACH '' AS tmp1; ATTACH ':memory:' AS tmp2; DETACH tmp1; DETACH tmp2;"));
  EXPECT_EQ(scratch.schema().objects.size(), 1u);
}

TEST(HostileMigration, ExtensionsCannotBeLoadedInAScratch) {
  ScratchDatabase scratch;
  const Error e = error_of([&] { scratch.apply(section("SELECT load_extension('/tmp/evil.so');")); });
  EXPECT_NE(std::string(e.what()).find("not authorized"), std::string::npos) << e.what();
}

TEST(HostileMigration, LoadAppliesASchemaThatAttachesNothing) {
  TempDir dir;
  fs::create_directories(dir / "migrations");
  const std::string victim = dir / "victim.db";
  Migrator m(Target{Endpoint::sqlite(dir / "app.db")}, load_directory(dir / "migrations"));
  const Error e = error_of([&] {
    m.load("schema.sql", "CREATE TABLE t (x);\nATTACH '" + victim + "' AS v;\nCREATE TABLE v.pwned (x);\n");
  });
  EXPECT_EQ(e.code(), ExitCode::migration_failed);
  EXPECT_TRUE(std::string(e.what()).starts_with("schema.sql:2:1: ATTACH or VACUUM INTO of")) << e.what();
  EXPECT_FALSE(fs::exists(victim));
}

TEST(HostileMigration, AMigrationLinkOutOfTheProjectIsNeverRead) {
  TempDir outside;
  TempDir project;
  write_file(outside / "credentials", "aws_secret_access_key = wJalrXUtnFEMI\n");
  write_file(project / "migrations/1_a.sql", "-- migrate:up\nCREATE TABLE a (x);\n-- migrate:down\nDROP TABLE a;\n");
  write_file(project / "shared/R__view.sql", "-- migrate:up\nCREATE VIEW v AS SELECT 1;\n");
  fs::create_symlink(outside / "credentials", project / "migrations/R__env.sql");
  fs::create_symlink("/proc/self/environ", project / "migrations/2_env.sql");
  // A link inside the project keeps working.
  fs::create_symlink(project / "shared/R__view.sql", project / "migrations/R__view.sql");
  const MigrationSet set = load_directory(project / "migrations", project.path());
  ASSERT_EQ(set.problems.size(), 2u);
  for (const Problem& p : set.problems) {
    EXPECT_EQ(p.code, "link-outside-project");
    EXPECT_EQ(p.describe().find("wJalr"), std::string::npos);
  }
  // In file order: 2_env.sql, then R__env.sql.
  EXPECT_NE(set.problems[0].describe().find("2_env.sql: a symbolic link to /proc/"), std::string::npos)
      << set.problems[0].describe();
  EXPECT_NE(set.problems[1].describe().find("R__env.sql: a symbolic link to " + (outside / "credentials")), std::string::npos)
      << set.problems[1].describe();
  EXPECT_EQ(set.migrations.size(), 1u);
  ASSERT_EQ(set.repeatables.size(), 1u);
  EXPECT_EQ(set.repeatables[0].name, "view");
  // Refused before anything runs or prints.
  ParityMigrator m(Target{Endpoint::sqlite(project / "app.db")}, set);
  UpOptions dry;
  dry.dry_run = true;
  const Error e = error_of([&] { m.up(dry); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_NE(std::string(e.what()).find("outside the project"), std::string::npos) << e.what();
}

TEST(HostileMigration, CheckFlagsAttachAndVacuumIntoOutOfTheProject) {
  TempDir project;
  write_file(project / "migrations/1_a.sql",
             "-- migrate:up\nCREATE TABLE a (x);\n"
             "ATTACH DATABASE '../victim.db' AS v;\n"             // line 3: climbs out
             "ATTACH 'data/cache.db' AS c;\n"                     // in the project: fine
             "ATTACH ':memory:' AS m; ATTACH '' AS t;\n"          // private: fine
             "ATTACH 'file:/etc/passwd?mode=ro' AS p;\n"          // line 6: a URI elsewhere
             "ATTACH 'file::memory:?cache=shared' AS s;\n"        // private: fine
             "-- migrate:down\nDROP TABLE a;\n");
  write_file(project / "migrations/R__out.sql",
             "-- migrate:up\nCREATE TABLE attach (x);\nVACUUM INTO '" + (project / "../out.db") + "';\n"
             "VACUUM main INTO 'build/copy.db';\nATTACH 'a' || '.db' AS x;\n");
  CheckOptions o;
  o.project_root = project.path();
  const CheckReport r = check(load_directory(project / "migrations", project.path()), o);
  std::vector<std::string> found;
  for (const Finding& f : r.findings) {
    if (f.code != "attach-outside-project") continue;
    found.push_back(std::to_string(f.line) + " " + f.message.substr(0, 30));
    EXPECT_EQ(f.severity, Severity::error);
  }
  ASSERT_EQ(found.size(), 4u) << ::testing::PrintToString(found);
  EXPECT_EQ(found[0], "3 ATTACH of '../victim.db', outs");
  EXPECT_EQ(found[1], "6 ATTACH of 'file:/etc/passwd?mo");
  EXPECT_EQ(found[2], "3 VACUUM INTO '/tmp/strata-test-");
  EXPECT_EQ(found[3], "5 ATTACH of a file name computed");
  EXPECT_EQ(r.exit_code, ExitCode::invalid_input);
}

TEST(HostileMigration, ADumpNeverHoldsAValueOfTheEnvironment) {
  TempDir project;
  const std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  write_file(project / "migrations/1_a.sql",
             "-- migrate:up envsub:on\nCREATE VIEW leak AS SELECT '${AWS_SECRET_ACCESS_KEY}' AS k, '${SHORT}' AS s;\n"
             "-- migrate:down\nDROP VIEW leak;\n");
  Target t{Endpoint::sqlite(project / "app.db")};
  t.placeholders.getenv = [&secret](std::string_view name) -> std::optional<std::string> {
    if (name == "AWS_SECRET_ACCESS_KEY") return secret;
    if (name == "SHORT") return std::string("abc");
    return std::nullopt;
  };
  ParityMigrator(t, load_directory(project / "migrations")).up({});
  // A dump made without --envsub (the section's marker expanded the value) still finds it.
  Target plain = t;
  plain.placeholders.everywhere = false;
  const SchemaDump d = Migrator(plain, load_directory(project / "migrations")).dump();
  EXPECT_EQ(d.sql.find(secret), std::string::npos) << d.sql;
  EXPECT_EQ(d.sql.find("wjalrxutnfemi"), std::string::npos) << d.sql;
  EXPECT_NE(d.sql.find("SELECT '${AWS_SECRET_ACCESS_KEY}' AS k, 'abc' AS s"), std::string::npos) << d.sql;
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_NE(d.notes[0].find("${AWS_SECRET_ACCESS_KEY} (from your environment) is in view leak"), std::string::npos)
      << d.notes[0];
  EXPECT_EQ(d.notes[0].find(secret), std::string::npos);
}

// A rollback journal whose end names a super-journal, as SQLite writes one for a transaction
// over several databases: rolling it back deletes the named file when no journal it lists exists.
void plant_journal_naming(const std::string& db, const std::string& victim) {
  const std::string magic("\xd9\xd5\x05\xf9\x20\xa1\x63\xd7", 8);
  const auto be32 = [](std::uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                       static_cast<char>(v)};
  };
  std::string header = magic + be32(0) + be32(0x12345678) + be32(2) + be32(4096) + be32(4096);
  header.resize(4096, '\0');
  std::uint32_t sum = 0;
  for (const char c : victim) sum += static_cast<unsigned char>(c);
  write_file(db + "-journal", header + be32(0x40000000 / 4096 + 1) + victim + be32(static_cast<std::uint32_t>(victim.size())) +
                                  be32(sum) + magic);
}

TEST(HostileMigration, AJournalNamingAnotherFileIsNeverRolledBack) {
  TempDir project;
  write_file(project / "migrations/1_a.sql", "-- migrate:up\nCREATE TABLE a (x);\n-- migrate:down\nDROP TABLE a;\n");
  const std::string db = project / "app.db";
  ParityMigrator(Target{Endpoint::sqlite(db)}, load_directory(project / "migrations")).up({});
  const std::string victim = project / "victim";
  write_file(victim, "precious");
  plant_journal_naming(db, victim);
  ParityMigrator m(Target{Endpoint::sqlite(db)}, load_directory(project / "migrations"));
  const Error e = error_of([&] { m.status(); });
  EXPECT_EQ(e.code(), ExitCode::unavailable);
  EXPECT_NE(std::string(e.what()).find("app.db-journal: an unfinished transaction that names another file"),
            std::string::npos) << e.what();
  EXPECT_EQ(read_file(victim), "precious");
  // `up` on the user's own database refuses it the same way: no command rolls it back.
  EXPECT_EQ(error_of([&] { m.up({}); }).code(), ExitCode::unavailable);
  EXPECT_EQ(read_file(victim), "precious");
}

TEST(HostileMigration, AScratchStopsWhatNeverEndsAndWhatFillsTheMemory) {
  sqlite::Connection conn(":memory:", sqlite::OpenMode::read_write_create, std::chrono::milliseconds(0));
  conn.bound_work(std::chrono::seconds(1), std::int64_t{8} << 20);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_THROW(conn.exec("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c"),
               Error);
  EXPECT_TRUE(conn.over_budget());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(30));
  conn.start_budget();
  conn.exec("CREATE TABLE t (b BLOB)");
  const Error full = error_of([&] {
    conn.exec("INSERT INTO t SELECT randomblob(1000000) FROM (WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
              "FROM c WHERE i < 64) SELECT i FROM c)");
  });
  EXPECT_NE(std::string(full.what()).find("full"), std::string::npos) << full.what();
  EXPECT_FALSE(conn.over_budget());
  conn.exec("INSERT INTO t VALUES (randomblob(1000))");  // what fits still runs
}

TEST(HostileMigration, AFileNameWithALineBreakIsNoMigration) {
  TempDir project;
  write_file(project / "migrations/1_a\nCREATE TABLE pwned (x); --.sql", "-- migrate:up\nSELECT 1;\n");
  const Error e = error_of([&] { load_directory(project / "migrations"); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_NE(std::string(e.what()).find("1_a\\nCREATE TABLE pwned (x); --.sql: a file name with a line break"),
            std::string::npos) << e.what();
}

TEST(HostileMigration, ADumpWritesAHistoryNameOnItsCommentLine) {
  TempDir project;
  write_file(project / "migrations/1_a.sql", "-- migrate:up\nCREATE TABLE a (x);\n-- migrate:down\nDROP TABLE a;\n");
  const std::string db = project / "app.db";
  ParityMigrator(Target{Endpoint::sqlite(db)}, load_directory(project / "migrations")).up({});
  {
    sqlite::Connection conn(db, sqlite::OpenMode::read_write_existing, std::chrono::milliseconds(0));
    conn.exec("UPDATE strata_migrations SET name = 'a' || char(10) || 'CREATE TABLE pwned (x);'");
  }
  const SchemaDump d = Migrator(Target{Endpoint::sqlite(db)}, load_directory(project / "migrations")).dump();
  EXPECT_EQ(d.sql.find("\nCREATE TABLE pwned"), std::string::npos) << d.sql;
  EXPECT_NE(d.sql.find("a\\nCREATE TABLE pwned (x);"), std::string::npos) << d.sql;
}

}  // namespace
}  // namespace strata::migrate
