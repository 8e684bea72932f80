#pragma once
// `strata jobs`: the background jobs of `strata serve` in a store (list, show, cancel), for the
// operator.
#include "command.h"

namespace strata::cli {

// Registers `jobs list`, `jobs show` and `jobs cancel` on `cmd` and returns its run (command.h).
Run setup_jobs(CLI::App& cmd);

}  // namespace strata::cli
