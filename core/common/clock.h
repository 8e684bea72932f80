#pragma once
// Elapsed time for the timings commands report (search, ask, migrate, the chat client).
#include <chrono>

namespace strata {

using SteadyClock = std::chrono::steady_clock;

// Milliseconds, with fractions, from `start` to now on the steady clock.
inline double ms_since(SteadyClock::time_point start) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

}  // namespace strata
