#pragma once
// `strata search QUERY`: keyword, vector or hybrid retrieval over a collection, printed as a
// table on a terminal, tab-separated lines otherwise, or JSON Lines. The work is in
// core/search/searcher; this file parses flags and prints hits.
#include <functional>

namespace CLI {
class App;
}

namespace strata::cli {

// Adds `search` to `app`; when it is chosen, `action` runs it and returns the exit code.
void setup_search(CLI::App& app, std::function<int()>& action);

}  // namespace strata::cli
