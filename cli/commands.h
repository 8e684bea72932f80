#pragma once
// The table of strata's commands, in the order `strata --help` lists them. app.cpp walks it:
// it adds each command with its name and summary, lets its setup register the options, and runs
// the one the command line chose (as ninja's kTools[] table drives its tools). A command's own
// files include command.h, never this header: only the entry point looks at the whole table.
#include <span>

#include "command.h"

namespace strata::cli {

std::span<const Command> commands();

}  // namespace strata::cli
