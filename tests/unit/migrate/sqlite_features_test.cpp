#include "migrate/engines/sqlite/sqlite_features.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "common/error.h"
#include "migrate/engines/sqlite/sql_runner.h"

namespace strata::migrate {
namespace {

TEST(SqliteFeatures, VersionIsTheLibraryInUse) {
  EXPECT_EQ(sqlite_version(), sqlite3_libversion());
  EXPECT_TRUE(sqlite_version().starts_with("3."));
}

TEST(SqliteFeatures, FunctionsAddedAfter340NameTheirRelease) {
  EXPECT_EQ(newer_sqlite_hint("no such function: jsonb", "3.40.1"),
            "jsonb() needs SQLite 3.45.0 or newer; strata uses the system SQLite 3.40.1");
  EXPECT_EQ(newer_sqlite_hint("no such function: jsonb_extract", "3.40.1"),
            "jsonb_extract() needs SQLite 3.45.0 or newer; strata uses the system SQLite 3.40.1");
  EXPECT_EQ(newer_sqlite_hint("no such function: JSONB_GROUP_ARRAY", "3.40.1"),
            "jsonb_group_array() needs SQLite 3.45.0 or newer; strata uses the system SQLite 3.40.1");
  EXPECT_EQ(newer_sqlite_hint("no such function: json_pretty", "3.44.2"),
            "json_pretty() needs SQLite 3.46.0 or newer; strata uses the system SQLite 3.44.2");
  EXPECT_EQ(newer_sqlite_hint("no such function: unhex", "3.40.1"),
            "unhex() needs SQLite 3.41.0 or newer; strata uses the system SQLite 3.40.1");
  EXPECT_EQ(newer_sqlite_hint("no such function: concat_ws", "3.40.1"),
            "concat_ws() needs SQLite 3.44.0 or newer; strata uses the system SQLite 3.40.1");
  EXPECT_EQ(newer_sqlite_hint("no such function: concat", "3.40.1"),
            "concat() needs SQLite 3.44.0 or newer; strata uses the system SQLite 3.40.1");
  EXPECT_EQ(newer_sqlite_hint("no such function: string_agg", "3.40.1"),
            "string_agg() needs SQLite 3.44.0 or newer; strata uses the system SQLite 3.40.1");
  EXPECT_EQ(newer_sqlite_hint("no such function: timediff", "3.40.1"),
            "timediff() needs SQLite 3.43.0 or newer; strata uses the system SQLite 3.40.1");
  EXPECT_EQ(newer_sqlite_hint("no such function: octet_length", "3.42.0"),
            "octet_length() needs SQLite 3.43.0 or newer; strata uses the system SQLite 3.42.0");
  EXPECT_EQ(newer_sqlite_hint("no such function: if", "3.40.1"),
            "if() (an alias of iif()) needs SQLite 3.48.0 or newer; strata uses the system SQLite 3.40.1");
}

TEST(SqliteFeatures, NoHintWhenTheRunningSqliteHasTheFeature) {
  // Then the function is missing for another reason (compiled out, an extension not loaded).
  EXPECT_EQ(newer_sqlite_hint("no such function: jsonb", "3.45.0"), std::nullopt);
  EXPECT_EQ(newer_sqlite_hint("no such function: jsonb", "3.51.1"), std::nullopt);
  EXPECT_EQ(newer_sqlite_hint("near \"ORDER\": syntax error", "3.44.0"), std::nullopt);
}

TEST(SqliteFeatures, NoHintForOlderOrUnknownFunctionsAndOtherErrors) {
  EXPECT_EQ(newer_sqlite_hint("no such function: json_extract", "3.40.1"), std::nullopt);  // 3.38
  EXPECT_EQ(newer_sqlite_hint("no such function: my_udf", "3.40.1"), std::nullopt);
  EXPECT_EQ(newer_sqlite_hint("no such function: jsonbx", "3.40.1"), std::nullopt);
  EXPECT_EQ(newer_sqlite_hint("no such function: ifnull2", "3.40.1"), std::nullopt);
  EXPECT_EQ(newer_sqlite_hint("no such table: users", "3.40.1"), std::nullopt);
  EXPECT_EQ(newer_sqlite_hint("near \"TABEL\": syntax error", "3.40.1"), std::nullopt);
  EXPECT_EQ(newer_sqlite_hint("unrecognized token: \"#\"", "3.40.1"), std::nullopt);
  EXPECT_EQ(newer_sqlite_hint("no such function: jsonb", "not a version"), std::nullopt);
}

TEST(SqliteFeatures, SyntaxAddedLater) {
  EXPECT_EQ(newer_sqlite_hint("near \"ORDER\": syntax error", "3.40.1"),
            "ORDER BY inside an aggregate's arguments (group_concat(x ORDER BY y)) needs SQLite 3.44.0 or "
            "newer; strata uses the system SQLite 3.40.1");
  EXPECT_EQ(newer_sqlite_hint("unrecognized token: \"1_000\"", "3.40.1"),
            "underscores between digits (1_000_000) needs SQLite 3.46.0 or newer; strata uses the system "
            "SQLite 3.40.1");
}

// The runner attaches the hint to the error of the statement that failed.
TEST(SqliteFeatures, RunSectionErrorCarriesTheHint) {
  if (sqlite3_libversion_number() >= 3045000) GTEST_SKIP() << "this SQLite has jsonb()";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  Section s;
  s.present = true;
  s.sql = "CREATE TABLE t (j BLOB);\nINSERT INTO t VALUES (jsonb('{}'));\n";
  s.file = "m/1_x.sql";
  try {
    run_section(db, s);
    ADD_FAILURE() << "jsonb() ran on SQLite " << sqlite3_libversion();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::migration_failed);
    EXPECT_EQ(std::string(e.what()), "m/1_x.sql:2:23: no such function: jsonb");
    EXPECT_EQ(e.hint(), "jsonb() needs SQLite 3.45.0 or newer; strata uses the system SQLite " +
                            std::string(sqlite3_libversion()));
  }
  sqlite3_close(db);
}

}  // namespace
}  // namespace strata::migrate
