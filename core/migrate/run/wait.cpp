#include "migrate/run/wait.h"

#include "common/clock.h"
#include "migrate/engines/engines.h"
#include "migrate/run/database_admin.h"

namespace strata::migrate {
namespace {

// The history table is not read: any name does for opening read-only.
constexpr const char* k_any_table = "strata_migrations";

}  // namespace

WaitResult wait_for_database(Endpoint endpoint, std::chrono::milliseconds timeout) {
  const auto start = SteadyClock::now();
  const WaitFor wait_for = engine(endpoint.kind).wait_for;
  if (wait_for == WaitFor::file) {
    require_sqlite_folder(endpoint.path);
    // An existing file is opened, so that one that is not a database is named now, not at `up`.
    open_driver(endpoint, Access::read_only, k_any_table, std::chrono::milliseconds(0));
    return WaitResult{ms_since(start)};
  }
  endpoint.wait = timeout;
  // The server, not the database: `wait` comes before `create` in a compose file or CI job.
  if (wait_for == WaitFor::server) {
    engine(endpoint.kind).open_admin(endpoint, "");
    return WaitResult{ms_since(start)};
  }
  open_driver(endpoint, Access::read_only, k_any_table, timeout);
  return WaitResult{ms_since(start)};
}

}  // namespace strata::migrate
