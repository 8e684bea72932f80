#pragma once
// `strata chat`: questions over a collection in one session, each answered as `strata ask`
// answers it (streamed, with sources) and each continuing the conversation; slash commands
// change the collection, the model, the conversation. On a terminal with line editing and
// history (line_editor.h); otherwise a question per line of standard input, for scripts. The
// session is core/ask/chat.h; this file reads lines and prints.
#include "command.h"

namespace strata::cli {

// Registers `chat`'s options on `cmd` and returns its run (command.h).
Run setup_chat(CLI::App& cmd);

}  // namespace strata::cli
