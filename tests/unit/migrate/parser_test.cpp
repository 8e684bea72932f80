#include "migrate/model/migration_parser.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "common/text.h"
#include "migrate/model/migration_source.h"
#include "test_util.h"

namespace strata::migrate {
namespace {

std::optional<Migration> parse(const std::string& content, std::vector<Problem>& problems) {
  const auto name = parse_file_name("20260101000000_create_users_table.sql");
  return parse_single_file(*name, "m/20260101000000_create_users_table.sql", content, problems);
}

TEST(ParseFileName, AcceptsTimestampsNumbersAndPairs) {
  auto n = parse_file_name("20260101120000_create_users_table.sql");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->version, 20260101120000);
  EXPECT_EQ(n->name, "create_users_table");
  EXPECT_EQ(n->kind, FileKind::single);

  n = parse_file_name("001_init.up.sql");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->version, 1);
  EXPECT_EQ(n->version_text, "001");
  EXPECT_EQ(n->kind, FileKind::up_half);
  EXPECT_EQ(parse_file_name("001_init.down.sql")->kind, FileKind::down_half);
}

// dbmate's `^(\d+).*\.sql$`: the version is the leading digits, kept as spelt; the name is what
// follows one `_` or `-`, dots and hyphens included, and may be empty.
TEST(ParseFileName, AcceptsEveryNameDbmateAccepts) {
  struct Case {
    const char* file;
    Version version;
    const char* version_text;
    const char* name;
  };
  for (const Case& c : {Case{"00000000000001-initial-schema.sql", 1, "00000000000001", "initial-schema"},
                        Case{"20240101000000.sql", 20240101000000, "20240101000000", ""},
                        Case{"20240101_add.c.table.sql", 20240101, "20240101", "add.c.table"},
                        Case{"12.sql", 12, "12", ""},
                        Case{"12_.sql", 12, "12", ""},
                        Case{"1_a.b.sql", 1, "1", "a.b"},
                        Case{"3-init.up.sql", 3, "3", "init.up"},  // no '_': not golang-migrate's
                        Case{"7.5_x.sql", 7, "7", ".5_x"},
                        Case{"123456789012345678_max.sql", 123456789012345678, "123456789012345678", "max"}}) {
    const auto n = parse_file_name(c.file);
    ASSERT_TRUE(n) << c.file;
    EXPECT_EQ(n->kind, FileKind::single) << c.file;
    EXPECT_EQ(n->version, c.version) << c.file;
    EXPECT_EQ(n->version_text, c.version_text) << c.file;
    EXPECT_EQ(n->name, c.name) << c.file;
  }
}

// golang-migrate's `^([0-9]+)_(.*)\.(down|up)\.(.*)$`: the greedy name makes the last `.up.` or
// `.down.` decide.
TEST(ParseFileName, GolangMigrateHalvesSplitAtTheLastUpOrDown) {
  struct Case {
    const char* file;
    FileKind kind;
    const char* version_text;
    const char* name;
  };
  for (const Case& c : {Case{"0015_1.10.0_schema.up.sql", FileKind::up_half, "0015", "1.10.0_schema"},
                        Case{"0015_1.10.0_schema.down.sql", FileKind::down_half, "0015", "1.10.0_schema"},
                        Case{"30_ignore_autotag.up..sql", FileKind::up_half, "30", "ignore_autotag"},
                        Case{"5_flags..up.sql", FileKind::up_half, "5", "flags."},
                        Case{"1_a.up.b.down.sql", FileKind::down_half, "1", "a.up.b"},
                        Case{"1_a.down.b.up.sql", FileKind::up_half, "1", "a.down.b"},
                        Case{"1_.up.sql", FileKind::up_half, "1", ""},
                        Case{"2_x.up.pg.sql", FileKind::up_half, "2", "x"}}) {
    const auto n = parse_file_name(c.file);
    ASSERT_TRUE(n) << c.file;
    EXPECT_EQ(n->kind, c.kind) << c.file;
    EXPECT_EQ(n->version_text, c.version_text) << c.file;
    EXPECT_EQ(n->name, c.name) << c.file;
  }
}

TEST(ParseFileName, RejectsOtherNames) {
  for (const char* bad : {"init.sql", "_init.sql", "abc_init.sql", "schema.sql", ".sql", "-1_a.sql",
                          "1234567890123456789_too_long.sql", "1_init.txt", "1_init.up.sql.bak", "1_a/b.sql"}) {
    EXPECT_FALSE(parse_file_name(bad)) << bad;
  }
}

TEST(DownFileOf, NamesThePairsDownHalf) {
  Migration m;
  m.file = "db/v1.up.d/0015_1.10.0_schema.up.sql";
  EXPECT_EQ(down_file_of(m), "db/v1.up.d/0015_1.10.0_schema.down.sql");
  m.file = "m/30_ignore_autotag.up..sql";
  EXPECT_EQ(down_file_of(m), "m/30_ignore_autotag.down..sql");
}

TEST(ParseSingleFile, SplitsSectionsAndTracksLines) {
  std::vector<Problem> problems;
  const auto m = parse(
      "-- a comment before the marker is fine\n"
      "-- migrate:up\n"
      "CREATE TABLE t (x);\n"
      "\n"
      "-- migrate:down\n"
      "DROP TABLE t;\n",
      problems);
  ASSERT_TRUE(m) << (problems.empty() ? "" : problems[0].describe());
  EXPECT_EQ(m->up.first_line, 3u);
  EXPECT_NE(m->up.sql.find("CREATE TABLE t (x);"), std::string::npos);
  EXPECT_EQ(m->down.first_line, 6u);
  EXPECT_NE(m->down.sql.find("DROP TABLE t;"), std::string::npos);
  EXPECT_TRUE(m->up.transaction);
  EXPECT_EQ(m->checksum.size(), 64u);
}

TEST(ParseSingleFile, ReadsMarkerOptions) {
  std::vector<Problem> problems;
  const auto m = parse(
      "-- migrate:up transaction:false\nVACUUM;\n-- migrate:down foreign_keys:off\nSELECT 1;\n",
      problems);
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->up.transaction);
  EXPECT_TRUE(m->down.foreign_keys_off);
  EXPECT_TRUE(m->down.transaction);
}

// dbmate's marker is `^--\s*migrate:up(\s*$|\s+\S+)`: the space after `--` is optional.
TEST(ParseSingleFile, MarkerWithoutSpaceIsAMarker) {
  std::vector<Problem> problems;
  const auto m = parse("--migrate:up\nCREATE TABLE t (x);\n--\tmigrate:down transaction:false\nDROP TABLE t;\n",
                       problems);
  ASSERT_TRUE(m) << (problems.empty() ? "" : problems[0].describe());
  EXPECT_EQ(m->up.first_line, 2u);
  EXPECT_EQ(m->up.sql, "CREATE TABLE t (x);\n");
  ASSERT_TRUE(m->down.present);
  EXPECT_EQ(m->down.sql.rfind("DROP TABLE t;\n", 0), 0u) << m->down.sql;
  EXPECT_FALSE(m->down.transaction);
  EXPECT_TRUE(m->up.transaction);

  // Still one marker each: a second one without the space is a duplicate.
  EXPECT_FALSE(parse("-- migrate:up\nSELECT 1;\n--migrate:up\nSELECT 2;\n", problems));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 3u);
  // `---- migrate:up` and `-- note: migrate:up` are comments, so this file has no up marker.
  problems.clear();
  EXPECT_FALSE(parse("---- migrate:up\n-- note: migrate:up\n", problems));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("no '-- migrate:up' marker"), std::string::npos);
}

// dbmate runs an empty down section as a rollback that changes nothing.
TEST(ParseSingleFile, EmptyOrCommentOnlyDownIsPresent) {
  for (const char* content : {"-- migrate:up\nCREATE TABLE t (x);\n-- migrate:down\n",
                              "-- migrate:up\nCREATE TABLE t (x);\n-- migrate:down\n\n  \n",
                              "-- migrate:up\nCREATE TABLE t (x);\n-- migrate:down\n-- irreversible: keep t\n"}) {
    std::vector<Problem> problems;
    const auto m = parse(content, problems);
    ASSERT_TRUE(m) << content;
    EXPECT_TRUE(m->down.present) << content;
    EXPECT_EQ(m->down.file, "m/20260101000000_create_users_table.sql");
  }
  std::vector<Problem> problems;
  const auto none = parse("-- migrate:up\nCREATE TABLE t (x);\n", problems);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->down.present);
}

TEST(ParseSingleFile, UnknownOptionNamesTheLine) {
  std::vector<Problem> problems;
  EXPECT_FALSE(parse("-- migrate:up\nSELECT 1;\n-- migrate:down transactions:off\nSELECT 1;\n", problems));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 3u);
  EXPECT_NE(problems[0].message.find("transactions:off"), std::string::npos);
}

TEST(ParseSingleFile, DuplicateMarkerNamesBothLines) {
  std::vector<Problem> problems;
  EXPECT_FALSE(parse("-- migrate:up\nSELECT 1;\n-- migrate:up\nSELECT 2;\n", problems));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].code, "parse-error");
  EXPECT_EQ(problems[0].line, 3u);
  EXPECT_NE(problems[0].message.find("line 1"), std::string::npos);
}

TEST(ParseSingleFile, MissingUpMarker) {
  std::vector<Problem> problems;
  EXPECT_FALSE(parse("-- just a comment\n", problems));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("-- migrate:up"), std::string::npos);
}

TEST(ParseSingleFile, SqlBeforeTheMarker) {
  std::vector<Problem> problems;
  EXPECT_FALSE(parse("CREATE TABLE t (x);\n-- migrate:up\nSELECT 1;\n", problems));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 1u);
}

TEST(ParseSingleFile, EmptyFileAndEmptyUp) {
  std::vector<Problem> problems;
  EXPECT_FALSE(parse("  \n\n", problems));
  EXPECT_FALSE(parse("-- migrate:up\n\n-- migrate:down\nSELECT 1;\n", problems));
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].message.find("empty"), std::string::npos);
  EXPECT_NE(problems[1].message.find("up section is empty"), std::string::npos);
}

// Bytes that are not UTF-8 are the server's to judge, as dbmate and golang-migrate send them
// (mysqldump's _binary literals): kept as they are, and where they first are is known for check.
TEST(ParseSingleFile, BytesThatAreNotUtf8AreKeptAndPlaced) {
  std::vector<Problem> problems;
  const auto m = parse("-- migrate:up\nSELECT 'caf\xC3';\n", problems);
  ASSERT_TRUE(m);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(trim(m->up.sql), "SELECT 'caf\xC3';");
  ASSERT_TRUE(m->not_utf8);
  EXPECT_EQ(m->not_utf8->file, "m/20260101000000_create_users_table.sql");
  EXPECT_EQ(m->not_utf8->at.line, 2u);
  EXPECT_EQ(m->not_utf8->at.column, 12u);
  EXPECT_FALSE(parse("-- migrate:up\nSELECT 'café';\n", problems)->not_utf8);
}

// Regression guard for the peers' false mismatches: the same file saved with CRLF line endings
// and a BOM must hash the same.
TEST(ParseSingleFile, CrlfAndBomDoNotChangeTheChecksum) {
  std::vector<Problem> problems;
  const auto lf = parse("-- migrate:up\nCREATE TABLE t (x);\n-- migrate:down\nDROP TABLE t;\n", problems);
  const auto crlf = parse(
      "\xEF\xBB\xBF-- migrate:up\r\nCREATE TABLE t (x);\r\n-- migrate:down\r\nDROP TABLE t;\r\n", problems);
  ASSERT_TRUE(lf && crlf);
  EXPECT_EQ(lf->checksum, crlf->checksum);
}

TEST(ParseSingleFile, WhitespaceOnlyChangesKeepTheWhitespaceChecksum) {
  std::vector<Problem> problems;
  const auto a = parse("-- migrate:up\nCREATE TABLE t (x);\n", problems);
  const auto b = parse("-- migrate:up\nCREATE TABLE t  (x);\n\n", problems);
  const auto c = parse("-- migrate:up\nCREATE TABLE u (x);\n", problems);
  ASSERT_TRUE(a && b && c);
  EXPECT_NE(a->checksum, b->checksum);
  EXPECT_EQ(a->whitespace_checksum(), b->whitespace_checksum());
  EXPECT_NE(a->whitespace_checksum(), c->whitespace_checksum());
}

TEST(LoadFiles, JoinsGolangMigratePairs) {
  const auto set = load_files({{"1_init.up.sql", "CREATE TABLE t (x);"},
                               {"1_init.down.sql", "DROP TABLE t;"},
                               {"2_more.up.sql", "CREATE TABLE u (x);"}},
                              "dir");
  ASSERT_TRUE(set.problems.empty()) << set.problems[0].describe();
  ASSERT_EQ(set.migrations.size(), 2u);
  EXPECT_EQ(set.migrations[0].file, "dir/1_init.up.sql");
  EXPECT_EQ(set.migrations[0].down.file, "dir/1_init.down.sql");
  EXPECT_TRUE(set.migrations[0].down.present);
  EXPECT_FALSE(set.migrations[1].down.present);
}

TEST(LoadFiles, EmptyDownHalfIsPresentAndAMissingOneIsNot) {
  const auto set = load_files({{"1_a.up.sql", "CREATE TABLE a (x);"},
                               {"1_a.down.sql", ""},
                               {"2_b.up.sql", "CREATE TABLE b (x);"},
                               {"2_b.down.sql", "-- b stays\n"},
                               {"3_c.up.sql", "CREATE TABLE c (x);"}},
                              "dir");
  ASSERT_TRUE(set.problems.empty()) << set.problems[0].describe();
  ASSERT_EQ(set.migrations.size(), 3u);
  EXPECT_TRUE(set.migrations[0].down.present);
  EXPECT_EQ(set.migrations[0].down.file, "dir/1_a.down.sql");
  EXPECT_TRUE(set.migrations[1].down.present);
  EXPECT_FALSE(set.migrations[2].down.present);
  for (const Migration& m : set.migrations) EXPECT_TRUE(m.pair) << m.file;
}

TEST(LoadFiles, DottedGolangNamesPairUp) {
  const auto set = load_files({{"0015_1.10.0_schema.up.sql", "CREATE TABLE a (x);"},
                               {"0015_1.10.0_schema.down.sql", "DROP TABLE a;"},
                               {"30_ignore_autotag.up..sql", "CREATE TABLE b (x);"},
                               {"30_ignore_autotag.down..sql", "DROP TABLE b;"},
                               {"40_flags..up.sql", "CREATE TABLE c (x);"}},
                              "dir");
  ASSERT_TRUE(set.problems.empty()) << set.problems[0].describe();
  ASSERT_EQ(set.migrations.size(), 3u);
  EXPECT_EQ(set.migrations[0].version_text, "0015");
  EXPECT_EQ(set.migrations[0].label(), "0015_1.10.0_schema");
  EXPECT_EQ(set.migrations[0].down.file, "dir/0015_1.10.0_schema.down.sql");
  EXPECT_EQ(set.migrations[1].name, "ignore_autotag");
  EXPECT_EQ(set.migrations[1].down.file, "dir/30_ignore_autotag.down..sql");
  EXPECT_EQ(set.migrations[2].name, "flags.");
  EXPECT_FALSE(set.migrations[2].down.present);
}

TEST(LoadFiles, VersionOnlyNameHasTheVersionAsLabel) {
  const auto set = load_files({{"20240101000000.sql", "-- migrate:up\nSELECT 1;\n"},
                               {"00000000000002-initial-schema.sql", "-- migrate:up\nSELECT 2;\n"}},
                              "dir");
  ASSERT_TRUE(set.problems.empty()) << set.problems[0].describe();
  ASSERT_EQ(set.migrations.size(), 2u);
  EXPECT_EQ(set.migrations[0].label(), "00000000000002_initial-schema");
  EXPECT_EQ(set.migrations[1].label(), "20240101000000");
  EXPECT_FALSE(set.migrations[1].pair);
}

// Neither dbmate nor golang-migrate runs a .sql file whose name does not start with a digit (the
// schema.sql dbmate dumps beside the migrations): it is listed, not run and not an error.
TEST(LoadFiles, NamesNotStartingWithADigitAreIgnoredAndListed) {
  const auto set = load_files({{"1_a.sql", "-- migrate:up\nSELECT 1;\n"},
                               {"schema.sql", "CREATE TABLE whatever (x);"},
                               {"_notes.sql", "not even SQL"}},
                              "dir");
  EXPECT_TRUE(set.problems.empty()) << set.problems[0].describe();
  EXPECT_EQ(set.migrations.size(), 1u);
  EXPECT_EQ(set.ignored, (std::vector<std::string>{"dir/_notes.sql", "dir/schema.sql"}));
}

TEST(LoadFiles, ReportsEveryProblemAtOnce) {
  const auto set = load_files({{"1_a.sql", "-- migrate:up\nSELECT 1;\n"},
                               {"01_b.sql", "-- migrate:up\nSELECT 1;\n"},
                               {"1234567890123456789_long.sql", "-- migrate:up\nSELECT 1;\n"},
                               {"3_c.down.sql", "SELECT 1;"},
                               {"4_d.sql", ""}},
                              "dir");
  std::vector<std::string> codes;
  for (const auto& p : set.problems) codes.push_back(p.code);
  EXPECT_EQ(set.problems.size(), 4u);
  EXPECT_NE(std::find(codes.begin(), codes.end(), "duplicate-version"), codes.end());
  EXPECT_NE(std::find(codes.begin(), codes.end(), "bad-name"), codes.end());
  EXPECT_EQ(set.migrations.size(), 1u);
}

TEST(LoadFiles, VersionsSortNumericallyNotByName) {
  // By name "10_" comes before "9_"; the set must still be in version order, and find() (a
  // binary search) must reach both.
  const auto set = load_files({{"10_b.sql", "-- migrate:up\nSELECT 10;\n"},
                               {"9_a.sql", "-- migrate:up\nSELECT 9;\n"},
                               {"200_c.sql", "-- migrate:up\nSELECT 200;\n"}},
                              "dir");
  ASSERT_TRUE(set.problems.empty());
  ASSERT_EQ(set.migrations.size(), 3u);
  EXPECT_EQ(set.migrations[0].version, 9);
  EXPECT_EQ(set.migrations[1].version, 10);
  EXPECT_EQ(set.migrations[2].version, 200);
  for (const Version v : {9, 10, 200}) {
    ASSERT_NE(set.find(v), nullptr) << v;
    EXPECT_EQ(set.find(v)->version, v);
  }
  for (const Version v : {0, 8, 11, 199, 201}) EXPECT_EQ(set.find(v), nullptr) << v;
}

TEST(LoadDirectory, ReadsSqlFilesAndLinksToThemOnly) {
  // Directories and dangling links named *.sql are refused (migration_source_test.cpp).
  strata::testing::TempDir dir;
  strata::testing::TempDir elsewhere;
  strata::testing::write_file(dir / "1_a.sql", "-- migrate:up\nSELECT 1;\n");
  strata::testing::write_file(elsewhere / "real.sql", "-- migrate:up\nSELECT 2;\n");
  std::filesystem::create_symlink(elsewhere / "real.sql", dir / "2_linked.sql");
  strata::testing::write_file(dir / "README.md", "not a migration");
  std::filesystem::create_directory(dir / "notes");
  // Both folders are in the project (a link out of it is not read: hostile_migration_test.cpp).
  const MigrationSet set = load_directory(dir.path().string(), dir.path().parent_path());
  ASSERT_TRUE(set.problems.empty()) << set.problems[0].describe();
  ASSERT_EQ(set.migrations.size(), 2u);
  EXPECT_EQ(set.migrations[0].file, dir / "1_a.sql");
  EXPECT_EQ(set.migrations[1].file, dir / "2_linked.sql");
  EXPECT_EQ(set.migrations[1].up.sql.rfind("SELECT 2;", 0), 0u);
}

TEST(LoadDirectory, MissingDirectoryAndFileAreInvalidInput) {
  strata::testing::TempDir dir;
  strata::testing::write_file(dir / "file.sql", "-- migrate:up\nSELECT 1;\n");
  for (const std::string& path : {dir / "absent", dir / "file.sql"}) {
    try {
      load_directory(path);
      ADD_FAILURE() << path;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::invalid_input);
      EXPECT_EQ(std::string(e.what()).rfind(path + ": ", 0), 0u) << e.what();
    }
  }
}

}  // namespace
}  // namespace strata::migrate

namespace strata::migrate {
namespace {

// goose's files (pressly/goose) read as goose reads them (issue 35).
TEST(GooseFile, AnnotationsMakeTheSectionsAndTheirOptions) {
  std::vector<Problem> problems;
  const auto name = parse_file_name("00002_add_trigger.sql");
  const std::string content =
      "-- +goose NO TRANSACTION\n"
      "-- +goose Up\n"
      "-- +goose StatementBegin\n"
      "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE b SET n = n + 1; END;\n"
      "-- +goose StatementEnd\n"
      "-- +goose ENVSUB ON\n"
      "INSERT INTO c VALUES ('${REGION}');\n"
      "\n"
      "-- +goose Down\n"
      "DROP TRIGGER t;\n";
  const auto m = parse_single_file(*name, "db/00002_add_trigger.sql", content, problems);
  ASSERT_TRUE(m) << (problems.empty() ? "" : problems.front().describe());
  EXPECT_EQ(m->version, 2);
  EXPECT_EQ(m->name, "add_trigger");
  EXPECT_TRUE(m->up.present);
  EXPECT_EQ(m->up.first_line, 3U);
  // The annotation lines stay as comments: lines keep their numbers.
  EXPECT_EQ(m->up.sql.substr(0, 26), "-- +goose StatementBegin\nC");
  EXPECT_NE(m->up.sql.find("INSERT INTO c"), std::string::npos);
  EXPECT_FALSE(m->up.transaction);
  EXPECT_FALSE(m->down.transaction);
  EXPECT_TRUE(m->up.envsub);
  EXPECT_FALSE(m->down.envsub);
  EXPECT_EQ(trim(m->down.sql), "DROP TRIGGER t;");
  EXPECT_EQ(m->down.first_line, 10U);
}

TEST(GooseFile, WhatGooseRefusesIsAParseError) {
  const auto name = parse_file_name("3_x.sql");
  const auto problem = [&](const std::string& content) {
    std::vector<Problem> problems;
    const auto m = parse_single_file(*name, "3_x.sql", content, problems);
    EXPECT_FALSE(m);
    return problems.empty() ? std::string() : problems.front().describe();
  };
  EXPECT_EQ(problem("CREATE TABLE a (id int);\n-- +goose Up\nSELECT 1;\n"), "3_x.sql:1: SQL before the '-- +goose Up' annotation");
  EXPECT_EQ(problem("-- +goose Up\nSELECT 1;\n-- +goose Up\nSELECT 2;\n"), "3_x.sql:3: a second '-- +goose up' annotation");
  EXPECT_EQ(problem("-- +goose Up\n-- +goose Sideways\nSELECT 1;\n"),
            "3_x.sql:2: unknown goose annotation '-- +goose sideways' (known: Up, Down, StatementBegin, StatementEnd, NO "
            "TRANSACTION, ENVSUB ON)");
  EXPECT_EQ(problem("-- +goose Up\n\n-- +goose Down\nSELECT 1;\n"), "3_x.sql:1: the up section is empty");
}

// Flyway compares versions part by part as numbers; 1.0 is 1. Every version is on one scale, so
// one added later between two others sorts between them.
TEST(FlywayVersion, OrdersAsFlywayDoes) {
  const std::vector<std::string> ordered = {"1", "1.0.1", "1.1", "1_2", "1.10", "1.10.5", "2", "2.0.10", "10",
                                            "20240101120000"};
  for (std::size_t i = 1; i < ordered.size(); ++i) {
    ASSERT_TRUE(flyway_version(ordered[i - 1]) && flyway_version(ordered[i])) << ordered[i];
    EXPECT_LT(*flyway_version(ordered[i - 1]), *flyway_version(ordered[i])) << ordered[i - 1] << " < " << ordered[i];
  }
  EXPECT_EQ(flyway_version("1.0"), flyway_version("1"));
  EXPECT_EQ(flyway_version("1.0.0"), flyway_version("1"));
  EXPECT_EQ(flyway_version("1_1"), flyway_version("1.1"));
  EXPECT_EQ(flyway_version("01.01"), flyway_version("1.1"));
  EXPECT_EQ(*flyway_version("1.1"), 10100);
  for (const char* bad : {"", "1.", ".1", "1..2", "1.2.3.4", "1.100", "1.2.100", "1a", "1-2", "1234567890123456"}) {
    EXPECT_FALSE(flyway_version(bad)) << bad;
  }
}

TEST(ParseFileName, FlywayVersionedAndUndoFilesAreHalves) {
  auto n = parse_file_name("V1_1__Add_nicknames.sql");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->version, 10100);
  EXPECT_EQ(n->version_text, "1.1");
  EXPECT_EQ(n->name, "Add_nicknames");
  EXPECT_EQ(n->kind, FileKind::up_half);
  n = parse_file_name("U1.1__Add_nicknames.sql");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->version, 10100);
  EXPECT_EQ(n->kind, FileKind::down_half);
  EXPECT_FALSE(parse_file_name("V1.2.3.4__x.sql"));
  EXPECT_TRUE(is_migration_name("V2__x.sql"));
  EXPECT_FALSE(is_migration_name("Vacation__x.sql"));
  EXPECT_FALSE(is_migration_name("V2_no_double_underscore.sql"));
}

TEST(LoadFiles, FlywayFilesPairAndOrderAmongThemselves) {
  const auto set = load_files({{"V2__people.sql", "INSERT INTO p VALUES (1);"},
                               {"U2__people.sql", "DELETE FROM p;"},
                               {"V1__person.sql", "CREATE TABLE p (id int);"},
                               {"V1.10__ten.sql", "CREATE TABLE t10 (id int);"},
                               {"V1_2__two.sql", "CREATE TABLE t2 (id int);"},
                               {"U7__orphan.sql", "SELECT 1;"},
                               {"V1.2.3.4__four.sql", "SELECT 1;"}},
                              "dir");
  std::vector<std::string> labels;
  for (const Migration& m : set.migrations) labels.push_back(m.label());
  EXPECT_EQ(labels, (std::vector<std::string>{"1_person", "1.2_two", "1.10_ten", "2_people"}));
  EXPECT_EQ(set.migrations.back().down.file, "dir/U2__people.sql");
  EXPECT_EQ(down_file_of(set.migrations.front()), "dir/U1__person.sql");
  ASSERT_EQ(set.problems.size(), 2u);
  EXPECT_EQ(set.problems[0].code, "bad-name");
  EXPECT_EQ(set.problems[0].file, "dir/V1.2.3.4__four.sql");
  EXPECT_EQ(set.problems[1].message,
            "undo file has no matching V file (Flyway: U<version>__<name>.sql undoes V<version>__<name>.sql)");
}

TEST(VersionArgument, DigitsOrAFlywayVersionAsTheFileSpellsIt) {
  EXPECT_EQ(version_argument("000010"), 10);
  EXPECT_EQ(version_argument("2"), 2);
  EXPECT_EQ(version_argument("V2"), 20000);
  EXPECT_EQ(version_argument("1.1"), 10100);
  EXPECT_EQ(version_argument("V1_1"), 10100);
  EXPECT_FALSE(version_argument("x"));
  EXPECT_FALSE(version_argument("1234567890123456789"));
}

}  // namespace
}  // namespace strata::migrate
