#pragma once
// What the drivers for database servers (PostgreSQL, MySQL) share: the session lock's bounded
// wait, the scratch database's name, and binding a history statement's duration.
#include <chrono>
#include <functional>
#include <string>

namespace strata::migrate {

// Calls `try_lock` (one non-blocking attempt on the server) until it returns true, pausing 2 ms
// and doubling up to 50 ms, for up to `timeout`; then Error(unavailable) "DISPLAY: another strata
// process holds the migration lock (waited N s)" with `hint`.
void wait_for_lock(const std::function<bool()>& try_lock, std::chrono::milliseconds timeout,
                   const std::string& display, const std::string& hint);

// strata_scratch_<pid>_<counter>_<random>: unique on the server, and recognisable.
std::string scratch_database_name();

// `sql` with :duration_ms replaced by `duration_ms` (3 decimals): servers take the bookkeeping
// statements as text.
std::string with_duration(std::string sql, double duration_ms);

}  // namespace strata::migrate
