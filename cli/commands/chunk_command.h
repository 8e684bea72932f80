#pragma once
// `strata chunk [FILE...|-]`: reads documents, splits them with core/chunk and writes the
// chunks as JSON Lines, one JSON array, or readable text. All the splitting is in core/chunk.
#include "command.h"

namespace strata::cli {

// Registers `chunk`'s options on `cmd` and returns its run (command.h).
Run setup_chunk(CLI::App& cmd);

}  // namespace strata::cli
