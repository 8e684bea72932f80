#pragma once
// `strata mcp`: the knowledge store and the project's migration reports as a Model Context
// Protocol server on stdin/stdout (core/mcp). This file resolves the settings and runs the loop.
#include "command.h"

namespace strata::cli {

// Registers `mcp`'s options on `cmd` and returns its run (command.h).
Run setup_mcp(CLI::App& cmd);

}  // namespace strata::cli
