#include "migrate/engines/server_locking.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <random>
#include <thread>

#include "common/error.h"

namespace strata::migrate {

void wait_for_lock(const std::function<bool()>& try_lock, std::chrono::milliseconds timeout,
                   const std::string& display, const std::string& hint) {
  // Polled rather than a blocking lock call, so that the wait is bounded on every server.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(2);
  while (!try_lock()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      throw Error(ExitCode::unavailable,
                  display + ": another strata process holds the migration lock (waited " +
                      std::to_string(timeout.count() / 1000) + " s)",
                  hint);
    }
    std::this_thread::sleep_for(pause);
    if (pause < std::chrono::milliseconds(50)) pause *= 2;
  }
}

std::string scratch_database_name() {
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  return "strata_scratch_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(rd() % 100000);
}

std::string with_duration(std::string sql, double duration_ms) {
  if (const std::size_t pos = sql.find(":duration_ms"); pos != std::string::npos) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", duration_ms);
    sql.replace(pos, 12, buf);
  }
  return sql;
}

}  // namespace strata::migrate
