// `migrate new`: snake_case names, naming advice, and the file create_migration writes.
#include "migrate/model/new_migration.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "common/error.h"
#include "test_util.h"

namespace strata {
namespace {

namespace fs = std::filesystem;
using migrate::create_migration;
using migrate::naming_advice;
using migrate::require_snake_case;

// 2026-01-02 03:04:05 UTC
std::chrono::system_clock::time_point fixed_time() {
  using namespace std::chrono;
  return sys_days{year{2026} / January / 2} + hours{3} + minutes{4} + seconds{5};
}

using strata::testing::error_of;

TEST(NewMigrationTest, SnakeCaseNamesAreAccepted) {
  for (const char* name : {"create_users_table", "a", "add_col2_to_t", "v2_fix", "x1"}) {
    EXPECT_NO_THROW(require_snake_case(name)) << name;
  }
}

TEST(NewMigrationTest, NonSnakeCaseNamesAreUsageErrors) {
  for (const char* name : {"", "CreateUsers", "create-users", "1create_users", "_create_users",
                           "create__users", "create_users_", "create users", "create.users",
                           "cr\xC3\xA9" "er_users", "create_Users"}) {
    const Error e = error_of([&] { require_snake_case(name); });
    EXPECT_EQ(e.code(), ExitCode::usage) << "'" << name << "'";
    EXPECT_NE(std::string(e.what()).find("snake_case"), std::string::npos) << e.what();
  }
}

TEST(NewMigrationTest, RejectionHintSuggestsASnakeCaseName) {
  EXPECT_NE(error_of([] { require_snake_case("Create-Users-Table"); }).hint().find("create_users_table"),
            std::string::npos);
  EXPECT_NE(error_of([] { require_snake_case("add status to orders"); }).hint().find("add_status_to_orders"),
            std::string::npos);
  EXPECT_NE(error_of([] { require_snake_case("create__users_"); }).hint().find("create_users"),
            std::string::npos);
  const Error e = error_of([] { require_snake_case("Drop Legacy"); });
  EXPECT_NE(e.hint().find("strata migrate new drop_legacy"), std::string::npos) << e.hint();
  // The suggestion itself must pass the check.
  EXPECT_NO_THROW(require_snake_case("drop_legacy"));
}

// With nothing usable to suggest (or a suggestion that would be invalid again, like "1abc"),
// the hint shows the convention instead of a command that would fail.
TEST(NewMigrationTest, GenericHintWhenNothingUsableRemains) {
  for (const char* bad : {"---", "1abc"}) {
    const Error e = error_of([bad] { require_snake_case(bad); });
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_EQ(e.hint().find("strata migrate new"), std::string::npos) << e.hint();
    EXPECT_NE(e.hint().find("create_users_table"), std::string::npos) << e.hint();
  }
}

TEST(NewMigrationTest, ConventionalNamesNeedNoAdvice) {
  for (const char* name : {"create_users_table", "add_status_to_orders_table",
                           "drop_legacy_column_from_users", "create_users_email_index",
                           "rename_users_to_accounts", "remove_flag_from_orders"}) {
    EXPECT_EQ(naming_advice(name), std::nullopt) << name;
  }
}

TEST(NewMigrationTest, UnconventionalNamesGetAdvice) {
  for (const char* name : {"users", "create_users", "add_status", "stuff_for_release", "create"}) {
    const auto advice = naming_advice(name);
    ASSERT_TRUE(advice.has_value()) << name;
    EXPECT_NE(advice->find(name), std::string::npos) << *advice;
  }
}

TEST(NewMigrationTest, AdviceSuggestsTheConventionalForm) {
  EXPECT_NE(naming_advice("create_users")->find("create_users_table"), std::string::npos);
  EXPECT_NE(naming_advice("add_status")->find("_to_"), std::string::npos);
  EXPECT_NE(naming_advice("users")->find("create_users_table"), std::string::npos);
}

class NewMigrationFileTest : public ::testing::Test {
 protected:
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(tmp_.path(), ec);
  }
  testing::TempDir tmp_;
};

TEST_F(NewMigrationFileTest, WritesVersionedFileWithBothMarkers) {
  const std::string dir = tmp_ / "db/migrations";
  ASSERT_FALSE(fs::exists(dir));
  const migrate::NewMigration m = create_migration(dir, "create_users_table", fixed_time());
  EXPECT_TRUE(fs::is_directory(dir)) << "the directory is created";
  EXPECT_EQ(fs::path(m.path).filename().string(), "20260102030405_create_users_table.sql");
  EXPECT_EQ(fs::path(m.path).parent_path(), fs::path(dir));
  ASSERT_TRUE(fs::is_regular_file(m.path));
  EXPECT_EQ(m.advice, std::nullopt);

  const std::string content = testing::read_file(m.path);
  const std::size_t up = content.find("-- migrate:up");
  const std::size_t down = content.find("-- migrate:down");
  ASSERT_NE(up, std::string::npos) << content;
  ASSERT_NE(down, std::string::npos) << content;
  EXPECT_LT(up, down);
  EXPECT_EQ(content.find("-- migrate:up", up + 1), std::string::npos) << "one up marker";
  EXPECT_EQ(content.find('\r'), std::string::npos);
}

TEST_F(NewMigrationFileTest, VersionIsUtcWithZeroPadding) {
  using namespace std::chrono;
  const auto t = sys_days{year{2031} / December / 31} + hours{23} + minutes{59} + seconds{58} +
                 milliseconds{999};
  const migrate::NewMigration m = create_migration(tmp_.path().string(), "add_status_to_orders_table", t);
  EXPECT_EQ(fs::path(m.path).filename().string(), "20311231235958_add_status_to_orders_table.sql");
}

TEST_F(NewMigrationFileTest, ReturnsAdviceForUnconventionalName) {
  const migrate::NewMigration m = create_migration(tmp_.path().string(), "users", fixed_time());
  EXPECT_TRUE(fs::exists(m.path)) << "advice does not stop the file being written";
  EXPECT_TRUE(m.advice.has_value());
}

TEST_F(NewMigrationFileTest, RefusesASecondFileWithTheSameVersion) {
  const std::string dir = tmp_.path().string();
  const migrate::NewMigration first = create_migration(dir, "create_users_table", fixed_time());
  testing::write_file(first.path, "-- migrate:up\nCREATE TABLE users (id INTEGER);\n-- migrate:down\nDROP TABLE users;\n");
  const std::string before = testing::read_file(first.path);

  const Error e = error_of([&] { create_migration(dir, "create_orders_table", fixed_time()); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input) << e.what();
  EXPECT_NE(std::string(e.what()).find("20260102030405"), std::string::npos) << e.what();
  EXPECT_FALSE(fs::exists(tmp_ / "20260102030405_create_orders_table.sql"));

  // Same name again is refused too and does not overwrite the edited file.
  EXPECT_THROW(create_migration(dir, "create_users_table", fixed_time()), Error);
  EXPECT_EQ(testing::read_file(first.path), before);

  // One second later is fine.
  const migrate::NewMigration next =
      create_migration(dir, "create_orders_table", fixed_time() + std::chrono::seconds(1));
  EXPECT_EQ(fs::path(next.path).filename().string(), "20260102030406_create_orders_table.sql");
}

TEST_F(NewMigrationFileTest, BadNameIsRefusedBeforeAnythingIsCreated) {
  const std::string dir = tmp_ / "migrations";
  const Error e = error_of([&] { create_migration(dir, "Create Users", fixed_time()); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_FALSE(fs::exists(dir));
}

}  // namespace
}  // namespace strata
