#pragma once
// The table of strata's commands, in the order `strata --help` lists them. app.cpp walks it:
// it adds each command with its name and summary, lets its setup register the options, and runs
// the one the command line chose (as ninja's kTools[] table drives its tools).
#include <functional>
#include <span>
#include <string_view>

#include "output.h"

namespace CLI {
class App;
}

namespace strata::cli {

// What a run gets from the entry point rather than from its own flags.
struct RunContext {
  ColorMode color = ColorMode::automatic;  // the command line's --color (chosen_color)
};

// A command's run, called once its command line is parsed: it reads the options its setup bound
// and returns the exit code. Throws strata::Error, which run() prints.
using Run = std::function<int(const RunContext&)>;

struct Command {
  std::string_view name;
  std::string_view summary;  // one line, for `strata --help`
  // Registers the command's options, subcommands and footer on `cmd` (already named and
  // summarised), and returns its run.
  Run (*setup)(CLI::App& cmd);
};

std::span<const Command> commands();

}  // namespace strata::cli
