// The engine table (core/migrate/engines/engines.h): a row per engine, in DriverKind's order,
// and open_driver/open_scratch reach an engine only through it.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "migrate/engines/engines.h"
#include "test_util.h"

namespace strata::migrate {
namespace {

TEST(EngineTable, ARowPerEngineInKindOrderWithUniqueNames) {
  std::set<std::string_view> names;
  std::size_t i = 0;
  for (const Engine& e : engines()) {
    EXPECT_EQ(static_cast<std::size_t>(e.kind), i++);
    EXPECT_TRUE(names.insert(e.name).second) << e.name;
    EXPECT_NE(e.open, nullptr) << e.name;
    EXPECT_NE(e.open_scratch, nullptr) << e.name;
    EXPECT_EQ(&engine(e.kind), &e);
  }
  EXPECT_EQ(i, 3u);
  // Databases that are files have no server to administer; servers do.
  EXPECT_EQ(engine(DriverKind::sqlite).open_admin, nullptr);
  EXPECT_NE(engine(DriverKind::postgres).open_admin, nullptr);
  EXPECT_NE(engine(DriverKind::mysql).open_admin, nullptr);
}

TEST(EngineTable, OpenDriverAndOpenScratchGoThroughTheRow) {
  strata::testing::TempDir dir;
  const auto db = open_driver(Endpoint::sqlite(dir / "app.db"), Access::write, "strata_migrations", std::chrono::seconds(1));
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->kind(), DriverKind::sqlite);
  const auto scratch = open_scratch(nullptr);
  ASSERT_NE(scratch, nullptr);
  EXPECT_EQ(scratch->kind(), DriverKind::sqlite);
  // A read-only open of a file that is not there is no database, not an error.
  EXPECT_EQ(open_driver(Endpoint::sqlite(dir / "none.db"), Access::read_only, "t", std::chrono::seconds(0)), nullptr);
}

}  // namespace
}  // namespace strata::migrate
