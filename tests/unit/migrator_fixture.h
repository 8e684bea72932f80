#pragma once
// The fixture of the migrator suites: a migrations folder and a fresh database per test, run once
// per driver (Suite.X/SQLite, Suite.X/PostgreSQL and Suite.X/MySQL; a server engine skips without
// a test server: test_db.h).
// Every up, down and redo a test runs through migrator() runs as a dry run too, which must
// record what the real run executes (dry_run_parity.h).
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "dry_run_parity.h"
#include "migrate/model/migration_source.h"
#include "migrate/run/migrator.h"
#include "test_db.h"
#include "test_util.h"

namespace strata::migrate {

class MigratorFixture : public ::testing::TestWithParam<DriverKind> {
 protected:
  void SetUp() override {
    if (!db_.available()) GTEST_SKIP() << db_.skip_reason();
  }
  std::string dir() const { return tmp_ / "migrations"; }
  const strata::testing::TestDatabase& db() const { return db_; }
  bool sqlite() const { return GetParam() == DriverKind::sqlite; }
  bool mysql() const { return GetParam() == DriverKind::mysql; }

  void add(const std::string& file, const std::string& content) {
    strata::testing::write_file(dir() + "/" + file, content);
  }
  void add_table(const std::string& version, const std::string& table) {
    add(version + "_create_" + table + "_table.sql",
        "-- migrate:up\nCREATE TABLE " + table + " (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE " +
            table + ";\n");
  }
  ParityMigrator migrator(std::chrono::milliseconds lock = std::chrono::seconds(5)) {
    return ParityMigrator(Target{db_.endpoint(), "strata_migrations", lock}, load_directory(dir()));
  }
  std::string history_count() { return db_.query_one("SELECT count(*) FROM strata_migrations"); }

  strata::testing::TempDir tmp_;
  strata::testing::TestDatabase db_{GetParam(), tmp_};
};

}  // namespace strata::migrate
