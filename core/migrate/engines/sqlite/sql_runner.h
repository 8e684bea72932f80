#pragma once
// Runs a migration section statement by statement through SQLite's own prepare-tail loop, so
// triggers, BEGIN...END bodies and ';' inside literals need no splitter of ours.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "migrate/model/migration.h"
#include "migrate/model/section_location.h"

struct sqlite3;

namespace strata::migrate {

// Called after statement `index` (0-based) completed.
using StatementDone = std::function<void(std::size_t index)>;

// Runs every statement of `section` on `db`, skipping the first `skip` statements (to resume a
// half-done non-transactional migration). On failure throws Error(migration_failed) whose
// message is `file:line:column: <SQLite's message>` for the failing statement.
// Returns the number of statements in the section.
std::size_t run_section(sqlite3* db, const Section& section, std::size_t skip = 0,
                        const StatementDone& on_done = {});

// Byte offsets at which each statement of `sql` starts, found with sqlite3_complete() so the
// tables it names need not exist. Used to name the statement a half-done migration stopped at.
std::vector<std::size_t> statement_offsets(std::string_view sql);

}  // namespace strata::migrate
