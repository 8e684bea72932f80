// ${NAME} placeholders (migrate/model/placeholders.h): which sections they apply to, what an unset
// variable and a server a file chose do, and that values stay out of messages.
#include "migrate/model/placeholders.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "common/error.h"
#include "migrate/model/migration_source.h"
#include "migrate/run/migrator.h"
#include "migrate/run/scratch_database.h"
#include "test_util.h"

namespace strata::migrate {
namespace {

using strata::testing::error_of;
using strata::testing::TempDir;
using strata::testing::write_file;

Placeholders from(std::map<std::string, std::string> vars, bool everywhere = false) {
  Placeholders p;
  p.everywhere = everywhere;
  p.getenv = [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    const auto it = vars.find(std::string(name));
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  return p;
}

Section section(std::string sql, bool envsub) {
  Section s;
  s.present = true;
  s.sql = std::move(sql);
  s.first_line = 2;
  s.file = "1_x.sql";
  s.envsub = envsub;
  return s;
}

TEST(Placeholders, OnlyNamesInBracesAreFound) {
  std::string names;
  for (const Placeholder& p : find_placeholders("${A} $B ${ b_2 } ${_c9}${9x} $${D} ${E")) names += p.name + "@" + std::to_string(p.offset) + " ";
  EXPECT_EQ(names, "A@0 _c9@17 D@30 ");
}

TEST(Placeholders, ExpandedOnlyWhereAskedFor) {
  const Placeholders p = from({{"TABLE", "users"}, {"ROLE", "app_rw"}});
  EXPECT_EQ(expand_placeholders(section("GRANT SELECT ON ${TABLE} TO ${ROLE};", true), p).sql, "GRANT SELECT ON users TO app_rw;");
  EXPECT_EQ(expand_placeholders(section("SELECT '${TABLE}';", false), p).sql, "SELECT '${TABLE}';");
  EXPECT_EQ(expand_placeholders(section("SELECT '${TABLE}';", false), from({{"TABLE", "t"}}, true)).sql, "SELECT 't';");
  // PostgreSQL's dollar quotes are not placeholders.
  EXPECT_EQ(expand_placeholders(section("DO $$ BEGIN END $$;", true), p).sql, "DO $$ BEGIN END $$;");
}

TEST(Placeholders, AnUnsetVariableNamesFileAndLineBeforeAnythingRuns) {
  const Error e = error_of([] { expand_placeholders(section("SELECT 1;\nSELECT ${MISSING};", true), from({})); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_EQ(std::string(e.what()), "1_x.sql:3: ${MISSING} is not set");
}

TEST(Placeholders, NeverExpandedForAServerAFileChose) {
  Placeholders p = from({{"SECRET", "s3cr3t"}});
  p.server_chosen_by = "./.env";
  const Error e = error_of([&] { expand_placeholders(section("INSERT INTO t VALUES ('${SECRET}');", true), p); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_EQ(std::string(e.what()), "1_x.sql:2: ${SECRET} is not expanded for a database server that ./.env chose");
  // A section with no placeholder still runs there.
  EXPECT_EQ(expand_placeholders(section("SELECT 1;", true), p).sql, "SELECT 1;");
}

TEST(Placeholders, ValuesAreHiddenFromMessages) {
  std::vector<std::string> values;
  expand_placeholders(section("SELECT '${A}', ${B};", true), from({{"A", "hunter2"}, {"B", "1"}}), &values);
  EXPECT_EQ(hide_values("near 'hunter2', 1 at line 1", values), "near '***', 1 at line 1");
}

TEST(Placeholders, ACaseChangedCopyOfAValueIsHidden) {
  // SQLite lower-cases the JSON path it quotes: `json_extract(x, '$.${CANARY}')`.
  const std::vector<std::string> values{"CanaryPHSecret7Q"};
  const std::string shown = hide_values("JSON path error near 'canaryphsecret7q'", values);
  EXPECT_EQ(shown, "JSON path error near '***'");
}

TEST(Placeholders, APrefixOrAPieceOfAValueIsHidden) {
  // SQLite names an unknown column by the part of the value it read as a name.
  const std::vector<std::string> values{"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};
  EXPECT_EQ(hide_values("no such column: wJalrXUtnFEMI", values), "no such column: ***");
  EXPECT_EQ(hide_values("near \"K7MDENG\": syntax error", values), "near \"***\": syntax error");
  // Three bytes are too few to tell a value from any word.
  EXPECT_EQ(hide_values("no such column: wJa", values), "no such column: wJa");
}

TEST(Placeholders, HidingKeepsTheLocationAndWholeCharacters) {
  const std::vector<std::string> values{"caf\xc3\xa9s3cret"};
  const Error e = hide_values(Error(ExitCode::migration_failed, "1_x.sql:3:5: no such column: CAF\xc3\xa9S3CRET"),
                              "1_x.sql", values);
  EXPECT_EQ(std::string(e.what()), "1_x.sql:3:5: no such column: ***");
  // A run that starts inside a character takes the whole character.
  EXPECT_EQ(hide_values("x\xc3\xa9s3cr", {"\xa9s3cret"}), "x***");
}

TEST(Placeholders, AReplayErrorShowsNoPieceOfAValue) {
  const std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  const Placeholders p = from({{"KEY", secret}, {"CANARY", "CanaryPHSecret7Q"}}, true);
  ScratchDatabase scratch(nullptr, {}, &p);
  // SQLite names the column by the part of the value it read as a name: a prefix.
  const std::string prefix = error_of([&] { scratch.apply(section("SELECT ${KEY};", false)); }).what();
  EXPECT_EQ(prefix, "1_x.sql:2:8: no such column: ***");
  // A copy whose case SQL changed.
  const std::string upper =
      error_of([&] { scratch.apply(section("SELECT json_extract('{}', upper('${CANARY}'));", false)); }).what();
  EXPECT_EQ(upper.find("CANARYPHSECRET7Q"), std::string::npos) << upper;
  EXPECT_EQ(upper.find("CANARY"), std::string::npos) << upper;
  EXPECT_NE(upper.find("JSON path error"), std::string::npos) << upper;
}

TEST(Placeholders, AnUpErrorShowsNoPieceOfAValue) {
  TempDir dir;
  write_file(dir / "migrations/1_x.sql", "-- migrate:up envsub:on\nSELECT ${KEY};\n-- migrate:down\n");
  Target t{Endpoint::sqlite(dir / "app.db")};
  t.placeholders = from({{"KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}});
  Migrator m(t, load_directory(dir / "migrations"));
  const Error e = error_of([&] { m.up({}); });
  EXPECT_EQ(std::string(e.what()), dir / "migrations/1_x.sql" + std::string(":2:8: no such column: ***"));
}

}  // namespace
}  // namespace strata::migrate
