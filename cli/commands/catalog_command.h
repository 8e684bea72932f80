#pragma once
// `strata collections [list|remove]` and `strata documents [list|show|remove]`: what is in
// the knowledge store, and taking things out of it. The SQL is in core/store/catalog.
#include "command.h"

namespace strata::cli {

// Register the commands and their subcommands on `cmd`; each returns its run (command.h).
Run setup_collections(CLI::App& cmd);
Run setup_documents(CLI::App& cmd);

}  // namespace strata::cli
