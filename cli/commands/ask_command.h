#pragma once
// `strata ask QUESTION`: a question over a collection, answered with checked citations, streamed
// as it arrives; or offline from the documents' own sentences when no model is configured. The
// work is in core/ask; this file parses flags and prints the answer, the sources and notes.
#include "command.h"

namespace strata::cli {

// Registers `ask`'s options on `cmd` and returns its run (command.h).
Run setup_ask(CLI::App& cmd);

}  // namespace strata::cli
