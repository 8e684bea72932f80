#pragma once
// `strata migrate wait`: until the database accepts connections, for CI and compose files that
// start a server beside the migration (dbmate's `wait`).
#include <chrono>

#include "migrate/engines/driver.h"

namespace strata::migrate {

struct WaitResult {
  double waited_ms = 0;  // from the call until the database answered
};

// PostgreSQL: connects, retrying for `timeout` while the server does not accept connections yet
// (the retry of --wait; a wrong password or an unknown database is not waited for), then
// disconnects. SQLite has no server: ready at once when the file exists (and is a database) or
// its folder does (`up` creates the file); a missing folder is Error(unavailable) naming it.
// A timeout is Error(unavailable), the server's last answer as its message.
WaitResult wait_for_database(Endpoint endpoint, std::chrono::milliseconds timeout);

}  // namespace strata::migrate
