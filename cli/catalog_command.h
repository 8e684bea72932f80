#pragma once
// `strata collections [list|remove]` and `strata documents [list|show|remove]`: what is in
// the knowledge store, and taking things out of it. The SQL is in core/store/catalog.
#include <functional>

namespace CLI {
class App;
}

namespace strata::cli {

void setup_collections(CLI::App& app, std::function<int()>& action);
void setup_documents(CLI::App& app, std::function<int()>& action);

}  // namespace strata::cli
