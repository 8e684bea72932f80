#pragma once
// `strata logs`: the answers `strata ask` has given, newest first, from the store's log.
#include "command.h"

namespace strata::cli {

// Registers `logs` and `logs show` on `cmd` and returns its run (command.h).
Run setup_logs(CLI::App& cmd);

}  // namespace strata::cli
