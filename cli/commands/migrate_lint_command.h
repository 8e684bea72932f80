#pragma once
// `strata migrate lint FILE...`: check's lint rules over plain SQL files
// (core/migrate/check/sql_lint.h), printed as a table, JSON, GitHub Actions annotations or SARIF.
#include <optional>
#include <string>
#include <vector>

#include "migrate/public.h"
#include "output.h"

namespace strata::cli {

enum class LintFormat { table, json, github, sarif };

struct LintCommand {
  std::vector<std::string> files;  // "-": standard input
  migrate::DriverKind engine = migrate::k_default_engine;  // always set: --engine or the URL's
  LintFormat format = LintFormat::table;
  bool strict = false;
  bool ddl_lock_timeout = false;  // strata sets one (--ddl-lock-timeout, migrate.ddl_lock_timeout)
  std::string server_version;     // MySQL: --server-version, migrate.server_version
  OutputOptions out;
};

// How a finding's severity is shown in check's and lint's tables.
Tone severity_tone(migrate::Severity s);

// `report` with the settings its findings mention (common/setting.h) written as their flags: what
// check and lint print, in every format (and strata mcp's migrate_check, check's JSON).
migrate::CheckReport with_flags(migrate::CheckReport report);

// Exit: 0 clean, 2 usage (no such file, a file that is not a regular file), 3 an error found
// (with --strict, a warning too).
int run_lint(const LintCommand& command);

}  // namespace strata::cli
