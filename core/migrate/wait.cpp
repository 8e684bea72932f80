#include "migrate/wait.h"

#include <filesystem>

#include "common/clock.h"
#include "common/error.h"

namespace strata::migrate {
namespace {

// The history table is not read: any name does for opening read-only.
constexpr const char* k_any_table = "strata_migrations";

void check_sqlite_folder(const std::string& path) {
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (folder.empty() || std::filesystem::is_directory(folder, ec)) return;
  throw Error(ExitCode::unavailable, path + ": the folder " + folder.string() + " does not exist",
              "create it, or give --database a path in an existing folder");
}

}  // namespace

WaitResult wait_for_database(Endpoint endpoint, std::chrono::milliseconds timeout) {
  const auto start = SteadyClock::now();
  if (endpoint.kind == DriverKind::sqlite) {
    check_sqlite_folder(endpoint.path);
    // An existing file is opened, so that one that is not a database is named now, not at `up`.
    open_driver(endpoint, Access::read_only, k_any_table, std::chrono::milliseconds(0));
    return WaitResult{ms_since(start)};
  }
  endpoint.wait = timeout;
  open_driver(endpoint, Access::read_only, k_any_table, timeout);
  return WaitResult{ms_since(start)};
}

}  // namespace strata::migrate
