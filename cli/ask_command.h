#pragma once
// `strata ask QUESTION`: a question over a collection, answered with checked citations, streamed
// as it arrives; or offline from the documents' own sentences when no model is configured. The
// work is in core/ask; this file parses flags and prints the answer, the sources and notes.
#include <functional>

namespace CLI {
class App;
}

namespace strata::cli {

// Adds `ask` to `app`; when it is chosen, `action` runs it and returns the exit code.
void setup_ask(CLI::App& app, std::function<int()>& action);

}  // namespace strata::cli
