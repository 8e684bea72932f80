#pragma once
// `strata keys`: the API keys of a store, for `strata serve` (create, list, revoke).
#include "command.h"

namespace strata::cli {

// Registers `keys create`, `keys list` and `keys revoke` on `cmd` and returns its run (command.h).
Run setup_keys(CLI::App& cmd);

}  // namespace strata::cli
