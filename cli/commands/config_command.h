#pragma once
// `strata config`: the effective configuration (flags aside) and where each value came from;
// `strata config --path`: which configuration files were found. The work is in core/config; the
// configuration every command reads is in settings.h.
#include "command.h"

namespace strata::cli {

// Registers `config`'s options on `cmd` and returns its run (command.h).
Run setup_config(CLI::App& cmd);

}  // namespace strata::cli
