#pragma once
// `strata embed`: vectors for a collection's chunks (stored, cached, resumable), or for texts
// given on the command line or standard input (printed as JSON). The work is in core/embed;
// this file parses flags, reads text-mode input and prints progress, vectors and summaries.
#include <functional>

namespace CLI {
class App;
}

namespace strata::cli {

// Adds `embed` to `app`; when it is chosen, `action` runs it and returns the exit code.
void setup_embed(CLI::App& app, std::function<int()>& action);

}  // namespace strata::cli
