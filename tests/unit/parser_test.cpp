#include "migrate/migration_parser.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "migrate/migration_source.h"
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

TEST(ParseFileName, RejectsOtherNames) {
  for (const char* bad : {"init.sql", "_init.sql", "12.sql", "12_.sql", "abc_init.sql",
                          "1234567890123456789_too_long.sql", "1_a.b.sql", "1_init.txt"}) {
    EXPECT_FALSE(parse_file_name(bad)) << bad;
  }
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

TEST(ParseSingleFile, InvalidUtf8NamesLineAndColumn) {
  std::vector<Problem> problems;
  EXPECT_FALSE(parse("-- migrate:up\nSELECT 'caf\xC3';\n", problems));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 2u);
  EXPECT_NE(problems[0].message.find("column 12"), std::string::npos);
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

TEST(LoadFiles, ReportsEveryProblemAtOnce) {
  const auto set = load_files({{"1_a.sql", "-- migrate:up\nSELECT 1;\n"},
                               {"01_b.sql", "-- migrate:up\nSELECT 1;\n"},
                               {"notes.sql", "SELECT 1;"},
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
  const MigrationSet set = load_directory(dir.path().string());
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
