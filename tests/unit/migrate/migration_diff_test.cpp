// `migrate diff`'s core (migrate/schema/schema_changes.h, ddl_writer.h, migration_diff.h) on SQLite:
// how tables are read and compared, rename candidates, the SQL drafted, and the proof that the
// draft gives the desired schema.
#include "migrate/diff/migration_diff.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/error.h"
#include "migrate/check/lint.h"
#include "migrate/engines/engines.h"
#include "migrate/model/migration_source.h"
#include "migrate/schema/schema_changes.h"

namespace strata::migrate {
namespace {

namespace fs = std::filesystem;

class MigrationDiffTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("strata_diff_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                        "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "migrations");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void migration(const std::string& version, const std::string& up) {
    std::ofstream(dir_ / "migrations" / (version + "_m.sql")) << "-- migrate:up\n" << up << "\n-- migrate:down\n";
  }

  DiffDraft draft(const std::string& desired, Renames renames = {}) {
    std::ofstream(dir_ / "schema.sql") << desired;
    DiffRequest r;
    r.database = Endpoint::sqlite(":memory:");
    r.dirs = {(dir_ / "migrations").string()};
    r.desired_files = {(dir_ / "schema.sql").string()};
    r.renames = std::move(renames);
    return draft_migration(r);
  }

  fs::path dir_;
};

TEST(DiffTableShape, ColumnsAndConstraintsAreToldApart) {
  const auto t = table_shape("CREATE TABLE t (\"id\" integer PRIMARY KEY, name text NOT NULL, CONSTRAINT u UNIQUE (name), "
                             "CHECK (length(name) > 0))",
                             *engine(DriverKind::sqlite).dialect);
  ASSERT_TRUE(t.has_value());
  ASSERT_EQ(t->parts.size(), 4u);
  EXPECT_TRUE(t->parts[0].column);
  EXPECT_EQ(t->parts[0].name, "id");
  EXPECT_EQ(t->parts[1].definition(), "text NOT NULL");
  EXPECT_FALSE(t->parts[2].column);
  EXPECT_EQ(t->parts[2].key, "constraint u");
  EXPECT_FALSE(t->parts[3].column);
}

TEST(DiffTableShape, MysqlKeysAreNamedIndexes) {
  const auto t = table_shape("CREATE TABLE `t` (`id` int NOT NULL, PRIMARY KEY (`id`), UNIQUE KEY `u` (`id`), KEY `k` (`id`)) "
                             "ENGINE=InnoDB",
                             *engine(DriverKind::mysql).dialect);
  ASSERT_TRUE(t.has_value());
  ASSERT_EQ(t->parts.size(), 4u);
  EXPECT_EQ(t->parts[2].key, "key u");
  EXPECT_EQ(t->parts[3].key, "key k");
  EXPECT_EQ(t->tail, "ENGINE=InnoDB");
}

TEST(DiffComparableSql, QuotesAroundPlainNamesDoNotCount) {
  EXPECT_EQ(comparable_sql("REFERENCES \"users\"(id)"), comparable_sql("REFERENCES users(id)"));
  EXPECT_NE(comparable_sql("\"Users\""), comparable_sql("Users"));  // a case-sensitive name keeps its quotes
  EXPECT_EQ(comparable_sql("DEFAULT '\"x\"'"), "DEFAULT '\"x\"'");   // literals untouched
}

TEST(DiffMentions, WholeWordsOnly) {
  EXPECT_TRUE(mentions("SELECT id FROM Users", "users"));
  EXPECT_TRUE(mentions("ON \"users\"(email)", "users"));
  EXPECT_FALSE(mentions("SELECT id FROM users_archive", "users"));
}

TEST(DiffRenames, InvertedSwapsBothWays) {
  Renames r;
  r.tables["people"] = "users";
  r.columns["users.name"] = "full_name";
  const Renames back = r.inverted();
  EXPECT_EQ(back.tables.at("users"), "people");
  EXPECT_EQ(back.columns.at("people.full_name"), "name");
}

TEST_F(MigrationDiffTest, NoDifferenceDraftsNothing) {
  migration("1", "CREATE TABLE t (id integer PRIMARY KEY);");
  const DiffDraft d = draft("CREATE TABLE t (id integer PRIMARY KEY);");
  EXPECT_TRUE(d.empty());
  EXPECT_TRUE(d.up.sql.empty());
}

TEST_F(MigrationDiffTest, NullableColumnIsAnAlter) {
  migration("1", "CREATE TABLE t (id integer PRIMARY KEY);");
  const DiffDraft d = draft("CREATE TABLE t (id integer PRIMARY KEY, note text);");
  EXPECT_NE(d.up.sql.find("ALTER TABLE t ADD COLUMN note text;"), std::string::npos) << d.up.sql;
  EXPECT_NE(d.down.sql.find("ALTER TABLE t DROP COLUMN note;"), std::string::npos) << d.down.sql;
  EXPECT_FALSE(d.up.foreign_keys_off);
  EXPECT_TRUE(d.unproven.empty());
  ASSERT_EQ(d.down.destructive.size(), 1u);
}

TEST_F(MigrationDiffTest, NotNullWithoutDefaultRebuildsWithABackfill) {
  migration("1", "CREATE TABLE t (id integer PRIMARY KEY);\nCREATE INDEX t_id ON t (id);");
  const DiffDraft d = draft("CREATE TABLE t (id integer PRIMARY KEY, status text NOT NULL);\nCREATE INDEX t_id ON t (id);");
  EXPECT_TRUE(d.up.backfill);
  EXPECT_TRUE(d.up.foreign_keys_off);
  EXPECT_NE(d.up.sql.find(k_backfill_marker), std::string::npos);
  EXPECT_NE(d.up.sql.find("CREATE INDEX t_id ON t (id);"), std::string::npos) << "the index comes back after the rebuild";
  EXPECT_TRUE(d.unproven.empty()) << d.unproven.front();
}

TEST_F(MigrationDiffTest, ARenameIsAskedAboutThenFollowed) {
  migration("1", "CREATE TABLE users (id integer PRIMARY KEY, name text);");
  const DiffDraft asked = draft("CREATE TABLE users (id integer PRIMARY KEY, full_name text);");
  ASSERT_EQ(asked.undecided.size(), 1u);
  EXPECT_EQ(asked.undecided[0].argument(), "users.name=full_name");
  EXPECT_TRUE(asked.up.sql.empty()) << "nothing is drafted before the rename is decided";

  Renames r;
  r.columns["users.name"] = "full_name";
  const DiffDraft renamed = draft("CREATE TABLE users (id integer PRIMARY KEY, full_name text);", r);
  EXPECT_NE(renamed.up.sql.find("RENAME COLUMN name TO full_name"), std::string::npos) << renamed.up.sql;
  EXPECT_NE(renamed.down.sql.find("RENAME COLUMN full_name TO name"), std::string::npos) << renamed.down.sql;
  EXPECT_TRUE(renamed.unproven.empty());

  Renames none;
  none.none = true;
  const DiffDraft dropped = draft("CREATE TABLE users (id integer PRIMARY KEY, full_name text);", none);
  EXPECT_NE(dropped.up.sql.find("DROP COLUMN name"), std::string::npos) << dropped.up.sql;
  EXPECT_EQ(dropped.up.destructive.size(), 1u);
}

TEST_F(MigrationDiffTest, ARenameThatNamesNothingIsAUsageError) {
  migration("1", "CREATE TABLE users (id integer PRIMARY KEY, name text);");
  Renames r;
  r.columns["users.nope"] = "full_name";
  try {
    draft("CREATE TABLE users (id integer PRIMARY KEY, full_name text);", r);
    FAIL() << "expected a usage error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
  }
}

TEST_F(MigrationDiffTest, ViewsOnARebuiltTableAreMadeAgain) {
  migration("1", "CREATE TABLE t (id integer PRIMARY KEY, a integer);\nCREATE VIEW v AS SELECT id, a FROM t;");
  const DiffDraft d = draft("CREATE TABLE t (id integer PRIMARY KEY, a text);\nCREATE VIEW v AS SELECT id, a FROM t;");
  const std::size_t drop = d.up.sql.find("DROP VIEW v;");
  const std::size_t make = d.up.sql.find("CREATE VIEW v AS");
  ASSERT_NE(drop, std::string::npos) << d.up.sql;
  ASSERT_NE(make, std::string::npos) << d.up.sql;
  EXPECT_LT(drop, make);
  EXPECT_TRUE(d.unproven.empty());
}

TEST_F(MigrationDiffTest, ADesiredSchemaThatDoesNotLoadIsInvalidInput) {
  migration("1", "CREATE TABLE t (id integer PRIMARY KEY);");
  try {
    draft("CREATE TABLE t (id integer PRIMARY KEY;");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid_input);
    EXPECT_NE(std::string(e.what()).find("schema.sql:1:"), std::string::npos) << e.what();
  }
}

TEST_F(MigrationDiffTest, TheFileHoldsBothSectionsWithTheirOptions) {
  migration("1", "CREATE TABLE t (id integer PRIMARY KEY, a integer);");
  const DiffDraft d = draft("CREATE TABLE t (id integer PRIMARY KEY, a text);");
  const std::string text = migration_text(d, d.up, d.down);
  EXPECT_EQ(text.rfind("-- migrate:up foreign_keys:off\n", 0), 0u) << text;
  EXPECT_NE(text.find("\n-- migrate:down foreign_keys:off\n"), std::string::npos) << text;
}

TEST(DiffLint, AnUnfilledBackfillIsAnError) {
  Migration m;
  m.up.present = true;
  m.up.sql = "ALTER TABLE t ADD COLUMN s text;\n-- strata:backfill: give the rows...\nUPDATE t SET s = NULL;\n";
  m.up.first_line = 2;
  m.up.file = "m.sql";
  bool found = false;
  for (const LintFinding& f : lint_migration(m)) {
    if (f.code == "unfilled-backfill") {
      found = true;
      EXPECT_TRUE(f.error);
      EXPECT_EQ(f.line, 3u);
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace strata::migrate
