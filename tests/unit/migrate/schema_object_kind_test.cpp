// Schema object kinds: the enum, its names (dumps, messages and JSON spell them), and the kinds
// read_schema gives what SQLite stores.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "migrate/schema/schema.h"

namespace strata::migrate {
namespace {

TEST(SchemaObjectKind, EveryKindRoundTripsThroughItsName) {
  std::set<std::string> names;
  for (const ObjectKind kind : k_object_kinds) {
    const std::string name = to_string(kind);
    EXPECT_EQ(parse_object_kind(name), kind) << name;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), std::size(k_object_kinds)) << "two kinds share a name";
  EXPECT_EQ(parse_object_kind("TABLE"), std::nullopt);
  EXPECT_EQ(parse_object_kind("materialized view"), std::nullopt);
  EXPECT_EQ(parse_object_kind(""), std::nullopt);
}

// k_object_kinds lists every enumerator in declaration order, and that order is the names'
// alphabetical one: maps keyed by (kind, name) then iterate as the labels "kind name" sort.
TEST(SchemaObjectKind, KindsAreDeclaredInTheOrderOfTheirNames) {
  ASSERT_EQ(std::size(k_object_kinds), static_cast<std::size_t>(ObjectKind::view) + 1);
  for (std::size_t i = 0; i < std::size(k_object_kinds); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(k_object_kinds[i]), i);
    if (i > 0) {
      EXPECT_LT(std::string(to_string(k_object_kinds[i - 1])), std::string(to_string(k_object_kinds[i])));
    }
  }
  EXPECT_EQ(std::string(to_string(ObjectKind::table)), "table");
  EXPECT_EQ(std::string(to_string(ObjectKind::type)), "type");
}

class SchemaObjectKindSqlite : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK); }
  void TearDown() override { sqlite3_close(db_); }
  void exec(const char* sql) {
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(db_, sql, nullptr, nullptr, &error), SQLITE_OK) << (error != nullptr ? error : "");
  }
  sqlite3* db_ = nullptr;
};

TEST_F(SchemaObjectKindSqlite, ReadSchemaGivesEachObjectItsKind) {
  exec("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);"
       "CREATE INDEX users_email ON users (email);"
       "CREATE VIEW emails AS SELECT email FROM users;"
       "CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN SELECT 1; END;"
       "CREATE TABLE history (version INTEGER);"
       "CREATE INDEX history_version ON history (version);");
  const Schema schema = read_schema(db_, "history");
  std::vector<std::tuple<ObjectKind, std::string, std::string>> got;
  for (const SchemaObject& o : schema.objects) got.emplace_back(o.kind, o.name, o.table);
  const std::vector<std::tuple<ObjectKind, std::string, std::string>> want = {
      {ObjectKind::table, "users", "users"},
      {ObjectKind::index, "users_email", "users"},
      {ObjectKind::view, "emails", "emails"},
      {ObjectKind::trigger, "users_touch", "users"},
  };
  EXPECT_EQ(got, want);
  EXPECT_EQ(object_label(schema.objects[2]), "view emails");
  // The dump is each object's text as SQLite stores it, in that order.
  EXPECT_EQ(dump_schema(schema),
            "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);\n"
            "CREATE INDEX users_email ON users (email);\n"
            "CREATE VIEW emails AS SELECT email FROM users;\n"
            "CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN SELECT 1; END;\n");
}

// Differences come in the order of their labels, whatever the engine's dump order, each saying
// what kind of object it is about.
TEST_F(SchemaObjectKindSqlite, DiffsComeInTheOrderOfTheirLabels) {
  exec("CREATE TABLE t (a INTEGER);"
       "CREATE VIEW a_view AS SELECT a FROM t;"
       "CREATE TRIGGER t_touch AFTER UPDATE ON t BEGIN SELECT 1; END;"
       "CREATE INDEX t_a ON t (a);");
  const std::vector<SchemaDiff> diffs = diff_schemas(read_schema(db_, ""), Schema{});
  std::vector<std::string> objects;
  std::vector<ObjectKind> kinds;
  for (const SchemaDiff& d : diffs) {
    EXPECT_EQ(d.kind, SchemaDiff::Kind::only_expected);
    objects.push_back(d.object);
    kinds.push_back(d.object_kind);
  }
  EXPECT_EQ(objects, (std::vector<std::string>{"index t_a", "table t", "trigger t_touch", "view a_view"}));
  EXPECT_EQ(kinds, (std::vector<ObjectKind>{ObjectKind::index, ObjectKind::table, ObjectKind::trigger, ObjectKind::view}));
}

// What a difference says: MySQL's indexes, written inside the table, are named as indexes (not
// a column called KEY), and a short definition other than a table's is shown on both sides.
TEST(SchemaDiffDescription, NamesMysqlIndexesAndShowsShortDefinitions) {
  SchemaDiff table;
  table.object = "table t";
  table.detail = "CREATE TABLE `t` (`a` int, `b` int, KEY `t_a` (`a`), UNIQUE KEY `t_u` (`b`))\n"
                 "CREATE TABLE `t` (`a` int, `b` int, KEY `t_a` (`a`,`b`), UNIQUE KEY `t_u` (`b`))";
  const std::string said = describe(table, "the migrations", "the live database");
  EXPECT_NE(said.find("index t_a: `KEY `t_a` (`a`)` in the migrations"), std::string::npos) << said;
  EXPECT_EQ(said.find("column KEY"), std::string::npos) << said;
  SchemaDiff index;
  index.object = "index users_email";
  index.object_kind = ObjectKind::index;
  index.detail = "CREATE INDEX users_email ON users (email)\nCREATE UNIQUE INDEX users_email ON users (email)";
  EXPECT_EQ(describe(index, "the migrations", "the live database"),
            "index users_email: `CREATE INDEX users_email ON users (email)` in the migrations, "
            "`CREATE UNIQUE INDEX users_email ON users (email)` in the live database");
}

}  // namespace
}  // namespace strata::migrate
