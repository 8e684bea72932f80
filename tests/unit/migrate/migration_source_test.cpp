#include "migrate/run/history.h"
#include "migrate/model/migration_source.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "common/error.h"
#include "test_util.h"

namespace strata::migrate {
namespace {

using strata::testing::error_of;
using strata::testing::TempDir;
using strata::testing::write_file;

constexpr const char* k_migration = "-- migrate:up\nCREATE TABLE a (x);\n-- migrate:down\nDROP TABLE a;\n";

// Regression: a directory named like a migration was skipped, so `up` reported "up to date"
// with a migration left out.
TEST(MigrationSourceTest, DirectoryNamedLikeAMigrationIsRefused) {
  TempDir tmp;
  write_file(tmp / "migrations/1_create_a_table.sql", k_migration);
  std::filesystem::create_directories(tmp / "migrations/2_create_b_table.sql");
  const Error e = error_of([&] { load_directory(tmp / "migrations"); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_NE(std::string(e.what()).find("2_create_b_table.sql: is a directory"), std::string::npos) << e.what();
}

TEST(MigrationSourceTest, DanglingLinkNamedLikeAMigrationIsRefused) {
  TempDir tmp;
  write_file(tmp / "migrations/1_create_a_table.sql", k_migration);
  std::filesystem::create_symlink(tmp / "gone.sql", tmp / "migrations/2_create_b_table.sql");
  const Error e = error_of([&] { load_directory(tmp / "migrations"); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_NE(std::string(e.what()).find("2_create_b_table.sql: is not a regular file"), std::string::npos)
      << e.what();
}

TEST(MigrationSourceTest, OtherFilesAndDirectoriesAreIgnored) {
  TempDir tmp;
  write_file(tmp / "migrations/1_create_a_table.sql", k_migration);
  write_file(tmp / "migrations/README.md", "notes");
  std::filesystem::create_directories(tmp / "migrations/archive");
  EXPECT_EQ(load_directory(tmp / "migrations").migrations.size(), 1u);
}

// Several directories (dbmate's repeated --migrations-dir) are one set, ordered by version
// whichever directory a file is in.
TEST(MigrationSourceTest, SeveralDirectoriesMergeInVersionOrder) {
  TempDir tmp;
  write_file(tmp / "init/0001_create_a_table.sql", k_migration);
  write_file(tmp / "init/0003_c.up.sql", "CREATE TABLE c (x);");
  write_file(tmp / "init/0003_c.down.sql", "DROP TABLE c;");
  write_file(tmp / "migrations/0002_b.sql", "-- migrate:up\nCREATE TABLE b (x);\n");
  write_file(tmp / "migrations/0004_d.sql", "-- migrate:up\nCREATE TABLE d (x);\n");
  const MigrationSet set = load_directories({tmp / "migrations", tmp / "init"});
  ASSERT_TRUE(set.problems.empty()) << set.problems[0].describe();
  ASSERT_EQ(set.migrations.size(), 4u);
  EXPECT_EQ(set.migrations[0].file, tmp / "init/0001_create_a_table.sql");
  EXPECT_EQ(set.migrations[1].file, tmp / "migrations/0002_b.sql");
  EXPECT_EQ(set.migrations[2].file, tmp / "init/0003_c.up.sql");
  EXPECT_EQ(set.migrations[2].down.file, tmp / "init/0003_c.down.sql");
  EXPECT_EQ(set.migrations[3].file, tmp / "migrations/0004_d.sql");
  EXPECT_NE(set.find(4), nullptr);
}

TEST(MigrationSourceTest, SameVersionInTwoDirectoriesNamesBothFiles) {
  TempDir tmp;
  write_file(tmp / "a/1_create_a_table.sql", k_migration);
  write_file(tmp / "b/001_other.sql", "-- migrate:up\nCREATE TABLE o (x);\n");
  write_file(tmp / "b/2_x.up.sql", "CREATE TABLE x (y);");
  write_file(tmp / "a/2_x.up.sql", "CREATE TABLE x (y);");
  const MigrationSet set = load_directories({tmp / "a", tmp / "b"});
  ASSERT_EQ(set.problems.size(), 2u);
  for (const Problem& p : set.problems) EXPECT_EQ(p.code, "duplicate-version") << p.describe();
  EXPECT_EQ(set.problems[0].file, tmp / "b/001_other.sql");
  EXPECT_NE(set.problems[0].message.find(tmp / "a/1_create_a_table.sql"), std::string::npos)
      << set.problems[0].message;
  EXPECT_EQ(set.problems[1].file, tmp / "b/2_x.up.sql");
  EXPECT_NE(set.problems[1].message.find(tmp / "a/2_x.up.sql"), std::string::npos) << set.problems[1].message;
  const Error e = error_of([&] { set.require_valid(); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
}

// A pair's halves join within one directory only: a .down.sql elsewhere is not its down.
TEST(MigrationSourceTest, PairHalvesInDifferentDirectoriesDoNotJoin) {
  TempDir tmp;
  write_file(tmp / "a/5_x.up.sql", "CREATE TABLE x (y);");
  write_file(tmp / "b/5_x.down.sql", "DROP TABLE x;");
  const MigrationSet set = load_directories({tmp / "a", tmp / "b"});
  ASSERT_EQ(set.problems.size(), 1u);
  EXPECT_EQ(set.problems[0].file, tmp / "b/5_x.down.sql");
  EXPECT_NE(set.problems[0].message.find("no matching .up.sql"), std::string::npos);
}

TEST(MigrationSourceTest, MissingSecondDirectoryIsInvalidInput) {
  TempDir tmp;
  write_file(tmp / "a/1_create_a_table.sql", k_migration);
  const Error e = error_of([&] { load_directories({tmp / "a", tmp / "nope"}); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_EQ(std::string(e.what()).rfind(tmp / "nope: migrations directory does not exist", 0), 0u) << e.what();
}

// The real sets keep dbmate's schema.sql beside the migrations: skipped (never read, so not even
// a directory of that name is refused) and listed for `check`.
TEST(MigrationSourceTest, SqlFilesNotNamedLikeMigrationsAreIgnoredAndListed) {
  TempDir tmp;
  write_file(tmp / "migrations/1_create_a_table.sql", k_migration);
  write_file(tmp / "migrations/schema.sql", "CREATE TABLE a (x);\n");
  std::filesystem::create_directories(tmp / "migrations/old.sql");
  const MigrationSet set = load_directory(tmp / "migrations");
  EXPECT_TRUE(set.problems.empty()) << set.problems[0].describe();
  EXPECT_EQ(set.migrations.size(), 1u);
  std::vector<std::string> ignored = set.ignored;
  std::sort(ignored.begin(), ignored.end());
  EXPECT_EQ(ignored, (std::vector<std::string>{tmp / "migrations/old.sql", tmp / "migrations/schema.sql"}));
}

TEST(MigrationSourceTest, RepeatableMigrationsAreReadBesideTheVersionedOnes) {
  const MigrationSet set = load_files({{"1_users.sql", "-- migrate:up\nCREATE TABLE users (id int);\n"},
                                       {"R__views.sql", "CREATE VIEW v AS SELECT 1;\n"},
                                       {"R__funcs.sql", "-- migrate:up transaction:false\nSELECT 1;\n-- migrate:down\n"},
                                       {"schema.sql", "CREATE TABLE x (id int);\n"}},
                                      "m");
  EXPECT_TRUE(set.problems.empty()) << set.problems.front().describe();
  ASSERT_EQ(set.migrations.size(), 1u);
  ASSERT_EQ(set.repeatables.size(), 2u);
  EXPECT_EQ(set.repeatables[0].name, "funcs");
  EXPECT_EQ(set.repeatables[0].label(), "R__funcs");
  EXPECT_FALSE(set.repeatables[0].up.transaction);
  EXPECT_FALSE(set.repeatables[0].down.present);
  EXPECT_EQ(set.repeatables[1].up.sql, "CREATE VIEW v AS SELECT 1;\n");
  EXPECT_EQ(set.repeatables[1].up.first_line, 1u);
  EXPECT_TRUE(set.repeatables[1].repeatable);
  EXPECT_EQ(set.ignored, std::vector<std::string>{"m/schema.sql"});
}

TEST(MigrationSourceTest, ARepeatableMigrationWithADownIsAProblem) {
  const MigrationSet set = load_files({{"R__v.sql", "-- migrate:up\nCREATE VIEW v AS SELECT 1;\n-- migrate:down\nDROP VIEW v;\n"}}, "m");
  ASSERT_EQ(set.problems.size(), 1u);
  EXPECT_EQ(set.problems[0].describe(), "m/R__v.sql:3: a repeatable migration is never rolled back: remove its down section");
  EXPECT_TRUE(set.repeatables.empty());
}

TEST(MigrationSourceTest, RepeatableVersionsAreNegativeAndStable) {
  EXPECT_LT(repeatable_version("views"), 0);
  EXPECT_EQ(repeatable_version("views"), repeatable_version("views"));
  EXPECT_NE(repeatable_version("views"), repeatable_version("funcs"));
}

}  // namespace
}  // namespace strata::migrate
