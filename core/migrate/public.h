#pragma once
// The public face of core/migrate: the only header of the area that programs (cli/) include;
// the area's other headers are its own. cli/CMakeLists.txt checks it.
//
// Schema migrations: the migrator, `check`, baselines, new files, database URLs and the drivers'
// loading.
#include "migrate/check/baseline.h"  // IWYU pragma: export
#include "migrate/check/checker.h"  // IWYU pragma: export
#include "migrate/check/sql_lint.h"  // IWYU pragma: export
#include "migrate/run/database_admin.h"  // IWYU pragma: export
#include "migrate/model/database_url.h"  // IWYU pragma: export
#include "migrate/diff/migration_diff.h"  // IWYU pragma: export
#include "migrate/engines/engines.h"  // IWYU pragma: export
#include "migrate/engines/engine_url.h"  // IWYU pragma: export
#include "migrate/run/migrator.h"  // IWYU pragma: export
#include "migrate/model/alembic_import.h"  // IWYU pragma: export
#include "migrate/model/flyway_config.h"  // IWYU pragma: export
#include "migrate/model/migration_parser.h"  // IWYU pragma: export
#include "migrate/model/migration_source.h"  // IWYU pragma: export
#include "migrate/model/new_migration.h"  // IWYU pragma: export
#include "migrate/engines/sqlite/sqlite_features.h"  // IWYU pragma: export
#include "migrate/run/wait.h"  // IWYU pragma: export
