#pragma once
// `strata serve`: the knowledge store over HTTP (core/serve's routes on core/http's server).
// This file resolves the settings, starts the server and writes its log lines on stderr.
#include "command.h"

namespace strata::cli {

// Registers `serve`'s options on `cmd` and returns its run (command.h).
Run setup_serve(CLI::App& cmd);

}  // namespace strata::cli
