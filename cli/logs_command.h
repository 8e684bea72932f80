#pragma once
// `strata logs`: the answers `strata ask` has given, newest first, from the store's log.
#include <functional>

namespace CLI {
class App;
}

namespace strata::cli {

// Adds `logs` to `app`; when it is chosen, `action` runs it and returns the exit code.
void setup_logs(CLI::App& app, std::function<int()>& action);

}  // namespace strata::cli
