#include <gtest/gtest.h>

#include <string>

#include "migrate/engines/sqlite/sqlite_engine.h"

namespace strata::migrate {
namespace {

TEST(SqliteSchemaFileTest, TheShellsInternalTablesAreLeftOutLinesKept) {
  const std::string dump =
      "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);\n"
      "CREATE TABLE sqlite_sequence(name,seq);\n"
      "CREATE TABLE sqlite_stat1(tbl,idx,stat);\n"
      "CREATE INDEX users_name ON users (name);\n";
  EXPECT_EQ(sqlite_schema_file_sql(dump),
            "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);\n\n\n"
            "CREATE INDEX users_name ON users (name);\n");
  // A user's table of a similar name stays.
  EXPECT_EQ(sqlite_schema_file_sql("CREATE TABLE sqlite_sequence_log (x);\n"), "CREATE TABLE sqlite_sequence_log (x);\n");
}

}  // namespace
}  // namespace strata::migrate
