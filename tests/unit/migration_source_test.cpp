#include "migrate/migration_source.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace strata::migrate
