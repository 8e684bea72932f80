#pragma once
// The public face of core/migrate: the only header of the area that programs (cli/) include;
// the area's other headers are its own. cli/CMakeLists.txt checks it.
//
// Schema migrations: the migrator, `check`, baselines, new files, database URLs and the drivers'
// loading.
#include "migrate/baseline.h"  // IWYU pragma: export
#include "migrate/checker.h"  // IWYU pragma: export
#include "migrate/database_admin.h"  // IWYU pragma: export
#include "migrate/database_url.h"  // IWYU pragma: export
#include "migrate/migration_diff.h"  // IWYU pragma: export
#include "migrate/migrator.h"  // IWYU pragma: export
#include "migrate/new_migration.h"  // IWYU pragma: export
#include "migrate/pq_preload.h"  // IWYU pragma: export
#include "migrate/sqlite_features.h"  // IWYU pragma: export
#include "migrate/wait.h"  // IWYU pragma: export
