#include "migrate/model/alembic_import.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/text.h"
#include "migrate/model/migration_source.h"
#include "test_util.h"

namespace strata::migrate {
namespace {

// What Debian's alembic 1.8 prints for the tutorial's two revisions on PostgreSQL
// (`alembic upgrade base:head --sql`, log lines included as 2>&1 would capture them).
constexpr const char* k_upgrade = R"(INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.
INFO  [alembic.runtime.migration] Generating static SQL
BEGIN;

CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL, 
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

INFO  [alembic.runtime.migration] Running upgrade  -> 1975ea83b712, create account table
-- Running upgrade  -> 1975ea83b712

CREATE TABLE account (
    id SERIAL NOT NULL, 
    name VARCHAR(50) NOT NULL, 
    PRIMARY KEY (id)
);

INSERT INTO alembic_version (version_num) VALUES ('1975ea83b712') RETURNING alembic_version.version_num;

-- Running upgrade 1975ea83b712 -> ae1027a6acf

ALTER TABLE account ADD COLUMN last_transaction_date TIMESTAMP WITHOUT TIME ZONE;

UPDATE alembic_version SET version_num='ae1027a6acf' WHERE alembic_version.version_num = '1975ea83b712';

-- Running upgrade ae1027a6acf, 1975ea83b712 -> 27c6a30d7c24

UPDATE alembic_version SET version_num='27c6a30d7c24' WHERE alembic_version.version_num = 'ae1027a6acf';

COMMIT;
)";

constexpr const char* k_downgrade = R"(BEGIN;

-- Running downgrade ae1027a6acf -> 1975ea83b712

ALTER TABLE account DROP COLUMN last_transaction_date;

UPDATE alembic_version SET version_num='1975ea83b712' WHERE alembic_version.version_num = 'ae1027a6acf';

-- Running downgrade 1975ea83b712 -> 

DROP TABLE account;

DELETE FROM alembic_version WHERE alembic_version.version_num = '1975ea83b712';

DROP TABLE alembic_version;

COMMIT;
)";

TEST(AlembicImport, SplitsAtRunningLinesWithoutAlembicsBookkeeping) {
  auto revisions = read_alembic_upgrade(k_upgrade, "up.sql");
  ASSERT_EQ(revisions.size(), 3u);
  EXPECT_EQ(revisions[0].revision, "1975ea83b712");
  EXPECT_EQ(revisions[0].up, "CREATE TABLE account (\n    id SERIAL NOT NULL, \n    name VARCHAR(50) NOT NULL, \n"
                             "    PRIMARY KEY (id)\n);");
  EXPECT_EQ(revisions[1].revision, "ae1027a6acf");
  EXPECT_EQ(revisions[1].up, "ALTER TABLE account ADD COLUMN last_transaction_date TIMESTAMP WITHOUT TIME ZONE;");
  EXPECT_EQ(revisions[2].revision, "27c6a30d7c24");  // a merge point: no statements of its own
  EXPECT_EQ(revisions[2].up, "");
  add_alembic_downgrade(revisions, k_downgrade, "down.sql");
  EXPECT_EQ(revisions[0].down, "DROP TABLE account;");
  EXPECT_EQ(revisions[1].down, "ALTER TABLE account DROP COLUMN last_transaction_date;");
  EXPECT_FALSE(revisions[2].down);
}

TEST(AlembicImport, WritesFilesStrataReadsInAlembicsOrder) {
  testing::TempDir tmp;
  auto revisions = read_alembic_upgrade(k_upgrade, "up.sql");
  add_alembic_downgrade(revisions, k_downgrade, "down.sql");
  const std::string dir = tmp / "migrations";
  const auto written = write_alembic_revisions(dir, revisions);
  ASSERT_EQ(written.size(), 3u);
  EXPECT_EQ(written[0], dir + "/0001_1975ea83b712.sql");
  const MigrationSet set = load_directory(dir);
  ASSERT_TRUE(set.problems.empty()) << set.problems[0].describe();
  ASSERT_EQ(set.migrations.size(), 3u);
  EXPECT_EQ(set.migrations[1].name, "ae1027a6acf");
  EXPECT_EQ(trim(set.migrations[1].down.sql), "ALTER TABLE account DROP COLUMN last_transaction_date;");
  EXPECT_NE(set.migrations[2].up.sql.find("SELECT 1;"), std::string::npos);
  EXPECT_FALSE(set.migrations[2].down.present);
  // A second import into the same directory would mix versions.
  try {
    write_alembic_revisions(dir, revisions);
    FAIL() << "a directory with migrations was written into";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
  }
}

TEST(AlembicImport, RefusesWhatAlembicDidNotWrite) {
  const auto code = [](const char* up, const char* down) {
    try {
      auto r = read_alembic_upgrade(up, "up.sql");
      if (down != nullptr) add_alembic_downgrade(r, down, "down.sql");
      return std::string("accepted");
    } catch (const Error& e) {
      return std::string(e.what());
    }
  };
  EXPECT_EQ(code("CREATE TABLE a (id int);\n", nullptr),
            "up.sql:1: SQL before the first `-- Running upgrade A -> B` line: not what `alembic upgrade --sql` writes");
  EXPECT_EQ(code("-- just a comment\n", nullptr),
            "up.sql: no `-- Running upgrade A -> B` line: not the output of `alembic upgrade --sql`");
  EXPECT_EQ(code("-- Running upgrade  -> abc\nSELECT 1;\n", "-- Running downgrade zzz -> \nSELECT 1;\n"),
            "down.sql: downgrade of revision zzz, which the upgrade output does not have");
  testing::TempDir tmp;
  std::vector<AlembicRevision> odd{{"../x", "SELECT 1;", std::nullopt}};
  EXPECT_THROW(write_alembic_revisions(tmp / "m", odd), Error);
  EXPECT_FALSE(std::filesystem::exists(tmp / "m"));
}

}  // namespace
}  // namespace strata::migrate
