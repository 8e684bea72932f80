#include "migrate/model/flyway_config.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "test_util.h"

namespace strata::migrate {
namespace {

using strata::testing::TempDir;
using strata::testing::write_file;

// A Spring Boot project: the migrations in src/main/resources/db/migration.
struct SpringProject {
  TempDir tmp;
  std::string resources = tmp / "src/main/resources";
  std::string migrations = resources + "/db/migration";
  SpringProject() { write_file(migrations + "/V1__init.sql", "CREATE TABLE a (id int);\n"); }
  std::optional<NamedTable> table() const { return flyway_table_of_project({migrations}, tmp.path()); }
};

TEST(FlywayConfigTest, SpringPropertiesNamedForFlyway) {
  SpringProject p;
  write_file(p.resources + "/hawkbit-jpa-flyway-defaults.properties",
             "# Flyway DDL\nspring.flyway.enabled=true\nspring.flyway.table=schema_version\n");
  const auto t = p.table();
  ASSERT_TRUE(t);
  EXPECT_EQ(t->name, "schema_version");
  EXPECT_EQ(t->named_by, "src/main/resources/hawkbit-jpa-flyway-defaults.properties:3");
}

TEST(FlywayConfigTest, PropertiesSeparatorsAndSpringDefault) {
  SpringProject p;
  write_file(p.resources + "/application.properties", "! comment\nspring.flyway.table : ${FLYWAY_TABLE:history}\n");
  ASSERT_TRUE(p.table());
  EXPECT_EQ(p.table()->name, "history");
  write_file(p.resources + "/application.properties", "spring.flyway.table=${FLYWAY_TABLE}\n");
  EXPECT_FALSE(p.table()) << "a bare placeholder names nothing";
}

TEST(FlywayConfigTest, YamlNestedAndDotted) {
  SpringProject p;
  write_file(p.resources + "/application.yml",
             "spring:\n  datasource:\n    table: not_this\n  flyway:\n    enabled: true\n    table: 'schema_version' # as 4.x\n");
  ASSERT_TRUE(p.table());
  EXPECT_EQ(p.table()->name, "schema_version");
  EXPECT_EQ(p.table()->named_by, "src/main/resources/application.yml:6");
  write_file(p.resources + "/application.yml", "spring.flyway:\n  table: dotted\n");
  ASSERT_TRUE(p.table());
  EXPECT_EQ(p.table()->name, "dotted");
  write_file(p.resources + "/application.yml", "spring:\n  datasource:\n    table: not_this\n");
  EXPECT_FALSE(p.table()) << "only Flyway's key counts";
}

TEST(FlywayConfigTest, FlywayConfAndTomlAtTheProjectTop) {
  TempDir tmp;
  write_file(tmp / "sql/V1__init.sql", "CREATE TABLE a (id int);\n");
  write_file(tmp / "flyway.toml", "[environments.default]\nurl = \"x\"\n\n[flyway]\ntable = \"fw_history\"\n");
  auto t = flyway_table_of_project({tmp / "sql"}, tmp.path());
  ASSERT_TRUE(t);
  EXPECT_EQ(t->name, "fw_history");
  EXPECT_EQ(t->named_by, "flyway.toml:5");
  write_file(tmp / "conf/flyway.conf", "flyway.url=jdbc:x\nflyway.table=conf_history\n");
  std::filesystem::remove(tmp / "flyway.toml");
  t = flyway_table_of_project({tmp / "sql"}, tmp.path());
  ASSERT_TRUE(t);
  EXPECT_EQ(t->name, "conf_history");
}

TEST(FlywayConfigTest, NearestFolderWinsAndNothingAboveTheProject) {
  TempDir tmp;
  write_file(tmp / "flyway.conf", "flyway.table=outside\n");
  const std::string project = tmp / "app";
  write_file(project + "/db/V1__init.sql", "CREATE TABLE a (id int);\n");
  EXPECT_FALSE(flyway_table_of_project({project + "/db"}, project)) << "a file above the project is not read";
  write_file(project + "/flyway.conf", "flyway.table=top\n");
  write_file(project + "/db/flyway.conf", "flyway.table=near\n");
  ASSERT_TRUE(flyway_table_of_project({project + "/db"}, project));
  EXPECT_EQ(flyway_table_of_project({project + "/db"}, project)->name, "near");
}

TEST(FlywayConfigTest, ANameThatIsNotATableIsRefusedNamingTheLine) {
  SpringProject p;
  write_file(p.resources + "/application.properties", "\nspring.flyway.table=x; DROP TABLE a\n");
  try {
    p.table();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid_input);
    EXPECT_NE(std::string(e.what()).find("src/main/resources/application.properties:2: Flyway's table"), std::string::npos)
        << e.what();
  }
}

TEST(FlywayConfigTest, GivenNameWinsAndIsChecked) {
  SpringProject p;
  write_file(p.resources + "/application.properties", "spring.flyway.table=schema_version\n");
  ForeignHistoryTables tables;
  name_flyway_history(tables, "", {p.migrations}, p.tmp.path());
  EXPECT_EQ(tables.flyway, "schema_version");
  name_flyway_history(tables, "given_one", {p.migrations}, p.tmp.path());
  EXPECT_EQ(tables.flyway, "given_one");
  EXPECT_THROW(name_flyway_history(tables, "a b", {p.migrations}, p.tmp.path()), Error);
  ForeignHistoryTables none;
  name_flyway_history(none, "", {p.tmp / "elsewhere"}, p.tmp.path());
  EXPECT_EQ(none.flyway, "flyway_schema_history");
  EXPECT_EQ(none.flyway_named_by, "");
}

}  // namespace
}  // namespace strata::migrate
