#pragma once
// `strata ingest PATH...|-`: documents into a collection of the knowledge store. All the work
// is in core/ingest; this file parses flags and prints.
#include <functional>

namespace CLI {
class App;
}

namespace strata::cli {

void setup_ingest(CLI::App& app, std::function<int()>& action);

}  // namespace strata::cli
