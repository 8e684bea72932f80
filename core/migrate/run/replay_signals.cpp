#include "migrate/run/replay_signals.h"

namespace strata::migrate {
namespace {

volatile std::sig_atomic_t g_signal = 0;
// Set together while a driver can cancel its statement; the handler reads them.
ReplaySignals::Cancel volatile g_cancel = nullptr;
void* volatile g_cancel_arg = nullptr;

extern "C" void on_replay_signal(int sig) {
  g_signal = sig;
  if (ReplaySignals::Cancel cancel = g_cancel; cancel != nullptr) cancel(g_cancel_arg);
}

}  // namespace

ReplaySignals::~ReplaySignals() {
  if (!installed_) return;
  g_cancel = nullptr;
  for (std::size_t i = 0; i < k_signals.size(); ++i) sigaction(k_signals[i], &old_[i], nullptr);
  if (const int sig = g_signal; sig != 0) {
    g_signal = 0;
    std::raise(sig);
  }
}

void ReplaySignals::start(Cancel cancel, void* arg) {
  if (cancel != nullptr) {
    g_cancel = nullptr;
    g_cancel_arg = arg;
    g_cancel = cancel;
  }
  if (installed_) return;
  struct sigaction sa {};
  sa.sa_handler = on_replay_signal;
  sigemptyset(&sa.sa_mask);
  for (std::size_t i = 0; i < k_signals.size(); ++i) {
    sigaction(k_signals[i], nullptr, &old_[i]);
    // A signal the caller ignores (SIGINT in a background job of a script) stays ignored.
    if (old_[i].sa_handler != SIG_IGN) sigaction(k_signals[i], &sa, nullptr);
  }
  installed_ = true;
}

void ReplaySignals::stop_cancelling(void* arg) {
  if (g_cancel_arg == arg) g_cancel = nullptr;
}

int ReplaySignals::pending() { return g_signal; }

}  // namespace strata::migrate
