#pragma once
// `strata migrate lint`: the lint rules of `check` (lint.h) over SQL files any tool wrote
// (Alembic's `upgrade --sql`, Django's `sqlmigrate`, Prisma's `migrate diff --script`, a
// hand-written script), without a migrations directory or a database.
#include <filesystem>
#include <string>
#include <vector>

#include "migrate/check/checker.h"
#include "migrate/engines/driver.h"

namespace strata::migrate {

struct SqlText {
  std::string path;     // as shown in findings ("-" for standard input)
  std::string content;
};

struct SqlLintOptions {
  DriverKind dialect = k_default_engine;
  bool strict = false;            // warnings count like errors
  bool ddl_lock_timeout = false;  // strata sets a lock timeout: no-lock-timeout does not apply
  std::filesystem::path project_root{};  // for attach-outside-project; empty: the file's folder
  // MySQL: the server to judge for (mysql_server.h); empty: MariaDB 10.11. Not a version: Error(usage).
  std::string server_version{};
};

// Lints each text in order (what one creates, the next knows: a column's type). A text with
// dbmate's `-- migrate:up` marker is read as a migration (its sections, their options); any other
// text runs as written, statement by statement, its own BEGIN/COMMIT included. The report's exit
// code is check's: 3 when an error (or, strict, a warning) is found, else 0.
CheckReport lint_sql(const std::vector<SqlText>& texts, const SqlLintOptions& o);

}  // namespace strata::migrate
