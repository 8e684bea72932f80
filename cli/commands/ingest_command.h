#pragma once
// `strata ingest PATH...|-`: documents into a collection of the knowledge store. All the work
// is in core/ingest; this file parses flags and prints.
#include "command.h"

namespace strata::cli {

// Registers `ingest`'s options on `cmd` and returns its run (command.h).
Run setup_ingest(CLI::App& cmd);

}  // namespace strata::cli
