#pragma once
// `strata embed`: vectors for a collection's chunks (stored, cached, resumable), or for texts
// given on the command line or standard input (printed as JSON). The work is in core/embed;
// this file parses flags, reads text-mode input and prints progress, vectors and summaries.
#include "command.h"

namespace strata::cli {

// Registers `embed`'s options on `cmd` and returns its run (command.h).
Run setup_embed(CLI::App& cmd);

}  // namespace strata::cli
