#pragma once
// `strata search QUERY`: keyword, vector or hybrid retrieval over a collection, printed as a
// table on a terminal, tab-separated lines otherwise, or JSON Lines. The work is in
// core/search/searcher; this file parses flags and prints hits.
#include "command.h"

namespace strata::cli {

// Registers `search`'s options on `cmd` and returns its run (command.h).
Run setup_search(CLI::App& cmd);

}  // namespace strata::cli
