// The engine table (core/migrate/engines/engines.h): a row per engine, in DriverKind's order,
// and open_driver/open_scratch reach an engine only through it.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "common/text.h"
#include "migrate/engines/engine_url.h"
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

// A URL's scheme names one engine: a server's row parses its URLs and says its default port; a
// file engine's has neither, and the default engine is one (a plain path is its file).
TEST(EngineTable, EachSchemeNamesOneEngineAndServersParseTheirUrls) {
  std::set<std::string_view> schemes;
  for (const Engine& e : engines()) {
    EXPECT_FALSE(e.schemes.empty()) << e.name;
    for (const std::string_view scheme : e.schemes) {
      EXPECT_TRUE(schemes.insert(scheme).second) << scheme;
      EXPECT_EQ(scheme, to_lower(scheme)) << scheme;
    }
    const bool server = e.storage == Storage::server;
    EXPECT_EQ(e.endpoint_from_url != nullptr, server) << e.name;
    EXPECT_EQ(e.default_port != 0, server) << e.name;
    EXPECT_FALSE(e.url_form.empty()) << e.name;
    if (server) {
      const std::string url = std::string(e.schemes.front()) + "://u@db/app";
      EXPECT_EQ(endpoint_from_url(url).kind, e.kind) << url;
      EXPECT_TRUE(server_url(url)) << url;
    }
  }
  EXPECT_EQ(engine(k_default_engine).storage, Storage::file);
  EXPECT_EQ(endpoint_from_url("app.db").kind, k_default_engine);
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
