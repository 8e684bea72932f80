// ${NAME} placeholders (migrate/placeholders.h): which sections they apply to, what an unset
// variable and a server a file chose do, and that values stay out of messages.
#include "migrate/placeholders.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "common/error.h"
#include "test_util.h"

namespace strata::migrate {
namespace {

using strata::testing::error_of;

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

}  // namespace
}  // namespace strata::migrate
