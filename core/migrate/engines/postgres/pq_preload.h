#pragma once
// Loads libpq (migrate/engines/postgres/pq_library.h) on another thread from construction on; the destructor
// waits for it. For a command that is about to connect to PostgreSQL: libpq and the twenty
// libraries it needs take about 6 ms to load, which then overlap parsing the command line and
// reading the configuration instead of delaying the connection. A failure to load is left for
// the connection to report.
#include <thread>

namespace strata::migrate {

class PqPreload {
 public:
  PqPreload();
  ~PqPreload();
  PqPreload(const PqPreload&) = delete;
  PqPreload& operator=(const PqPreload&) = delete;

 private:
  std::thread thread_;
};

}  // namespace strata::migrate
