#pragma once
// `migrate check`: every finding about a migration directory and, optionally, a database,
// without writing anything (the database is opened read-only; no lock, no tables created).
// Replays run in a scratch database: in memory for SQLite, a scratch database created and dropped
// on the same server for PostgreSQL (a scratch schema, with a `scratch-schema` warning, when the
// role lacks CREATEDB).
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "migrate/model/placeholders.h"
#include "migrate/engines/driver.h"
#include "migrate/check/finding.h"
#include "migrate/model/migration.h"

namespace strata::migrate {

struct CheckOptions {
  std::optional<Endpoint> database;  // file checks only when absent
  std::string table = "strata_migrations";
  std::chrono::milliseconds busy_timeout{60000};
  bool drift = false;
  bool roundtrip = false;  // also replays every up section into an empty database first
  bool strict = false;  // warnings count like errors
  // A lock timeout strata sets for each migration (--ddl-lock-timeout, migrate.ddl_lock_timeout):
  // lint's no-lock-timeout does not apply.
  bool ddl_lock_timeout = false;
  // MySQL: the server lint judges for (mysql_server.h) when no database is connected; a connected
  // server's own VERSION() wins. Empty: MariaDB 10.11.
  std::string server_version{};
  Placeholders placeholders{};  // ${NAME} in the replays, as `up` expands them
  // Where the project starts: migration files that are links out of it are not read
  // (load_directories), and ATTACH or VACUUM INTO of a file out of it is a finding
  // (attach-outside-project). Default: empty, the migrations directory alone.
  std::filesystem::path project_root{};
  std::map<std::string, std::string> tool_variables{};  // Sqitch's --set (load_directories)
  // The baseline file to read (baseline.h). Default: none. With `baseline_optional`, a missing
  // file means no baseline (the default path) rather than an error.
  std::string baseline;
  bool baseline_optional = false;
  // When not empty, the current baselinable findings are written to this file instead of
  // reading `baseline`, and are baselined in the report.
  std::string write_baseline;
};

struct CheckReport {
  std::vector<Finding> findings;
  std::size_t applied = 0;
  std::vector<std::string> pending;  // versions
  bool database_checked = false;
  std::string baseline_file;     // the baseline read or written; empty when none
  std::size_t baselined = 0;     // findings it acknowledges
  ExitCode exit_code = ExitCode::ok;
  bool ok() const { return exit_code == ExitCode::ok; }
};

// Whether `f` sets the exit code: an error, a pending migration, or with `strict` a warning
// (scratch-schema never: it says where a replay ran, not what is wrong). Baselined findings aside.
bool counts(const Finding& f, bool strict);

CheckReport check(const MigrationSet& files, const CheckOptions& options);

// Reads `dirs` as one set (load_directories; throwing Error(invalid_input) when one is
// unreadable) and checks it. The database is opened on another thread while they are read.
CheckReport check_directories(const std::vector<std::string>& dirs, const CheckOptions& options);

}  // namespace strata::migrate
