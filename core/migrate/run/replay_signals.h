#pragma once
// Interrupts during a scratch replay (check --drift, --roundtrip). While one runs, SIGINT,
// SIGTERM and SIGHUP are remembered and the statement in flight is cancelled where the driver can
// (PostgreSQL's PQcancel is async-signal-safe): the replay stops before its next statement, the
// scratch database is dropped as the drivers unwind, and the signal is then raised again with the
// action it had before, so a ^C'd `check` leaves nothing behind.
#include <array>
#include <csignal>

namespace strata::migrate {

class ReplaySignals {
 public:
  // Called from the signal handler: must be async-signal-safe.
  using Cancel = void (*)(void* arg);

  ReplaySignals() = default;
  ReplaySignals(const ReplaySignals&) = delete;
  ReplaySignals& operator=(const ReplaySignals&) = delete;
  // Restores the previous actions, then raises a signal that arrived meanwhile.
  ~ReplaySignals();

  // Installs the handlers (once; a signal the caller ignores stays ignored) and makes `cancel`
  // (with `arg`) what a signal calls, when not null.
  void start(Cancel cancel = nullptr, void* arg = nullptr);
  // No more cancelling through `arg` (before what it points to goes).
  void stop_cancelling(void* arg);

  // The signal that arrived since start(), or 0.
  static int pending();

 private:
  static constexpr std::array<int, 3> k_signals{SIGINT, SIGTERM, SIGHUP};
  std::array<struct sigaction, 3> old_{};
  bool installed_ = false;
};

}  // namespace strata::migrate
