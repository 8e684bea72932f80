#include "migrate/model/sqitch_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "migrate/model/migration_source.h"
#include "migrate/model/new_migration.h"
#include "migrate/model/tool_layout.h"
#include "test_util.h"

namespace strata::migrate {
namespace {

using strata::testing::TempDir;
using strata::testing::write_file;

const std::string k_sqitch_intro = std::string(STRATA_SOURCE_DIR) + "/tests/data/sqitch/sqitch_sqlite_intro";

std::string sqitch_slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool any_problem_says(const std::vector<Problem>& problems, const std::string& text) {
  for (const Problem& p : problems) {
    if (p.message.find(text) != std::string::npos) return true;
  }
  return false;
}

// The ids and script hashes `sqitch deploy` (1.3.1) recorded in sqitch.db's changes for the
// tutorial project, in the order it deployed them.
TEST(SqitchPlanTest, ChangeIdsAreThoseSqitchRecords) {
  const SqitchPlan plan = parse_sqitch_plan(sqitch_slurp(k_sqitch_intro + "/sqitch.plan"), "sqitch.plan");
  EXPECT_TRUE(plan.problems.empty()) << plan.problems.front().describe();
  EXPECT_EQ("flipr", plan.project);
  EXPECT_EQ("https://github.com/theory/sqitch-sqlite-intro/", plan.uri);
  EXPECT_EQ("1.0.0-b2", plan.syntax_version);
  ASSERT_EQ(6u, plan.changes.size());
  const char* ids[] = {"f30fe47f5f99501fb8d481e910d9112c5ac0a676", "32ee57069c0d7fec52b6f86f453dc0c16bc1090a",
                       "60ee3aba0445bf3287f9dc1dd97b1877523fa139", "43a2deff058b5b199145dd29754e50f6f4f3cd72",
                       "226f6cb3d7c49aa56c72b962d8b93952dabe64da", "0afd28421785432d3fe3c3364f770c325ba8d054"};
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(ids[i], plan.changes[i].id) << plan.changes[i].name;
  EXPECT_EQ("Marge N. O\u2019Vera", plan.changes[0].planner_name);
  EXPECT_EQ("marge@example.com", plan.changes[0].planner_email);
  EXPECT_EQ("2013-12-31T18:06:04Z", plan.changes[0].timestamp);
  EXPECT_EQ("Creates table to track our users.", plan.changes[0].note);
  EXPECT_EQ(std::vector<std::string>{"v1.0.0-dev1"}, plan.changes[2].tags);
  // userflips reworked after @v1.0.0-dev2: its first line's scripts are userflips@v1.0.0-dev2.
  EXPECT_EQ((std::vector<std::string>{"v1.0.0-dev2", "v1.0.0-dev1"}), plan.changes[2].rework_tags);
  EXPECT_TRUE(plan.changes[5].rework_tags.empty());
  ASSERT_EQ(1u, plan.changes[5].requires_.size());
  EXPECT_EQ("userflips@v1.0.0-dev2", plan.changes[5].requires_[0].as_string());
  EXPECT_EQ(
      "project flipr\nuri https://github.com/theory/sqitch-sqlite-intro/\nchange flips\nparent "
      "f30fe47f5f99501fb8d481e910d9112c5ac0a676\nplanner Marge N. O\u2019Vera <marge@example.com>\ndate "
      "2013-12-31T19:01:40Z\nrequires\n  + users\n\nAdds table for storing flips.",
      sqitch_change_info(plan, 1));
}

TEST(SqitchPlanTest, LoadsDeployAsUpRevertAsDownAndReworkedScripts) {
  std::string dir = k_sqitch_intro;
  const ToolLayout* layout = find_tool_layout(dir);
  ASSERT_NE(nullptr, layout);
  EXPECT_EQ(MigrationLayout::sqitch, layout->kind);
  const MigrationSet set = load_directory(k_sqitch_intro);
  EXPECT_TRUE(set.problems.empty());
  EXPECT_EQ("sqlite", set.provider);
  EXPECT_EQ("flipr", set.tool_project);
  ASSERT_EQ(6u, set.migrations.size());
  EXPECT_EQ(1, set.migrations[0].version);
  EXPECT_EQ("users", set.migrations[0].name);
  EXPECT_EQ("userflips@v1.0.0-dev2", set.migrations[2].name);
  EXPECT_EQ(k_sqitch_intro + "/deploy/userflips@v1.0.0-dev2.sql", set.migrations[2].up.file);
  EXPECT_EQ("userflips", set.migrations[5].name);
  EXPECT_EQ(k_sqitch_intro + "/verify/userflips.sql", set.migrations[5].verify.file);
  EXPECT_EQ(std::string::npos, set.migrations[5].verify.sql.find("ROLLBACK"));
  EXPECT_NE(std::string::npos, set.migrations[5].verify.sql.find("SELECT"));
  // Sqitch's script_hash for users, as `sqitch deploy` recorded it.
  EXPECT_EQ("ddb3328c437162d7633f9e9f13e34bfefaba2d94", set.migrations[0].tool_checksum);
  // The script's own BEGIN/COMMIT blanked: strata's transaction holds it, lines unmoved.
  const Section& up = set.migrations[0].up;
  EXPECT_TRUE(up.transaction);
  EXPECT_EQ(std::string::npos, up.sql.find("BEGIN"));
  EXPECT_EQ(std::string::npos, up.sql.find("COMMIT"));
  EXPECT_NE(std::string::npos, up.sql.find("CREATE TABLE users"));
  EXPECT_EQ(std::count(set.migrations[0].normalised.begin(), set.migrations[0].normalised.end(), '\n'),
            std::count(up.sql.begin(), up.sql.end(), '\n'));
  ASSERT_TRUE(set.migrations[0].down.present);
  EXPECT_NE(std::string::npos, set.migrations[0].down.sql.find("DROP TABLE users"));
  EXPECT_EQ(std::string::npos, set.migrations[0].down.sql.find("COMMIT"));
}

TEST(SqitchPlanTest, DependenciesTheOrderBreaksAreRefusedWithTheChangeNamed) {
  const std::string head = "%syntax-version=1.0.0\n%project=app\n\n";
  const std::string who = " 2024-01-01T00:00:00Z Ann <ann@example.com>";
  auto problems_of = [&](const std::string& body) { return parse_sqitch_plan(head + body, "sqitch.plan").problems; };
  EXPECT_TRUE(any_problem_says(problems_of("a [b]" + who + "\nb" + who + "\n"),
                       "change a (line 4) requires b, and no change before it in the plan is named b"));
  EXPECT_TRUE(any_problem_says(problems_of("a" + who + "\nb [other:x]" + who + "\n"), "a change of another Sqitch project (other)"));
  EXPECT_TRUE(problems_of("a" + who + "\nb [app:a]" + who + "\n").empty());
  EXPECT_TRUE(any_problem_says(problems_of("a" + who + "\nb [!a]" + who + "\n"), "change b (line 5) conflicts with a"));
  EXPECT_TRUE(any_problem_says(problems_of("a" + who + "\na" + who + "\n"), "with no tag between"));
  EXPECT_TRUE(any_problem_says(problems_of("a" + who + "\nb [a@v1]" + who + "\n"), "the plan has no tag @v1"));
  EXPECT_TRUE(problems_of("a" + who + "\n@v1" + who + "\nb [a@v1 @v1]" + who + "\n").empty());
  const auto bad = problems_of("a 2024-01-01 Ann <ann@example.com>\n");
  ASSERT_EQ(1u, bad.size());
  EXPECT_EQ(4u, bad[0].line);
  EXPECT_NE(std::string::npos, bad[0].message.find("missing timestamp"));
  EXPECT_TRUE(any_problem_says(parse_sqitch_plan("a" + who + "\n", "p").problems, "no %project pragma"));
}

TEST(SqitchPlanTest, InfoCarriesConflictsAndTheUnescapedNote) {
  const SqitchPlan plan = parse_sqitch_plan(
      "%project=app\na 2024-01-01T00:00:00Z Ann <ann@example.com>\n"
      "b [a !c other:d] 2024-01-02T00:00:00Z Ann <ann@example.com> # two\\nlines\n",
      "p");
  ASSERT_EQ(2u, plan.changes.size());
  EXPECT_EQ("two\nlines", plan.changes[1].note);
  EXPECT_EQ("project app\nchange b\nparent " + plan.changes[0].id +
                "\nplanner Ann <ann@example.com>\ndate 2024-01-02T00:00:00Z\nrequires\n  + a\n  + other:d\nconflicts\n  - "
                "c\n\ntwo\nlines",
            sqitch_change_info(plan, 1));
}

TEST(SqitchPlanTest, ConfDirectoriesAndMigrateNewWritesSqitchsLayout) {
  TempDir tmp;
  const std::string dir = tmp.path().string();
  write_file(dir + "/sqitch.conf",
             "[core]\n\tengine = pg\n\ttop_dir = db # where\n[engine \"pg\"]\n\tdeploy_dir = db/up\n[user]\n\tname = Ann "
             "Author\n\temail = ann@example.com\n");
  write_file(dir + "/db/sqitch.plan", "%syntax-version=1.0.0\n%project=app\n\na 2024-01-01T00:00:00Z Ann <ann@example.com>");
  write_file(dir + "/db/up/a.sql", "CREATE TABLE a (id int);\n");
  std::string found = dir;
  ASSERT_NE(nullptr, find_tool_layout(found));
  MigrationSet set = load_directory(dir);
  ASSERT_EQ(1u, set.migrations.size());
  EXPECT_EQ("pg", set.provider);
  EXPECT_FALSE(set.migrations[0].up.transaction) << "no BEGIN of its own: statement by statement, as psql runs it";
  EXPECT_FALSE(set.migrations[0].down.present);
  ::setenv("SQITCH_FULLNAME", "", 1);
  const NewMigration made = write_migration(dir, "add_b", std::chrono::system_clock::from_time_t(1700000000),
                                            "-- migrate:up\nCREATE TABLE b (id int);\n-- migrate:down\n");
  EXPECT_EQ(dir + "/db/up/add_b.sql", made.path);
  EXPECT_NE(std::string::npos, sqitch_slurp(made.path).find("-- Deploy app:add_b to pg\n\nBEGIN;\n\nCREATE TABLE b (id int);\n"));
  EXPECT_NE(std::string::npos, sqitch_slurp(dir + "/db/revert/add_b.sql").find("-- Revert app:add_b from pg\n\nBEGIN;\n\n-- XXX"));
  EXPECT_NE(std::string::npos, sqitch_slurp(dir + "/db/verify/add_b.sql").find("ROLLBACK;"));
  EXPECT_NE(std::string::npos,
            sqitch_slurp(dir + "/db/sqitch.plan").find("ann@example.com>\nadd_b 2023-11-14T22:13:20Z Ann Author <ann@example.com>\n"));
  set = load_directory(dir);
  ASSERT_EQ(2u, set.migrations.size());
  EXPECT_TRUE(set.migrations[1].up.transaction);
  EXPECT_THROW(write_migration(dir, "add_b", std::chrono::system_clock::now(), ""), Error);
  // `migrate diff`'s text: its down section is the revert script.
  write_migration(dir, "add_c", std::chrono::system_clock::now(), "-- migrate:up\nCREATE TABLE c (id int);\n\n-- migrate:down\nDROP TABLE c;\n");
  EXPECT_NE(std::string::npos, sqitch_slurp(dir + "/db/revert/add_c.sql").find("BEGIN;\n\nDROP TABLE c;\n\nCOMMIT;\n"));
}

// sqitch.conf's reworked_dir holds a reworked change's older scripts (Sqitch 1.1), and its
// registry names where the rows are; the registry is "sqitch" unless it says otherwise.
TEST(SqitchPlanTest, ReworkedDirAndRegistryFromConf) {
  TempDir tmp;
  const std::string dir = tmp.path().string();
  write_file(dir + "/sqitch.conf", "[core]\n\tengine = sqlite\n\treworked_dir = old\n[engine \"sqlite\"]\n\tregistry = meta\n");
  write_file(dir + "/sqitch.plan",
             "%syntax-version=1.0.0\n%project=app\n\na 2024-01-01T00:00:00Z Ann <ann@example.com>\n"
             "@v1 2024-01-02T00:00:00Z Ann <ann@example.com>\na [a@v1] 2024-01-03T00:00:00Z Ann <ann@example.com>\n");
  write_file(dir + "/deploy/a.sql", "CREATE TABLE a (id int, b int);\n");
  write_file(dir + "/revert/a.sql", "ALTER TABLE a DROP COLUMN b;\n");
  write_file(dir + "/old/deploy/a@v1.sql", "CREATE TABLE a (id int);\n");
  write_file(dir + "/old/revert/a@v1.sql", "DROP TABLE a;\n");
  write_file(dir + "/old/verify/a@v1.sql", "SELECT id FROM a;\n");
  const MigrationSet set = load_directory(dir);
  EXPECT_TRUE(set.problems.empty()) << (set.problems.empty() ? "" : set.problems[0].message);
  ASSERT_EQ(2u, set.migrations.size());
  EXPECT_EQ("a@v1", set.migrations[0].name);
  EXPECT_EQ(dir + "/old/deploy/a@v1.sql", set.migrations[0].up.file);
  EXPECT_NE(std::string::npos, set.migrations[0].down.sql.find("DROP TABLE a"));
  EXPECT_EQ(dir + "/old/verify/a@v1.sql", set.migrations[0].verify.file);
  EXPECT_EQ(dir + "/deploy/a.sql", set.migrations[1].up.file);
  EXPECT_NE(std::string::npos, set.migrations[1].down.sql.find("DROP COLUMN b"));
  EXPECT_EQ("meta", set.tool_registry);
  EXPECT_EQ("sqitch", load_directory(k_sqitch_intro).tool_registry);
}

// A PostgreSQL project's scripts are psql's (psql_script.h): its meta-commands done with Sqitch's
// variables (sqitch.conf's, each section over the one before, then registry), the script's own
// BEGIN and COMMIT still left out, the checksums still the file's; a refusal is a problem of the
// set naming the file, the line and the change's version.
TEST(SqitchPlanTest, PostgresScriptsArePsqlsWithSqitchsVariables) {
  TempDir tmp;
  const std::string dir = tmp.path().string();
  write_file(dir + "/sqitch.conf",
             "[core]\n\tengine = pg\n[core \"variables\"]\n\towner = core\n\tschema = core\n"
             "[deploy \"variables\"]\n\tschema = app\n[revert \"variables\"]\n\tschema = gone\n"
             "[engine \"pg\"]\n\tregistry = meta\n");
  write_file(dir + "/sqitch.plan",
             "%syntax-version=1.0.0\n%project=app\n\na 2024-01-01T00:00:00Z Ann <ann@example.com>\n"
             "b 2024-01-02T00:00:00Z Ann <ann@example.com>\n");
  const std::string deploy = "\\set ON_ERROR_STOP 1\nBEGIN;\n\\set body `cat body.txt`\n"
                             "CREATE TABLE :\"schema\".t (b text DEFAULT :'body', r text DEFAULT :'registry', o text DEFAULT :'owner');\n"
                             "COMMIT;\n";
  write_file(dir + "/deploy/a.sql", deploy);
  write_file(dir + "/revert/a.sql", "DROP TABLE :\"schema\".t;\n");
  write_file(dir + "/body.txt", "it's\n");
  write_file(dir + "/deploy/b.sql", "SELECT 1;\n\\set x `ls`\n");
  const MigrationSet set = load_directory(dir);
  ASSERT_EQ(2u, set.migrations.size());
  const Migration& a = set.migrations[0];
  EXPECT_EQ("\n      \n\nCREATE TABLE \"app\".t (b text DEFAULT 'it''s', r text DEFAULT 'meta', o text DEFAULT 'core');\n"
            "       \n",
            a.up.sql);
  EXPECT_TRUE(a.up.transaction);
  EXPECT_EQ("DROP TABLE \"gone\".t;\n", a.down.sql);
  EXPECT_EQ(deploy, a.normalised);
  ASSERT_EQ(1u, set.problems.size());
  EXPECT_EQ(dir + "/deploy/b.sql:2: `ls`: backquoted shell command not run (only `cat FILE` of a file in the project is read)",
            set.problems[0].describe());
  EXPECT_EQ(std::optional<Version>(2), set.problems[0].version);

  // sqitch deploy --set (migrate --set): over every sqitch.conf section, under registry.
  const MigrationSet given = load_directories({dir}, {}, {{"schema", "given"}, {"registry", "not_this"}});
  ASSERT_EQ(2u, given.migrations.size());
  EXPECT_NE(given.migrations[0].up.sql.find("CREATE TABLE \"given\".t (b text DEFAULT 'it''s', r text DEFAULT 'meta', "
                                            "o text DEFAULT 'core')"),
            std::string::npos)
      << given.migrations[0].up.sql;
  EXPECT_EQ("DROP TABLE \"given\".t;\n", given.migrations[0].down.sql);
}

// --set is a Sqitch project's on PostgreSQL: for any other set of migrations it is a usage error,
// never a value silently unused.
TEST(SqitchPlanTest, VariablesForAnythingButAPostgresSqitchProjectAreAUsageError) {
  TempDir tmp;
  const std::string dir = tmp.path().string();
  write_file(dir + "/migrations/1_a.sql", "-- migrate:up\nSELECT 1;\n");
  Error e = strata::testing::error_of([&] { load_directories({dir + "/migrations"}, {}, {{"x", "1"}}); });
  EXPECT_EQ(ExitCode::usage, e.code());
  EXPECT_NE(std::string(e.what()).find("is not a Sqitch project"), std::string::npos) << e.what();
  write_file(dir + "/sq/sqitch.conf", "[core]\n\tengine = sqlite\n");
  write_file(dir + "/sq/sqitch.plan", "%project=p\n\na 2024-01-01T00:00:00Z Ann <ann@example.com>\n");
  write_file(dir + "/sq/deploy/a.sql", "SELECT 1;\n");
  e = strata::testing::error_of([&] { load_directories({dir + "/sq"}, {}, {{"x", "1"}}); });
  EXPECT_EQ(ExitCode::usage, e.code());
  EXPECT_NE(std::string(e.what()).find("a Sqitch project for sqlite"), std::string::npos) << e.what();
  EXPECT_EQ(1u, load_directories({dir + "/sq"}).migrations.size());
}

}  // namespace
}  // namespace strata::migrate
