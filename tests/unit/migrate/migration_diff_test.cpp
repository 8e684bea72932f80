// `migrate diff`'s core (migrate/schema/schema_changes.h, ddl_writer.h, migration_diff.h) on SQLite:
// how tables are read and compared, rename candidates, the SQL drafted, and the proof that the
// draft gives the desired schema.
#include "migrate/diff/migration_diff.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "migrate/check/lint.h"
#include "migrate/engines/engines.h"
#include "migrate/model/migration_source.h"
#include "migrate/schema/schema.h"
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

// SQLite keeps a CREATE TABLE's comments in the text it stores: they are not columns (issue 35).
const char* const k_commented_table =
    "CREATE TABLE users ( -- the people\n"
    "  -- the key\n"
    "  id integer PRIMARY KEY,\n"
    "  name text NOT NULL DEFAULT '--', -- the user's name, (shown)\n"
    "  /* a block comment, with a comma */ email text /* after */\n"
    "  -- last\n"
    ")";

TEST(DiffTableShape, CommentsAreNotColumns) {
  const auto t = table_shape(k_commented_table, *engine(DriverKind::sqlite).dialect);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->header, "CREATE TABLE users");
  ASSERT_EQ(t->parts.size(), 3u);
  EXPECT_EQ(t->parts[0].key, "column id");
  EXPECT_EQ(t->parts[0].text, "id integer PRIMARY KEY");
  EXPECT_EQ(t->parts[1].text, "name text NOT NULL DEFAULT '--'") << "a string keeps its dashes";
  EXPECT_EQ(t->parts[2].text, "email text");
  // MySQL's conditional comments are what the server runs: kept.
  const auto m = table_shape("CREATE TABLE `t` (`a` int NOT NULL /*!80023 INVISIBLE */) ENGINE=InnoDB",
                             *engine(DriverKind::mysql).dialect);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->parts.at(0).text, "a int NOT NULL /*!80023 INVISIBLE */");
}

// The schema of an in-memory SQLite database made by `sql`, read as drift reads it.
Schema sqlite_schema(const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  Schema s = read_schema(db, "strata_migrations");
  sqlite3_close(db);
  return s;
}

TEST(DiffSchemas, CommentsInATableAreNoDifference) {
  const Schema commented = sqlite_schema(k_commented_table);
  EXPECT_TRUE(diff_schemas(commented, sqlite_schema("CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL "
                                                    "DEFAULT '--', email text)"))
                  .empty());
  const std::vector<SchemaDiff> d = diff_schemas(commented, sqlite_schema("CREATE TABLE users (id integer PRIMARY KEY, "
                                                                          "name text NOT NULL DEFAULT '--')"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(describe(d[0], "the migrations", "the live database"),
            "table users: column email `email text` only in the migrations");
  EXPECT_NE(dump_schema(commented).find("-- the user's name, (shown)"), std::string::npos) << "a dump keeps SQLite's text";
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

TEST_F(MigrationDiffTest, ATableWithCommentsGetsItsColumnAdded) {
  migration("1", std::string(k_commented_table) + ";");
  const DiffDraft same = draft("CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL DEFAULT '--', email text);");
  EXPECT_TRUE(same.empty()) << same.up.sql;
  const std::string wanted = std::string(k_commented_table).insert(std::string(k_commented_table).rfind("/* after */") + 11, ",\n  note text");
  const DiffDraft d = draft(wanted + ";");
  EXPECT_EQ(d.changes, 1u);
  EXPECT_NE(d.up.sql.find("ALTER TABLE users ADD COLUMN note text;"), std::string::npos) << d.up.sql;
  EXPECT_NE(d.down.sql.find("ALTER TABLE users DROP COLUMN note;"), std::string::npos) << d.down.sql;
  EXPECT_TRUE(d.unproven.empty()) << d.unproven.front();
}

// dbmate's schema.sql creates its history table and fills it; a dump of a database strata manages
// creates strata's: neither is the schema (issue 35).
TEST_F(MigrationDiffTest, HistoryTablesInTheDesiredSchemaAreLeftOut) {
  migration("1", "CREATE TABLE t (id integer PRIMARY KEY);");
  const DiffDraft d = draft(
      "CREATE TABLE IF NOT EXISTS \"schema_migrations\" (version varchar(128) primary key);\n"
      "CREATE TABLE strata_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
      "CREATE TABLE t (id integer PRIMARY KEY);\n"
      "-- Dbmate schema migrations\n"
      "INSERT INTO \"schema_migrations\" (version) VALUES\n  ('1');\n");
  EXPECT_TRUE(d.empty()) << d.up.sql;
  // A schema_migrations table the migrations create is the user's.
  migration("2", "CREATE TABLE schema_migrations (version varchar(128) primary key);");
  EXPECT_TRUE(draft("CREATE TABLE t (id integer PRIMARY KEY);\nCREATE TABLE schema_migrations (version varchar(128) primary key);\n")
                  .empty());
  EXPECT_NE(draft("CREATE TABLE t (id integer PRIMARY KEY);").up.sql.find("DROP TABLE schema_migrations"), std::string::npos);
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

// A generated column holds nothing its table's other columns do not: the down that leaves one
// out (a rebuild, as SQLite's DROP COLUMN rewrites a generated column's text) loses no data.
TEST_F(MigrationDiffTest, AGeneratedColumnLeftOutIsNotDestructive) {
  migration("1", "CREATE TABLE t (id integer PRIMARY KEY, a integer);");
  const DiffDraft d = draft("CREATE TABLE t (id integer PRIMARY KEY, a integer, b integer GENERATED ALWAYS AS (a * 2) VIRTUAL);");
  EXPECT_NE(d.up.sql.find("ALTER TABLE t ADD COLUMN b integer GENERATED ALWAYS AS (a * 2) VIRTUAL;"), std::string::npos)
      << d.up.sql;
  EXPECT_TRUE(d.down.destructive.empty()) << d.down.destructive.front();
  EXPECT_EQ(d.down.sql.find("destructive"), std::string::npos) << d.down.sql;
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
