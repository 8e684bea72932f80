// Target: `strata migrate lint` (check's lint rules) over the bytes as a SQL file, with each
// engine's rules: PostgreSQL's read libpg_query's parse tree, SQLite's and MySQL's read words.
// The first byte picks the engine (0: PostgreSQL, 1: SQLite, 2: MySQL) and whether strata sets
// a lock timeout; the rest is the file (dbmate sections when marked, else run as written).
// Checks: lint never throws and never crashes, however deep the SQL nests (regressions: `SELECT
// 1+1+...` of 30,000 and 100,000 levels, 30,000 parentheses, which once overflowed the stack in
// libpg_query and in a copy of its tree); each finding has a code, a message and a line inside
// the file; a statement beyond lint's limits is an info finding, never an
// error; the exit code is 0 or 3.
#include <algorithm>

#include "fuzz_util.h"
#include "migrate/check/sql_lint.h"

namespace {

using namespace strata;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const std::uint8_t choice = in.byte();
  migrate::SqlLintOptions o;
  const migrate::DriverKind engines[] = {migrate::DriverKind::postgres, migrate::DriverKind::sqlite,
                                         migrate::DriverKind::mysql};
  o.dialect = engines[choice % 3];
  o.ddl_lock_timeout = (choice & 0x80) != 0;
  o.project_root = "/nonexistent-fuzz-project";
  const std::string text(in.rest());
  const std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  const migrate::CheckReport r = migrate::lint_sql({{"fuzz.sql", text}}, o);
  FUZZ_CHECK(r.exit_code == ExitCode::ok || r.exit_code == ExitCode::invalid_input, "exit code");
  for (const migrate::Finding& f : r.findings) {
    FUZZ_CHECK(!f.code.empty() && !f.message.empty(), "finding without a code or a message");
    FUZZ_CHECK(f.line <= lines, "line " + std::to_string(f.line) + " beyond the file's " + std::to_string(lines));
    if (f.code == "not-linted") FUZZ_CHECK(f.severity == migrate::Severity::info, "not-linted counted");
  }
  return 0;
}
