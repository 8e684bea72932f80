#pragma once
// The SQLite library strata runs on, and what newer SQLite releases added. strata links the
// system SQLite (3.40.1 on Debian 12), while tools that bundle their own (dbmate bundles 3.51)
// accept functions and syntax it lacks: a failure caused by that gets a hint naming the version.
#include <optional>
#include <string>
#include <string_view>

namespace strata::migrate {

// The SQLite library in use, as sqlite3_libversion() reports it at run time ("3.40.1"): the
// shared library found when the program started, not the header it was built with.
std::string sqlite_version();

// For a SQLite error message `message` (without any "file:line:col: " prefix), the hint saying
// which SQLite release added the missing function or syntax, when that release is newer than
// `running` (a version in the sqlite_version() form); nullopt when the error is not one of
// those, or when `running` already has the feature (then something else is wrong).
// Example: ("no such function: jsonb", "3.40.1") ->
//   "jsonb() needs SQLite 3.45.0 or newer; strata uses the system SQLite 3.40.1"
std::optional<std::string> newer_sqlite_hint(std::string_view message, std::string_view running);

}  // namespace strata::migrate
